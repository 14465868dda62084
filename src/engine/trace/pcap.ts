// `hvnet trace --pcap FILE`: every frame on every link, dropped ones included, in one pcapng with
// one interface per place (named as the hop's location: `vm web/Network Adapter`, `switch
// NATSwitch`, `nat MyNAT`) and, on each packet, a comment with its hop, direction, actions and
// reasons, so Wireshark shows the whole path and why. Timestamps are the virtual clock in µs.
import type {Step} from '../observe.js'
import {writePcapng} from '../wire/pcap.js'
import type {PcapWriteRecord} from '../wire/pcap.js'
import {analyzeTrace} from './result.js'
import type {AnalyzedHop, TraceFlowSpec} from './result.js'

export function placeLabel(p: {readonly kind: string; readonly name: string}): string {
  return `${p.kind} ${p.name}`
}

function stepNote(s: Step): string {
  let note = `${s.action} ${s.reason}`
  if (s.ref !== null) note += ` [${s.ref}]`
  if (s.changes !== undefined && s.changes.length > 0) note += ` ${s.changes.map((c) => `${c.field} ${c.before} -> ${c.after}`).join(', ')}`
  return note
}

/** A hop's steps cut where a translation changed the frame: one packet per distinct frame. */
function segments(hop: AnalyzedHop): Step[][] {
  const out: Step[][] = []
  for (const s of hop.steps) {
    if (out.length === 0 || s.action === 'transformed') out.push([s])
    else out[out.length - 1].push(s)
  }
  return out
}

/** The records of the trace's pcapng, in virtual-time order (exported for tests and other writers). */
export function traceCaptureRecords(flow: TraceFlowSpec, steps: readonly Step[]): PcapWriteRecord[] {
  const records: PcapWriteRecord[] = []
  for (const hop of analyzeTrace(flow, steps)) {
    const head = `hop ${hop.index} ${hop.direction}${hop.preliminary === null ? '' : ` (${hop.preliminary})`} at ${placeLabel(hop.place)}`
    for (const seg of segments(hop)) {
      records.push({
        interfaceName: placeLabel(hop.place),
        timestamp: BigInt(Math.round(seg[0].timeMs * 1000)),
        bytes: seg[0].frame,
        comment: `${head}: ${seg.map(stepNote).join('; ')}`,
      })
    }
  }
  return records
}

/** The whole trace as a pcapng file (bytes; the caller writes them). */
export function traceToPcapng(input: {readonly flow: TraceFlowSpec; readonly steps: readonly Step[]}): Uint8Array {
  return writePcapng(traceCaptureRecords(input.flow, input.steps), {application: 'hvnet trace'})
}
