// IPv4 addresses and prefixes as uint32 numbers: RFC 791 section 3.2 (addressing), RFC 4632
// (CIDR notation), and the special-purpose blocks (RFC 6890): RFC 1918 (private), RFC 3927
// (link-local 169.254/16), RFC 5737 (documentation), RFC 5771 (multicast 224/4), RFC 1122
// 3.2.1.3 (loopback 127/8, "this network" 0/8), RFC 6598 (shared address space 100.64/10),
// RFC 2544 (benchmarking 198.18/15), RFC 1112 4 (reserved 240/4).
// Text input is user input: every parser returns a WireError('bad-syntax'), never throws.

import {WireError} from './error.js'

export type Ipv4Address = number

export interface Ipv4Cidr {
  readonly address: Ipv4Address
  readonly prefix: number
}

const OCTET = /^(?:0|[1-9][0-9]{0,2})$/

/** Dotted quad, each octet 0-255 in decimal without leading zeros (`01.2.3.4` is ambiguous: octal). */
export function parseIpv4Address(s: string): Ipv4Address | WireError {
  const parts = s.split('.')
  if (parts.length !== 4) return syntax(s, 'needs four dot-separated octets')
  let v = 0
  for (const p of parts) {
    if (!OCTET.test(p)) return syntax(s, `bad octet ${JSON.stringify(p)}`)
    const n = Number(p)
    if (n > 255) return syntax(s, `octet ${n} > 255`)
    v = v * 256 + n
  }
  return v
}

export function formatIpv4(a: Ipv4Address): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`
}

/** `10.0.0.0/8`; prefix 0-32. Host bits may be set (`10.1.2.3/8` names the interface's address). */
export function parseCidr(s: string): Ipv4Cidr | WireError {
  const slash = s.indexOf('/')
  if (slash < 0) return syntax(s, 'missing /prefix')
  const address = parseIpv4Address(s.slice(0, slash))
  if (address instanceof WireError) return address
  const p = s.slice(slash + 1)
  if (!/^(?:[0-9]|[12][0-9]|3[0-2])$/.test(p)) return syntax(s, `prefix ${JSON.stringify(p)} not in 0-32`)
  return {address, prefix: Number(p)}
}

export function formatCidr(c: Ipv4Cidr): string {
  return `${formatIpv4(c.address)}/${c.prefix}`
}

export function prefixMask(prefix: number): Ipv4Address {
  return prefix === 0 ? 0 : (0xffff_ffff << (32 - prefix)) >>> 0
}

/** Prefix length of a contiguous netmask, or null if the mask has holes. */
export function maskPrefix(mask: Ipv4Address): number | null {
  const inv = ~mask >>> 0
  if ((inv & (inv + 1)) !== 0) return null
  return Math.clz32(inv)
}

export function networkAddress(c: Ipv4Cidr): Ipv4Address {
  return (c.address & prefixMask(c.prefix)) >>> 0
}

export function broadcastAddress(c: Ipv4Cidr): Ipv4Address {
  return (c.address | ~prefixMask(c.prefix)) >>> 0
}

export function cidrContains(c: Ipv4Cidr, a: Ipv4Address): boolean {
  const m = prefixMask(c.prefix)
  return ((a & m) >>> 0) === ((c.address & m) >>> 0)
}

export function cidrOverlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const m = prefixMask(Math.min(a.prefix, b.prefix))
  return ((a.address & m) >>> 0) === ((b.address & m) >>> 0)
}

function inBlock(a: Ipv4Address, net: number, prefix: number): boolean {
  const m = prefixMask(prefix)
  return ((a & m) >>> 0) === net
}

/** RFC 1918: 10/8, 172.16/12, 192.168/16. */
export function isPrivate(a: Ipv4Address): boolean {
  return inBlock(a, 0x0a00_0000, 8) || inBlock(a, 0xac10_0000, 12) || inBlock(a, 0xc0a8_0000, 16)
}

export function isLinkLocal(a: Ipv4Address): boolean {
  return inBlock(a, 0xa9fe_0000, 16)
}

/** RFC 5737 TEST-NET-1/2/3. */
export function isDocumentation(a: Ipv4Address): boolean {
  return inBlock(a, 0xc000_0200, 24) || inBlock(a, 0xc633_6400, 24) || inBlock(a, 0xcb00_7100, 24)
}

/** 224/4 (the top four bits 1110): a test the stack's input path makes, so a shift. */
export function isMulticastIpv4(a: Ipv4Address): boolean {
  return a >>> 28 === 0xe
}

export function isLoopback(a: Ipv4Address): boolean {
  return inBlock(a, 0x7f00_0000, 8)
}

export function isLimitedBroadcast(a: Ipv4Address): boolean {
  return a === 0xffff_ffff
}

/** RFC 6598: 100.64/10, carrier-grade NAT's shared address space. */
export function isSharedAddressSpace(a: Ipv4Address): boolean {
  return inBlock(a, 0x6440_0000, 10)
}

/** RFC 2544: 198.18/15, for benchmarking interconnect devices. */
export function isBenchmarking(a: Ipv4Address): boolean {
  return inBlock(a, 0xc612_0000, 15)
}

/** RFC 1122 3.2.1.3: 0/8, "this network" (a source only, never a destination). */
export function isThisNetwork(a: Ipv4Address): boolean {
  return inBlock(a, 0, 8)
}

/** RFC 1112 4: 240/4, reserved (former class E); it holds the limited broadcast address too. */
export function isReserved(a: Ipv4Address): boolean {
  return inBlock(a, 0xf000_0000, 4)
}

function syntax(s: string, why: string): WireError {
  return new WireError('ipv4-address', 'bad-syntax', 0, `not an IPv4 address ${JSON.stringify(s)}: ${why}`)
}
