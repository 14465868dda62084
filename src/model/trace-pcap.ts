// `hvnet trace --pcap FILE`: apart from src/model/trace.ts so a trace without --pcap loads no capture writer.
import {traceToPcapng} from '../engine/trace/pcap.js'
import {writeReport} from './report-file.js'
import type {LabTrace} from './trace.js'

/** `--pcap FILE`: every frame of the trace on every link, in one pcapng. */
export function writeTracePcap(file: string, trace: LabTrace): void {
  writeReport(file, traceToPcapng(trace.run), '--pcap')
}
