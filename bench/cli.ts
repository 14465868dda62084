// Cold start of the real binary: `hvnet vswitch list --json` beside `node -e 0`, interleaved in
// one run so both see the same machine state; medians of RUNS runs each, and their ratio.
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import type {Lab} from '../src/model/schema.js'
import {parseLab, serializeLab} from '../src/model/store.js'

const RUNS = 15

export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir)
  return dir
}

function timeOnce(args: string[], env: NodeJS.ProcessEnv): number {
  const start = process.hrtime.bigint()
  const r = spawnSync(process.execPath, args, {env, stdio: ['ignore', 'ignore', 'inherit']})
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`)
  return Number(process.hrtime.bigint() - start) / 1e6
}

/**
 * A lab's text as hvnet stores it. Every write goes through the schema check, which puts each
 * object's keys in schema order; a lab built in memory through the model API has them in the order
 * its functions wrote them, which hvnet never writes and reads only by the slower full check.
 */
export function storedText(lab: Lab): string {
  return serializeLab(parseLab(serializeLab(lab), 'bench lab'))
}

/** A fresh temporary directory, removed when the process exits. */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  process.once('exit', () => fs.rmSync(dir, {force: true, recursive: true}))
  return dir
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

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
