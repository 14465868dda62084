// IPv4 header: RFC 791 section 3.1 (format, options carried as raw bytes), RFC 2474 / RFC 3168
// (the TOS octet as DSCP:6 ECN:2), RFC 1071 (header checksum, verified on parse, filled on emit),
// RFC 1624 (incremental update, in checksum.ts).

import {get16, put16, put32} from './bytes.js'
import {checksumAdjust, internetChecksum} from './checksum.js'
import {WireError, assertEmitLen} from './error.js'
import type {Ipv4Address} from './ipv4-address.js'

export const IP_VER_IHL = 0
export const IP_TOS = 1
export const IP_TOTAL_LEN = 2
export const IP_IDENT = 4
export const IP_FLAGS_FRAG = 6
export const IP_TTL = 8
export const IP_PROTOCOL = 9
export const IP_CHECKSUM = 10
export const IP_SRC = 12
export const IP_DST = 16
export const IP_MIN_HEADER_LEN = 20
export const IP_MAX_HEADER_LEN = 60

export const IP_FLAG_DF = 0x4000
export const IP_FLAG_MF = 0x2000

export const IPPROTO_ICMP = 1
export const IPPROTO_TCP = 6
export const IPPROTO_UDP = 17

export class Ipv4Packet {
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

  /** Checked constructor: header and the whole `totalLen` present. Does not verify the checksum. */
  static checked(buf: Uint8Array, off = 0, len = buf.length - off): Ipv4Packet | WireError {
    const p = new Ipv4Packet(buf, off, len)
    const e = p.checkLen()
    return e === null ? p : e
  }

  /**
   * Version 4, 5 <= IHL, header present, IHL*4 <= totalLen <= len. Bytes after totalLen
   * (Ethernet padding) are not payload. After null every getter is in bounds.
   */
  checkLen(): WireError | null {
    const b = this.buf
    const o = this.off
    const n = this.len
    if (o >= 0 && n >= IP_MIN_HEADER_LEN && o + n <= b.length && b[o] >>> 4 === 4) {
      const hl = (b[o] & 0x0f) << 2
      const total = (b[o + 2] << 8) | b[o + 3]
      if (hl >= IP_MIN_HEADER_LEN && hl <= total && total <= n) return null
    }
    return this.lenError()
  }

  /** Cold path: which rule checkLen's fast test broke. */
  private lenError(): WireError {
    const e = this.checkHeaderLen()
    if (e !== null) return e
    const total = this.totalLen
    if (total < this.headerLen) return new WireError('ipv4', 'bad-length', this.off + IP_TOTAL_LEN, `total length ${total} < header length ${this.headerLen}`)
    return new WireError('ipv4', 'truncated', this.off + this.len, `total length ${total} exceeds the ${this.len} bytes present`)
  }

  /**
   * Header-only check, for the invoking packet quoted inside an ICMP error (RFC 792), whose
   * total length describes a packet that is not all there. payloadLen is clamped to what is present.
   */
  checkHeaderLen(): WireError | null {
    const {buf, off, len} = this
    if (off < 0 || len < 0 || off + len > buf.length) return new WireError('ipv4', 'truncated', off, 'view exceeds the buffer')
    if (len < 1) return new WireError('ipv4', 'truncated', off, 'empty IPv4 packet')
    if (buf[off] >>> 4 !== 4) return new WireError('ipv4', 'bad-version', off, `version ${buf[off] >>> 4} is not 4`)
    if (len < IP_MIN_HEADER_LEN) return new WireError('ipv4', 'truncated', off + len, `${len} bytes is shorter than the 20-byte header`)
    const hl = this.headerLen
    if (hl < IP_MIN_HEADER_LEN) return new WireError('ipv4', 'bad-length', off, `IHL ${hl >>> 2} < 5`)
    if (hl > len) return new WireError('ipv4', 'truncated', off + len, `header length ${hl} exceeds the ${len} bytes present`)
    return null
  }

