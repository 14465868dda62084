// WinNAT configuration (the NetNat module): New-/Get-/Set-/Remove-NetNat, Add-/Get-/Remove-
// NetNatStaticMapping and Add-/Get-/Remove-NetNatExternalAddress. This stores and checks what the
// NAT engine runs; it translates nothing itself. Rules follow reference §6 and DECISIONS 7: one
// internal prefix per host, a network address, clear of the host's physical networks; Windows
// answers a broken New-NetNat with "The parameter is incorrect." and hvnet adds why.
import type {Cidr} from './address.js'
import type {Lab, NatExternalAddress, NatStaticMapping, NetNat} from './schema.js'

import {broadcastOf, formatCidr, formatIpv4, inPrefix, networkOf, parseCidr, parseIpv4, prefixesOverlap} from './address.js'
import {cimNotFound, HvnetError} from './errors.js'
import {liveIpv4Holder} from './host.js'
import {checkObjectName, closestName, describeExisting, findByName, sameName} from './names.js'

/** Get-NetNat's values on a new NAT, as real hosts show them (reference §6.2). */
export const NAT_DEFAULTS = {
  icmpQueryTimeout: 30,
  tcpEstablishedConnectionTimeout: 1800,
  tcpFilteringBehavior: 'AddressDependentFiltering',
  tcpTransientConnectionTimeout: 120,
  udpFilteringBehavior: 'AddressDependentFiltering',
  udpIdleSessionTimeout: 120,
  udpInboundRefresh: false,
} as const

/**
 * Add-NetNatExternalAddress without -PortStart/-PortEnd. Microsoft documents no default; hvnet lends
 * every port above the well-known ones to outbound sessions, which leaves 1-1023 to static mappings.
 */
export const EXTERNAL_PORT_START = 1024
export const EXTERNAL_PORT_END = 65535

const ZERO_ROUTING_DOMAIN = '{00000000-0000-0000-0000-000000000000}'
const INCORRECT = 'The parameter is incorrect.'

export type FilteringBehavior = NetNat['tcpFilteringBehavior']

export function findNat(lab: Lab, name: string): NetNat {
  const nat = findByName(lab.nats, name)
  if (nat) return nat
  const names = lab.nats.map((n) => n.name)
  const close = closestName(name, names)
  throw new HvnetError('not-found', cimNotFound('MSFT_NetNat', 'Name', name), close ? `Did you mean "${close}"? ${describeExisting('NAT', names)}` : `${describeExisting('NAT', names)} Run \`hvnet nat list\`.`)
}

/** A NAT prefix typed by the user: `a.b.c.d/len` with the host bits zero, normalized. */
function parseNetworkPrefix(text: string, parameter: string, lengths: {max: number; min: number}): Cidr {
  const cidr = parseCidr(text)
  if (!cidr || cidr.length < lengths.min || cidr.length > lengths.max) {
    throw new HvnetError('invalid-prefix', `Cannot validate argument on parameter '${parameter}'. "${text}" is not an IPv4 prefix with a length of ${lengths.min} to ${lengths.max}.`, 'Write it as a network and its length, e.g. 192.168.0.0/24.')
  }
  const network = networkOf(cidr.address, cidr.length)
  if (network !== cidr.address) {
    throw new HvnetError('invalid-prefix', `${INCORRECT} ${text} is not a network address: its host bits are not zero.`, `Use the network it lies in: ${formatCidr(network, cidr.length)}.`)
  }
  return cidr
}

function parseAddress(text: string, parameter: string): number {
  const address = parseIpv4(text)
  if (address === undefined) throw new HvnetError('invalid-ip', `Cannot validate argument on parameter '${parameter}'. "${text}" is not an IPv4 address.`, 'Write it as a.b.c.d.')
  return address
}

function checkPort(value: number, parameter: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new HvnetError('invalid-value', `Cannot validate argument on parameter '${parameter}'. ${value} is not a port number from 1 to 65535.`, 'Give a TCP or UDP port such as 8080.')
  }
  return value
}

