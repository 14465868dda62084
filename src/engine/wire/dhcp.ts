// DHCP over BOOTP: RFC 2131 section 2 (message format, broadcast flag) and 3.1 (magic cookie),
// RFC 2132 (options 0 pad, 1 subnet mask, 3 router, 6 DNS, 12 host name, 15 domain name,
// 50 requested address, 51 lease time, 53 message type, 54 server id, 55 parameter request list,
// 58 T1, 59 T2, 61 client id, 255 end). Unknown options are kept raw.
// Padding: RFC 951 fixes the BOOTP message at 300 octets (64-byte vend field) and RFC 1542 2.1
// requires relays/servers to accept a minimum BOOTP message of 300 octets, so emission pads the
// BOOTP part to 300 bytes as udhcpc and dhclient do; parsing accepts shorter, unpadded messages.

import {get16, get32, get48, put16, put32, put48} from './bytes.js'
import {WireError, assertEmitLen} from './error.js'
import type {Ipv4Address} from './ipv4-address.js'
import type {Mac} from './mac.js'

export const BOOTP_OP = 0
export const BOOTP_HTYPE = 1
export const BOOTP_HLEN = 2
export const BOOTP_HOPS = 3
export const BOOTP_XID = 4
export const BOOTP_SECS = 8
export const BOOTP_FLAGS = 10
export const BOOTP_CIADDR = 12
export const BOOTP_YIADDR = 16
export const BOOTP_SIADDR = 20
export const BOOTP_GIADDR = 24
export const BOOTP_CHADDR = 28
export const BOOTP_SNAME = 44
export const BOOTP_FILE = 108
export const BOOTP_FIXED_LEN = 236
export const DHCP_MAGIC_OFFSET = 236
export const DHCP_OPTIONS = 240
export const DHCP_MAGIC_COOKIE = 0x63825363
/** RFC 951 / RFC 1542 2.1 minimum BOOTP message. */
export const BOOTP_MIN_LEN = 300
export const BOOTP_FLAG_BROADCAST = 0x8000

export const DHCP_SERVER_PORT = 67
export const DHCP_CLIENT_PORT = 68

export const BOOTREQUEST = 1
export const BOOTREPLY = 2

/** DHCP message types (RFC 2132 §9.6, option 53). */
export const DHCPDISCOVER = 1
export const DHCPOFFER = 2
export const DHCPREQUEST = 3
export const DHCPDECLINE = 4
export const DHCPACK = 5
export const DHCPNAK = 6
export const DHCPRELEASE = 7
export const DHCPINFORM = 8

export const DHCP_MESSAGE_TYPES = {
  [DHCPDISCOVER]: 'DISCOVER',
  [DHCPOFFER]: 'OFFER',
  [DHCPREQUEST]: 'REQUEST',
  [DHCPDECLINE]: 'DECLINE',
  [DHCPACK]: 'ACK',
  [DHCPNAK]: 'NAK',
  [DHCPRELEASE]: 'RELEASE',
  [DHCPINFORM]: 'INFORM',
} as const satisfies Record<number, string>

export type DhcpMessageTypeName = (typeof DHCP_MESSAGE_TYPES)[keyof typeof DHCP_MESSAGE_TYPES]

export type DhcpOption =
  | {readonly kind: 'pad'}
  | {readonly kind: 'end'}
  | {readonly kind: 'message-type'; readonly messageType: number}
  | {readonly kind: 'subnet-mask'; readonly address: Ipv4Address}
  | {readonly kind: 'router'; readonly addresses: readonly Ipv4Address[]}
  | {readonly kind: 'dns'; readonly addresses: readonly Ipv4Address[]}
  | {readonly kind: 'hostname'; readonly name: string}
  | {readonly kind: 'domain-name'; readonly name: string}
  | {readonly kind: 'requested-ip'; readonly address: Ipv4Address}
  | {readonly kind: 'lease-time'; readonly seconds: number}
  | {readonly kind: 'server-id'; readonly address: Ipv4Address}
  | {readonly kind: 'parameter-request-list'; readonly codes: readonly number[]}
  | {readonly kind: 'renewal-time'; readonly seconds: number}
  | {readonly kind: 'rebinding-time'; readonly seconds: number}
  | {readonly kind: 'client-id'; readonly data: Uint8Array}
  | {readonly kind: 'unknown'; readonly code: number; readonly data: Uint8Array}

