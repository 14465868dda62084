// What lies behind each LAN's router: "the internet", as a model a learner can predict.
//
//   - A public address answers: ICMP echo, TCP 80 and 443 (SYN-ACK; RST on every other port),
//     UDP 53 (a DNS answer to an A query). Other UDP ports get no answer (internet hosts filter
//     them). See ./answer.ts for the exact replies.
//   - Addresses nobody on the internet routes do not answer, each with its own reason: private
//     (RFC 1918) outside the LAN, shared address space (RFC 6598), link-local (RFC 3927: never
//     forwarded), documentation (RFC 5737), benchmarking (RFC 2544), loopback, "this network",
//     multicast and the reserved 240/4.
//   - Names resolve without a seed: a handful of well-known names to their real addresses, any
//     other name to a stable public address derived from it, and `*.invalid` (RFC 6761 6.4) to
//     NXDOMAIN. The same name gives the same address in every lab and on every run.
import type {Prefix} from '../config.js'
import {fnv1a} from '../seed.js'
import {
  cidrContains,
  isBenchmarking,
  isDocumentation,
  isLimitedBroadcast,
  isLinkLocal,
  isLoopback,
  isMulticastIpv4,
  isPrivate,
  isReserved,
  isSharedAddressSpace,
  isThisNetwork,
} from '../wire/ipv4-address.js'
import type {Ipv4Address} from '../wire/ipv4-address.js'

export type Reachability = {readonly kind: 'public'} | {readonly kind: 'silent'; readonly why: string}

const PUBLIC: Reachability = {kind: 'public'}

/** Whether an address beyond the LAN `lan` answers, and if not, why (a sentence for the trace). */
export function reachability(a: Ipv4Address, lan: Prefix): Reachability {
  if (cidrContains({address: lan.address, prefix: lan.length}, a)) return {kind: 'silent', why: 'is on the LAN itself, where no host but the gateway exists'}
  if (isPrivate(a)) return {kind: 'silent', why: 'is a private address (RFC 1918) outside this LAN: the router sends it towards the internet, where no one routes private addresses, so nothing answers'}
  if (isLinkLocal(a)) return {kind: 'silent', why: 'is a link-local address (169.254.0.0/16, RFC 3927): routers never forward it, it only reaches hosts on the same link'}
  if (isDocumentation(a)) return {kind: 'silent', why: 'is in a documentation range (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24): reserved for examples, no host has it'}
  if (isSharedAddressSpace(a)) return {kind: 'silent', why: 'is in the shared address space 100.64.0.0/10 (RFC 6598) of carrier-grade NAT: not routed on the internet'}
  if (isBenchmarking(a)) return {kind: 'silent', why: 'is in the benchmarking range 198.18.0.0/15 (RFC 2544): not routed on the internet'}
  if (isLoopback(a)) return {kind: 'silent', why: 'is a loopback address (127.0.0.0/8): it never leaves a host'}
  if (isThisNetwork(a)) return {kind: 'silent', why: 'is in 0.0.0.0/8 ("this network"): not a destination'}
  if (isMulticastIpv4(a)) return {kind: 'silent', why: 'is a multicast address (224.0.0.0/4): the router does not forward multicast to the internet'}
  if (isLimitedBroadcast(a)) return {kind: 'silent', why: 'is the limited broadcast address: it never crosses a router'}
  if (isReserved(a)) return {kind: 'silent', why: 'is in the reserved range 240.0.0.0/4: not routed'}
  return PUBLIC
}

/** Names that resolve to the addresses people know them by. */
const WELL_KNOWN: ReadonlyMap<string, Ipv4Address> = new Map([
  ['dns.google', 0x0808_0808],
  ['one.one.one.one', 0x0101_0101],
  ['dns.quad9.net', 0x0909_0909],
])

/** Public first octets the derived addresses are spread over (none special-purpose). */
const DERIVED_FIRST_OCTETS = [23, 34, 52, 104, 151, 185] as const

/** The A record of `name` (lower-case, no trailing dot), or null for NXDOMAIN. */
export function resolveA(name: string): Ipv4Address | null {
  if (name === '' || name === 'invalid' || name.endsWith('.invalid') || name === 'localhost' || name.endsWith('.localhost')) return null
  const known = WELL_KNOWN.get(name)
  if (known !== undefined) return known
  const h = fnv1a(name)
  const first = DERIVED_FIRST_OCTETS[h % DERIVED_FIRST_OCTETS.length]
  const last = 1 + ((h >>> 24) % 254)
  return ((first << 24) | (((h >>> 8) & 0xff) << 16) | (((h >>> 16) & 0xff) << 8) | last) >>> 0
}
