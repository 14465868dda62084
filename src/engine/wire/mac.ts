// IEEE 802 48-bit MAC addresses (IEEE 802-2014 section 8.2: I/G bit = bit 0 of the first octet,
// U/L bit = bit 1). A MAC is a JS number `hi16 * 2**32 + lo32` so it can key a Map without a
// string (STYLE 7). Text forms: Hyper-V's table form `00155D010203` and its trace form
// `00-15-5D-01-02-03`; `00:15:5d:01:02:03` is accepted on input.

import {WireError} from './error.js'

export type Mac = number

export const MAC_BROADCAST: Mac = 0xffff_ffff_ffff
export const MAC_ZERO: Mac = 0

const HI = 0x1_0000_0000

export function macFromParts(hi16: number, lo32: number): Mac {
  return (hi16 & 0xffff) * HI + (lo32 >>> 0)
}

/** First octet of the address (holds the I/G and U/L bits). */
function firstOctet(mac: Mac): number {
  return Math.floor(mac / HI) >>> 8
}

export function isMulticast(mac: Mac): boolean {
  return (firstOctet(mac) & 1) === 1
}

export function isBroadcast(mac: Mac): boolean {
  return mac === MAC_BROADCAST
}

/** Individual address (I/G bit clear), the zero address excluded. */
export function isUnicast(mac: Mac): boolean {
  return !isMulticast(mac) && mac !== 0
}

export function isZero(mac: Mac): boolean {
  return mac === 0
}

export function isLocallyAdministered(mac: Mac): boolean {
  return (firstOctet(mac) & 2) === 2
}

function octets(mac: Mac): string[] {
  const hex = mac.toString(16).toUpperCase().padStart(12, '0')
  return [hex.slice(0, 2), hex.slice(2, 4), hex.slice(4, 6), hex.slice(6, 8), hex.slice(8, 10), hex.slice(10, 12)]
}

/** Hyper-V table form, as Get-VMNetworkAdapter prints it: `00155D010203`. */
export function formatMac(mac: Mac): string {
  return mac.toString(16).toUpperCase().padStart(12, '0')
}

/** Hyper-V trace / Windows form: `00-15-5D-01-02-03`. */
export function formatMacTrace(mac: Mac): string {
  const h = formatMac(mac)
  return `${h.slice(0, 2)}-${h.slice(2, 4)}-${h.slice(4, 6)}-${h.slice(6, 8)}-${h.slice(8, 10)}-${h.slice(10, 12)}`
}

/** Colon form as Linux tools and scapy print it: `00:15:5d:01:02:03`. */
export function formatMacColon(mac: Mac): string {
  return octets(mac).join(':').toLowerCase()
}

const BARE = /^[0-9a-fA-F]{12}$/
const SEPARATED = /^[0-9a-fA-F]{2}([-:])[0-9a-fA-F]{2}(?:\1[0-9a-fA-F]{2}){4}$/

/**
 * Parses `00155D010203`, `00-15-5D-01-02-03` or `00:15:5d:01:02:03` (case-insensitive, one
 * separator style throughout). Anything else is a WireError('bad-syntax'), never a throw.
 */
export function parseMac(s: string): Mac | WireError {
  let hex: string
  if (BARE.test(s)) hex = s
  else if (SEPARATED.test(s)) hex = s.replace(/[-:]/g, '')
  else return new WireError('mac', 'bad-syntax', 0, `not a MAC address: ${JSON.stringify(s)}`)
  return parseInt(hex.slice(0, 4), 16) * HI + parseInt(hex.slice(4), 16)
}
