// Frames given by a user, for `hvnet frame decode`: one hex string, a text file of hex lines, or a
// capture file (pcap or pcapng, told apart by their magic numbers). Input errors are HvnetErrors
// naming the line or file and the fix; decoding itself is the engine's (src/engine/wire), which
// never throws. Reading a file is the only I/O here; the engine gets bytes.

import {readFile} from 'node:fs/promises'

import type {DecodedFrame, Json} from '../engine/wire/index.js'

import {HvnetError} from './errors.js'
import {decodeFrame, frameToJson, readCapture, LINKTYPE_ETHERNET, WireError} from '../engine/wire/index.js'

/** Hyper-V's largest "Jumbo Packet" setting (frame without FCS), allowed by `--jumbo`. */
export const JUMBO_FRAME_LEN = 9014

/** One frame as given, before decoding. */
export interface FrameInput {
  readonly bytes: Uint8Array
  /** Line of a hex-lines file (1-based), or null. */
  readonly line: number | null
  /** For a frame read from a pcap or pcapng file. */
  readonly capture: CaptureInfo | null
}

export interface CaptureInfo {
  /** pcapng if_name; '' in a classic pcap file. */
  readonly interfaceName: string
  /** Seconds since the epoch of the capture (the lab's virtual clock for hvnet traces), as a decimal string: exact to the nanosecond. */
  readonly timestamp: string
  /** pcapng opt_comment ('' when absent). */
  readonly comment: string
  /** Length on the wire; above the frame's length when the capture kept only a snapshot. */
  readonly originalLength: number
}

export interface FrameResult {
  /** 1-based, in input order. */
  readonly index: number
  readonly line: number | null
  readonly capture: CaptureInfo | null
  readonly decoded: DecodedFrame
}

const HEX_FIX = 'Give each frame as pairs of hex digits, e.g. ffffffffffff00155d64000b0806... (spaces, colons and a leading 0x are ignored).'

/**
 * The bytes of one frame written as hex: whitespace and colons between digits and a `0x` before a
 * group are ignored. `where` names the place in messages ("line 3 of frames.txt").
 */
