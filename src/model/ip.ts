// The host's IPv4 interfaces: New-/Get-/Remove-NetIPAddress and Get-/Set-NetIPInterface.
// An IP interface is a physical adapter that no switch is bound to (a bound adapter carries only the
// Hyper-V switch protocol, no TCP/IP) or a host vNIC `vEthernet (Name)`. All addresses of one
// interface share one origin: DHCP while DHCP is on, Manual once a static address is added (Windows
// turns DHCP off then, and the leased address and gateway go with it).
import type {Cidr} from './address.js'
import type {HostVnic, Ipv4Config, Lab, PhysicalAdapter} from './schema.js'

import {broadcastOf, formatCidr, formatIpv4, inPrefix, networkOf, parseIpv4, prefixesOverlap} from './address.js'
import {cimNotFound, HvnetError} from './errors.js'
import {adapterStatus, hostPrefixes, natPrefixes, switchBoundTo} from './host.js'
import {closestName, sameName} from './names.js'

export interface IpInterface {
  interfaceAlias: string
  ifIndex: number
  ipv4: Ipv4Config
  /** The physical adapter, or the vNIC, that carries this interface. */
  owner: {adapter: PhysicalAdapter} | {vnic: HostVnic}
  connected: boolean
  /** `vEthernet (Default Switch)`: Internet Connection Sharing manages its address. */
  managedByIcs: boolean
}

/** Every IP interface of the host, by ifIndex (Get-NetIPInterface -AddressFamily IPv4). */
export function ipInterfaces(lab: Lab): IpInterface[] {
  const out: IpInterface[] = []
  for (const a of lab.host.adapters) {
    if (switchBoundTo(lab, a.name)) continue
    out.push({connected: adapterStatus(a) === 'Up', ifIndex: a.ifIndex, interfaceAlias: a.name, ipv4: a.ipv4, managedByIcs: false, owner: {adapter: a}})
  }
  for (const n of lab.host.vnics) {
    const sw = lab.switches.find((s) => s.id === n.switchId)!
    const uplink = sw.netAdapterName === null ? undefined : lab.host.adapters.find((a) => sameName(a.name, sw.netAdapterName!))
    out.push({connected: uplink ? adapterStatus(uplink) === 'Up' : true, ifIndex: n.ifIndex, interfaceAlias: n.interfaceAlias, ipv4: n.ipv4, managedByIcs: sw.isDefaultSwitch, owner: {vnic: n}})
  }
  return out.sort((x, y) => x.ifIndex - y.ifIndex)
}

/** The physical adapter whose LAN the interface is on: itself, or the one its External switch shares. */
function physicalAdapterOf(lab: Lab, ip: IpInterface): PhysicalAdapter | undefined {
  if ('adapter' in ip.owner) return ip.owner.adapter
  const {vnic} = ip.owner
  return lab.host.adapters.find((a) => a.macAddress === vnic.macAddress && switchBoundTo(lab, a.name)?.id === vnic.switchId)
}

export type InterfaceSelector = {interfaceAlias: string} | {interfaceIndex: number}

/** Finds an interface by alias or index, with Windows' not-found message and the closest alias. */
export function findIpInterface(lab: Lab, selector: InterfaceSelector): IpInterface {
  const all = ipInterfaces(lab)
  const found = 'interfaceAlias' in selector ? all.find((i) => sameName(i.interfaceAlias, selector.interfaceAlias)) : all.find((i) => i.ifIndex === selector.interfaceIndex)
  if (found) return found
  const property = 'interfaceAlias' in selector ? 'InterfaceAlias' : 'InterfaceIndex'
  const value = 'interfaceAlias' in selector ? selector.interfaceAlias : String(selector.interfaceIndex)
  const message = cimNotFound('MSFT_NetIPInterface', property, value)
  const bound = 'interfaceAlias' in selector
    ? lab.host.adapters.find((a) => sameName(a.name, selector.interfaceAlias))
    : lab.host.adapters.find((a) => a.ifIndex === selector.interfaceIndex)
  const sw = bound ? switchBoundTo(lab, bound.name) : undefined
  if (bound && sw) {
    const fix = sw.allowManagementOS
      ? `"${bound.name}" is bound to the External switch "${sw.name}" and carries only the Hyper-V switch protocol, no IP stack: the host's address on that network lives on the switch's host vNIC. Use --interface-alias "vEthernet (${sw.name})".`
      : `"${bound.name}" is bound to the External switch "${sw.name}" without management OS sharing: the host has no IP interface on that network. Turn sharing on (\`hvnet vswitch set "${sw.name}" --allow-management-os=true\`) and use "vEthernet (${sw.name})".`
    throw new HvnetError('not-found', message, fix)
  }
  const existing = all.map((i) => `"${i.interfaceAlias}" (${i.ifIndex})`).join(', ')
  const close = 'interfaceAlias' in selector ? closestName(selector.interfaceAlias, all.map((i) => i.interfaceAlias)) : undefined
  throw new HvnetError('not-found', message, `${close ? `Did you mean "${close}"? ` : ''}Existing IP interfaces: ${existing}. Run \`hvnet host interface list\`.`)
}