function checkSeconds(value: number, parameter: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 0xffffffff) {
    throw new HvnetError('invalid-value', `Cannot validate argument on parameter '${parameter}'. ${value} is not a timeout in seconds from 1 to 4294967295.`, `Give a number of seconds, e.g. ${parameter === 'IcmpQueryTimeout' ? 30 : 120}.`)
  }
  return value
}

/** The host's physical networks: each adapter's LAN and the addresses the host holds on it. */
function physicalPrefixes(lab: Lab): {holder: string; prefix: Cidr}[] {
  const out: {holder: string; prefix: Cidr}[] = []
  for (const a of lab.host.adapters) {
    if (a.network) out.push({holder: a.name, prefix: parseCidr(a.network.prefix)!})
    for (const e of liveIpv4Holder(lab, a).ipv4.addresses) out.push({holder: a.name, prefix: {address: parseIpv4(e.ipAddress)!, length: e.prefixLength}})
  }
  return out
}

export interface EnableNatInput {
  name: string
  internalPrefix: string
  externalPrefix?: string
}

/** New-NetNat -Name N -InternalIPInterfaceAddressPrefix P [-ExternalIPInterfaceAddressPrefix E]. */
export function enableNat(lab: Lab, input: EnableNatInput): NatView {
  const bad = checkObjectName('NAT', input.name)
  if (bad) throw new HvnetError('invalid-name', bad, 'Give the NAT a name such as "MyNATnetwork".')
  const inside = parseNetworkPrefix(input.internalPrefix, 'InternalIPInterfaceAddressPrefix', {max: 30, min: 1})
  const insideText = formatCidr(inside.address, inside.length)
  const existing = lab.nats[0]
  if (existing) {
    const why = sameName(existing.name, input.name)
      ? `A NAT named "${existing.name}" already exists (on ${existing.internalIPInterfaceAddressPrefix}).`
      : `WinNAT allows one internal prefix per host, and "${existing.name}" already has ${existing.internalIPInterfaceAddressPrefix}.`
    throw new HvnetError('rule-violation', `${INCORRECT} ${why}`, `Several internal switches can share one NAT on a larger prefix (e.g. 192.168.0.0/16): \`hvnet nat disable "${existing.name}"\`, then \`hvnet nat enable\` on a prefix that covers them all.`)
  }
  for (const held of physicalPrefixes(lab)) {
    if (prefixesOverlap(inside, held.prefix)) {
      throw new HvnetError('rule-violation', `${INCORRECT} ${insideText} overlaps ${formatCidr(networkOf(held.prefix.address, held.prefix.length), held.prefix.length)}, the network of "${held.holder}": WinNAT's internal prefix must not overlap the host's physical networks.`, 'Choose a private prefix none of the host\'s LANs use (see `hvnet host ip list`), e.g. 192.168.100.0/24.')
    }
  }
  let outside: string | null = null
  if (input.externalPrefix !== undefined) {
    const cidr = parseNetworkPrefix(input.externalPrefix, 'ExternalIPInterfaceAddressPrefix', {max: 32, min: 0})
    if (prefixesOverlap(cidr, inside)) {
      throw new HvnetError('rule-violation', `${INCORRECT} The external prefix ${formatCidr(cidr.address, cidr.length)} overlaps the internal prefix ${insideText}.`, 'The external prefix names the host\'s outside network; leave it out to translate to any external interface.')
    }
    outside = formatCidr(cidr.address, cidr.length)
  }
  const nat: NetNat = {
    ...NAT_DEFAULTS,
    active: true,
    externalAddresses: [],
    externalIPInterfaceAddressPrefix: outside,
    internalIPInterfaceAddressPrefix: insideText,
    name: input.name,
    nextExternalAddressId: 0,
    nextStaticMappingId: 0,
    staticMappings: [],
  }
  lab.nats.push(nat)
  return describeNat(lab, nat)
}

/** Remove-NetNat: the NAT, its mappings and external addresses go; the switch and gateway IP stay. */
export function disableNat(lab: Lab, name: string): NatView {
  const nat = findNat(lab, name)
  const view = describeNat(lab, nat)
  lab.nats = lab.nats.filter((n) => n !== nat)
  const kept = view.gatewayInterfaces.map((g) => `${g.ipAddress} on "${g.interfaceAlias}"`)
  view.remarks = [`The NAT was removed: translation stops and its sessions are dropped. Its internal switch${kept.length > 0 ? ` and the gateway address ${kept.join(', ')}` : ''} stay, as Remove-NetNat leaves them.`]
  view.warnings = []
  return view
}

