// Port ACLs (Add-/Remove-/Get-VMNetworkAdapterAcl, reference §4.1) and extended port ACLs
// (*-VMNetworkAdapterExtendedAcl, §4.2): parsing of what the user types into the stored, normal
// form, and the rules of each list. What a verdict is (reference DECISIONS 4) is the engine's:
// the most specific match wins (a MAC match the most specific), Deny beats Allow on a tie, Meter
// only counts; extended ACLs apply highest weight first.
import type {ExtendedAcl, PortAcl} from './schema.js'

import {formatCidr, networkOf, parseCidr, parseIpv4, parseMacText} from './address.js'
import {HvnetError} from './errors.js'

export type AclDirectionInput = 'both' | 'inbound' | 'outbound'

export interface PortAclInput {
  action: 'allow' | 'deny' | 'meter'
  direction: AclDirectionInput
  localIp?: string
  remoteIp?: string
  localMac?: string
  remoteMac?: string
}

function capital<T extends string>(word: T): Capitalize<T> {
  return (word.charAt(0).toUpperCase() + word.slice(1)) as Capitalize<T>
}

/** `10.0.0.0/8`, a host `10.1.2.3` (a /32), or `ANY` (0.0.0.0/0) → the network `a.b.c.d/len`. */
export function parseAclPrefix(text: string, what: string): string {
  const t = text.trim()
  if (/^any$/i.test(t)) return '0.0.0.0/0'
  const host = parseIpv4(t)
  if (host !== undefined) return formatCidr(host, 32)
  const cidr = parseCidr(t)
  if (!cidr) {
    throw new HvnetError('invalid-prefix', `Cannot validate argument on parameter '${what}'. "${text}" is not an IPv4 address or prefix.`, 'Write a.b.c.d, a.b.c.d/len, or ANY. (hvnet simulates IPv4 only.)')
  }
  return formatCidr(networkOf(cidr.address, cidr.length), cidr.length)
}

/** `00-ab-00-11-22-33` (any of the three forms) or `ANY`. Multicast MACs are fine in an ACL. */
export function parseAclMac(text: string, what: string): string {
  if (/^any$/i.test(text.trim())) return 'ANY'
  const mac = parseMacText(text)
  if (!mac) throw new HvnetError('invalid-mac', `Cannot validate argument on parameter '${what}'. "${text}" is not a MAC address.`, 'Write it as 00-ab-00-11-22-33, 00ab00112233, 00:ab:00:11:22:33, or ANY.')
  return mac
}

/**
 * The stored entries for one Add-VMNetworkAdapterAcl: one address (local or remote, IP or MAC),
 * one entry per direction (`both` gives two, as WMI stores them). Meter entries must be IP-based.
 */
export function portAclsFrom(input: PortAclInput): PortAcl[] {
  const given = (['localIp', 'remoteIp', 'localMac', 'remoteMac'] as const).filter((k) => input[k] !== undefined)
  if (given.length !== 1) {
    throw new HvnetError('invalid-value', given.length === 0 ? 'An ACL entry needs an address.' : 'An ACL entry holds one address.', 'Give exactly one of --remote-ip, --local-ip, --remote-mac or --local-mac (add one entry per address).')
  }
  const key = given[0]
  const action = capital(input.action)
  const directions = input.direction === 'both' ? (['Inbound', 'Outbound'] as const) : [capital(input.direction)]
  const applicability = key.startsWith('local') ? 'Local' : 'Remote'
  if (key === 'localIp' || key === 'remoteIp') {
    const ipAddress = parseAclPrefix(input[key]!, key === 'localIp' ? 'LocalIPAddress' : 'RemoteIPAddress')
    return directions.map((direction) => ({aclType: 'IPv4', action, applicability, direction, ipAddress}))
  }
  if (action === 'Meter') {
    throw new HvnetError('invalid-value', 'A metering ACL must be IP-based.', 'Use --remote-ip or --local-ip with --action meter.')
  }
  const macAddress = parseAclMac(input[key]!, key === 'localMac' ? 'LocalMacAddress' : 'RemoteMacAddress')
  return directions.map((direction) => ({aclType: 'MAC', action, applicability, direction, macAddress}))
}

export function sameAcl(a: PortAcl, b: PortAcl): boolean {
  if (a.action !== b.action || a.direction !== b.direction || a.applicability !== b.applicability) return false
  if (a.aclType === 'IPv4') return b.aclType === 'IPv4' && a.ipAddress === b.ipAddress
  return b.aclType === 'MAC' && a.macAddress === b.macAddress
}

/** The Address column of Get-VMNetworkAdapterAcl: `10.0.0.0/8`, `00-AB-00-11-22-33` or `ANY`. */
export function aclAddressText(acl: PortAcl): string {
  if (acl.aclType === 'IPv4') return acl.ipAddress === '0.0.0.0/0' ? 'ANY' : acl.ipAddress
  return acl.macAddress === 'ANY' ? 'ANY' : acl.macAddress.match(/../g)!.join('-')
}

