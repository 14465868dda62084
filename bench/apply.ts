// `hvnet apply -f lab.yaml` on a 1,024-VM lab document (issue 10's target: under 3 seconds): the
// big lab of vms.ts (4 adapters each, VLANs, ACLs, static addresses, half running) exported as
// YAML, applied by the real binary into an empty store, then applied again (the idempotent run
// that plans `no changes`). Cold processes, as CI runs them.
import fs from 'node:fs'
import path from 'node:path'

import {exportLab, formatLabFile} from '../src/model/labfile.js'
import {median, repoRoot, scratchDir, timeProcess} from './support.js'
import {bigLab} from './vms.js'

const RUNS = 3

export async function run(print: (line: string) => void): Promise<void> {
  const dir = scratchDir('hvnet-bench-apply-')
  const labFile = path.join(dir, 'lab.yaml')
  const yaml = await formatLabFile(exportLab(bigLab()), 'yaml')
  fs.writeFileSync(labFile, yaml)
  const store = path.join(dir, 'store.json')
  const env = {...process.env, HVNET_CONFIG: store, NO_COLOR: '1'}
  const bin = path.join(repoRoot(), 'bin/run.js')
  const first: number[] = []
  const again: number[] = []
  for (let i = 0; i < RUNS; i++) {
    fs.rmSync(store, {force: true})
    first.push(timeProcess([bin, 'apply', '-f', labFile], env).ms)
    again.push(timeProcess([bin, 'apply', '-f', labFile], env).ms)
  }
  print(`apply 1,024-VM lab file into an empty store: ${median(first).toFixed(0)} ms (median of ${RUNS}, cold process; ${(yaml.length / 1024).toFixed(0)} KiB of YAML, 4,096 adapters; target < 3,000 ms)`)
  print(`apply the same file again (no changes): ${median(again).toFixed(0)} ms (median of ${RUNS})`)
}