export interface SetNatInput {
  icmpQueryTimeout?: number
  tcpEstablishedConnectionTimeout?: number
  tcpTransientConnectionTimeout?: number
  tcpFilteringBehavior?: FilteringBehavior
  udpFilteringBehavior?: FilteringBehavior
  udpIdleSessionTimeout?: number
  udpInboundRefresh?: boolean
}

const TIMEOUT_PARAMETERS = {
  icmpQueryTimeout: 'IcmpQueryTimeout',
  tcpEstablishedConnectionTimeout: 'TcpEstablishedConnectionTimeout',
  tcpTransientConnectionTimeout: 'TcpTransientConnectionTimeout',
  udpIdleSessionTimeout: 'UdpIdleSessionTimeout',
} as const

/** Set-NetNat: timeouts (seconds), filtering behaviours, UdpInboundRefresh. */
export function setNat(lab: Lab, name: string, input: SetNatInput): NatView {
  const nat = findNat(lab, name)
  for (const key of Object.keys(TIMEOUT_PARAMETERS) as (keyof typeof TIMEOUT_PARAMETERS)[]) {
    const value = input[key]
    if (value !== undefined) nat[key] = checkSeconds(value, TIMEOUT_PARAMETERS[key])
  }
  if (input.tcpFilteringBehavior !== undefined) nat.tcpFilteringBehavior = input.tcpFilteringBehavior
  if (input.udpFilteringBehavior !== undefined) nat.udpFilteringBehavior = input.udpFilteringBehavior
  if (input.udpInboundRefresh !== undefined) nat.udpInboundRefresh = input.udpInboundRefresh
  return describeNat(lab, nat)
}

/** Get-NetNat's object, plus where its gateway is and what is missing. */
export interface NatView {
  name: string
  externalIPInterfaceAddressPrefix: string | null
  internalIPInterfaceAddressPrefix: string
  icmpQueryTimeout: number
  tcpEstablishedConnectionTimeout: number
  tcpTransientConnectionTimeout: number
  tcpFilteringBehavior: FilteringBehavior
  udpFilteringBehavior: FilteringBehavior
  udpIdleSessionTimeout: number
  udpInboundRefresh: boolean
  store: 'Local'
  active: boolean
  staticMappingCount: number
  externalAddressCount: number
  /** Host vNIC addresses inside the internal prefix: the gateways VMs on it can use. */
  gatewayInterfaces: {interfaceAlias: string; ipAddress: string}[]
  /** Problems a user must fix for the NAT to work (`validate` reports them too). */
  warnings: string[]
  /** What the setup means. */
  remarks: string[]
}

