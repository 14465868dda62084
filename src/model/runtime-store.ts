// The runtime file: the state of the simulated network that outlives one command (DHCP leases,
// ARP caches, learned MACs, NAT sessions, the virtual clock), kept beside the lab file
// (`lab.json` → `lab.runtime.json`) and never inside it, so a lab kept in git stays clean.
// It is written under the lab's own lock with the lab store's atomic write.
//
// What the document holds is the engine's (its RuntimeState); this file checks only its envelope,
// a JSON object with a positive integer `schemaVersion`. A file that is unreadable, not JSON or
// not such an object is reported and never overwritten; `hvnet runtime reset` removes it.
import fs from 'node:fs'
import path from 'node:path'

import type {Lab} from './schema.js'

import {HvnetError} from './errors.js'
import {readLab, withLock, writeAtomically} from './store.js'

/** The runtime document as stored: the engine's state inside an envelope this file checks. */
export interface RuntimeDocument {
  readonly schemaVersion: number
  readonly [key: string]: unknown
}

const RESET = 'Start the runtime state over with `hvnet runtime reset` (leases, caches, sessions and the virtual clock start fresh; the lab is not touched).'

/** `lab.json` → `lab.runtime.json`; a lab file not ending in `.json` gets `.runtime.json` appended. */
export function runtimePathOf(labFile: string): string {
  const extension = path.extname(labFile)
  const base = extension.toLowerCase() === '.json' ? labFile.slice(0, -extension.length) : labFile
  return `${base}.runtime.json`
}

/** `store-corrupt` naming the runtime file and what is wrong with it, with the fix `hvnet runtime reset`. */
export function corruptRuntime(file: string, what: string, fix = RESET): HvnetError {
  return new HvnetError('store-corrupt', `The runtime file ${file} ${what}; it was left as it is.`, fix)
}

/** The envelope's problem, or undefined for a runtime document. */
function envelopeProblem(document: unknown): string | undefined {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return 'is not a JSON object'
  const version = (document as Record<string, unknown>).schemaVersion
  if (version === undefined) return 'has no schemaVersion'
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return `has schemaVersion ${JSON.stringify(version)}, not a positive integer`
  return undefined
}

/** Parses a runtime file's text; throws `store-corrupt` naming the file and the problem. */
export function parseRuntime(text: string, file: string): RuntimeDocument {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw corruptRuntime(file, `is not valid JSON (${(error as Error).message})`)
  }
  const problem = envelopeProblem(document)
  if (problem) throw corruptRuntime(file, `is not a runtime document (it ${problem})`)
  return document as RuntimeDocument
}

/** The runtime document beside a lab file; null when there is none yet (a network never run). */
export function readRuntime(labFile: string): RuntimeDocument | null {
  const file = runtimePathOf(labFile)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    if (code === 'EISDIR') throw corruptRuntime(file, 'is a directory', `Move it out of the way: hvnet keeps runtime state in a file of that name.`)
    throw corruptRuntime(file, `cannot be read (${code ?? (error as Error).message})`, `Check its permissions, or ${RESET.charAt(0).toLowerCase()}${RESET.slice(1)}`)
  }
  return parseRuntime(text, file)
}

export function serializeRuntime(runtime: RuntimeDocument): string {
  return JSON.stringify(runtime) + '\n'
}

export interface RuntimeChange<T> {
  result: T
  /** The runtime document to keep: written when it differs from the one read. */
  runtime: RuntimeDocument
}

export interface RuntimeTransactionResult<T> {
  result: T
  changed: boolean
  /** The runtime file. */
  file: string
}

/**
 * Read the lab and the runtime, run `change`, write the runtime atomically: all under the lab's
 * lock, so no other hvnet process changes the lab or the runtime in between. `change` gets the
 * runtime file's path, to name it in errors. The lab is only read
 * (never written here): `change` must not modify it. When `change` throws, nothing is written. A
 * corrupt lab or runtime file is reported before `change` runs, and left as it is.
 */
export async function transactRuntime<T>(labFile: string, change: (lab: Lab, runtime: RuntimeDocument | null, file: string) => RuntimeChange<T>): Promise<RuntimeTransactionResult<T>> {
  const file = runtimePathOf(labFile)
  return withLock(labFile, async () => {
    const {lab} = readLab(labFile)
    const before = readRuntime(labFile)
    const {result, runtime} = change(lab, before, file)
    const problem = envelopeProblem(runtime)
    // A bug in the caller, not a user's mistake: the store must never hold what it would refuse to read.
    if (problem) throw new Error(`The runtime document to write ${problem}.`)
    const text = serializeRuntime(runtime)
    const changed = before === null || serializeRuntime(before) !== text
    if (changed) await writeAtomically(file, runtime, serializeRuntime)
    return {changed, file, result}
  })
}

/** `hvnet runtime reset`: removes the runtime file (a corrupt one too), under the lab's lock. */
export async function resetRuntime(labFile: string): Promise<{file: string; removed: boolean}> {
  const file = runtimePathOf(labFile)
  return withLock(labFile, async () => {
    try {
      fs.unlinkSync(file)
      return {file, removed: true}
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return {file, removed: false}
      if (code === 'EISDIR' || code === 'EPERM') {
        if (fs.statSync(file).isDirectory()) throw corruptRuntime(file, 'is a directory', 'Move it out of the way: hvnet removes only a runtime file.')
      }
      throw error
    }
  })
}
