// The simulated host: its physical adapters (Get-NetAdapter), its management-OS vNICs
// (`vEthernet (Name)`), the dynamic MAC pool (KB 2804678) and the ifIndex counter.
import type {Host, HostVnic, Ipv4Config, Lab, PhysicalAdapter, UpstreamNetwork, VMSwitch} from './schema.js'

import type {Cidr} from './address.js'

import {
  broadcastOf,
  formatCidr,
  formatIpv4,
  inPrefix,
  macDashed,
  macIsMulticast,
  macIsZero,
  networkOf,
  parseCidr,
  parseIpv4,
  parseMacText,
  prefixesOverlap,
} from './address.js'
import {HvnetError} from './errors.js'
import {checkObjectName, findByName, notFound, sameName} from './names.js'
import {seededMac} from '../engine/seed.js'

export const VNIC_DESCRIPTION = 'Hyper-V Virtual Ethernet Adapter'
export const VNIC_LINK_SPEED_BPS = 10_000_000_000

export function emptyIpv4(): Ipv4Config {
  return {addresses: [], defaultGateway: null, dhcp: true, forwarding: false}
}

/** Get-NetAdapter's Status column: Up, Disabled or Disconnected. */
export function adapterStatus(adapter: PhysicalAdapter): 'Disabled' | 'Disconnected' | 'Up' {
  if (adapter.adminStatus === 'disabled') return 'Disabled'
  return adapter.network ? 'Up' : 'Disconnected'
}

/** `1 Gbps`, `866.7 Mbps`, `10 Gbps`, as Get-NetAdapter prints LinkSpeed. */
export function formatLinkSpeed(bps: number): string {
  const units: [number, string][] = [[1e9, 'Gbps'], [1e6, 'Mbps'], [1e3, 'Kbps']]
  for (const [size, unit] of units) {
    if (bps >= size) return `${Number((bps / size).toFixed(1))} ${unit}`
  }
  return `${bps} bps`
}

export function findPhysicalAdapter(lab: Lab, name: string): PhysicalAdapter {
  const adapter = findByName(lab.host.adapters, name)
  if (adapter) return adapter
  throw notFound(`No MSFT_NetAdapter objects found with property 'Name' equal to '${name}'.`, name, 'physical adapter', lab.host.adapters.map((a) => a.name), 'hvnet host adapter list')
}

/** The switch a physical adapter is bound to (the Hyper-V Extensible Virtual Switch protocol), if any. */
export function switchBoundTo(lab: Lab, adapterName: string): VMSwitch | undefined {
  return lab.switches.find((s) => s.netAdapterName !== null && sameName(s.netAdapterName, adapterName))
}

export function vnicsOfSwitch(lab: Lab, switchId: string): HostVnic[] {
  return lab.host.vnics.filter((n) => n.switchId === switchId)
}

export function allocateIfIndex(host: Host): number {
  return host.nextIfIndex++
}

function macToNumber(mac: string): number {
  return Number.parseInt(mac, 16)
}

function numberToMac(value: number): string {
  return value.toString(16).toUpperCase().padStart(12, '0')
}

/**
 * Every MAC the host has handed out or holds (pool or static): its adapters, its vNICs and the VM
 * adapters. A dynamic VM adapter holds none (000000000000) until its VM first starts.
 */
function macsInUse(lab: Lab): Set<string> {
  const used = new Set<string>()
  for (const a of lab.host.adapters) used.add(a.macAddress)
  for (const n of lab.host.vnics) used.add(n.macAddress)
  for (const vm of lab.vms) {
    for (const a of vm.networkAdapters) if (a.macAddress !== '000000000000') used.add(a.macAddress)
  }
  return used
}

/**
 * Takes the next free MAC of the dynamic pool (macAddressMinimum..macAddressMaximum), walking
 * forward from the last one handed out so that an address is not reused while others are free.
 * An exhausted pool gives Hyper-V's documented error (KB 2804678).
 */
export function allocateDynamicMac(lab: Lab, owner: string): string {
  const min = macToNumber(lab.host.macAddressMinimum)
  const max = macToNumber(lab.host.macAddressMaximum)
  const size = max - min + 1
  const used = macsInUse(lab)
  for (let i = 0; i < size; i++) {
    const offset = (lab.host.nextMacOffset + i) % size
    const mac = numberToMac(min + offset)
    if (!used.has(mac)) {
      lab.host.nextMacOffset = (offset + 1) % size
      return mac
    }
  }
  throw new HvnetError(
    'rule-violation',
    `${owner}: Failed to power on with Error 'Attempt to access invalid address'. The dynamic MAC address pool ${macDashed(lab.host.macAddressMinimum)} to ${macDashed(lab.host.macAddressMaximum)} is exhausted (${size} addresses).`,
    'Give the adapter a static MAC outside the pool, or widen the pool (Set-VMHost -MacAddressMinimum/-MacAddressMaximum).',
  )
}

