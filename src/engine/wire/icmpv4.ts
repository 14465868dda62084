// ICMPv4: RFC 792 (echo, destination unreachable, time exceeded; error messages quote the
// invoking IP header plus the first 64 bits of its data), RFC 1191 section 4 (next-hop MTU in
// "fragmentation needed"), RFC 1812 5.2.7.1 (codes 9-15, e.g. 13 communication administratively
// prohibited). Checksum over the whole ICMP message, RFC 792 / RFC 1071.

import {get16, get32, put16, put32} from './bytes.js'
import {internetChecksum} from './checksum.js'
import {WireError, assertEmitLen} from './error.js'
import {isMulticastIpv4} from './ipv4-address.js'
import {IPPROTO_ICMP, Ipv4Packet, emitIpv4Header, ipv4HeaderLen, parseIpv4} from './ipv4.js'
import type {Ipv4Repr} from './ipv4.js'

export const ICMP_TYPE = 0
export const ICMP_CODE = 1
export const ICMP_CHECKSUM = 2
export const ICMP_IDENT = 4
export const ICMP_SEQ = 6
/** Unused word of errors; for code 4 of type 3 its low 16 bits hold the next-hop MTU. */
export const ICMP_REST = 4
export const ICMP_NEXT_HOP_MTU = 6
export const ICMP_HEADER_LEN = 8
/** An error quotes the invoking header plus at least this many bytes of its payload. */
export const ICMP_QUOTED_DATA_MIN = 8

export const ICMP_ECHO_REPLY = 0
export const ICMP_DST_UNREACHABLE = 3
export const ICMP_ECHO_REQUEST = 8
export const ICMP_TIME_EXCEEDED = 11
export const ICMP_TIMESTAMP = 13
export const ICMP_TIMESTAMP_REPLY = 14

export const DST_UNREACHABLE_CODES = {
  0: 'net-unreachable',
  1: 'host-unreachable',
  2: 'protocol-unreachable',
  3: 'port-unreachable',
  4: 'frag-needed',
  5: 'source-route-failed',
  6: 'net-unknown',
  7: 'host-unknown',
  9: 'net-prohibited',
  10: 'host-prohibited',
  11: 'net-tos-unreachable',
  12: 'host-tos-unreachable',
  13: 'admin-prohibited',
  14: 'host-precedence-violation',
  15: 'precedence-cutoff',
} as const satisfies Record<number, string>

export const TIME_EXCEEDED_CODES = {0: 'ttl-exceeded', 1: 'frag-reassembly-exceeded'} as const satisfies Record<number, string>

export type DstUnreachableCode = (typeof DST_UNREACHABLE_CODES)[keyof typeof DST_UNREACHABLE_CODES]

/** The invoking packet quoted by an error: its IP header and the first bytes of its payload. */
export interface IcmpQuoted {
  readonly header: Ipv4Repr
  /** At least 8 bytes: enough for the ports of UDP/TCP, which a NAT rewrites. */
  readonly data: Uint8Array
}

export type Icmpv4Repr =
  | {readonly kind: 'echo-request' | 'echo-reply'; readonly ident: number; readonly seqNo: number; readonly data: Uint8Array}
  | {readonly kind: 'dst-unreachable'; readonly code: number; readonly nextHopMtu: number; readonly quoted: IcmpQuoted}
  | {readonly kind: 'time-exceeded'; readonly code: number; readonly quoted: IcmpQuoted}
  /** Any other type: the 4 bytes after the checksum and the rest kept raw. */
  | {readonly kind: 'other'; readonly type: number; readonly code: number; readonly rest: number; readonly data: Uint8Array}

export class Icmpv4Packet {
  // `declare`d fields assigned in the constructor, and no default parameters: with ES2022 class
  // fields a plain declaration compiles to define-then-assign, and both cost bytecode that counts
  // against V8's inlining budget on the header path (bench/wire.ts). Use checked() for defaults.
  declare readonly buf: Uint8Array
  declare readonly off: number
  declare readonly len: number
  constructor(buf: Uint8Array, off: number, len: number) {
    this.buf = buf
    this.off = off
    this.len = len
  }

  static checked(buf: Uint8Array, off = 0, len = buf.length - off): Icmpv4Packet | WireError {
    const p = new Icmpv4Packet(buf, off, len)
    const e = p.checkLen()
    return e === null ? p : e
  }

  checkLen(): WireError | null {
    const {buf, off, len} = this
    if (off < 0 || len < 0 || off + len > buf.length) return new WireError('icmpv4', 'truncated', off, 'view exceeds the buffer')
    if (len < ICMP_HEADER_LEN) return new WireError('icmpv4', 'truncated', off + len, `${len} bytes is shorter than the 8-byte header`)
    return null
  }