export interface DhcpRepr {
  /** 1 BOOTREQUEST, 2 BOOTREPLY. */
  readonly op: number
  readonly htype: number
  readonly hlen: number
  readonly hops: number
  readonly xid: number
  readonly secs: number
  /** The whole flags field; bit 15 is the broadcast flag (BOOTP_FLAG_BROADCAST). */
  readonly flags: number
  readonly ciaddr: Ipv4Address
  readonly yiaddr: Ipv4Address
  readonly siaddr: Ipv4Address
  readonly giaddr: Ipv4Address
  /** All 16 chaddr bytes (for htype 1 the MAC is the first 6; see dhcpClientMac). */
  readonly chaddr: Uint8Array
  /** 64 and 128 bytes, kept raw (NUL-terminated strings or option overload, RFC 2131 4.1). */
  readonly sname: Uint8Array
  readonly file: Uint8Array
  /** In wire order; pad and end included. Bytes after `end` are padding. */
  readonly options: readonly DhcpOption[]
}

export class DhcpPacket {
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

  static checked(buf: Uint8Array, off = 0, len = buf.length - off): DhcpPacket | WireError {
    const p = new DhcpPacket(buf, off, len)
    const e = p.checkLen()
    return e === null ? p : e
  }

  /** Fixed part and magic cookie present, cookie right. Options are checked by parseDhcp. */
  checkLen(): WireError | null {
    const {buf, off, len} = this
    if (off < 0 || len < 0 || off + len > buf.length) return new WireError('dhcp', 'truncated', off, 'view exceeds the buffer')
    if (len < DHCP_OPTIONS) return new WireError('dhcp', 'truncated', off + len, `${len} bytes is shorter than BOOTP + magic cookie (240)`)
    if (get32(buf, off + DHCP_MAGIC_OFFSET) !== DHCP_MAGIC_COOKIE) return new WireError('dhcp', 'malformed', off + DHCP_MAGIC_OFFSET, 'no DHCP magic cookie 99.130.83.99')
    return null
  }

  get op(): number {
    return this.buf[this.off + BOOTP_OP]
  }
  get xid(): number {
    return get32(this.buf, this.off + BOOTP_XID)
  }
  get flags(): number {
    return get16(this.buf, this.off + BOOTP_FLAGS)
  }
  get broadcast(): boolean {
    return (this.flags & BOOTP_FLAG_BROADCAST) !== 0
  }
  get giaddr(): Ipv4Address {
    return get32(this.buf, this.off + BOOTP_GIADDR)
  }
  get clientMac(): Mac {
    return get48(this.buf, this.off + BOOTP_CHADDR)
  }
  /** Option 53 found by a scan (no allocation), or 0 when absent or malformed. */
  get messageType(): number {
    const {buf} = this
    const end = this.off + this.len
    let i = this.off + DHCP_OPTIONS
    while (i < end) {
      const c = buf[i]
      if (c === 255) return 0
      if (c === 0) {
        i++
        continue
      }
      if (i + 1 >= end) return 0
      const l = buf[i + 1]
      if (i + 2 + l > end) return 0
      if (c === 53 && l === 1) return buf[i + 2]
      i += 2 + l
    }
    return 0
  }
}

function addrs(b: Uint8Array, d: number, l: number): Ipv4Address[] {
  const out: number[] = []
  for (let j = 0; j < l; j += 4) out.push(get32(b, d + j))
  return out
}

function latin1(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i])
  return s
}