  get version(): number {
    return this.buf[this.off] >>> 4
  }
  get ihl(): number {
    return this.buf[this.off] & 0x0f
  }
  get headerLen(): number {
    return (this.buf[this.off] & 0x0f) << 2
  }
  get dscp(): number {
    return this.buf[this.off + IP_TOS] >>> 2
  }
  set dscp(v: number) {
    const b = this.buf
    b[this.off + IP_TOS] = ((v & 0x3f) << 2) | (b[this.off + IP_TOS] & 3)
  }
  get ecn(): number {
    return this.buf[this.off + IP_TOS] & 3
  }
  get totalLen(): number {
    return get16(this.buf, this.off + IP_TOTAL_LEN)
  }
  get ident(): number {
    return get16(this.buf, this.off + IP_IDENT)
  }
  get dontFrag(): boolean {
    return (this.buf[this.off + IP_FLAGS_FRAG] & 0x40) !== 0
  }
  get moreFrags(): boolean {
    return (this.buf[this.off + IP_FLAGS_FRAG] & 0x20) !== 0
  }
  /** The reserved flag bit (must be zero, RFC 791). */
  get reservedFlag(): boolean {
    return (this.buf[this.off + IP_FLAGS_FRAG] & 0x80) !== 0
  }
  /** Fragment offset in units of 8 octets, as on the wire (scapy's `frag`). */
  get fragOffset(): number {
    const o = this.off + 6
    return ((this.buf[o] & 0x1f) << 8) | this.buf[o + 1]
  }
  get ttl(): number {
    return this.buf[this.off + IP_TTL]
  }
  set ttl(v: number) {
    this.buf[this.off + IP_TTL] = v
  }
  get protocol(): number {
    return this.buf[this.off + IP_PROTOCOL]
  }
  get checksum(): number {
    return get16(this.buf, this.off + IP_CHECKSUM)
  }
  set checksum(v: number) {
    put16(this.buf, this.off + IP_CHECKSUM, v)
  }
  get src(): Ipv4Address {
    const b = this.buf
    const o = this.off + 12
    return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0
  }
  set src(v: Ipv4Address) {
    put32(this.buf, this.off + IP_SRC, v)
  }
  get dst(): Ipv4Address {
    const b = this.buf
    const o = this.off + 16
    return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0
  }
  set dst(v: Ipv4Address) {
    put32(this.buf, this.off + IP_DST, v)
  }
  options(): Uint8Array {
    return this.buf.subarray(this.off + IP_MIN_HEADER_LEN, this.off + this.headerLen)
  }
  /** Absolute offset of the payload in buf. */
  get payloadOffset(): number {
    return this.off + ((this.buf[this.off] & 0x0f) << 2)
  }
  /**
   * totalLen - headerLen: in bounds after checkLen(). After checkHeaderLen() only (a quoted
   * packet) it may exceed the bytes present; use `len - headerLen` there.
   */
  get payloadLen(): number {
    const b = this.buf
    const o = this.off
    return ((b[o + 2] << 8) | b[o + 3]) - ((b[o] & 0x0f) << 2)
  }
  payload(): Uint8Array {
    return this.buf.subarray(this.payloadOffset, this.payloadOffset + this.payloadLen)
  }
  /** The checksum this header should carry. */
  computeChecksum(): number {
    const {buf, off} = this
    const end = off + this.headerLen
    // Sum around the checksum field instead of zeroing it: the view may be read-only in spirit.
    return internetChecksum(buf, off + IP_SRC, end, internetChecksum(buf, off, off + IP_CHECKSUM) ^ 0xffff)
  }
  verifyChecksum(): boolean {
    return this.computeChecksum() === this.checksum
  }
  fillChecksum(): void {
    put16(this.buf, this.off + IP_CHECKSUM, 0)
    put16(this.buf, this.off + IP_CHECKSUM, internetChecksum(this.buf, this.off, this.off + this.headerLen))
  }
}

export interface Ipv4Repr {
  readonly src: Ipv4Address
  readonly dst: Ipv4Address
  /** IP protocol number; unknown values are kept. */
  readonly protocol: number
  readonly ttl: number
  readonly dscp: number
  readonly ecn: number
  readonly ident: number
  readonly dontFrag: boolean
  readonly moreFrags: boolean
  /** In units of 8 octets. */
  readonly fragOffset: number
  /** Raw option bytes, a multiple of 4 long (RFC 791 pads the header to a 32-bit boundary). */
  readonly options: Uint8Array
  /** Bytes of payload that follow the header (totalLen - headerLen). */
  readonly payloadLen: number
}

/** The fields an originated packet chooses; ipv4Repr gives the rest their everyday values. */
export interface Ipv4Fields {
  readonly src: Ipv4Address
  readonly dst: Ipv4Address
  readonly protocol: number
  readonly ttl: number
  readonly ident: number
  /** Default false. */
  readonly dontFrag?: boolean
  /** Default 0 (encodeFrame recomputes it from the layers that follow). */
  readonly payloadLen?: number
}

const NO_OPTIONS = new Uint8Array(0)

/** A header as a host originates one: best-effort TOS (DSCP 0, not ECN-capable), unfragmented, no options. */
export function ipv4Repr(f: Ipv4Fields): Ipv4Repr {
  return {src: f.src, dst: f.dst, protocol: f.protocol, ttl: f.ttl, dscp: 0, ecn: 0, ident: f.ident, dontFrag: f.dontFrag ?? false, moreFrags: false, fragOffset: 0, options: NO_OPTIONS, payloadLen: f.payloadLen ?? 0}
}