  get type(): number {
    return this.buf[this.off + ICMP_TYPE]
  }
  get code(): number {
    return this.buf[this.off + ICMP_CODE]
  }
  get checksum(): number {
    return get16(this.buf, this.off + ICMP_CHECKSUM)
  }
  set checksum(v: number) {
    put16(this.buf, this.off + ICMP_CHECKSUM, v)
  }
  get ident(): number {
    return get16(this.buf, this.off + ICMP_IDENT)
  }
  set ident(v: number) {
    put16(this.buf, this.off + ICMP_IDENT, v)
  }
  get seqNo(): number {
    return get16(this.buf, this.off + ICMP_SEQ)
  }
  get rest(): number {
    return get32(this.buf, this.off + ICMP_REST)
  }
  get nextHopMtu(): number {
    return get16(this.buf, this.off + ICMP_NEXT_HOP_MTU)
  }
  get isError(): boolean {
    const t = this.type
    return t === ICMP_DST_UNREACHABLE || t === ICMP_TIME_EXCEEDED || t === 4 || t === 5 || t === 12
  }
  get dataOffset(): number {
    return this.off + ICMP_HEADER_LEN
  }
  data(): Uint8Array {
    return this.buf.subarray(this.off + ICMP_HEADER_LEN, this.off + this.len)
  }
  /**
   * The quoted invoking packet of an error message as an IPv4 view (header-checked only: its
   * total length describes the original packet, not the quote), so a NAT can rewrite it in place.
   */
  quoted(): Ipv4Packet | WireError {
    const q = new Ipv4Packet(this.buf, this.off + ICMP_HEADER_LEN, this.len - ICMP_HEADER_LEN)
    const e = q.checkHeaderLen()
    if (e !== null) return new WireError('icmpv4', e.code, e.offset, `quoted packet: ${e.message}`)
    if (q.len - q.headerLen < ICMP_QUOTED_DATA_MIN) return new WireError('icmpv4', 'truncated', this.off + this.len, `quoted packet carries ${q.len - q.headerLen} bytes of data, needs ${ICMP_QUOTED_DATA_MIN}`)
    return q
  }
  computeChecksum(): number {
    const {buf, off} = this
    return internetChecksum(buf, off + ICMP_IDENT, off + this.len, internetChecksum(buf, off, off + ICMP_CHECKSUM) ^ 0xffff)
  }
  verifyChecksum(): boolean {
    return this.checksum === this.computeChecksum()
  }
  fillChecksum(): void {
    this.checksum = this.computeChecksum()
  }
}

export interface Icmpv4ParseOptions {
  /** Default true. */
  verifyChecksum?: boolean
}

export function parseIcmpv4(p: Icmpv4Packet, opts?: Icmpv4ParseOptions): Icmpv4Repr | WireError {
  if (opts?.verifyChecksum !== false && !p.verifyChecksum()) {
    return new WireError('icmpv4', 'bad-checksum', p.off + ICMP_CHECKSUM, `checksum 0x${p.checksum.toString(16).padStart(4, '0')} is incorrect, should be 0x${p.computeChecksum().toString(16).padStart(4, '0')}`)
  }
  const type = p.type
  if (type === ICMP_ECHO_REQUEST || type === ICMP_ECHO_REPLY) {
    return {kind: type === ICMP_ECHO_REQUEST ? 'echo-request' : 'echo-reply', ident: p.ident, seqNo: p.seqNo, data: p.data()}
  }
  if (type === ICMP_DST_UNREACHABLE || type === ICMP_TIME_EXCEEDED) {
    const q = p.quoted()
    if (q instanceof WireError) return q
    // The quoted header's checksum is not verified: routers quote what they received.
    const header = parseIpv4(q, {verifyChecksum: false})
    if (header instanceof WireError) return new WireError('icmpv4', header.code, header.offset, `quoted packet: ${header.message}`)
    // Keep the quoted total length as sent, not clamped to the quote: it round-trips.
    if (q.totalLen < q.headerLen) return new WireError('icmpv4', 'bad-length', q.off + 2, `quoted packet: total length ${q.totalLen} < header length ${q.headerLen}`)
    const quoted = {header: {...header, payloadLen: q.totalLen - q.headerLen}, data: q.buf.subarray(q.payloadOffset, q.off + q.len)}
    return type === ICMP_DST_UNREACHABLE ? {kind: 'dst-unreachable', code: p.code, nextHopMtu: p.code === 4 ? p.nextHopMtu : 0, quoted} : {kind: 'time-exceeded', code: p.code, quoted}
  }
  return {kind: 'other', type, code: p.code, rest: p.rest, data: p.data()}
}

export function icmpv4BufferLen(r: Icmpv4Repr): number {
  switch (r.kind) {
    case 'echo-request':
    case 'echo-reply':
    case 'other':
      return ICMP_HEADER_LEN + r.data.length
    case 'dst-unreachable':
    case 'time-exceeded':
      return ICMP_HEADER_LEN + ipv4HeaderLen(r.quoted.header) + r.quoted.data.length
  }
}

