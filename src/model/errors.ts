// Every rule or input error hvnet reports. Commands never build their own messages for a rule:
// they catch HvnetError and render `message` (Hyper-V's own sentence first, where Hyper-V has one)
// followed by `fix` (what to run instead). `code` is stable and part of the --json contract.
import {EngineInputError} from '../engine/errors.js'

export type HvnetErrorCode =
  | 'store-corrupt'
  | 'store-invalid'
  | 'store-locked'
  | 'store-newer'
  | 'invalid-name'
  | 'invalid-mac'
  | 'invalid-ip'
  | 'invalid-prefix'
  | 'invalid-value'
  | 'not-found'
  | 'duplicate-name'
  | 'adapter-in-use'
  | 'default-switch-immutable'
  | 'switch-in-use'
  | 'rule-violation'
  | 'malformed-frame'
  | 'lab-file-invalid'

export class HvnetError extends Error {
  readonly code: HvnetErrorCode
  /** One sentence that tells the user what to do instead. */
  readonly fix: string | undefined
  /** Process exit status: 1 for rule and input errors (the store is left unchanged). */
  readonly exit: number
  /** Every problem when there are several (a lab file's): `path: message`, one a line. */
  details: readonly string[] = []

  constructor(code: HvnetErrorCode, message: string, fix?: string, exit = 1) {
    super(message)
    this.name = 'HvnetError'
    this.code = code
    this.fix = fix
    this.exit = exit
  }

  /** The one-line form shown on stderr: the message, then the fix. */
  get line(): string {
    return this.fix ? `${this.message} ${this.fix}` : this.message
  }

  toJSON(): {code: HvnetErrorCode; details?: readonly string[]; exit: number; fix: string | null; message: string} {
    return {code: this.code, ...(this.details.length > 0 ? {details: this.details} : {}), exit: this.exit, fix: this.fix ?? null, message: this.message}
  }
}

/** The CIM cmdlets' not-found sentence (Get-NetNat, Get-NetIPAddress, …) for a filter that matched nothing. */
export function cimNotFound(cimClass: string, property: string, value: string): string {
  return `No ${cimClass} objects found with property '${property}' equal to '${value}'. Verify the value of the property and retry.`
}

/**
 * Runs engine work; an input the engine cannot run (EngineInputError) becomes the HvnetError the
 * CLI contract names: `store-invalid` for a configuration, `invalid-value` for an injection.
 */
export function engineWork<T>(work: () => T): T {
  try {
    return work()
  } catch (error) {
    if (error instanceof EngineInputError) throw new HvnetError(error.kind === 'configuration' ? 'store-invalid' : 'invalid-value', error.message, error.fix)
    throw error
  }
}
