// The base of every hvnet command: the --config flag, --json, and the one error contract.
// Commands stay thin: parse flags, call one model or engine function, render unless --json.
import {Command, Errors, Flags} from '@oclif/core'

import type {LoadedLab, TransactionResult} from '../model/store.js'
import type {Lab} from '../model/schema.js'

import {HvnetError} from '../model/errors.js'
import {output} from './output.js'
import {readLab, resolveLabPath, transact} from '../model/store.js'

export abstract class HvnetCommand extends Command {
  static override baseFlags = {
    config: Flags.string({
      description: 'The store to use, a JSON file (default: $HVNET_CONFIG, else the per-user store; see `hvnet config path`).',
      helpGroup: 'GLOBAL',
    }),
  }

  static override enableJsonFlag = true

  override log(message = '', ...args: unknown[]): void {
    const text = args.length > 0 ? [message, ...args].join(' ') : message
    output().out(`${text}\n`)
  }

  override logJson(json: unknown): void {
    output().out(`${JSON.stringify(json, null, 2)}\n`)
  }

  /** The lab file chosen by --config, HVNET_CONFIG or the default. */
  protected async labFile(): Promise<string> {
    const {flags} = await this.parse(this.constructor as typeof HvnetCommand)
    return resolveLabPath((flags as {config?: string}).config)
  }

  protected async loadLab(): Promise<LoadedLab> {
    return readLab(await this.labFile())
  }

  /** Runs a model change under the store's lock; a refused change leaves the file untouched. */
  protected async change<T>(rule: (lab: Lab, store: {exists: boolean}) => T): Promise<TransactionResult<T>> {
    return transact(await this.labFile(), rule)
  }

  /**
   * Every error leaves as one line on stderr (`Error: what is wrong. What to do.`), or as JSON on
   * stdout under --json, with the exit status of the table in the README.
   */
  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    let cliError: Errors.CLIError
    if (error instanceof HvnetError) {
      cliError = new Errors.CLIError(error.line, {code: error.code, exit: error.exit})
      Object.assign(cliError, {details: error.details, fix: error.fix ?? null, hvnetMessage: error.message})
    } else if (error instanceof Errors.CLIError || error.oclif?.exit !== undefined) {
      cliError = error as Errors.CLIError
    } else {
      // A bug, not a user error: keep oclif's full report with the stack.
      return super.catch(error)
    }
    const line = cliError.message.replaceAll(/\s*\n\s*/g, ' ').trim()
    process.exitCode = cliError.oclif.exit ?? 1
    if (this.jsonEnabled()) {
      Object.assign(cliError, {hvnetMessage: (cliError as {hvnetMessage?: string}).hvnetMessage ?? line})
      if (!(error instanceof HvnetError)) Object.assign(cliError, {code: cliError.oclif.exit === 2 ? 'usage' : cliError.code ?? 'error'})
      return super.catch(cliError)
    }
    const {colours} = await import('../render/colour.js')
    const c = await colours()
    // Several problems (a lab file's): one a line, then the one-line summary.
    for (const detail of (cliError as {details?: readonly string[]}).details ?? []) output().err(`  ${detail}\n`)
    output().err(`${c.red('Error:')} ${line}\n`)
    Object.assign(cliError, {skipOclifErrorHandling: true})
    throw cliError
  }

  /** Errors under --json: `{"error": {"code", "message", "fix", "exit"}}` on stdout. */
  protected override toErrorJson(error: unknown): unknown {
    const e = error as {code?: string; details?: readonly string[]; fix?: string | null; hvnetMessage?: string; message?: string; oclif?: {exit?: number}}
    return {
      error: {
        code: e.code ?? 'error',
        ...(e.details && e.details.length > 0 ? {details: e.details} : {}),
        exit: e.oclif?.exit ?? 1,
        fix: e.fix ?? null,
        message: e.hvnetMessage ?? e.message ?? String(error),
      },
    }
  }
}