function refuseIcsManaged(lab: Lab, ip: IpInterface): void {
  if (!ip.managedByIcs) return
  const sw = lab.switches.find((s) => s.isDefaultSwitch)
  throw new HvnetError(
    'default-switch-immutable',
    `The automatic Internet Connection Sharing switch cannot be modified. "${ip.interfaceAlias}" is managed by Internet Connection Sharing: it holds the first address of the Default Switch's subnet${sw?.icsPrefix ? ` ${sw.icsPrefix}` : ''}, which is re-chosen when the host restarts.`,
    'Give your own Internal switch a fixed address instead: `hvnet vswitch new NATSwitch --type internal`, then `hvnet host ip add --interface-alias "vEthernet (NATSwitch)" ...`.',
  )
}

function parseHostAddress(text: string): number {
  const address = parseIpv4(text)
  if (address === undefined) {
    throw new HvnetError('invalid-ip', `Cannot validate argument on parameter 'IPAddress'. "${text}" is not an IPv4 address.`, 'Write it as a.b.c.d, e.g. 192.168.0.1.')
  }
  return address
}

/** Address classes no interface may hold: unspecified, loopback, multicast, limited broadcast. */
function checkUnicast(address: number, what: string): void {
  const first = address >>> 24
  let why: string | undefined
  if (address === 0) why = 'the unspecified address'
  else if (first === 127) why = 'a loopback address'
  else if (first >= 224 && first <= 239) why = 'a multicast address'
  else if (first >= 240) why = address === 0xffffffff ? 'the limited broadcast address' : 'a reserved (class E) address'
  if (why) throw new HvnetError('invalid-ip', `${formatIpv4(address)} is ${why}, not a unicast ${what}.`, 'Use an ordinary unicast address, e.g. from 192.168.0.0/16, 172.16.0.0/12 or 10.0.0.0/8.')
}

/** One row of Get-NetIPAddress (IPv4). */
export interface IpAddressView {
  ipAddress: string
  interfaceIndex: number
  interfaceAlias: string
  addressFamily: 'IPv4'
  type: 'Unicast'
  prefixLength: number
  prefixOrigin: 'Dhcp' | 'Manual'
  suffixOrigin: 'Dhcp' | 'Manual'
  addressState: 'Preferred'
}

function addressView(ip: IpInterface, entry: {ipAddress: string; prefixLength: number}): IpAddressView {
  const origin = ip.ipv4.dhcp ? 'Dhcp' : 'Manual'
  return {
    addressFamily: 'IPv4',
    addressState: 'Preferred',
    interfaceAlias: ip.interfaceAlias,
    interfaceIndex: ip.ifIndex,
    ipAddress: entry.ipAddress,
    prefixLength: entry.prefixLength,
    prefixOrigin: origin,
    suffixOrigin: origin,
    type: 'Unicast',
  }
}

/** Get-NetIPAddress [-InterfaceAlias A]: every IPv4 address of the host's interfaces. */
export function listIpAddresses(lab: Lab, selector?: InterfaceSelector): IpAddressView[] {
  const interfaces = selector ? [findIpInterface(lab, selector)] : ipInterfaces(lab)
  return interfaces.flatMap((ip) => ip.ipv4.addresses.map((e) => addressView(ip, e)))
}

export interface NewIpAddressInput {
  ipAddress: string
  prefixLength: number
  defaultGateway?: string
}

/** What New-NetIPAddress and Remove-NetIPAddress return, with what else they changed. */
export interface IpAddressChange extends IpAddressView {
  defaultGateway: string | null
  dhcp: 'Disabled' | 'Enabled'
  remarks: string[]
}

/**
 * New-NetIPAddress. Rules: the interface exists and has an IP stack; the prefix length is 0-32; the
 * address is unicast and, up to /30, neither the network nor the broadcast address; it is not on the
 * interface already; it overlaps no other interface's prefix; on an interface that faces a physical
 * network it overlaps no NAT's inside; one default gateway per interface, in the new address's subnet.
 */