export function emitIcmpv4(r: Icmpv4Repr, p: Icmpv4Packet): void {
  assertEmitLen('icmpv4', p.len, icmpv4BufferLen(r))
  const {buf, off} = p
  put16(buf, off + ICMP_CHECKSUM, 0)
  switch (r.kind) {
    case 'echo-request':
    case 'echo-reply':
      buf[off + ICMP_TYPE] = r.kind === 'echo-request' ? ICMP_ECHO_REQUEST : ICMP_ECHO_REPLY
      buf[off + ICMP_CODE] = 0
      put16(buf, off + ICMP_IDENT, r.ident)
      put16(buf, off + ICMP_SEQ, r.seqNo)
      buf.set(r.data, off + ICMP_HEADER_LEN)
      break
    case 'dst-unreachable':
    case 'time-exceeded': {
      if (r.quoted.data.length < ICMP_QUOTED_DATA_MIN) throw new RangeError(`icmpv4: quoted data of ${r.quoted.data.length} bytes, needs ${ICMP_QUOTED_DATA_MIN}`)
      buf[off + ICMP_TYPE] = r.kind === 'dst-unreachable' ? ICMP_DST_UNREACHABLE : ICMP_TIME_EXCEEDED
      buf[off + ICMP_CODE] = r.code
      put32(buf, off + ICMP_REST, r.kind === 'dst-unreachable' && r.code === 4 ? r.nextHopMtu & 0xffff : 0)
      emitIpv4Header(r.quoted.header, buf, off + ICMP_HEADER_LEN)
      buf.set(r.quoted.data, off + ICMP_HEADER_LEN + ipv4HeaderLen(r.quoted.header))
      break
    }
    case 'other':
      buf[off + ICMP_TYPE] = r.type
      buf[off + ICMP_CODE] = r.code
      put32(buf, off + ICMP_REST, r.rest)
      buf.set(r.data, off + ICMP_HEADER_LEN)
      break
  }
  p.fillChecksum()
}

/**
 * Whether an ICMP error may be sent about the IPv4 packet `invoking` (RFC 1122 3.2.2, RFC 1812
 * 4.3.2.7): not about a non-first fragment, a packet whose source is no single host (0.0.0.0,
 * the limited broadcast, a multicast group), or an ICMP message other than a query (echo,
 * timestamp): never an error about an error. Whether the destination was a broadcast is the
 * receiver's to know and check.
 */
export function icmpErrorAllowed(invoking: Ipv4Packet): boolean {
  const src = invoking.src
  if (invoking.fragOffset !== 0 || src === 0 || src === 0xffff_ffff || isMulticastIpv4(src)) return false
  if (invoking.protocol !== IPPROTO_ICMP || invoking.payloadLen < 1) return true
  const t = invoking.buf[invoking.payloadOffset]
  return t === ICMP_ECHO_REQUEST || t === ICMP_ECHO_REPLY || t === ICMP_TIMESTAMP || t === ICMP_TIMESTAMP_REPLY
}

/**
 * Bytes of the ICMP error emitIcmpError writes about `invoking` when it quotes `dataLen` bytes
 * of its data.
 */
export function icmpErrorLen(invoking: Ipv4Packet, dataLen: number): number {
  return ICMP_HEADER_LEN + invoking.headerLen + Math.max(ICMP_QUOTED_DATA_MIN, dataLen)
}

/**
 * A destination unreachable (type 3) or time exceeded (type 11) message about the IPv4 packet
 * `invoking`, at buf[off, off + icmpErrorLen(invoking, dataLen)), checksum filled. It quotes the
 * invoking header byte for byte as received, its checksum included (RFC 792; RFC 1812 4.3.2.3),
 * then the first `dataLen` bytes of its data, zero-padded to the 8 RFC 792 asks for. The unused
 * word (the next-hop MTU of RFC 1191) is zero. Which packets may get an error and how much to
 * quote is the sender's policy, not this function's.
 */
export function emitIcmpError(type: number, code: number, invoking: Ipv4Packet, dataLen: number, buf: Uint8Array, off: number): void {
  const hl = invoking.headerLen
  const len = icmpErrorLen(invoking, dataLen)
  buf[off + ICMP_TYPE] = type
  buf[off + ICMP_CODE] = code
  put16(buf, off + ICMP_CHECKSUM, 0)
  put32(buf, off + ICMP_REST, 0)
  buf.set(invoking.buf.subarray(invoking.off, invoking.off + hl), off + ICMP_HEADER_LEN)
  const quoted = invoking.buf.subarray(invoking.payloadOffset, invoking.payloadOffset + dataLen)
  const dataOff = off + ICMP_HEADER_LEN + hl
  buf.set(quoted, dataOff)
  buf.fill(0, dataOff + quoted.length, off + len)
  new Icmpv4Packet(buf, off, len).fillChecksum()
}

/** `net-unreachable`, `frag-needed` ...; unknown codes as `code 8`. */
export function icmpCodeName(r: Icmpv4Repr): string {
  if (r.kind === 'dst-unreachable') return (DST_UNREACHABLE_CODES as Record<number, string>)[r.code] ?? `code ${r.code}`
  if (r.kind === 'time-exceeded') return (TIME_EXCEEDED_CODES as Record<number, string>)[r.code] ?? `code ${r.code}`
  return `code ${r.kind === 'other' ? r.code : 0}`
}
