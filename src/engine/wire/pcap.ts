// Capture files, in memory (no I/O: callers read and write the bytes).
// Writes pcapng (IETF draft-ietf-opsawg-pcapng: 4.1 Section Header Block, 4.2 Interface
// Description Block with if_name and if_tsresol, 4.3 Enhanced Packet Block with opt_comment,
// 3.5 options). Reads pcapng (SHB/IDB/EPB, unknown blocks skipped, either byte order, several
// sections) and classic libpcap files (draft-ietf-opsawg-pcap: magic 0xa1b2c3d4 microseconds /
// 0xa1b23c4d nanoseconds, either byte order). Timestamps read back are nanoseconds (bigint).
// Not a hot path: one DataView per file is fine here (STYLE 7 is about per-frame work).

import {TextDecoder, TextEncoder} from 'node:util'
import {WireError} from './error.js'

export const LINKTYPE_ETHERNET = 1

const SHB = 0x0a0d0d0a
const IDB = 0x00000001
const EPB = 0x00000006
const BYTE_ORDER_MAGIC = 0x1a2b3c4d
const OPT_ENDOFOPT = 0
const OPT_COMMENT = 1
const IF_NAME = 2
const IF_TSRESOL = 9
const SHB_USERAPPL = 4

const PCAP_MAGIC_US = 0xa1b2c3d4
const PCAP_MAGIC_NS = 0xa1b23c4d
const PCAP_HEADER_LEN = 24
const PCAP_RECORD_HEADER_LEN = 16

export type TimestampResolution = 'us' | 'ns'

export interface PcapWriteRecord {
  /** Names the interface (one IDB per distinct name, in order of first appearance). */
  readonly interfaceName: string
  /** Virtual time in units of the writer's resolution (µs or ns since the lab's epoch). */
  readonly timestamp: bigint | number
  readonly bytes: Uint8Array
  readonly comment?: string
}

export interface PcapWriteOptions {
  /** Default 'us'. Sets if_tsresol to 6 or 9. */
  readonly resolution?: TimestampResolution
  /** shb_userappl; default 'hvnet'. */
  readonly application?: string
  /** Interfaces to declare even if they carry no packet, in this order (others follow). */
  readonly interfaces?: readonly string[]
}

export interface PcapRecord {
  /** if_name of the packet's interface; `if<N>` when the IDB has no name; '' for classic pcap. */
  readonly interfaceName: string
  /** Nanoseconds (converted from the file's resolution). */
  readonly timestamp: bigint
  readonly bytes: Uint8Array
  /** opt_comment (several joined by '\n'); '' when absent. */
  readonly comment: string
  readonly originalLength: number
  readonly linkType: number
}

const utf8 = new TextEncoder()

class Writer {
  private chunks: Uint8Array[] = []
  private size = 0
  push(b: Uint8Array): void {
    this.chunks.push(b)
    this.size += b.length
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.size)
    let o = 0
    for (const c of this.chunks) {
      out.set(c, o)
      o += c.length
    }
    return out
  }
}

const pad4 = (n: number): number => (n + 3) & ~3

/** Options area: each option code/length/value padded to 4, then opt_endofopt. Little-endian. */
function options(list: readonly (readonly [number, Uint8Array])[]): Uint8Array {
  if (list.length === 0) return new Uint8Array(0)
  let n = 4
  for (const [, v] of list) n += 4 + pad4(v.length)
  const b = new Uint8Array(n)
  const dv = new DataView(b.buffer)
  let o = 0
  for (const [code, v] of list) {
    if (v.length > 0xffff) throw new RangeError(`pcapng: option ${code} of ${v.length} bytes`)
    dv.setUint16(o, code, true)
    dv.setUint16(o + 2, v.length, true)
    b.set(v, o + 4)
    o += 4 + pad4(v.length)
  }
  dv.setUint16(o, OPT_ENDOFOPT, true)
  return b
}

function block(type: number, body: Uint8Array): Uint8Array {
  const total = 12 + pad4(body.length)
  const b = new Uint8Array(total)
  const dv = new DataView(b.buffer)
  dv.setUint32(0, type, true)
  dv.setUint32(4, total, true)
  b.set(body, 8)
  dv.setUint32(total - 4, total, true)
  return b
}

