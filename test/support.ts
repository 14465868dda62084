// Shared test support: temp stores, the real binary, and in-process commands.
import {Config} from '@oclif/core'
import assert from 'node:assert/strict'
import {execa} from 'execa'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

/** The repository root (the directory holding package.json), from dist/test/ or test/. */
export const repoRoot = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir)
  return dir
})()

export const binRun = path.join(repoRoot, 'bin', 'run.js')

/** The example labs shipped in examples/ (each a directory holding lab.yaml), read from disk so a new one is tested too. */
export const EXAMPLES: readonly string[] = (() => {
  const dir = path.join(repoRoot, 'examples')
  const names = fs.readdirSync(dir).filter((n) => fs.existsSync(path.join(dir, n, 'lab.yaml'))).sort()
  assert.ok(names.length >= 3, `examples/ holds ${names.length} labs`)
  return names
})()

/** The lab file of one example. */
export function examplePath(name: string): string {
  return path.join(repoRoot, 'examples', name, 'lab.yaml')
}

const tempDirs: string[] = []
process.once('exit', () => {
  for (const dir of tempDirs) fs.rmSync(dir, {force: true, recursive: true})
})

/** A fresh temp directory and a lab file path inside it (not created); removed when the test file's process exits. */
export function tempLab(name = 'lab.json'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hvnet-test-'))
  tempDirs.push(dir)
  return path.join(dir, name)
}

export interface CliResult {
  stdout: string
  stderr: string
  exitCode: number
}

/** Runs the real binary with a clean environment (no colour, the given lab). */
export async function cli(args: string[], options: {lab?: string; env?: Record<string, string | undefined>} = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = {...process.env, FORCE_COLOR: '0', HVNET_CONFIG: options.lab, NO_COLOR: '1', ...options.env}
  const result = await execa(process.execPath, [binRun, ...args], {cwd: repoRoot, env, extendEnv: false, reject: false, stdin: 'ignore'})
  return {exitCode: result.exitCode ?? -1, stderr: String(result.stderr), stdout: String(result.stdout)}
}

/** Runs the real binary and parses its --json stdout. */
export async function cliJson<T = unknown>(args: string[], lab: string): Promise<{exitCode: number; json: T; stderr: string}> {
  const r = await cli([...args, '--json'], {lab})
  return {exitCode: r.exitCode, json: JSON.parse(r.stdout) as T, stderr: r.stderr}
}

export interface InProcessResult<T> {
  stdout: string
  stderr: string
  result: T | undefined
  exitCode: number
  /** The error's message, as the user would see it on stderr. */
  error: string | undefined
}

let loaded: Promise<Config> | undefined

/** Splits `vswitch new NAME ...` into the command id `vswitch:new` and its argv. */
function commandOf(config: Config, args: string[]): {id: string; argv: string[]} {
  for (let n = Math.min(args.length, 4); n > 0; n--) {
    const id = args.slice(0, n).join(':')
    if (config.findCommand(id)) return {argv: args.slice(n), id}
  }
  throw new Error(`no hvnet command in: ${args.join(' ')}`)
}

/** Runs a command in this process (milliseconds) against the given lab file. */
export async function run<T = unknown>(args: string[], lab: string): Promise<InProcessResult<T>> {
  const {redirectOutput} = await import(pathToFileURL(path.join(repoRoot, 'dist/src/cli/output.js')).href)
  loaded ??= Config.load({root: repoRoot})
  const config = await loaded
  const {argv, id} = commandOf(config, args)
  let stdout = ''
  let stderr = ''
  const restore = redirectOutput({err: (t: string) => { stderr += t }, out: (t: string) => { stdout += t }})
  const saved = process.env.NO_COLOR
  process.env.NO_COLOR = '1'
  // The runner sets process.exitCode when a test fails; only the command's own setting counts here.
  const runnerExitCode = process.exitCode
  process.exitCode = undefined
  try {
    const result = (await config.runCommand(id, [...argv, '--config', lab])) as T
    // Under --json oclif reports an error on stdout and sets process.exitCode instead of throwing.
    return {error: undefined, exitCode: Number(process.exitCode ?? 0), result, stderr, stdout}
  } catch (error) {
    const exit = (error as {oclif?: {exit?: number}}).oclif?.exit ?? 1
    return {error: (error as Error).message, exitCode: exit, result: undefined, stderr, stdout}
  } finally {
    restore()
    // Commands set process.exitCode on errors; the test process itself must not inherit it.
    process.exitCode = runnerExitCode
    if (saved === undefined) delete process.env.NO_COLOR
    else process.env.NO_COLOR = saved
  }
}

/** Runs a command that must succeed; returns its --json result. */
export async function ok<T = unknown>(args: string[], lab: string): Promise<T> {
  const r = await run<T>(args, lab)
  if (r.exitCode !== 0) throw new Error(`hvnet ${args.join(' ')} failed (exit ${r.exitCode}): ${r.error}`)
  return r.result as T
}

/** The lab file's exact bytes, or null when it does not exist. */
export function snapshot(file: string): Buffer | null {
  return fs.existsSync(file) ? fs.readFileSync(file) : null
}

/**
 * Runs a command that must be refused: exit 1, the message matching, the lab file byte-identical,
 * and, when `code` is given, the same refusal under --json carrying that code.
 */
export async function assertRefused(lab: string, args: string[], message: RegExp, code?: string): Promise<void> {
  const before = snapshot(lab)
  const r = await run(args, lab)
  assert.equal(r.exitCode, 1, r.error)
  assert.match(r.error ?? '', message)
  assert.deepEqual(snapshot(lab), before)
  if (code !== undefined) {
    // In process, oclif prints a --json error and returns; the exit status is the real binary's to prove.
    const json = await run([...args, '--json'], lab)
    assert.equal(JSON.parse(json.stdout).error.code, code)
    assert.deepEqual(snapshot(lab), before)
  }
}