export function parseDhcpOptions(b: Uint8Array, start: number, end: number): DhcpOption[] | WireError {
  const out: DhcpOption[] = []
  let i = start
  while (i < end) {
    const code = b[i]
    if (code === 0) {
      out.push({kind: 'pad'})
      i++
      continue
    }
    if (code === 255) {
      out.push({kind: 'end'})
      break
    }
    if (i + 1 >= end) return new WireError('dhcp', 'truncated', end, `option ${code} has no length byte`)
    const l = b[i + 1]
    const d = i + 2
    if (d + l > end) return new WireError('dhcp', 'truncated', end, `option ${code} of length ${l} overruns the message`)
    const bad = (want: string): WireError => new WireError('dhcp', 'malformed', i + 1, `option ${code} length ${l}, expected ${want}`)
    switch (code) {
      case 53:
        if (l !== 1) return bad('1')
        out.push({kind: 'message-type', messageType: b[d]})
        break
      case 1:
      case 50:
      case 54:
        if (l !== 4) return bad('4')
        out.push(code === 1 ? {kind: 'subnet-mask', address: get32(b, d)} : code === 50 ? {kind: 'requested-ip', address: get32(b, d)} : {kind: 'server-id', address: get32(b, d)})
        break
      case 3:
      case 6:
        if (l === 0 || l % 4 !== 0) return bad('a multiple of 4')
        out.push({kind: code === 3 ? 'router' : 'dns', addresses: addrs(b, d, l)})
        break
      case 12:
      case 15:
        if (l === 0) return bad('at least 1')
        out.push({kind: code === 12 ? 'hostname' : 'domain-name', name: latin1(b.subarray(d, d + l))})
        break
      case 51:
      case 58:
      case 59:
        if (l !== 4) return bad('4')
        out.push({kind: code === 51 ? 'lease-time' : code === 58 ? 'renewal-time' : 'rebinding-time', seconds: get32(b, d)})
        break
      case 55:
        out.push({kind: 'parameter-request-list', codes: Array.from(b.subarray(d, d + l))})
        break
      case 61:
        if (l < 2) return bad('at least 2')
        out.push({kind: 'client-id', data: b.subarray(d, d + l)})
        break
      default:
        out.push({kind: 'unknown', code, data: b.subarray(d, d + l)})
    }
    i = d + l
  }
  return out
}

/** For a checked packet. chaddr/sname/file/raw option data are subarrays, not copies. */
export function parseDhcp(p: DhcpPacket): DhcpRepr | WireError {
  const {buf, off} = p
  const options = parseDhcpOptions(buf, off + DHCP_OPTIONS, off + p.len)
  if (options instanceof WireError) return options
  return {
    op: buf[off + BOOTP_OP],
    htype: buf[off + BOOTP_HTYPE],
    hlen: buf[off + BOOTP_HLEN],
    hops: buf[off + BOOTP_HOPS],
    xid: get32(buf, off + BOOTP_XID),
    secs: get16(buf, off + BOOTP_SECS),
    flags: get16(buf, off + BOOTP_FLAGS),
    ciaddr: get32(buf, off + BOOTP_CIADDR),
    yiaddr: get32(buf, off + BOOTP_YIADDR),
    siaddr: get32(buf, off + BOOTP_SIADDR),
    giaddr: get32(buf, off + BOOTP_GIADDR),
    chaddr: buf.subarray(off + BOOTP_CHADDR, off + BOOTP_SNAME),
    sname: buf.subarray(off + BOOTP_SNAME, off + BOOTP_FILE),
    file: buf.subarray(off + BOOTP_FILE, off + BOOTP_FIXED_LEN),
    options,
  }
}

export function dhcpOptionLen(o: DhcpOption): number {
  switch (o.kind) {
    case 'pad':
    case 'end':
      return 1
    case 'message-type':
      return 3
    case 'subnet-mask':
    case 'requested-ip':
    case 'server-id':
    case 'lease-time':
    case 'renewal-time':
    case 'rebinding-time':
      return 6
    case 'router':
    case 'dns':
      return 2 + 4 * o.addresses.length
    case 'hostname':
    case 'domain-name':
      return 2 + o.name.length
    case 'parameter-request-list':
      return 2 + o.codes.length
    case 'client-id':
    case 'unknown':
      return 2 + o.data.length
  }
}

/** Options end included as given; the whole padded to the 300-byte BOOTP minimum. */
export function dhcpBufferLen(r: DhcpRepr): number {
  let n = DHCP_OPTIONS
  for (const o of r.options) n += dhcpOptionLen(o)
  return Math.max(BOOTP_MIN_LEN, n)
}

