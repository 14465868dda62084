// `hvnet frame decode` output: per frame, the one-line summary (numbered when there are several),
// where a captured frame came from, then the engine's layered form (describeFrame) with its
// checksum verdicts. Findings are coloured on a terminal only.
import type {FrameResult} from '../model/frames.js'

import {describeFrame, summarizeFrame} from '../engine/wire/index.js'
import {colours} from './colour.js'

export async function renderFrames(results: readonly FrameResult[]): Promise<string> {
  const c = await colours()
  const numbered = results.length > 1
  const blocks = results.map((r) => {
    const out = [c.bold(`${numbered ? `#${r.index} ` : ''}${summarizeFrame(r.decoded)}`)]
    if (r.capture) {
      const cap = r.capture
      const parts = [`interface ${JSON.stringify(cap.interfaceName)}`, `time ${cap.timestamp} s`]
      if (cap.originalLength !== r.decoded.length) parts.push(`${cap.originalLength} bytes on the wire, ${r.decoded.length} captured`)
      out.push(`Capture: ${parts.join(', ')}`)
      if (cap.comment !== '') for (const line of cap.comment.split('\n')) out.push(`  comment ${line}`)
    }
    for (const line of describeFrame(r.decoded)) {
      if (line.startsWith('! stopped')) out.push(c.red(line))
      else if (line.startsWith('! ') || line.includes('[incorrect')) out.push(c.yellow(line))
      else out.push(line)
    }
    return out.join('\n')
  })
  return blocks.join('\n\n')
}