export function addIpAddress(lab: Lab, selector: InterfaceSelector, input: NewIpAddressInput): IpAddressChange {
  const ip = findIpInterface(lab, selector)
  refuseIcsManaged(lab, ip)
  if (!Number.isInteger(input.prefixLength) || input.prefixLength < 0 || input.prefixLength > 32) {
    throw new HvnetError('invalid-prefix', `Cannot validate argument on parameter 'PrefixLength'. The ${input.prefixLength} argument is ${input.prefixLength > 32 ? 'greater than the maximum allowed range of 32' : 'less than the minimum allowed range of 0'}.`, 'Give a prefix length from 0 to 32, e.g. 24.')
  }
  const address = parseHostAddress(input.ipAddress)
  checkUnicast(address, 'host address')
  const length = input.prefixLength
  const network = networkOf(address, length)
  const subnet = formatCidr(network, length)
  if (length <= 30) {
    const broadcast = broadcastOf(network, length)
    if (address === network || address === broadcast) {
      throw new HvnetError('invalid-ip', `${formatIpv4(address)} is the ${address === network ? 'network' : 'broadcast'} address of ${subnet}, not a host address.`, `Pick an address between them, e.g. ${formatIpv4(network + 1)} for the gateway of ${subnet}.`)
    }
  }
  if (ip.ipv4.addresses.some((e) => parseIpv4(e.ipAddress) === address)) {
    throw new HvnetError('rule-violation', 'Instance MSFT_NetIPAddress already exists', `${formatIpv4(address)} is already on "${ip.interfaceAlias}". See it with \`hvnet host ip list --interface-alias "${ip.interfaceAlias}"\`; remove it first to change its prefix length.`)
  }
  const remarks: string[] = []
  const wasDhcp = ip.ipv4.dhcp
  const dropped = wasDhcp ? ip.ipv4.addresses.map((e) => `${e.ipAddress}/${e.prefixLength}`) : []
  const own: Cidr = {address, length}
  const physical = physicalAdapterOf(lab, ip)
  for (const held of hostPrefixes(lab)) {
    if (sameName(held.holder, ip.interfaceAlias) || (physical && sameName(held.holder, physical.name))) continue
    if (prefixesOverlap(own, held.prefix)) {
      const theirs = formatCidr(networkOf(held.prefix.address, held.prefix.length), held.prefix.length)
      const ics = lab.host.vnics.find((n) => sameName(n.interfaceAlias, held.holder) && lab.switches.some((s) => s.id === n.switchId && s.isDefaultSwitch))
      throw new HvnetError(
        'rule-violation',
        `${subnet} overlaps ${theirs} on "${held.holder}": two host interfaces on overlapping subnets make routing ambiguous.`,
        ics ? `Choose another prefix, or move the Default Switch's subnet with \`hvnet host restart\` (it avoids the host's prefixes).` : 'Choose a prefix that no other interface uses.',
      )
    }
  }
  if (physical) {
    for (const nat of natPrefixes(lab)) {
      if (prefixesOverlap(own, nat.prefix)) {
        throw new HvnetError('rule-violation', `${subnet} on "${ip.interfaceAlias}", a physical network, overlaps the internal prefix ${formatCidr(nat.prefix.address, nat.prefix.length)} of the NAT "${nat.name}".`, `WinNAT's inside must not overlap the host's physical networks: choose another address, or \`hvnet nat disable "${nat.name}"\` first.`)
      }
    }
  }
  let gateway: string | null = wasDhcp ? null : ip.ipv4.defaultGateway
  if (input.defaultGateway !== undefined) {
    const gw = parseIpv4(input.defaultGateway)
    if (gw === undefined) throw new HvnetError('invalid-ip', `Cannot validate argument on parameter 'DefaultGateway'. "${input.defaultGateway}" is not an IPv4 address.`, 'Write the gateway as a.b.c.d.')
    if (gateway !== null && parseIpv4(gateway) !== gw) {
      throw new HvnetError('rule-violation', 'Instance DefaultGateway already exists', `"${ip.interfaceAlias}" already has the default gateway ${gateway}; an interface has one. Add the address without --default-gateway, or remove the address that brought ${gateway} first.`)
    }
    if (!inPrefix(gw, network, length) || gw === address) {
      throw new HvnetError('invalid-ip', `The default gateway ${formatIpv4(gw)} is ${gw === address ? 'the address itself' : `not in ${subnet}`}.`, `A default gateway is another host on the interface's own subnet, e.g. ${formatIpv4(network + 1 === address ? network + 2 : network + 1)}.`)
    }
    gateway = formatIpv4(gw)
  }
  if (wasDhcp) {
    remarks.push(`DHCP is now disabled on "${ip.interfaceAlias}" (New-NetIPAddress turns it off on a DHCP interface)${dropped.length > 0 ? `; the leased address ${dropped.join(', ')} and its default gateway were released` : ''}.`)
  }
  const entry = {ipAddress: formatIpv4(address), prefixLength: length}
  ip.ipv4.addresses = wasDhcp ? [entry] : [...ip.ipv4.addresses, entry]
  ip.ipv4.dhcp = false
  ip.ipv4.defaultGateway = gateway
  return {...addressView(ip, entry), defaultGateway: gateway, dhcp: 'Disabled', remarks}
}

