// Flag shapes shared by several commands.
import {Flags} from '@oclif/core'

/** A PowerShell Boolean parameter: `--flag=true` or `--flag=false`. */
export const booleanValue = (description: string) =>
  Flags.option({description, options: ['true', 'false'] as const})()

export function toBoolean(value: 'false' | 'true' | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'true'
}

export const force = Flags.boolean({char: 'f', default: false, description: 'Do it without asking (hvnet never prompts).'})