/** A MAC typed by the user: the three accepted forms, unicast, not all-zero. */
export function parseUserMac(text: string, what: string): string {
  const mac = parseMacText(text)
  if (!mac) {
    throw new HvnetError('invalid-mac', `Cannot validate argument on parameter '${what}'. "${text}" is not a MAC address.`, 'Write it as 00155D010203, 00-15-5D-01-02-03 or 00:15:5d:01:02:03.')
  }
  if (macIsMulticast(mac)) {
    throw new HvnetError('invalid-mac', `Failed to modify device 'Synthetic Ethernet Port'. ${macDashed(mac)} is a multicast address (the I/G bit of its first octet is set).`, 'Use a unicast MAC: the first octet must be even, e.g. 00-15-5D-...')
  }
  if (macIsZero(mac)) {
    throw new HvnetError('invalid-mac', `${macDashed(mac)} is the all-zero MAC, which no adapter may use.`, 'Use a unicast MAC such as 00-15-5D-01-02-03.')
  }
  return mac
}

/** Creates the management-OS vNIC `vEthernet (Name)` of a switch. */
export function addHostVnic(lab: Lab, sw: VMSwitch, name: string, options: {ipv4?: Ipv4Config; macAddress?: string} = {}): HostVnic {
  const number = ++lab.host.vnicsCreated
  const vnic: HostVnic = {
    ifIndex: allocateIfIndex(lab.host),
    interfaceAlias: `vEthernet (${name})`,
    interfaceDescription: number === 1 ? VNIC_DESCRIPTION : `${VNIC_DESCRIPTION} #${number}`,
    ipv4: options.ipv4 ?? emptyIpv4(),
    macAddress: options.macAddress ?? allocateDynamicMac(lab, `vEthernet (${name})`),
    name,
    switchId: sw.id,
    vlanSetting: {operationMode: 'Untagged'},
  }
  lab.host.vnics.push(vnic)
  return vnic
}

export function removeHostVnic(lab: Lab, vnic: HostVnic): void {
  lab.host.vnics = lab.host.vnics.filter((n) => n !== vnic)
}

export interface HeldPrefix {
  /** A physical adapter's name (its LAN, its addresses) or a vNIC's `vEthernet (...)` alias. */
  holder: string
  prefix: Cidr
}

/** Every IPv4 prefix the host is attached to, with who holds it (for overlap rules). */
export function hostPrefixes(lab: Lab): HeldPrefix[] {
  const out: HeldPrefix[] = []
  for (const a of lab.host.adapters) {
    if (a.network) out.push({holder: a.name, prefix: parseCidr(a.network.prefix)!})
    for (const e of a.ipv4.addresses) out.push({holder: a.name, prefix: {address: parseIpv4(e.ipAddress)!, length: e.prefixLength}})
  }
  for (const n of lab.host.vnics) {
    for (const e of n.ipv4.addresses) out.push({holder: n.interfaceAlias, prefix: {address: parseIpv4(e.ipAddress)!, length: e.prefixLength}})
  }
  return out
}

/** The prefixes of a WinNAT's inside: no physical network may overlap one (reference §6.4). */
export function natPrefixes(lab: Lab): {name: string; prefix: Cidr}[] {
  return lab.nats.map((n) => ({name: n.name, prefix: parseCidr(n.internalIPInterfaceAddressPrefix)!}))
}

/** What a new physical adapter of each kind reports unless told otherwise (a 2023 laptop's NICs). */
export const ADAPTER_DEFAULTS = {
  wired: {interfaceDescription: 'Intel(R) Ethernet Connection (13) I219-LM', linkSpeedBps: 1_000_000_000},
  wireless: {interfaceDescription: 'Intel(R) Wi-Fi 6E AX211 160MHz', linkSpeedBps: 1_200_000_000},
} as const

export interface PhysicalAdapterInput {
  name: string
  kind: 'wired' | 'wireless'
  macAddress?: string
  /** The address the adapter holds on its LAN, `a.b.c.d/len`; the LAN is that prefix. */
  ip?: string
  gateway?: string
  /** The address is static rather than DHCP-assigned. */
  staticIp?: boolean
  interfaceDescription?: string
  linkSpeedBps?: number
}

