// TCP header: RFC 9293 section 3.1 (format, data offset, flags, pseudo-header checksum),
// RFC 3168 6.1 (ECE, CWR), options: RFC 9293 3.2 (EOL, NOP, MSS), RFC 7323 (window scale 2.2,
// timestamps 3.2), RFC 2018 (SACK-permitted, SACK blocks). Unknown option kinds are kept raw.
// Bytes after an EOL option are header padding and are emitted as zeros.

import {get16, get32, put16, put32} from './bytes.js'
import {internetChecksum, pseudoHeaderSum} from './checksum.js'
import {WireError, assertEmitLen} from './error.js'
import type {Ipv4Address} from './ipv4-address.js'
import {IPPROTO_TCP} from './ipv4.js'

export const TCP_SRC_PORT = 0
export const TCP_DST_PORT = 2
export const TCP_SEQ = 4
export const TCP_ACK = 8
export const TCP_DATA_OFF = 12
export const TCP_FLAGS = 13
export const TCP_WINDOW = 14
export const TCP_CHECKSUM = 16
export const TCP_URGENT = 18
export const TCP_MIN_HEADER_LEN = 20
export const TCP_MAX_HEADER_LEN = 60

export const TCP_FIN = 0x01
export const TCP_SYN = 0x02
export const TCP_RST = 0x04
export const TCP_PSH = 0x08
export const TCP_ACK_FLAG = 0x10
export const TCP_URG = 0x20
export const TCP_ECE = 0x40
export const TCP_CWR = 0x80

export type TcpOption =
  | {readonly kind: 'eol'}
  | {readonly kind: 'nop'}
  | {readonly kind: 'mss'; readonly mss: number}
  | {readonly kind: 'window-scale'; readonly shift: number}
  | {readonly kind: 'sack-permitted'}
  | {readonly kind: 'sack'; readonly blocks: readonly (readonly [number, number])[]}
  | {readonly kind: 'timestamps'; readonly tsVal: number; readonly tsEcr: number}
  | {readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array}

export class TcpPacket {
  // `declare`d fields assigned in the constructor, and no default parameters: with ES2022 class
  // fields a plain declaration compiles to define-then-assign, and both cost bytecode that counts
  // against V8's inlining budget on the header path (bench/wire.ts). Use checked() for defaults.
  declare readonly buf: Uint8Array
  declare readonly off: number
  declare readonly len: number
  /** `len` is the IP payload length. */
  constructor(buf: Uint8Array, off: number, len: number) {
    this.buf = buf
    this.off = off
    this.len = len
  }

  static checked(buf: Uint8Array, off = 0, len = buf.length - off): TcpPacket | WireError {
    const p = new TcpPacket(buf, off, len)
    const e = p.checkLen()
    return e === null ? p : e
  }

  checkLen(): WireError | null {
    const {buf, off, len} = this
    if (off < 0 || len < 0 || off + len > buf.length) return new WireError('tcp', 'truncated', off, 'view exceeds the buffer')
    if (len < TCP_MIN_HEADER_LEN) return new WireError('tcp', 'truncated', off + len, `${len} bytes is shorter than the 20-byte header`)
    const hl = this.headerLen
    if (hl < TCP_MIN_HEADER_LEN) return new WireError('tcp', 'bad-length', off + TCP_DATA_OFF, `data offset ${hl >>> 2} < 5`)
    if (hl > len) return new WireError('tcp', 'truncated', off + len, `header length ${hl} exceeds the ${len} bytes present`)
    return null
  }

  get srcPort(): number {
    return get16(this.buf, this.off + TCP_SRC_PORT)
  }
  set srcPort(v: number) {
    put16(this.buf, this.off + TCP_SRC_PORT, v)
  }
  get dstPort(): number {
    return get16(this.buf, this.off + TCP_DST_PORT)
  }
  set dstPort(v: number) {
    put16(this.buf, this.off + TCP_DST_PORT, v)
  }
  get seqNo(): number {
    return get32(this.buf, this.off + TCP_SEQ)
  }
  get ackNo(): number {
    return get32(this.buf, this.off + TCP_ACK)
  }
  /** Data offset in 32-bit words. */
  get dataOffset(): number {
    return this.buf[this.off + TCP_DATA_OFF] >>> 4
  }
  get headerLen(): number {
    return (this.buf[this.off + TCP_DATA_OFF] >>> 4) << 2
  }
  /** The 4 reserved bits (RFC 9293: must be zero; the old NS bit is the lowest). */
  get reserved(): number {
    return this.buf[this.off + TCP_DATA_OFF] & 0x0f
  }
  /** FIN..CWR as a bit set (TCP_FIN ... TCP_CWR). */
  get flags(): number {
    return this.buf[this.off + TCP_FLAGS]
  }
  get window(): number {
    return get16(this.buf, this.off + TCP_WINDOW)
  }
  get checksum(): number {
    return get16(this.buf, this.off + TCP_CHECKSUM)
  }
  set checksum(v: number) {
    put16(this.buf, this.off + TCP_CHECKSUM, v)
  }
  get urgent(): number {
    return get16(this.buf, this.off + TCP_URGENT)
  }
  optionBytes(): Uint8Array {
    return this.buf.subarray(this.off + TCP_MIN_HEADER_LEN, this.off + this.headerLen)
  }
  get payloadOffset(): number {
    return this.off + this.headerLen
  }
  payload(): Uint8Array {
    return this.buf.subarray(this.off + this.headerLen, this.off + this.len)
  }
  computeChecksum(src: Ipv4Address, dst: Ipv4Address): number {
    const {buf, off, len} = this
    const head = internetChecksum(buf, off, off + TCP_CHECKSUM, pseudoHeaderSum(src, dst, IPPROTO_TCP, len)) ^ 0xffff
    return internetChecksum(buf, off + TCP_URGENT, off + len, head)
  }
  verifyChecksum(src: Ipv4Address, dst: Ipv4Address): boolean {
    return this.checksum === this.computeChecksum(src, dst)
  }
  fillChecksum(src: Ipv4Address, dst: Ipv4Address): void {
    this.checksum = this.computeChecksum(src, dst)
  }
}