const OPTION_CODES: Record<DhcpOption['kind'], number> = {
  pad: 0,
  end: 255,
  'message-type': 53,
  'subnet-mask': 1,
  router: 3,
  dns: 6,
  hostname: 12,
  'domain-name': 15,
  'requested-ip': 50,
  'lease-time': 51,
  'server-id': 54,
  'parameter-request-list': 55,
  'renewal-time': 58,
  'rebinding-time': 59,
  'client-id': 61,
  unknown: -1,
}

export function dhcpOptionCode(o: DhcpOption): number {
  return o.kind === 'unknown' ? o.code : OPTION_CODES[o.kind]
}

/** The caller must include {kind: 'end'} (RFC 2131 4.1); emission does not add it. */
export function emitDhcp(r: DhcpRepr, p: DhcpPacket): void {
  const total = dhcpBufferLen(r)
  assertEmitLen('dhcp', p.len, total)
  const {buf, off} = p
  buf.fill(0, off, off + total)
  buf[off + BOOTP_OP] = r.op
  buf[off + BOOTP_HTYPE] = r.htype
  buf[off + BOOTP_HLEN] = r.hlen
  buf[off + BOOTP_HOPS] = r.hops
  put32(buf, off + BOOTP_XID, r.xid)
  put16(buf, off + BOOTP_SECS, r.secs)
  put16(buf, off + BOOTP_FLAGS, r.flags)
  put32(buf, off + BOOTP_CIADDR, r.ciaddr)
  put32(buf, off + BOOTP_YIADDR, r.yiaddr)
  put32(buf, off + BOOTP_SIADDR, r.siaddr)
  put32(buf, off + BOOTP_GIADDR, r.giaddr)
  buf.set(r.chaddr.subarray(0, 16), off + BOOTP_CHADDR)
  buf.set(r.sname.subarray(0, 64), off + BOOTP_SNAME)
  buf.set(r.file.subarray(0, 128), off + BOOTP_FILE)
  put32(buf, off + DHCP_MAGIC_OFFSET, DHCP_MAGIC_COOKIE)
  let i = off + DHCP_OPTIONS
  for (const o of r.options) {
    const code = dhcpOptionCode(o)
    buf[i] = code
    if (o.kind === 'pad' || o.kind === 'end') {
      i++
      continue
    }
    const l = dhcpOptionLen(o) - 2
    if (l > 255) throw new RangeError(`dhcp: option ${code} of ${l} bytes > 255`)
    buf[i + 1] = l
    const d = i + 2
    switch (o.kind) {
      case 'message-type':
        buf[d] = o.messageType
        break
      case 'subnet-mask':
      case 'requested-ip':
      case 'server-id':
        put32(buf, d, o.address)
        break
      case 'lease-time':
      case 'renewal-time':
      case 'rebinding-time':
        put32(buf, d, o.seconds)
        break
      case 'router':
      case 'dns':
        o.addresses.forEach((a, j) => put32(buf, d + 4 * j, a))
        break
      case 'hostname':
      case 'domain-name':
        for (let j = 0; j < o.name.length; j++) buf[d + j] = o.name.charCodeAt(j)
        break
      case 'parameter-request-list':
        buf.set(o.codes, d)
        break
      case 'client-id':
      case 'unknown':
        buf.set(o.data, d)
        break
    }
    i = d + l
  }
}

/** The client's MAC from chaddr (meaningful when htype 1, hlen 6). */
export function dhcpClientMac(r: DhcpRepr): Mac {
  return get48(r.chaddr, 0)
}

export function chaddrFromMac(mac: Mac): Uint8Array {
  const b = new Uint8Array(16)
  put48(b, 0, mac)
  return b
}

/** Option 53's value, or null when absent (a plain BOOTP message). */
export function dhcpMessageType(r: DhcpRepr): number | null {
  for (const o of r.options) if (o.kind === 'message-type') return o.messageType
  return null
}

export function dhcpMessageTypeName(t: number): string {
  return (DHCP_MESSAGE_TYPES as Record<number, string>)[t] ?? `type ${t}`
}