/** Checks `--ip` and `--gateway` and builds the upstream network and the adapter's IP config. */
function adapterNetwork(ip: string, gateway: string | undefined, staticIp: boolean): {ipv4: Ipv4Config; network: UpstreamNetwork} {
  const cidr = parseCidr(ip)
  if (!cidr || cidr.length === 0 || cidr.length > 30) {
    throw new HvnetError('invalid-prefix', `"${ip}" is not an address with a prefix length of 1 to 30.`, 'Write it as a.b.c.d/len, e.g. 10.0.0.23/24.')
  }
  const network = networkOf(cidr.address, cidr.length)
  const broadcast = broadcastOf(network, cidr.length)
  if (cidr.address === network || cidr.address === broadcast) {
    throw new HvnetError('invalid-ip', `${formatIpv4(cidr.address)} is the ${cidr.address === network ? 'network' : 'broadcast'} address of ${formatCidr(network, cidr.length)}, not a host address.`, 'Pick an address between them, e.g. ' + formatIpv4(network + 10) + '.')
  }
  let gw: number
  if (gateway === undefined) {
    gw = network + 1
    if (gw === cidr.address) gw = broadcast - 1
  } else {
    const parsed = parseIpv4(gateway)
    if (parsed === undefined) throw new HvnetError('invalid-ip', `"${gateway}" is not an IPv4 address.`, 'Write the gateway as a.b.c.d.')
    if (!inPrefix(parsed, network, cidr.length)) {
      throw new HvnetError('invalid-ip', `The default gateway ${gateway} is not in ${formatCidr(network, cidr.length)}.`, 'A default gateway must be on the adapter\'s own subnet.')
    }
    if (parsed === cidr.address) throw new HvnetError('invalid-ip', `The default gateway ${gateway} is the adapter's own address.`, 'Name the LAN\'s router, e.g. ' + formatIpv4(network + 1) + '.')
    gw = parsed
  }
  return {
    ipv4: {addresses: [{ipAddress: formatIpv4(cidr.address), prefixLength: cidr.length}], defaultGateway: formatIpv4(gw), dhcp: !staticIp, forwarding: false},
    network: {dhcp: true, gateway: formatIpv4(gw), prefix: formatCidr(network, cidr.length)},
  }
}

/** A physical adapter's (new) LAN: it must overlap no other host interface and no NAT's inside. */
function checkNoOverlap(lab: Lab, network: UpstreamNetwork): void {
  const prefix = parseCidr(network.prefix)!
  for (const held of hostPrefixes(lab)) {
    if (prefixesOverlap(prefix, held.prefix)) {
      throw new HvnetError('rule-violation', `The network ${network.prefix} overlaps ${formatCidr(networkOf(held.prefix.address, held.prefix.length), held.prefix.length)} on "${held.holder}".`, 'Two host interfaces on overlapping subnets make routing ambiguous; choose another prefix.')
    }
  }
  for (const nat of natPrefixes(lab)) {
    if (prefixesOverlap(prefix, nat.prefix)) {
      throw new HvnetError('rule-violation', `The network ${network.prefix} overlaps the internal prefix ${formatCidr(nat.prefix.address, nat.prefix.length)} of the NAT "${nat.name}": WinNAT's inside must not overlap the host's physical networks.`, `Choose another LAN, or remove the NAT first (\`hvnet nat disable "${nat.name}"\`) and enable it again on a prefix clear of it.`)
    }
  }
}

