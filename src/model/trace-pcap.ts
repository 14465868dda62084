// `hvnet trace --pcap FILE`: apart from src/model/trace.ts so a trace without --pcap loads no capture writer.
import fs from 'node:fs'

import {traceToPcapng} from '../engine/trace/pcap.js'
import {HvnetError} from './errors.js'
import type {LabTrace} from './trace.js'

/** `--pcap FILE`: every frame of the trace on every link, in one pcapng. */
export function writeTracePcap(file: string, trace: LabTrace): void {
  try {
    fs.writeFileSync(file, traceToPcapng(trace.run))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new HvnetError('invalid-value', `The capture file ${file} cannot be written (${code}).`, 'Give --pcap a path in a directory that exists and that you can write to.')
  }
}
