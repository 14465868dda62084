// The model's view of addresses: the stored text forms (MACs as Hyper-V shows them,
// `00155D010203`; addresses as dotted quads; prefixes as `a.b.c.d/len`) over the one parser and
// formatter of each, in src/engine/wire (reference DECISIONS 8 for the accepted MAC forms).
import {WireError} from '../engine/wire/error.js'
import {cidrOverlaps, formatIpv4, parseCidr as parseWireCidr, parseIpv4Address, prefixMask} from '../engine/wire/ipv4-address.js'
import {formatMac, formatMacTrace, isMulticast, isZero, parseMac} from '../engine/wire/mac.js'

export {formatIpv4, prefixMask}

/** `00155D010203`, `00-15-5D-01-02-03` or `00:15:5d:01:02:03` → 12 uppercase hex digits. */
export function parseMacText(text: string): string | undefined {
  const mac = parseMac(text.trim())
  return mac instanceof WireError ? undefined : formatMac(mac)
}

/** `00155D010203` → `00-15-5D-01-02-03`, the Get-NetAdapter and trace form. */
export function macDashed(mac: string): string {
  return formatMacTrace(parseMac(mac) as number)
}

export function macIsMulticast(mac: string): boolean {
  return isMulticast(parseMac(mac) as number)
}

export function macIsZero(mac: string): boolean {
  return isZero(parseMac(mac) as number)
}

export function parseIpv4(text: string): number | undefined {
  const value = parseIpv4Address(text.trim())
  return value instanceof WireError ? undefined : value
}

export interface Cidr {
  address: number
  length: number
}

/** `a.b.c.d/len` → address (not masked) and length, or undefined. */
export function parseCidr(text: string): Cidr | undefined {
  const value = parseWireCidr(text.trim())
  return value instanceof WireError ? undefined : {address: value.address, length: value.prefix}
}

export function networkOf(address: number, length: number): number {
  return (address & prefixMask(length)) >>> 0
}

/** The last address of a prefix (its directed broadcast address up to /30). */
export function broadcastOf(address: number, length: number): number {
  return (networkOf(address, length) + 2 ** (32 - length) - 1) >>> 0
}

export function formatCidr(address: number, length: number): string {
  return `${formatIpv4(address)}/${length}`
}

export function inPrefix(address: number, network: number, length: number): boolean {
  return networkOf(address, length) === networkOf(network, length)
}

export function prefixesOverlap(a: Cidr, b: Cidr): boolean {
  return cidrOverlaps({address: a.address, prefix: a.length}, {address: b.address, prefix: b.length})
}