export function addPhysicalAdapter(lab: Lab, input: PhysicalAdapterInput): PhysicalAdapter {
  const bad = checkObjectName('adapter', input.name)
  if (bad) throw new HvnetError('invalid-name', bad, 'Give the adapter a name such as "Ethernet 2".')
  if (/^vEthernet \(/i.test(input.name)) {
    throw new HvnetError('invalid-name', `"${input.name}" is the name form of a host vNIC, not of a physical adapter.`, 'Host vNICs come from switches: use `hvnet vswitch new`.')
  }
  const clash = findByName(lab.host.adapters, input.name) ?? lab.host.vnics.find((n) => sameName(n.interfaceAlias, input.name))
  if (clash) throw new HvnetError('duplicate-name', `An adapter named "${input.name}" already exists.`, 'Adapter names are unique on a host; pick another name or remove the existing one.')
  const macAddress = input.macAddress === undefined ? seededMac(lab.seed, `adapter:${lab.host.nextIfIndex}:${input.name}`, input.kind === 'wired' ? '001B21' : '985FD3') : parseUserMac(input.macAddress, 'MacAddress')
  if (input.macAddress !== undefined && macsInUse(lab).has(macAddress)) {
    throw new HvnetError('rule-violation', `The MAC address ${macDashed(macAddress)} is already used by another adapter of this host.`, 'Give each physical adapter its own MAC, or leave --mac out to get a generated one.')
  }
  let network: UpstreamNetwork | null = null
  let ipv4 = emptyIpv4()
  if (input.ip !== undefined) {
    const built = adapterNetwork(input.ip, input.gateway, input.staticIp ?? false)
    checkNoOverlap(lab, built.network)
    network = built.network
    ipv4 = built.ipv4
  } else if (input.gateway !== undefined) {
    throw new HvnetError('invalid-value', '--gateway needs --ip: the gateway is on the adapter\'s network.', 'Add --ip a.b.c.d/len.')
  }
  const adapter: PhysicalAdapter = {
    adminStatus: 'enabled',
    ifIndex: allocateIfIndex(lab.host),
    interfaceDescription: input.interfaceDescription ?? ADAPTER_DEFAULTS[input.kind].interfaceDescription,
    ipv4,
    kind: input.kind,
    linkSpeedBps: input.linkSpeedBps ?? ADAPTER_DEFAULTS[input.kind].linkSpeedBps,
    macAddress,
    name: input.name,
    network,
    portSecurityMaxMacs: null,
  }
  lab.host.adapters.push(adapter)
  return adapter
}

export function removePhysicalAdapter(lab: Lab, name: string): PhysicalAdapter {
  const adapter = findPhysicalAdapter(lab, name)
  const bound = switchBoundTo(lab, adapter.name)
  if (bound) {
    throw new HvnetError('adapter-in-use', `"${adapter.name}" is bound to the virtual switch "${bound.name}".`, `Remove the switch first (\`hvnet vswitch remove "${bound.name}"\`) or move it to another adapter (\`hvnet vswitch set "${bound.name}" --adapter OTHER\`).`)
  }
  lab.host.adapters = lab.host.adapters.filter((a) => a !== adapter)
  return adapter
}

export interface PhysicalAdapterChanges {
  status?: 'enabled' | 'disabled'
  ip?: string
  gateway?: string
  staticIp?: boolean
  /** Unplug: no network beyond the adapter. */
  disconnect?: boolean
  portSecurityMaxMacs?: number | null
}

/** The IP configuration that belongs to the adapter: on its shared vNIC when bound with sharing. */
export function liveIpv4Holder(lab: Lab, adapter: PhysicalAdapter): HostVnic | PhysicalAdapter {
  const sw = switchBoundTo(lab, adapter.name)
  if (sw && sw.allowManagementOS) {
    const vnic = lab.host.vnics.find((n) => n.switchId === sw.id && n.macAddress === adapter.macAddress)
    if (vnic) return vnic
  }
  return adapter
}

export function setPhysicalAdapter(lab: Lab, name: string, changes: PhysicalAdapterChanges): PhysicalAdapter {
  const adapter = findPhysicalAdapter(lab, name)
  if (changes.disconnect && (changes.ip !== undefined || changes.gateway !== undefined)) {
    throw new HvnetError('invalid-value', '--disconnect and --ip/--gateway contradict each other.', 'Use one of them.')
  }
  if (changes.status) adapter.adminStatus = changes.status
  if (changes.portSecurityMaxMacs !== undefined) adapter.portSecurityMaxMacs = changes.portSecurityMaxMacs
  const holder = liveIpv4Holder(lab, adapter)
  if (changes.disconnect) {
    adapter.network = null
    holder.ipv4 = {...emptyIpv4(), forwarding: holder.ipv4.forwarding}
  } else if (changes.ip !== undefined) {
    const built = adapterNetwork(changes.ip, changes.gateway, changes.staticIp ?? !holder.ipv4.dhcp)
    // The adapter's own old network and addresses (on it or on its shared vNIC) do not clash.
    // A refusal needs no undo: rules run on a copy of the lab that transact() discards.
    const {forwarding} = holder.ipv4
    holder.ipv4 = emptyIpv4()
    adapter.network = null
    checkNoOverlap(lab, built.network)
    adapter.network = built.network
    holder.ipv4 = {...built.ipv4, forwarding}
  } else if (changes.gateway !== undefined) {
    throw new HvnetError('invalid-value', '--gateway needs --ip: give the adapter\'s address with it.', 'Add --ip a.b.c.d/len.')
  } else if (changes.staticIp !== undefined) {
    holder.ipv4.dhcp = !changes.staticIp
  }
  return adapter
}


/** One row of Get-NetAdapter: physical adapters and host vNICs, by ifIndex. */
export interface NetAdapterView {
  name: string
  interfaceDescription: string
  ifIndex: number
  status: 'Disabled' | 'Disconnected' | 'Up'
  macAddress: string
  linkSpeed: string
  kind: 'vnic' | 'wired' | 'wireless'
  /** For a physical adapter bound to a switch: that switch (only the switch protocol is bound). */
  boundToSwitch: string | null
  /** For a host vNIC: the switch it sits on. */
  switchName: string | null
  ipv4Addresses: string[]
  defaultGateway: string | null
  dhcp: boolean
  portSecurityMaxMacs: number | null
  network: UpstreamNetwork | null
}

export function listNetAdapters(lab: Lab): NetAdapterView[] {
  const rows: NetAdapterView[] = []
  for (const a of lab.host.adapters) {
    const sw = switchBoundTo(lab, a.name)
    rows.push({
      boundToSwitch: sw?.name ?? null,
      defaultGateway: sw ? null : a.ipv4.defaultGateway,
      dhcp: a.ipv4.dhcp,
      ifIndex: a.ifIndex,
      interfaceDescription: a.interfaceDescription,
      ipv4Addresses: sw ? [] : a.ipv4.addresses.map((e) => `${e.ipAddress}/${e.prefixLength}`),
      kind: a.kind,
      linkSpeed: formatLinkSpeed(a.linkSpeedBps),
      macAddress: macDashed(a.macAddress),
      name: a.name,
      network: a.network,
      portSecurityMaxMacs: a.portSecurityMaxMacs,
      status: adapterStatus(a),
      switchName: null,
    })
  }
  for (const n of lab.host.vnics) {
    const sw = lab.switches.find((s) => s.id === n.switchId)!
    const uplink = sw.netAdapterName === null ? undefined : findByName(lab.host.adapters, sw.netAdapterName)
    rows.push({
      boundToSwitch: null,
      defaultGateway: n.ipv4.defaultGateway,
      dhcp: n.ipv4.dhcp,
      ifIndex: n.ifIndex,
      interfaceDescription: n.interfaceDescription,
      ipv4Addresses: n.ipv4.addresses.map((e) => `${e.ipAddress}/${e.prefixLength}`),
      kind: 'vnic',
      // Since Windows Server 2016 a vNIC reports the speed of the physical NIC under it.
      linkSpeed: formatLinkSpeed(uplink ? uplink.linkSpeedBps : VNIC_LINK_SPEED_BPS),
      macAddress: macDashed(n.macAddress),
      name: n.interfaceAlias,
      network: null,
      portSecurityMaxMacs: null,
      status: uplink ? adapterStatus(uplink) : 'Up',
      switchName: sw.name,
    })
  }
  return rows.sort((x, y) => x.ifIndex - y.ifIndex)
}

/** The Get-NetAdapter row of the adapter or host vNIC with this ifIndex (the one a command just added or changed). */
export function netAdapterViewOf(lab: Lab, ifIndex: number): NetAdapterView {
  return listNetAdapters(lab).find((row) => row.ifIndex === ifIndex)!
}

export interface HostView {
  computerName: string
  macAddressMinimum: string
  macAddressMaximum: string
  dynamicMacAddressesInUse: number
  dynamicMacAddressesTotal: number
  bootCount: number
  seed: number
  adapterCount: number
  switchCount: number
}

export function describeHost(lab: Lab): HostView {
  const min = macToNumber(lab.host.macAddressMinimum)
  const max = macToNumber(lab.host.macAddressMaximum)
  let inUse = 0
  for (const mac of macsInUse(lab)) {
    const n = macToNumber(mac)
    if (n >= min && n <= max) inUse++
  }
  return {
    adapterCount: lab.host.adapters.length + lab.host.vnics.length,
    bootCount: lab.host.bootCount,
    computerName: lab.host.computerName,
    dynamicMacAddressesInUse: inUse,
    dynamicMacAddressesTotal: max - min + 1,
    macAddressMaximum: lab.host.macAddressMaximum,
    macAddressMinimum: lab.host.macAddressMinimum,
    seed: lab.seed,
    switchCount: lab.switches.length,
  }
}

/** `--port-security-max-macs`: a count of 1 to 4096, or `none` for an unlimited port. */
export function parsePortSecurity(text: string): number | null {
  if (/^none$/i.test(text.trim())) return null
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > 4096) {
    throw new HvnetError('invalid-value', `"${text}" is not a port-security limit.`, 'Give a number of MAC addresses from 1 to 4096, or "none".')
  }
  return Number(text)
}