export interface Ipv4ParseOptions {
  /** Default true. false skips the header checksum (the fast path, or tooling that reports it). */
  verifyChecksum?: boolean
}

/** For a checked packet. The options bytes are a subarray of the packet, not a copy. */
export function parseIpv4(p: Ipv4Packet, opts?: Ipv4ParseOptions): Ipv4Repr | WireError {
  if (opts?.verifyChecksum !== false && !p.verifyChecksum()) {
    return new WireError('ipv4', 'bad-checksum', p.off + IP_CHECKSUM, `header checksum ${hex(p.checksum)} is incorrect, should be ${hex(p.computeChecksum())}`)
  }
  return {
    src: p.src,
    dst: p.dst,
    protocol: p.protocol,
    ttl: p.ttl,
    dscp: p.dscp,
    ecn: p.ecn,
    ident: p.ident,
    dontFrag: p.dontFrag,
    moreFrags: p.moreFrags,
    fragOffset: p.fragOffset,
    options: p.options(),
    payloadLen: p.payloadLen,
  }
}

export function ipv4HeaderLen(r: Ipv4Repr): number {
  return IP_MIN_HEADER_LEN + r.options.length
}

/**
 * A router's TTL - 1 on the header at buf[ipOff], its checksum patched incrementally (RFC 1812
 * 5.3.1; RFC 1624). The caller has decided TTL > 1 (else time exceeded). Returns the new TTL.
 */
export function decrementTtl(buf: Uint8Array, ipOff: number): number {
  const word = get16(buf, ipOff + IP_TTL)
  const ttl = buf[ipOff + IP_TTL] - 1
  buf[ipOff + IP_TTL] = ttl
  put16(buf, ipOff + IP_CHECKSUM, checksumAdjust(get16(buf, ipOff + IP_CHECKSUM), word, get16(buf, ipOff + IP_TTL)))
  return ttl
}

/** Header plus payload. */
export function ipv4BufferLen(r: Ipv4Repr): number {
  return ipv4HeaderLen(r) + r.payloadLen
}

/**
 * Writes the header (checksum filled) into a view of exactly ipv4BufferLen(r) bytes; the caller
 * writes the payload at p.payloadOffset (before or after: the header checksum does not cover it).
 */
export function emitIpv4(r: Ipv4Repr, p: Ipv4Packet): void {
  assertEmitLen('ipv4', p.len, ipv4BufferLen(r))
  emitIpv4Header(r, p.buf, p.off)
}

/** Header only at buf[off, off + ipv4HeaderLen(r)), e.g. the invoking header quoted in ICMP. */
export function emitIpv4Header(r: Ipv4Repr, buf: Uint8Array, off: number): void {
  const hl = ipv4HeaderLen(r)
  if (r.options.length % 4 !== 0 || hl > IP_MAX_HEADER_LEN) throw new RangeError(`ipv4: options of ${r.options.length} bytes (needs a multiple of 4, at most 40)`)
  if (hl + r.payloadLen > 0xffff) throw new RangeError(`ipv4: total length ${hl + r.payloadLen} > 65535`)
  buf[off] = 0x40 | (hl >>> 2)
  buf[off + IP_TOS] = ((r.dscp & 0x3f) << 2) | (r.ecn & 3)
  put16(buf, off + IP_TOTAL_LEN, hl + r.payloadLen)
  put16(buf, off + IP_IDENT, r.ident)
  put16(buf, off + IP_FLAGS_FRAG, (r.dontFrag ? IP_FLAG_DF : 0) | (r.moreFrags ? IP_FLAG_MF : 0) | (r.fragOffset & 0x1fff))
  buf[off + IP_TTL] = r.ttl
  buf[off + IP_PROTOCOL] = r.protocol
  put16(buf, off + IP_CHECKSUM, 0)
  put32(buf, off + IP_SRC, r.src)
  put32(buf, off + IP_DST, r.dst)
  buf.set(r.options, off + IP_MIN_HEADER_LEN)
  put16(buf, off + IP_CHECKSUM, internetChecksum(buf, off, off + hl))
}

export function formatIpProtocol(p: number): string {
  switch (p) {
    case IPPROTO_ICMP:
      return 'ICMP'
    case IPPROTO_TCP:
      return 'TCP'
    case IPPROTO_UDP:
      return 'UDP'
    default:
      return '0x' + p.toString(16).padStart(2, '0')
  }
}

function hex(v: number): string {
  return '0x' + v.toString(16).padStart(4, '0')
}
