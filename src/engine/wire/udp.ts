// UDP: RFC 768 (header, pseudo-header checksum; a transmitted checksum of zero means "no
// checksum", so a computed zero is sent as all ones, 0xffff), RFC 1122 4.1.3.4 (receivers must
// accept datagrams with a zero checksum).

import {get16, put16} from './bytes.js'
import {internetChecksum, pseudoHeaderSum} from './checksum.js'
import {WireError, assertEmitLen} from './error.js'
import type {Ipv4Address} from './ipv4-address.js'
import {IPPROTO_UDP} from './ipv4.js'

export const UDP_SRC_PORT = 0
export const UDP_DST_PORT = 2
export const UDP_LENGTH = 4
export const UDP_CHECKSUM = 6
export const UDP_HEADER_LEN = 8

export class UdpPacket {
  // `declare`d fields assigned in the constructor, and no default parameters: with ES2022 class
  // fields a plain declaration compiles to define-then-assign, and both cost bytecode that counts
  // against V8's inlining budget on the header path (bench/wire.ts). Use checked() for defaults.
  declare readonly buf: Uint8Array
  declare readonly off: number
  declare readonly len: number
  /** `len` is the IP payload length: the bytes the IP layer says belong to this datagram. */
  constructor(buf: Uint8Array, off: number, len: number) {
    this.buf = buf
    this.off = off
    this.len = len
  }

  static checked(buf: Uint8Array, off = 0, len = buf.length - off): UdpPacket | WireError {
    const p = new UdpPacket(buf, off, len)
    const e = p.checkLen()
    return e === null ? p : e
  }

  /** 8 <= length field <= bytes present. A length below the IP payload leaves trailing bytes unused. */
  checkLen(): WireError | null {
    const b = this.buf
    const o = this.off
    const n = this.len
    if (o >= 0 && n >= UDP_HEADER_LEN && o + n <= b.length) {
      const l = (b[o + 4] << 8) | b[o + 5]
      if (l >= UDP_HEADER_LEN && l <= n) return null
    }
    return this.lenError()
  }

  /** Cold path: which rule checkLen's fast test broke. */
  private lenError(): WireError {
    const {buf, off, len} = this
    if (off < 0 || len < 0 || off + len > buf.length) return new WireError('udp', 'truncated', off, 'view exceeds the buffer')
    if (len < UDP_HEADER_LEN) return new WireError('udp', 'truncated', off + len, `${len} bytes is shorter than the 8-byte header`)
    const l = get16(buf, off + UDP_LENGTH)
    if (l < UDP_HEADER_LEN) return new WireError('udp', 'bad-length', off + UDP_LENGTH, `length ${l} < 8`)
    return new WireError('udp', 'bad-length', off + UDP_LENGTH, `length ${l} exceeds the IP payload of ${len} bytes`)
  }

  get srcPort(): number {
    return (this.buf[this.off] << 8) | this.buf[this.off + 1]
  }
  set srcPort(v: number) {
    put16(this.buf, this.off + UDP_SRC_PORT, v)
  }
  get dstPort(): number {
    return (this.buf[this.off + 2] << 8) | this.buf[this.off + 3]
  }
  set dstPort(v: number) {
    put16(this.buf, this.off + UDP_DST_PORT, v)
  }
  get length(): number {
    return get16(this.buf, this.off + UDP_LENGTH)
  }
  get checksum(): number {
    return get16(this.buf, this.off + UDP_CHECKSUM)
  }
  set checksum(v: number) {
    put16(this.buf, this.off + UDP_CHECKSUM, v)
  }
  get payloadOffset(): number {
    return this.off + UDP_HEADER_LEN
  }
  payload(): Uint8Array {
    return this.buf.subarray(this.off + UDP_HEADER_LEN, this.off + this.length)
  }
  /** The checksum the datagram should carry (0 mapped to 0xffff, RFC 768). */
  computeChecksum(src: Ipv4Address, dst: Ipv4Address): number {
    const {buf, off} = this
    const l = this.length
    const head = internetChecksum(buf, off, off + UDP_CHECKSUM, pseudoHeaderSum(src, dst, IPPROTO_UDP, l)) ^ 0xffff
    const c = internetChecksum(buf, off + UDP_HEADER_LEN, off + l, head)
    return c === 0 ? 0xffff : c
  }
  /** True when the checksum is absent (zero) or correct. */
  verifyChecksum(src: Ipv4Address, dst: Ipv4Address): boolean {
    const c = this.checksum
    return c === 0 || c === this.computeChecksum(src, dst)
  }
  fillChecksum(src: Ipv4Address, dst: Ipv4Address): void {
    this.checksum = this.computeChecksum(src, dst)
  }
}

export interface UdpRepr {
  readonly srcPort: number
  readonly dstPort: number
  /** A subarray of the parsed buffer (no copy); emission copies it. */
  readonly payload: Uint8Array
}

export interface UdpChecksumOptions {
  /** Default true. On parse: verify a non-zero checksum. On emit: false sends 0 ("none"). */
  checksum?: boolean
}

export function parseUdp(p: UdpPacket, src: Ipv4Address, dst: Ipv4Address, opts?: UdpChecksumOptions): UdpRepr | WireError {
  if (opts?.checksum !== false && !p.verifyChecksum(src, dst)) {
    return new WireError('udp', 'bad-checksum', p.off + UDP_CHECKSUM, `checksum 0x${p.checksum.toString(16).padStart(4, '0')} is incorrect, should be 0x${p.computeChecksum(src, dst).toString(16).padStart(4, '0')}`)
  }
  return {srcPort: p.srcPort, dstPort: p.dstPort, payload: p.payload()}
}

export function udpBufferLen(r: UdpRepr): number {
  return UDP_HEADER_LEN + r.payload.length
}

export function emitUdp(r: UdpRepr, p: UdpPacket, src: Ipv4Address, dst: Ipv4Address, opts?: UdpChecksumOptions): void {
  const l = udpBufferLen(r)
  assertEmitLen('udp', p.len, l)
  if (l > 0xffff) throw new RangeError(`udp: length ${l} > 65535`)
  const {buf, off} = p
  put16(buf, off + UDP_SRC_PORT, r.srcPort)
  put16(buf, off + UDP_DST_PORT, r.dstPort)
  put16(buf, off + UDP_LENGTH, l)
  put16(buf, off + UDP_CHECKSUM, 0)
  buf.set(r.payload, off + UDP_HEADER_LEN)
  if (opts?.checksum !== false) p.fillChecksum(src, dst)
}
