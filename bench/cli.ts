// Cold start of the real binary: `hvnet vswitch list --json` beside `node -e 0`, interleaved in
// one run so both see the same machine state; medians of RUNS runs each, and their ratio.
import path from 'node:path'

import {median, repoRoot, scratchDir, timeProcess} from './support.js'

const RUNS = 15

const timeOnce = (args: string[], env: NodeJS.ProcessEnv): number => timeProcess(args, env).ms

export async function run(print: (line: string) => void): Promise<void> {
  const root = repoRoot()
  const lab = path.join(scratchDir('hvnet-bench-'), 'lab.json')
  const env = {...process.env, HVNET_CONFIG: lab, NO_COLOR: '1'}
  const hvnet = [path.join(root, 'bin/run.js'), 'vswitch', 'list', '--json']
  // A lab on disk with a few switches, as a user would have.
  for (const name of ['NATSwitch', 'Lab', 'Isolated']) timeOnce([path.join(root, 'bin/run.js'), 'vswitch', 'new', name, '--type', 'internal'], env)
  timeOnce(['-e', '0'], env)
  timeOnce(hvnet, env)
  const bare: number[] = []
  const cli: number[] = []
  for (let i = 0; i < RUNS; i++) {
    bare.push(timeOnce(['-e', '0'], env))
    cli.push(timeOnce(hvnet, env))
  }
  const b = median(bare)
  const c = median(cli)
  print(`cold start, median of ${RUNS} interleaved runs each:`)
  print(`  node -e 0                   ${b.toFixed(1)} ms`)
  print(`  hvnet vswitch list --json   ${c.toFixed(1)} ms`)
  print(`  ratio                       ${(c / b).toFixed(2)}x   (target < 3x; unbundled, a minimal oclif command measures about 2.9x here)`)
}