/** A little-endian pcapng file: SHB, one Ethernet IDB per interface, one EPB per record. */
export function writePcapng(records: readonly PcapWriteRecord[], opts?: PcapWriteOptions): Uint8Array {
  const w = new Writer()
  const shb = new Uint8Array(16)
  const sdv = new DataView(shb.buffer)
  sdv.setUint32(0, BYTE_ORDER_MAGIC, true)
  sdv.setUint16(4, 1, true)
  sdv.setUint16(6, 0, true)
  sdv.setBigInt64(8, -1n, true) // section length not specified
  w.push(block(SHB, concat(shb, options([[SHB_USERAPPL, utf8.encode(opts?.application ?? 'hvnet')]]))))

  const resol = opts?.resolution === 'ns' ? 9 : 6
  const ids = new Map<string, number>()
  const declare = (name: string): number => {
    let id = ids.get(name)
    if (id === undefined) {
      id = ids.size
      ids.set(name, id)
      const idb = new Uint8Array(8)
      const dv = new DataView(idb.buffer)
      dv.setUint16(0, LINKTYPE_ETHERNET, true)
      dv.setUint32(4, 0, true) // snaplen: no limit
      w.push(block(IDB, concat(idb, options([[IF_NAME, utf8.encode(name)], [IF_TSRESOL, Uint8Array.of(resol)]]))))
    }
    return id
  }
  for (const name of opts?.interfaces ?? []) declare(name)
  for (const r of records) {
    const id = declare(r.interfaceName)
    const ts = typeof r.timestamp === 'bigint' ? r.timestamp : BigInt(Math.trunc(r.timestamp))
    if (ts < 0n || ts >= 1n << 64n) throw new RangeError(`pcapng: timestamp ${ts} out of range`)
    const head = new Uint8Array(20)
    const dv = new DataView(head.buffer)
    dv.setUint32(0, id, true)
    dv.setUint32(4, Number(ts >> 32n), true)
    dv.setUint32(8, Number(ts & 0xffff_ffffn), true)
    dv.setUint32(12, r.bytes.length, true)
    dv.setUint32(16, r.bytes.length, true)
    const data = new Uint8Array(pad4(r.bytes.length))
    data.set(r.bytes)
    const opt = r.comment === undefined || r.comment === '' ? new Uint8Array(0) : options([[OPT_COMMENT, utf8.encode(r.comment)]])
    w.push(block(EPB, concat(head, data, opt)))
  }
  return w.concat()
}

function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/** Reads pcapng or classic pcap, by its first four bytes. Never throws. */
export function readCapture(file: Uint8Array): PcapRecord[] | WireError {
  if (file.length < 4) return new WireError('pcap', 'truncated', file.length, 'shorter than a magic number')
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength)
  if (dv.getUint32(0, true) === SHB) return readPcapng(file)
  const m = dv.getUint32(0, false)
  const ml = dv.getUint32(0, true)
  if (m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS || ml === PCAP_MAGIC_US || ml === PCAP_MAGIC_NS) return readPcap(file)
  return new WireError('pcap', 'malformed', 0, `unknown magic 0x${m.toString(16).padStart(8, '0')}`)
}

/** Classic libpcap, either byte order, microsecond or nanosecond magic. */
export function readPcap(file: Uint8Array): PcapRecord[] | WireError {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength)
  if (file.length < PCAP_HEADER_LEN) return new WireError('pcap', 'truncated', file.length, `file header needs ${PCAP_HEADER_LEN} bytes`)
  const big = dv.getUint32(0, false)
  const le = !(big === PCAP_MAGIC_US || big === PCAP_MAGIC_NS)
  const magic = dv.getUint32(0, le)
  if (magic !== PCAP_MAGIC_US && magic !== PCAP_MAGIC_NS) return new WireError('pcap', 'malformed', 0, 'not a pcap magic number')
  const fracToNs = magic === PCAP_MAGIC_NS ? 1n : 1000n
  const major = dv.getUint16(4, le)
  if (major !== 2) return new WireError('pcap', 'unsupported', 4, `pcap version ${major}`)
  const linkType = dv.getUint32(20, le) & 0x0fff_ffff
  const out: PcapRecord[] = []
  let o = PCAP_HEADER_LEN
  while (o < file.length) {
    if (o + PCAP_RECORD_HEADER_LEN > file.length) return new WireError('pcap', 'truncated', file.length, `record header at ${o} cut short`)
    const sec = dv.getUint32(o, le)
    const frac = dv.getUint32(o + 4, le)
    const incl = dv.getUint32(o + 8, le)
    const orig = dv.getUint32(o + 12, le)
    if (o + PCAP_RECORD_HEADER_LEN + incl > file.length) return new WireError('pcap', 'truncated', file.length, `record at ${o} claims ${incl} bytes`)
    const bytes = file.slice(o + PCAP_RECORD_HEADER_LEN, o + PCAP_RECORD_HEADER_LEN + incl)
    out.push({interfaceName: '', timestamp: BigInt(sec) * 1_000_000_000n + BigInt(frac) * fracToNs, bytes, comment: '', originalLength: orig, linkType})
    o += PCAP_RECORD_HEADER_LEN + incl
  }
  return out
}

interface Iface {
  name: string
  linkType: number
  /** Multiply by num / div to get ns. */
  num: bigint
  div: bigint
}