export interface TcpRepr {
  readonly srcPort: number
  readonly dstPort: number
  readonly seqNo: number
  readonly ackNo: number
  /** Bit set of TCP_FIN ... TCP_CWR. */
  readonly flags: number
  readonly window: number
  readonly urgent: number
  /** In wire order; NOP and EOL included so that emission reproduces the header. */
  readonly options: readonly TcpOption[]
  /** A subarray of the parsed buffer (no copy); emission copies it. */
  readonly payload: Uint8Array
}

/** Options from raw bytes; `base` is the absolute offset of `b[0]` for error reporting. */
export function parseTcpOptions(b: Uint8Array, base: number): TcpOption[] | WireError {
  const out: TcpOption[] = []
  let i = 0
  while (i < b.length) {
    const kind = b[i]
    if (kind === 0) {
      out.push({kind: 'eol'})
      break
    }
    if (kind === 1) {
      out.push({kind: 'nop'})
      i++
      continue
    }
    if (i + 1 >= b.length) return new WireError('tcp', 'malformed', base + i, `option ${kind} has no length byte`)
    const l = b[i + 1]
    if (l < 2 || i + l > b.length) return new WireError('tcp', 'malformed', base + i + 1, `option ${kind} length ${l} overruns the header`)
    const d = i + 2
    const bad = (want: string): WireError => new WireError('tcp', 'malformed', base + i + 1, `option ${kind} length ${l}, expected ${want}`)
    switch (kind) {
      case 2:
        if (l !== 4) return bad('4')
        out.push({kind: 'mss', mss: get16(b, d)})
        break
      case 3:
        if (l !== 3) return bad('3')
        out.push({kind: 'window-scale', shift: b[d]})
        break
      case 4:
        if (l !== 2) return bad('2')
        out.push({kind: 'sack-permitted'})
        break
      case 5: {
        if ((l - 2) % 8 !== 0 || l < 10) return bad('2 + 8n, n >= 1')
        const blocks: [number, number][] = []
        for (let j = d; j < i + l; j += 8) blocks.push([get32(b, j), get32(b, j + 4)])
        out.push({kind: 'sack', blocks})
        break
      }
      case 8:
        if (l !== 10) return bad('10')
        out.push({kind: 'timestamps', tsVal: get32(b, d), tsEcr: get32(b, d + 4)})
        break
      default:
        out.push({kind: 'unknown', type: kind, data: b.subarray(d, i + l)})
    }
    i += l
  }
  return out
}

export function tcpOptionLen(o: TcpOption): number {
  switch (o.kind) {
    case 'eol':
    case 'nop':
      return 1
    case 'mss':
      return 4
    case 'window-scale':
      return 3
    case 'sack-permitted':
      return 2
    case 'sack':
      return 2 + 8 * o.blocks.length
    case 'timestamps':
      return 10
    case 'unknown':
      return 2 + o.data.length
  }
}

/** Options length rounded up to a 32-bit boundary. */
export function tcpHeaderLen(r: TcpRepr): number {
  let n = 0
  for (const o of r.options) n += tcpOptionLen(o)
  return TCP_MIN_HEADER_LEN + ((n + 3) & ~3)
}

export function tcpBufferLen(r: TcpRepr): number {
  return tcpHeaderLen(r) + r.payload.length
}

export interface TcpParseOptions {
  /** Default true. */
  verifyChecksum?: boolean
}