export function describeNat(lab: Lab, nat: NetNat): NatView {
  const inside = parseCidr(nat.internalIPInterfaceAddressPrefix)!
  const defaultSwitch = lab.switches.find((s) => s.isDefaultSwitch)
  const gatewayInterfaces: NatView['gatewayInterfaces'] = []
  for (const vnic of lab.host.vnics) {
    if (defaultSwitch && vnic.switchId === defaultSwitch.id) continue
    for (const e of vnic.ipv4.addresses) {
      if (inPrefix(parseIpv4(e.ipAddress)!, inside.address, inside.length)) gatewayInterfaces.push({interfaceAlias: vnic.interfaceAlias, ipAddress: e.ipAddress})
    }
  }
  const warnings: string[] = []
  const remarks: string[] = []
  if (gatewayInterfaces.length === 0) {
    const bare = lab.host.vnics.find((n) => n.switchId !== defaultSwitch?.id && n.ipv4.addresses.length === 0)
    const alias = bare?.interfaceAlias ?? 'vEthernet (NATSwitch)'
    warnings.push(`No host vNIC has an address in ${nat.internalIPInterfaceAddressPrefix}, so VMs on it have no gateway and nothing reaches the NAT. Give the internal switch's host vNIC the gateway address: \`hvnet host ip add --interface-alias "${alias}" --ip-address ${formatIpv4(inside.address + 1)} --prefix-length ${inside.length}\`.`)
  } else {
    remarks.push(`WinNAT assigns no addresses: give each VM an address in ${nat.internalIPInterfaceAddressPrefix}, the gateway ${gatewayInterfaces[0].ipAddress} and a DNS server by hand.`)
  }
  if (defaultSwitch?.icsPrefix && prefixesOverlap(inside, parseCidr(defaultSwitch.icsPrefix)!)) {
    warnings.push(`${nat.internalIPInterfaceAddressPrefix} overlaps the Default Switch's subnet ${defaultSwitch.icsPrefix}; the Default Switch moves off it when the host restarts (\`hvnet host restart\`).`)
  }
  const held = new Set(lab.host.adapters.flatMap((a) => liveIpv4Holder(lab, a).ipv4.addresses.map((e) => e.ipAddress)))
  for (const x of nat.externalAddresses) {
    if (!held.has(x.ipAddress)) warnings.push(`The external address ${x.ipAddress} (ID ${x.externalAddressId}) is not held by any host interface on a physical network; no traffic reaches it.`)
  }
  for (const m of nat.staticMappings) {
    if (m.externalIPAddress !== '0.0.0.0' && !held.has(m.externalIPAddress)) warnings.push(`Static mapping ${m.staticMappingId} listens on ${m.externalIPAddress}, which no host interface on a physical network holds; no traffic reaches it. Use 0.0.0.0 for any of the host's external addresses.`)
  }
  return {
    active: nat.active,
    externalAddressCount: nat.externalAddresses.length,
    externalIPInterfaceAddressPrefix: nat.externalIPInterfaceAddressPrefix,
    gatewayInterfaces,
    icmpQueryTimeout: nat.icmpQueryTimeout,
    internalIPInterfaceAddressPrefix: nat.internalIPInterfaceAddressPrefix,
    name: nat.name,
    remarks,
    staticMappingCount: nat.staticMappings.length,
    store: 'Local',
    tcpEstablishedConnectionTimeout: nat.tcpEstablishedConnectionTimeout,
    tcpFilteringBehavior: nat.tcpFilteringBehavior,
    tcpTransientConnectionTimeout: nat.tcpTransientConnectionTimeout,
    udpFilteringBehavior: nat.udpFilteringBehavior,
    udpIdleSessionTimeout: nat.udpIdleSessionTimeout,
    udpInboundRefresh: nat.udpInboundRefresh,
    warnings,
  }
}

export function listNats(lab: Lab): NatView[] {
  return lab.nats.map((n) => describeNat(lab, n))
}

/** One Get-NetNatStaticMapping object. */
export interface StaticMappingView extends NatStaticMapping {
  natName: string
  internalRoutingDomainId: string
}

function mappingView(nat: NetNat, m: NatStaticMapping): StaticMappingView {
  return {...m, internalRoutingDomainId: ZERO_ROUTING_DOMAIN, natName: nat.name}
}

export interface AddMappingInput {
  natName: string
  protocol: 'TCP' | 'UDP'
  externalIPAddress: string
  externalPort: number
  internalIPAddress: string
  internalPort?: number
  remoteExternalIPAddressPrefix?: string
}

/** An address no host interface can use as a NAT endpoint: loopback, multicast, broadcast, class E. */
function checkEndpointAddress(address: number, parameter: string): void {
  const first = address >>> 24
  if (first === 127 || first >= 224) {
    throw new HvnetError('invalid-ip', `Cannot validate argument on parameter '${parameter}'. ${formatIpv4(address)} is not a unicast address.`, 'Use a unicast IPv4 address.')
  }
}