/** Remove-NetIPAddress -InterfaceAlias A -IPAddress IP. A gateway no address reaches any more goes too. */
export function removeIpAddress(lab: Lab, selector: InterfaceSelector, ipAddress: string): IpAddressChange {
  const ip = findIpInterface(lab, selector)
  refuseIcsManaged(lab, ip)
  const address = parseHostAddress(ipAddress)
  const entry = ip.ipv4.addresses.find((e) => parseIpv4(e.ipAddress) === address)
  if (!entry) {
    const held = ip.ipv4.addresses.map((e) => `${e.ipAddress}/${e.prefixLength}`)
    throw new HvnetError('not-found', cimNotFound('MSFT_NetIPAddress', 'IPAddress', ipAddress), held.length > 0 ? `"${ip.interfaceAlias}" holds ${held.join(', ')}.` : `"${ip.interfaceAlias}" holds no IPv4 address. Run \`hvnet host ip list\`.`)
  }
  const view = addressView(ip, entry)
  const remarks: string[] = []
  ip.ipv4.addresses = ip.ipv4.addresses.filter((e) => e !== entry)
  const gw = ip.ipv4.defaultGateway === null ? undefined : parseIpv4(ip.ipv4.defaultGateway)
  if (gw !== undefined && !ip.ipv4.addresses.some((e) => inPrefix(gw, parseIpv4(e.ipAddress)!, e.prefixLength))) {
    remarks.push(`The default gateway ${ip.ipv4.defaultGateway} is no longer on any subnet of "${ip.interfaceAlias}" and was removed with the address.`)
    ip.ipv4.defaultGateway = null
  }
  return {...view, defaultGateway: ip.ipv4.defaultGateway, dhcp: ip.ipv4.dhcp ? 'Enabled' : 'Disabled', remarks}
}

/** One row of Get-NetIPInterface (IPv4). */
export interface IpInterfaceView {
  ifIndex: number
  interfaceAlias: string
  addressFamily: 'IPv4'
  forwarding: 'Disabled' | 'Enabled'
  dhcp: 'Disabled' | 'Enabled'
  connectionState: 'Connected' | 'Disconnected'
  defaultGateway: string | null
  ipv4Addresses: string[]
}

function interfaceView(ip: IpInterface): IpInterfaceView {
  return {
    addressFamily: 'IPv4',
    connectionState: ip.connected ? 'Connected' : 'Disconnected',
    defaultGateway: ip.ipv4.defaultGateway,
    dhcp: ip.ipv4.dhcp ? 'Enabled' : 'Disabled',
    forwarding: ip.ipv4.forwarding ? 'Enabled' : 'Disabled',
    ifIndex: ip.ifIndex,
    interfaceAlias: ip.interfaceAlias,
    ipv4Addresses: ip.ipv4.addresses.map((e) => `${e.ipAddress}/${e.prefixLength}`),
  }
}

export function listIpInterfaces(lab: Lab): IpInterfaceView[] {
  return ipInterfaces(lab).map((ip) => interfaceView(ip))
}

/** Set-NetIPInterface -Forwarding: whether the host routes packets arriving here to other interfaces. */
export function setIpInterface(lab: Lab, selector: InterfaceSelector, changes: {forwarding?: boolean}): IpInterfaceView {
  const ip = findIpInterface(lab, selector)
  if (changes.forwarding !== undefined) {
    refuseIcsManaged(lab, ip)
    ip.ipv4.forwarding = changes.forwarding
  }
  return interfaceView(ip)
}