export interface ExtendedAclInput {
  action: 'allow' | 'deny'
  direction: 'inbound' | 'outbound'
  weight: number
  localIp?: string
  remoteIp?: string
  localPort?: string
  remotePort?: string
  protocol?: string
  stateful?: boolean
  idleSessionTimeout?: number
}

/** `80`, `49152-49182` or `ANY` → `[first, last]` or null. */
export function parsePortRange(text: string, what: string): [number, number] | null {
  const t = text.trim()
  if (/^any$/i.test(t)) return null
  const match = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(t)
  const first = match ? Number(match[1]) : Number.NaN
  const last = match?.[2] === undefined ? first : Number(match[2])
  if (!match || first > 65535 || last > 65535 || last < first) {
    throw new HvnetError('invalid-value', `Cannot validate argument on parameter '${what}'. "${text}" is not a port or port range.`, 'Write a port (80), a range (49152-49182) or ANY.')
  }
  return [first, last]
}

export function formatPortRange(range: [number, number] | null): string {
  if (range === null) return 'ANY'
  return range[0] === range[1] ? String(range[0]) : `${range[0]}-${range[1]}`
}

const PROTOCOLS: Record<string, number> = {icmp: 1, tcp: 6, udp: 17}

/** `TCP`, `UDP`, `ICMP`, an IP protocol number 0–255, or `ANY` → the number, or null for ANY. */
export function parseProtocol(text: string): number | null {
  const t = text.trim().toLowerCase()
  if (t === 'any') return null
  if (t in PROTOCOLS) return PROTOCOLS[t]
  if (/^\d{1,3}$/.test(t) && Number(t) <= 255) return Number(t)
  throw new HvnetError('invalid-value', `Cannot validate argument on parameter 'Protocol'. "${text}" is not a protocol.`, 'Write TCP, UDP, ICMP, an IP protocol number from 0 to 255 (1 is ICMP), or ANY.')
}

export function formatProtocol(protocol: number | null): string {
  if (protocol === null) return 'ANY'
  const name = Object.entries(PROTOCOLS).find(([, n]) => n === protocol)?.[0]
  return name ? name.toUpperCase() : String(protocol)
}

/** The WMI default of Msvm_EthernetSwitchPortExtendedAclSettingData.IdleSessionTimeout. */
export const DEFAULT_IDLE_SESSION_TIMEOUT = 255

/**
 * The stored entry of one Add-VMNetworkAdapterExtendedAcl. Ports need TCP or UDP (ports belong to
 * them); a stateful entry is an Allow (stateful rules "always allow traffic", XACL).
 */
export function extendedAclFrom(input: ExtendedAclInput): ExtendedAcl {
  if (!Number.isInteger(input.weight) || input.weight < 0 || input.weight > 0x7fffffff) {
    throw new HvnetError('invalid-value', `Cannot validate argument on parameter 'Weight'. ${input.weight} is not a weight.`, 'A weight is an integer from 0 to 2147483647; larger weights apply first.')
  }
  const protocol = input.protocol === undefined ? null : parseProtocol(input.protocol)
  const localPort = input.localPort === undefined ? null : parsePortRange(input.localPort, 'LocalPort')
  const remotePort = input.remotePort === undefined ? null : parsePortRange(input.remotePort, 'RemotePort')
  if ((localPort !== null || remotePort !== null) && protocol !== 6 && protocol !== 17) {
    throw new HvnetError('invalid-value', `Ports were given for protocol ${formatProtocol(protocol)}.`, 'Only TCP and UDP have ports: add --protocol tcp or --protocol udp.')
  }
  const stateful = input.stateful ?? false
  if (stateful && input.action === 'deny') {
    throw new HvnetError('invalid-value', 'A stateful extended ACL always allows traffic; it cannot be a Deny.', 'Use --action allow with --stateful, or drop --stateful.')
  }
  const timeout = input.idleSessionTimeout ?? DEFAULT_IDLE_SESSION_TIMEOUT
  if (!Number.isInteger(timeout) || timeout < 0 || timeout > 0x7fffffff) {
    throw new HvnetError('invalid-value', `Cannot validate argument on parameter 'IdleSessionTimeout'. ${timeout} is not a number of seconds.`, 'Give whole seconds, e.g. 3600.')
  }
  if (input.idleSessionTimeout !== undefined && !stateful) {
    throw new HvnetError('invalid-value', '--idle-session-timeout applies to stateful entries only.', 'Add --stateful, or drop --idle-session-timeout.')
  }
  return {
    action: capital(input.action),
    direction: capital(input.direction),
    idleSessionTimeout: timeout,
    localIPAddress: input.localIp === undefined ? '0.0.0.0/0' : parseAclPrefix(input.localIp, 'LocalIPAddress'),
    localPort,
    protocol,
    remoteIPAddress: input.remoteIp === undefined ? '0.0.0.0/0' : parseAclPrefix(input.remoteIp, 'RemoteIPAddress'),
    remotePort,
    stateful,
    weight: input.weight,
  }
}

/** Extended ACLs in the order they apply: by direction, then highest weight first. */
export function extendedAclOrder(entries: readonly ExtendedAcl[]): ExtendedAcl[] {
  return [...entries].sort((a, b) => a.direction.localeCompare(b.direction) || b.weight - a.weight)
}
