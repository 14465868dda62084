// What the bench modules share: where the repository is, scratch directories, labs as hvnet stores
// them, medians, and the three ways a figure is taken (a real binary's wall time, a piece of work's
// CPU time, a rate of iterations per second).
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import type {Lab} from '../src/model/schema.js'
import {parseLab, serializeLab} from '../src/model/store.js'

export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir)
  return dir
}

/** A fresh temporary directory, removed when the process exits. */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  process.once('exit', () => fs.rmSync(dir, {force: true, recursive: true}))
  return dir
}

/**
 * A lab's text as hvnet stores it. Every write goes through the schema check, which puts each
 * object's keys in schema order; a lab built in memory through the model API has them in the order
 * its functions wrote them, which hvnet never writes and reads only by the slower full check.
 */
export function storedText(lab: Lab): string {
  return serializeLab(parseLab(serializeLab(lab), 'bench lab'))
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Runs `node ARGS` to its end and returns its wall time (ms) and the bytes it wrote to stdout
 * (counted only with `stdout: true`; else it is discarded). An exit status other than those in
 * `exitCodes` (default 0) stops the bench.
 */
export function timeProcess(args: string[], env: NodeJS.ProcessEnv, options: {exitCodes?: readonly number[]; stdout?: boolean} = {}): {ms: number; stdoutBytes: number} {
  const start = process.hrtime.bigint()
  const r = spawnSync(process.execPath, args, {env, maxBuffer: 1 << 30, stdio: ['ignore', options.stdout ? 'pipe' : 'ignore', 'inherit']})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (!(options.exitCodes ?? [0]).includes(r.status ?? -1)) throw new Error(`${args.join(' ')} exited ${r.status}`)
  return {ms, stdoutBytes: r.stdout?.length ?? 0}
}

/** The CPU time (ms, every thread of this process) that `work` takes. */
export function cpuMs(work: () => unknown): number {
  const start = process.cpuUsage()
  work()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}

/** The wall time (ms) that `work` takes in this process. */
export function wallMs(work: () => unknown): number {
  const start = performance.now()
  work()
  return performance.now() - start
}

/**
 * Runs batch(n) once with `warmUp` iterations, then in chunks of `chunk` for about `durationMs`
 * (n iterations inside batch, so each measured loop is its own monomorphic call site). Returns
 * iterations per wall-clock second and per CPU-second of this process (user + system: on a shared
 * machine the second is what one core does when it is ours, the first what we got), and the sum of
 * what the batches returned (print it conditionally so that the work is not optimized away).
 */
export function rate(options: {warmUp: number; chunk: number; durationMs: number}, batch: (n: number) => number): {perSecond: number; perCpuSecond: number; sink: number} {
  let sink = batch(options.warmUp)
  let n = 0
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  let t = t0
  while (t - t0 < options.durationMs) {
    sink += batch(options.chunk)
    n += options.chunk
    t = performance.now()
  }
  const c = process.cpuUsage(c0)
  return {perSecond: (n * 1000) / (t - t0), perCpuSecond: (n * 1e6) / (c.user + c.system), sink}
}