export function parseHexFrame(text: string, where: string): Uint8Array {
  const digits = text.replaceAll(/(^|[\s:])0[xX]/g, '$1').replaceAll(/[\s:]/g, '')
  const bad = /[^0-9a-fA-F]/.exec(digits)
  if (bad) {
    throw new HvnetError('invalid-value', `${where}: ${JSON.stringify(bad[0])} is not a hex digit.`, HEX_FIX)
  }
  if (digits.length === 0) throw new HvnetError('invalid-value', `${where} holds no bytes.`, HEX_FIX)
  if (digits.length % 2 !== 0) {
    throw new HvnetError('invalid-value', `${where} has ${digits.length} hex digits, an odd number: a frame is whole bytes.`, 'Check the frame for a missing or extra digit.')
  }
  const out = new Uint8Array(digits.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** The one frame given as a HEX argument. */
export function framesFromHex(hex: string): FrameInput[] {
  return [{bytes: parseHexFrame(hex, 'HEX'), capture: null, line: null}]
}

/** A text of hex lines: one frame per line; blank lines and `#` comments (to the end of a line) ignored. */
export function parseHexLines(text: string, source: string): FrameInput[] {
  const frames: FrameInput[] = []
  const lines = text.split(/\r?\n/)
  for (const [i, raw] of lines.entries()) {
    const content = raw.replace(/#.*$/, '')
    if (content.trim() === '') continue
    frames.push({bytes: parseHexFrame(content, `line ${i + 1} of ${source}`), capture: null, line: i + 1})
  }
  if (frames.length === 0) throw new HvnetError('invalid-value', `${source} holds no frames (only blank lines and comments).`, 'Put one frame per line as hex digits, or give a pcap or pcapng file.')
  return frames
}

function isCapture(file: Uint8Array): boolean {
  if (file.length < 4) return false
  const m = ((file[0] << 24) | (file[1] << 16) | (file[2] << 8) | file[3]) >>> 0
  // pcapng SHB (palindromic), classic pcap µs/ns magic in either byte order.
  return m === 0x0a0d0d0a || m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1
}

function seconds(ns: bigint): string {
  return `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`
}

/** The frames of a file's bytes: a pcap or pcapng capture (by magic number), else UTF-8 hex lines. */
export function framesFromFile(file: Uint8Array, source: string): FrameInput[] {
  if (!isCapture(file)) {
    const text = new TextDecoder('utf-8', {fatal: false}).decode(file)
    if (text.includes('\u0000')) {
      throw new HvnetError('invalid-value', `${source} is neither a pcap or pcapng capture nor a text file of hex lines.`, 'Give a capture written by hvnet, tcpdump -w or Wireshark, or a text file with one frame per line in hex.')
    }
    return parseHexLines(text, source)
  }
  const records = readCapture(file)
  if (records instanceof WireError) {
    throw new HvnetError('invalid-value', `${source} is not a readable capture: ${records.code} at byte ${records.offset} (${records.message}).`, 'Check that the file was written completely; tshark -r FILE tells you what Wireshark makes of it.')
  }
  if (records.length === 0) throw new HvnetError('invalid-value', `${source} holds no frames.`, 'Give a capture with at least one packet.')
  const other = records.findIndex((r) => r.linkType !== LINKTYPE_ETHERNET)
  if (other >= 0) {
    throw new HvnetError('invalid-value', `Frame ${other + 1} of ${source} has link type ${records[other].linkType}, not Ethernet (1).`, 'hvnet decodes Ethernet frames only; capture on an Ethernet interface.')
  }
  return records.map((r) => ({
    bytes: r.bytes,
    capture: {comment: r.comment, interfaceName: r.interfaceName, originalLength: r.originalLength, timestamp: seconds(r.timestamp)},
    line: null,
  }))
}

/** Reads FILE (or standard input for `-`) and returns its frames. */
export async function readFrameFile(file: string): Promise<FrameInput[]> {
  const source = file === '-' ? 'standard input' : file
  // hvnet never waits for a person to type: a terminal on stdin is a mistake, not input.
  if (file === '-' && process.stdin.isTTY) {
    throw new HvnetError('invalid-value', '--file - reads standard input, but it is a terminal.', 'Pipe a capture or hex lines in, e.g. tcpdump -i eth0 -c 5 -w - | hvnet frame decode --file -.')
  }
  let bytes: Uint8Array
  try {
    bytes = file === '-' ? await readStdin() : await readFile(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? (error as Error).message})`
    throw new HvnetError('invalid-value', `Frame file ${JSON.stringify(file)} ${why}.`, 'Give a pcap, a pcapng or a text file of hex lines that exists.')
  }
  if (bytes.length === 0) throw new HvnetError('invalid-value', `${source} is empty.`, 'Give a pcap, a pcapng or a text file with one frame per line in hex.')
  return framesFromFile(bytes, source)
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export interface DecodeFramesOptions {
  /** Accept frames up to JUMBO_FRAME_LEN bytes (1518 tagged: 9018) instead of 1514. */
  readonly jumbo?: boolean
}

/** Decodes every frame; never throws (malformed frames carry their WireError in decoded.error). */
export function decodeFrames(inputs: readonly FrameInput[], opts: DecodeFramesOptions = {}): FrameResult[] {
  const decodeOpts = opts.jumbo ? {maxFrameLen: JUMBO_FRAME_LEN} : undefined
  return inputs.map((f, i) => ({capture: f.capture, decoded: decodeFrame(f.bytes, decodeOpts), index: i + 1, line: f.line}))
}

/** The `--json` form of one frame: frameToJson's fields (the codecs' own names) plus where it came from. */
export function frameResultJson(r: FrameResult): {[key: string]: Json} {
  return {index: r.index, line: r.line, capture: r.capture === null ? null : {...r.capture}, ...frameToJson(r.decoded)}
}

const LAYER_NAMES: Partial<Record<WireError['layer'], string>> = {arp: 'ARP', dhcp: 'DHCP', ethernet: 'Ethernet', icmpv4: 'ICMPv4', ipv4: 'IPv4', tcp: 'TCP', udp: 'UDP', vlan: '802.1Q'}

/**
 * The error for the first frame whose decoding stopped (WireError code and byte offset), or null.
 * Bad checksums are not errors: they are shown, as tshark shows them.
 */
export function malformedFrameError(results: readonly FrameResult[]): HvnetError | null {
  const bad = results.filter((r) => r.decoded.error !== null)
  if (bad.length === 0) return null
  const first = bad[0]
  const e = first.decoded.error!
  const others = bad.slice(1).map((r) => r.index)
  const more = others.length === 0 ? '' : `; ${others.length === 1 ? `frame ${others[0]} is` : `frames ${others.slice(0, -1).join(', ')} and ${others.at(-1)} are`} malformed too`
  const where = first.line === null ? '' : ` (line ${first.line})`
  const isJumbo = (r: FrameResult): boolean => r.decoded.error?.layer === 'ethernet' && r.decoded.error.code === 'bad-length' && r.decoded.length > 1514
  const jumboFix = `Add --jumbo to accept frames up to ${JUMBO_FRAME_LEN} bytes (Hyper-V's "Jumbo Packet" setting).`
  const fix = isJumbo(first)
    ? jumboFix
    : `The layers before the error are shown above; check the length fields against the bytes present.${bad.some(isJumbo) ? ` ${jumboFix}` : ''}`
  return new HvnetError('malformed-frame', `frame ${first.index}${where} is malformed: ${e.code} at offset ${e.offset} (${LAYER_NAMES[e.layer] ?? e.layer} ${e.message})${more}.`, fix)
}