/** Add-NetNatStaticMapping: one external endpoint to one internal endpoint (reference §6.4). */
export function addStaticMapping(lab: Lab, input: AddMappingInput): StaticMappingView {
  const nat = findNat(lab, input.natName)
  const inside = parseCidr(nat.internalIPInterfaceAddressPrefix)!
  const external = parseAddress(input.externalIPAddress, 'ExternalIPAddress')
  checkEndpointAddress(external, 'ExternalIPAddress')
  if (external !== 0 && inPrefix(external, inside.address, inside.length)) {
    throw new HvnetError('rule-violation', `${INCORRECT} The external address ${formatIpv4(external)} lies inside the NAT's internal prefix ${nat.internalIPInterfaceAddressPrefix}.`, 'Use 0.0.0.0 (any of the host\'s external addresses) or an address of the host\'s physical network.')
  }
  const externalPort = checkPort(input.externalPort, 'ExternalPort')
  const internalPort = checkPort(input.internalPort ?? input.externalPort, 'InternalPort')
  const internal = parseAddress(input.internalIPAddress, 'InternalIPAddress')
  checkEndpointAddress(internal, 'InternalIPAddress')
  const broadcast = broadcastOf(inside.address, inside.length)
  if (!inPrefix(internal, inside.address, inside.length) || internal === inside.address || internal === broadcast) {
    const why = inPrefix(internal, inside.address, inside.length) ? `is the ${internal === inside.address ? 'network' : 'broadcast'} address of` : 'is not inside'
    throw new HvnetError('rule-violation', `${INCORRECT} The internal address ${formatIpv4(internal)} ${why} the NAT's internal prefix ${nat.internalIPInterfaceAddressPrefix}.`, `Map to a VM's address in ${nat.internalIPInterfaceAddressPrefix}, e.g. ${formatIpv4(inside.address + 10)}.`)
  }
  const remote = parseNetworkPrefix(input.remoteExternalIPAddressPrefix ?? '0.0.0.0/0', 'RemoteExternalIPAddressPrefix', {max: 32, min: 0})
  const clash = nat.staticMappings.find((m) => m.protocol === input.protocol && m.externalPort === externalPort && (external === 0 || m.externalIPAddress === '0.0.0.0' || parseIpv4(m.externalIPAddress) === external))
  if (clash) {
    throw new HvnetError(
      'rule-violation',
      `You were not connected because a duplicate name exists on the network. ${input.protocol} port ${externalPort} on ${clash.externalIPAddress === '0.0.0.0' || external === 0 ? 'the host\'s external addresses' : formatIpv4(external)} is already mapped by static mapping ${clash.staticMappingId} (to ${clash.internalIPAddress}:${clash.internalPort}).`,
      `One external port maps to one internal endpoint: choose another --external-port, or remove mapping ${clash.staticMappingId} first (\`hvnet nat remove-mapping --nat "${nat.name}" --id ${clash.staticMappingId}\`).`,
    )
  }
  const mapping: NatStaticMapping = {
    active: true,
    externalIPAddress: formatIpv4(external),
    externalPort,
    internalIPAddress: formatIpv4(internal),
    internalPort,
    protocol: input.protocol,
    remoteExternalIPAddressPrefix: formatCidr(remote.address, remote.length),
    staticMappingId: nat.nextStaticMappingId++,
  }
  nat.staticMappings.push(mapping)
  return mappingView(nat, mapping)
}

/** The NATs a Get-NetNat* -NatName filter selects: one by name, or all. */
function selectNats(lab: Lab, natName: string | undefined): NetNat[] {
  return natName === undefined ? lab.nats : [findNat(lab, natName)]
}

export function listStaticMappings(lab: Lab, natName?: string): StaticMappingView[] {
  return selectNats(lab, natName).flatMap((nat) => nat.staticMappings.map((m) => mappingView(nat, m)))
}

/** Picks the items a Remove-NetNat* call names by ID (every one when `ids` is 'all'). */
function pickById<T>(items: T[], idOf: (item: T) => number, ids: number[] | 'all', property: string, cim: string, listHint: string): T[] {
  if (ids === 'all') return items
  const picked: T[] = []
  for (const id of ids) {
    const item = items.find((i) => idOf(i) === id)
    if (!item) {
      const existing = items.map((i) => idOf(i))
      throw new HvnetError('not-found', cimNotFound(cim, property, String(id)), existing.length > 0 ? `Existing IDs: ${existing.join(', ')}. Run \`${listHint}\`.` : `There are none. Run \`${listHint}\`.`)
    }
    if (!picked.includes(item)) picked.push(item)
  }
  return picked
}

