// Files a command writes beside its output (`trace --pcap`, `check --junit`): one way to write
// them, and one error when the path cannot be written.
import fs from 'node:fs'

import {HvnetError} from './errors.js'

/** Writes `data` to `file`; `invalid-value` naming the flag when it cannot be written. */
export function writeReport(file: string, data: string | Uint8Array, flag: string): void {
  try {
    fs.writeFileSync(file, data)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new HvnetError('invalid-value', `The ${flag === '--pcap' ? 'capture' : 'report'} file ${file} cannot be written (${code}).`, `Give ${flag} a path in a directory that exists and that you can write to.`)
  }
}
