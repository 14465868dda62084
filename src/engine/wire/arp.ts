// ARP for Ethernet/IPv4: RFC 826 (packet format), RFC 5227 section 3 (gratuitous ARP:
// sender protocol address == target protocol address, sent as request or reply).

import {get16, get32, get48, put16, put32, put48} from './bytes.js'
import {WireError, assertEmitLen} from './error.js'
import type {Ipv4Address} from './ipv4-address.js'
import type {Mac} from './mac.js'

export const ARP_HTYPE = 0
export const ARP_PTYPE = 2
export const ARP_HLEN = 4
export const ARP_PLEN = 5
export const ARP_OPER = 6
export const ARP_SHA = 8
export const ARP_SPA = 14
export const ARP_THA = 18
export const ARP_TPA = 24
/** Length of an Ethernet/IPv4 ARP packet. */
export const ARP_LEN = 28
/** The fixed part common to every hardware/protocol pair. */
export const ARP_FIXED_LEN = 8

export const ARP_HTYPE_ETHERNET = 1
export const ARP_OP_REQUEST = 1
export const ARP_OP_REPLY = 2

export class ArpPacket {
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

  static checked(buf: Uint8Array, off = 0, len = buf.length - off): ArpPacket | WireError {
    const p = new ArpPacket(buf, off, len)
    const e = p.checkLen()
    return e === null ? p : e
  }

  /** Only Ethernet (htype 1, hlen 6) / IPv4 (ptype 0x0800, plen 4) is supported. */
  checkLen(): WireError | null {
    const {buf, off, len} = this
    if (off < 0 || len < 0 || off + len > buf.length) return new WireError('arp', 'truncated', off, 'view exceeds the buffer')
    if (len < ARP_FIXED_LEN) return new WireError('arp', 'truncated', off + len, `ARP of ${len} bytes is shorter than its 8-byte fixed part`)
    if (this.htype !== ARP_HTYPE_ETHERNET || this.ptype !== 0x0800 || this.hlen !== 6 || this.plen !== 4) {
      return new WireError('arp', 'unsupported', off, `ARP htype ${this.htype} ptype 0x${this.ptype.toString(16).padStart(4, '0')} hlen ${this.hlen} plen ${this.plen} is not Ethernet/IPv4`)
    }
    if (len < ARP_LEN) return new WireError('arp', 'truncated', off + len, `ARP of ${len} bytes is shorter than 28`)
    return null
  }

  get htype(): number {
    return get16(this.buf, this.off + ARP_HTYPE)
  }
  get ptype(): number {
    return get16(this.buf, this.off + ARP_PTYPE)
  }
  get hlen(): number {
    return this.buf[this.off + ARP_HLEN]
  }
  get plen(): number {
    return this.buf[this.off + ARP_PLEN]
  }
  get op(): number {
    return get16(this.buf, this.off + ARP_OPER)
  }
  set op(v: number) {
    put16(this.buf, this.off + ARP_OPER, v)
  }
  get senderMac(): Mac {
    return get48(this.buf, this.off + ARP_SHA)
  }
  get senderIp(): Ipv4Address {
    return get32(this.buf, this.off + ARP_SPA)
  }
  get targetMac(): Mac {
    return get48(this.buf, this.off + ARP_THA)
  }
  get targetIp(): Ipv4Address {
    return get32(this.buf, this.off + ARP_TPA)
  }
}

export interface ArpRepr {
  /** 1 request, 2 reply; other operation codes are kept. */
  readonly op: number
  readonly senderMac: Mac
  readonly senderIp: Ipv4Address
  readonly targetMac: Mac
  readonly targetIp: Ipv4Address
}

export function parseArp(p: ArpPacket): ArpRepr {
  return {op: p.op, senderMac: p.senderMac, senderIp: p.senderIp, targetMac: p.targetMac, targetIp: p.targetIp}
}

export function arpBufferLen(_r: ArpRepr): number {
  return ARP_LEN
}

export function emitArp(r: ArpRepr, p: ArpPacket): void {
  assertEmitLen('arp', p.len, ARP_LEN)
  const {buf, off} = p
  put16(buf, off + ARP_HTYPE, ARP_HTYPE_ETHERNET)
  put16(buf, off + ARP_PTYPE, 0x0800)
  buf[off + ARP_HLEN] = 6
  buf[off + ARP_PLEN] = 4
  put16(buf, off + ARP_OPER, r.op)
  put48(buf, off + ARP_SHA, r.senderMac)
  put32(buf, off + ARP_SPA, r.senderIp)
  put48(buf, off + ARP_THA, r.targetMac)
  put32(buf, off + ARP_TPA, r.targetIp)
}

/** RFC 5227 3: an announcement/gratuitous ARP has SPA == TPA (request or reply). */
export function isGratuitousArp(r: ArpRepr): boolean {
  return r.senderIp === r.targetIp
}

/** RFC 5227 2.1.1: a probe has sender IP 0.0.0.0. */
export function isArpProbe(r: ArpRepr): boolean {
  return r.op === ARP_OP_REQUEST && r.senderIp === 0
}