/** Remove-NetNatStaticMapping -NatName N [-StaticMappingID ...]. */
export function removeStaticMappings(lab: Lab, natName: string, ids: number[] | 'all'): StaticMappingView[] {
  const nat = findNat(lab, natName)
  const picked = pickById(nat.staticMappings, (m) => m.staticMappingId, ids, 'StaticMappingID', 'MSFT_NetNatStaticMapping', `hvnet nat list-mappings --nat "${nat.name}"`)
  nat.staticMappings = nat.staticMappings.filter((m) => !picked.includes(m))
  return picked.map((m) => mappingView(nat, m))
}

/** One Get-NetNatExternalAddress object. */
export interface ExternalAddressView extends NatExternalAddress {
  natName: string
}

export interface AddExternalAddressInput {
  natName: string
  ipAddress: string
  portStart?: number
  portEnd?: number
}

/** Add-NetNatExternalAddress: an address and port range outbound sessions are translated to. */
export function addExternalAddress(lab: Lab, input: AddExternalAddressInput): ExternalAddressView {
  const nat = findNat(lab, input.natName)
  const inside = parseCidr(nat.internalIPInterfaceAddressPrefix)!
  const address = parseAddress(input.ipAddress, 'IPAddress')
  checkEndpointAddress(address, 'IPAddress')
  if (address === 0) throw new HvnetError('invalid-ip', `Cannot validate argument on parameter 'IPAddress'. 0.0.0.0 is not an address sessions can be translated to.`, 'Give one of the host\'s addresses on a physical network.')
  if (inPrefix(address, inside.address, inside.length)) {
    throw new HvnetError('rule-violation', `${INCORRECT} ${formatIpv4(address)} lies inside the NAT's internal prefix ${nat.internalIPInterfaceAddressPrefix}.`, 'An external address is on the host\'s outside, physical network.')
  }
  const portStart = checkPort(input.portStart ?? EXTERNAL_PORT_START, 'PortStart')
  const portEnd = checkPort(input.portEnd ?? EXTERNAL_PORT_END, 'PortEnd')
  if (portStart > portEnd) {
    throw new HvnetError('invalid-value', `${INCORRECT} PortStart ${portStart} is above PortEnd ${portEnd}.`, 'Give a range with --port-start no greater than --port-end.')
  }
  const clash = nat.externalAddresses.find((x) => parseIpv4(x.ipAddress) === address && x.portStart <= portEnd && portStart <= x.portEnd)
  if (clash) {
    throw new HvnetError('rule-violation', `${INCORRECT} Ports ${portStart}-${portEnd} of ${formatIpv4(address)} overlap external address ${clash.externalAddressId} (${clash.portStart}-${clash.portEnd}).`, `Use a disjoint port range, or remove it first (\`hvnet nat remove-external-address --nat "${nat.name}" --id ${clash.externalAddressId}\`).`)
  }
  const entry: NatExternalAddress = {active: true, externalAddressId: nat.nextExternalAddressId++, ipAddress: formatIpv4(address), portEnd, portStart}
  nat.externalAddresses.push(entry)
  return {...entry, natName: nat.name}
}

export function listExternalAddresses(lab: Lab, natName?: string): ExternalAddressView[] {
  return selectNats(lab, natName).flatMap((nat) => nat.externalAddresses.map((x) => ({...x, natName: nat.name})))
}

/** Remove-NetNatExternalAddress -NatName N [-ExternalAddressID ...]. */
export function removeExternalAddresses(lab: Lab, natName: string, ids: number[] | 'all'): ExternalAddressView[] {
  const nat = findNat(lab, natName)
  const picked = pickById(nat.externalAddresses, (x) => x.externalAddressId, ids, 'ExternalAddressID', 'MSFT_NetNatExternalAddress', `hvnet nat list-external-addresses --nat "${nat.name}"`)
  nat.externalAddresses = nat.externalAddresses.filter((x) => !picked.includes(x))
  return picked.map((x) => ({...x, natName: nat.name}))
}