export function parseTcp(p: TcpPacket, src: Ipv4Address, dst: Ipv4Address, opts?: TcpParseOptions): TcpRepr | WireError {
  if (opts?.verifyChecksum !== false && !p.verifyChecksum(src, dst)) {
    return new WireError('tcp', 'bad-checksum', p.off + TCP_CHECKSUM, `checksum 0x${p.checksum.toString(16).padStart(4, '0')} is incorrect, should be 0x${p.computeChecksum(src, dst).toString(16).padStart(4, '0')}`)
  }
  const options = parseTcpOptions(p.optionBytes(), p.off + TCP_MIN_HEADER_LEN)
  if (options instanceof WireError) return options
  return {srcPort: p.srcPort, dstPort: p.dstPort, seqNo: p.seqNo, ackNo: p.ackNo, flags: p.flags, window: p.window, urgent: p.urgent, options, payload: p.payload()}
}

export function emitTcp(r: TcpRepr, p: TcpPacket, src: Ipv4Address, dst: Ipv4Address): void {
  const hl = tcpHeaderLen(r)
  assertEmitLen('tcp', p.len, hl + r.payload.length)
  if (hl > TCP_MAX_HEADER_LEN) throw new RangeError(`tcp: options need a ${hl}-byte header (max 60)`)
  const {buf, off} = p
  put16(buf, off + TCP_SRC_PORT, r.srcPort)
  put16(buf, off + TCP_DST_PORT, r.dstPort)
  put32(buf, off + TCP_SEQ, r.seqNo)
  put32(buf, off + TCP_ACK, r.ackNo)
  buf[off + TCP_DATA_OFF] = (hl >>> 2) << 4
  buf[off + TCP_FLAGS] = r.flags
  put16(buf, off + TCP_WINDOW, r.window)
  put16(buf, off + TCP_CHECKSUM, 0)
  put16(buf, off + TCP_URGENT, r.urgent)
  let i = off + TCP_MIN_HEADER_LEN
  for (const o of r.options) {
    switch (o.kind) {
      case 'eol':
        buf[i] = 0
        break
      case 'nop':
        buf[i] = 1
        break
      case 'mss':
        buf[i] = 2
        buf[i + 1] = 4
        put16(buf, i + 2, o.mss)
        break
      case 'window-scale':
        buf[i] = 3
        buf[i + 1] = 3
        buf[i + 2] = o.shift
        break
      case 'sack-permitted':
        buf[i] = 4
        buf[i + 1] = 2
        break
      case 'sack':
        buf[i] = 5
        buf[i + 1] = 2 + 8 * o.blocks.length
        for (let j = 0; j < o.blocks.length; j++) {
          put32(buf, i + 2 + 8 * j, o.blocks[j][0])
          put32(buf, i + 6 + 8 * j, o.blocks[j][1])
        }
        break
      case 'timestamps':
        buf[i] = 8
        buf[i + 1] = 10
        put32(buf, i + 2, o.tsVal)
        put32(buf, i + 6, o.tsEcr)
        break
      case 'unknown':
        buf[i] = o.type
        buf[i + 1] = 2 + o.data.length
        buf.set(o.data, i + 2)
        break
    }
    i += tcpOptionLen(o)
  }
  buf.fill(0, i, off + hl)
  buf.set(r.payload, off + hl)
  p.fillChecksum(src, dst)
}

/** SEG.LEN of RFC 9293 3.3.1: the octets of data, plus one for a SYN and one for a FIN. */
export function tcpSegLen(seg: TcpPacket): number {
  const flags = seg.flags
  return seg.len - seg.headerLen + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0)
}

const NO_PAYLOAD = new Uint8Array(0)

/**
 * The reset that answers `seg`, a segment (not itself a reset) for no connection, RFC 9293
 * 3.10.7.1: with ACK set, <SEQ=SEG.ACK><CTL=RST>; without, <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 * Ports swapped, window 0, no options, no data.
 */
export function tcpReset(seg: TcpPacket): TcpRepr {
  return seg.flags & TCP_ACK_FLAG
    ? {srcPort: seg.dstPort, dstPort: seg.srcPort, seqNo: seg.ackNo, ackNo: 0, flags: TCP_RST, window: 0, urgent: 0, options: [], payload: NO_PAYLOAD}
    : {srcPort: seg.dstPort, dstPort: seg.srcPort, seqNo: 0, ackNo: (seg.seqNo + tcpSegLen(seg)) >>> 0, flags: TCP_RST | TCP_ACK_FLAG, window: 0, urgent: 0, options: [], payload: NO_PAYLOAD}
}

/** tcpdump's flag letters: `S`, `S.`, `P.`, `F.`, `R`, with E/W for ECE/CWR. */
export function formatTcpFlags(f: number): string {
  let s = ''
  if (f & TCP_SYN) s += 'S'
  if (f & TCP_FIN) s += 'F'
  if (f & TCP_RST) s += 'R'
  if (f & TCP_PSH) s += 'P'
  if (f & TCP_URG) s += 'U'
  if (f & TCP_ECE) s += 'E'
  if (f & TCP_CWR) s += 'W'
  if (f & TCP_ACK_FLAG) s += '.'
  return s === '' ? 'none' : s
}

export function tcpFlagNames(f: number): string[] {
  const names = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR']
  return names.filter((_, i) => (f & (1 << i)) !== 0)
}