const text = new TextDecoder('utf-8')

/** Options area [o, end) of a block (offsets into the file); returns code -> values. */
function readOptions(dv: DataView, o: number, end: number, le: boolean): Map<number, Uint8Array[]> | WireError {
  const out = new Map<number, Uint8Array[]>()
  while (o + 4 <= end) {
    const code = dv.getUint16(o, le)
    const len = dv.getUint16(o + 2, le)
    if (code === OPT_ENDOFOPT) break
    if (o + 4 + len > end) return new WireError('pcapng', 'malformed', o, `option ${code} of ${len} bytes overruns its block`)
    const v = new Uint8Array(dv.buffer, dv.byteOffset + o + 4, len)
    out.set(code, [...(out.get(code) ?? []), v])
    o += 4 + pad4(len)
  }
  return out
}

function resolution(v: number | undefined): {num: bigint; div: bigint} {
  if (v === undefined) return {num: 1000n, div: 1n} // default 10^-6
  if (v & 0x80) return {num: 1_000_000_000n, div: 1n << BigInt(v & 0x7f)}
  const e = v & 0x7f
  return e <= 9 ? {num: 10n ** BigInt(9 - e), div: 1n} : {num: 1n, div: 10n ** BigInt(e - 9)}
}

/** pcapng: SHB (either byte order, several sections), IDB, EPB; other blocks skipped. */
export function readPcapng(file: Uint8Array): PcapRecord[] | WireError {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength)
  const out: PcapRecord[] = []
  let le = true
  let ifaces: Iface[] = []
  let o = 0
  let seenShb = false
  while (o < file.length) {
    if (o + 12 > file.length) return new WireError('pcapng', 'truncated', file.length, `block header at ${o} cut short`)
    const type = dv.getUint32(o, true) === SHB ? SHB : dv.getUint32(o, le)
    if (type === SHB) {
      if (o + 16 > file.length) return new WireError('pcapng', 'truncated', file.length, 'section header cut short')
      const bom = dv.getUint32(o + 8, true)
      if (bom === BYTE_ORDER_MAGIC) le = true
      else if (dv.getUint32(o + 8, false) === BYTE_ORDER_MAGIC) le = false
      else return new WireError('pcapng', 'malformed', o + 8, 'bad byte-order magic')
      const major = dv.getUint16(o + 12, le)
      if (major !== 1) return new WireError('pcapng', 'unsupported', o + 12, `pcapng version ${major}`)
      ifaces = []
      seenShb = true
    } else if (!seenShb) {
      return new WireError('pcapng', 'malformed', o, 'first block is not a section header')
    }
    const total = dv.getUint32(o + 4, le)
    if (total < 12 || total % 4 !== 0) return new WireError('pcapng', 'bad-length', o + 4, `block length ${total}`)
    if (o + total > file.length) return new WireError('pcapng', 'truncated', file.length, `block at ${o} claims ${total} bytes`)
    if (dv.getUint32(o + total - 4, le) !== total) return new WireError('pcapng', 'malformed', o + total - 4, 'trailing block length differs')
    const bodyEnd = o + total - 4
    if (type === IDB) {
      if (total < 20) return new WireError('pcapng', 'bad-length', o + 4, 'interface description block too short')
      const opts = readOptions(dv, o + 16, bodyEnd, le)
      if (opts instanceof WireError) return opts
      const name = opts.get(IF_NAME)?.[0]
      const res = opts.get(IF_TSRESOL)?.[0]
      ifaces.push({name: name ? text.decode(name) : `if${ifaces.length}`, linkType: dv.getUint16(o + 8, le), ...resolution(res?.[0])})
    } else if (type === EPB) {
      if (total < 32) return new WireError('pcapng', 'bad-length', o + 4, 'enhanced packet block too short')
      const id = dv.getUint32(o + 8, le)
      const iface = ifaces[id]
      if (iface === undefined) return new WireError('pcapng', 'malformed', o + 8, `interface ${id} not described`)
      const ts = (BigInt(dv.getUint32(o + 12, le)) << 32n) | BigInt(dv.getUint32(o + 16, le))
      const cap = dv.getUint32(o + 20, le)
      const orig = dv.getUint32(o + 24, le)
      const data = o + 28
      if (data + cap > bodyEnd) return new WireError('pcapng', 'bad-length', o + 20, `captured length ${cap} overruns its block`)
      const opts = readOptions(dv, data + pad4(cap), bodyEnd, le)
      if (opts instanceof WireError) return opts
      const comment = (opts.get(OPT_COMMENT) ?? []).map((c) => text.decode(c)).join('\n')
      out.push({interfaceName: iface.name, timestamp: (ts * iface.num) / iface.div, bytes: file.slice(data, data + cap), comment, originalLength: orig, linkType: iface.linkType})
    }
    o += total
  }
  return out
}
