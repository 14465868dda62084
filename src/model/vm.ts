// VMs as network endpoints (New-/Get-/Rename-/Remove-/Start-/Stop-VM) and their network adapters
// (*-VMNetworkAdapter, *-VMNetworkAdapterVlan, *-VMNetworkAdapterAcl, *-ExtendedAcl), plus the
// guest-side settings the simulation needs (the guest's IP configuration, OS, firewall and
// listening ports). Reference §2 (adapters, limits, MACs), §3 (VLANs), §4 (ACLs).
import type {ExtendedAcl, GuestIp, HostVnic, Lab, ListeningPort, PortAcl, VM, VMNetworkAdapter, VMSwitch, VlanSetting} from './schema.js'

import {type PortAclInput, type ExtendedAclInput, extendedAclFrom, extendedAclOrder, portAclsFrom, sameAcl} from './acl.js'
import {formatCidr, formatIpv4, inPrefix, networkOf, parseCidr, parseIpv4} from './address.js'
import {HvnetError} from './errors.js'
import {allocateDynamicMac, parseUserMac} from './host.js'
import {checkObjectName, findByName, notFound, sameName} from './names.js'
import {seededGuid} from '../engine/seed.js'
import {type VlanInput, pvlanConflict, vlanSettingFrom} from './vlan.js'
import {findManagementOsAdapter, findSwitch} from './vswitch.js'

/** A dynamic MAC before the VM's first start (reference §2.5). */
export const UNASSIGNED_MAC = '000000000000'
export const DEFAULT_ADAPTER_NAME = 'Network Adapter'
/** Windows Server 2019 and later (reference §2.1): 64 synthetic and 4 legacy adapters per VM. */
export const MAX_SYNTHETIC_ADAPTERS = 64
export const MAX_LEGACY_ADAPTERS = 4
/** New-VM's default when -Generation is not given. */
export const DEFAULT_GENERATION = 1

const NOT_IN_STATE = 'The operation cannot be performed while the virtual machine is in its current state.'

export function defaultGuest(os: 'linux' | 'windows' = 'linux'): VM['guest'] {
  return {firewall: os === 'windows', listeningPorts: [{port: 22, protocol: 'tcp'}, {port: 80, protocol: 'tcp'}], os}
}

/** A GUID from the seed that no object of the given list holds yet: deterministic, never twice at once. */
function freshGuid(lab: Lab, label: string, taken: (id: string) => boolean): string {
  for (let i = 0; ; i++) {
    const id = seededGuid(lab.seed, `${label}:${i}`)
    if (!taken(id)) return id
  }
}

export function findVm(lab: Lab, name: string): VM {
  const vm = findByName(lab.vms, name)
  if (vm) return vm
  throw notFound(`Hyper-V was unable to find a virtual machine with name "${name}".`, name, 'virtual machine', lab.vms.map((m) => m.name), 'hvnet vm list')
}

export function findAdapter(vm: VM, name: string): VMNetworkAdapter {
  const adapter = findByName(vm.networkAdapters, name)
  if (adapter) return adapter
  throw notFound(`No network adapter is found with name "${name}" on the virtual machine "${vm.name}".`, name, 'network adapter', vm.networkAdapters.map((a) => a.name), `hvnet vm list-nics "${vm.name}"`)
}

/** A VM and one of its adapters by name: the lookup of every adapter command. */
export function findVmAdapter(lab: Lab, vmName: string, adapterName: string): {adapter: VMNetworkAdapter; vm: VM} {
  const vm = findVm(lab, vmName)
  return {adapter: findAdapter(vm, adapterName), vm}
}

function checkVmName(lab: Lab, name: string, self?: VM): void {
  const bad = checkObjectName('virtual machine', name)
  if (bad) throw new HvnetError('invalid-name', bad, 'Give the VM a name such as "web1".')
  const clash = lab.vms.find((m) => m !== self && sameName(m.name, name))
  if (clash) {
    throw new HvnetError('duplicate-name', `A virtual machine named "${clash.name}" already exists.`, 'Hyper-V would create a second VM with the same name, which makes every name-based command ambiguous; hvnet refuses it. Pick another name.')
  }
}

function checkAdapterName(vm: VM, name: string, self?: VMNetworkAdapter): void {
  const bad = checkObjectName('network adapter', name)
  if (bad) throw new HvnetError('invalid-name', bad, 'Give the adapter a name such as "LAN".')
  const clash = vm.networkAdapters.find((a) => a !== self && sameName(a.name, name))
  if (clash) {
    throw new HvnetError('duplicate-name', `The virtual machine "${vm.name}" already has a network adapter named "${clash.name}".`, 'Hyper-V allows two adapters with one name, but then every command that names one acts on both; hvnet keeps adapter names unique per VM. Give this one another name with --name.')
  }
}

/** Connecting or creating on a switch: the switch must exist. */
function switchFor(lab: Lab, name: string | undefined): VMSwitch | null {
  return name === undefined ? null : findSwitch(lab, name)
}

function refuseWhileRunning(vm: VM, what: string): void {
  if (vm.state === 'Running') {
    throw new HvnetError('rule-violation', NOT_IN_STATE, `${what} needs "${vm.name}" to be off: run \`hvnet vm stop "${vm.name}"\` first.`)
  }
}

export interface NewAdapterInput {
  name?: string
  switchName?: string
  staticMac?: string
  legacy?: boolean
}

/** Add-VMNetworkAdapter: limits per generation, hot add only on generation 2 and never legacy. */
export function addAdapter(lab: Lab, vm: VM, input: NewAdapterInput): VMNetworkAdapter {
  const name = input.name ?? DEFAULT_ADAPTER_NAME
  const legacy = input.legacy ?? false
  checkAdapterName(vm, name)
  if (legacy && vm.generation === 2) {
    throw new HvnetError('rule-violation', `Legacy network adapters are not supported on generation 2 virtual machines ("${vm.name}").`, 'Add a synthetic adapter (leave out --legacy); only generation 1 VMs have legacy adapters.')
  }
  if (vm.state === 'Running' && (vm.generation === 1 || legacy)) {
    throw new HvnetError('rule-violation', NOT_IN_STATE, `Network adapters are added to a running VM only on generation 2 and only synthetic ones; stop "${vm.name}" first (\`hvnet vm stop "${vm.name}"\`).`)
  }
  const count = vm.networkAdapters.filter((a) => a.isLegacy === legacy).length
  const limit = legacy ? MAX_LEGACY_ADAPTERS : MAX_SYNTHETIC_ADAPTERS
  if (count >= limit) {
    throw new HvnetError('rule-violation', `The virtual machine "${vm.name}" already has ${count} ${legacy ? 'legacy' : 'synthetic'} network adapters, the most Hyper-V allows (${MAX_SYNTHETIC_ADAPTERS} synthetic and ${MAX_LEGACY_ADAPTERS} legacy per VM, Windows Server 2019 and later).`, 'Remove an adapter first, or use VLANs on fewer adapters.')
  }
  const sw = switchFor(lab, input.switchName)
  const staticMac = input.staticMac === undefined ? undefined : parseUserMac(input.staticMac, 'StaticMacAddress')
  const adapter: VMNetworkAdapter = {
    acls: [],
    dhcpGuard: false,
    dynamicMacAddressEnabled: staticMac === undefined,
    extendedAcls: [],
    guestIPv4: {mode: 'Dhcp'},
    id: freshGuid(lab, `nic:${vm.id}`, (id) => lab.vms.some((m) => m.networkAdapters.some((a) => a.id === id))),
    isLegacy: legacy,
    macAddress: staticMac ?? UNASSIGNED_MAC,
    macAddressSpoofing: false,
    maximumBandwidth: 0,
    name,
    portMirroringMode: 'None',
    routerGuard: false,
    switchId: sw?.id ?? null,
    vlanSetting: {operationMode: 'Untagged'},
  }
  vm.networkAdapters.push(adapter)
  // A hot-added adapter powers on at once: a dynamic one takes its pool MAC now.
  if (vm.state === 'Running' && adapter.dynamicMacAddressEnabled) adapter.macAddress = allocateDynamicMac(lab, powerOnFailure(vm, adapter))
  return adapter
}

function powerOnFailure(vm: VM, adapter: VMNetworkAdapter): string {
  return `The application encountered an error while attempting to change the state of '${vm.name}'. Synthetic Ethernet Port (Instance ID ${adapter.id.toUpperCase()})`
}

export interface NewVmInput {
  name: string
  generation?: 1 | 2
  switchName?: string
}

/** New-VM: off, with one adapter "Network Adapter", connected to the switch if one is named. */
export function newVm(lab: Lab, input: NewVmInput): VM {
  checkVmName(lab, input.name)
  const vm: VM = {
    generation: input.generation ?? DEFAULT_GENERATION,
    guest: defaultGuest(),
    id: freshGuid(lab, `vm:${input.name.toLowerCase()}`, (id) => lab.vms.some((m) => m.id === id)),
    name: input.name,
    networkAdapters: [],
    state: 'Off',
  }
  switchFor(lab, input.switchName)
  lab.vms.push(vm)
  addAdapter(lab, vm, {switchName: input.switchName})
  return vm
}

export function renameVm(lab: Lab, name: string, newName: string): VM {
  const vm = findVm(lab, name)
  checkVmName(lab, newName, vm)
  vm.name = newName
  return vm
}

/** Remove-VM: a running VM needs --force (it is turned off first); its MACs go back to the pool. */
export function removeVm(lab: Lab, name: string, force: boolean): VM {
  const vm = findVm(lab, name)
  if (vm.state === 'Running' && !force) {
    throw new HvnetError('rule-violation', NOT_IN_STATE, `"${vm.name}" is running: stop it first (\`hvnet vm stop "${vm.name}"\`) or add --force to turn it off and remove it.`)
  }
  lab.vms = lab.vms.filter((m) => m !== vm)
  return vm
}

export interface StateChange {
  vm: VM
  changed: boolean
  /** Adapters that took a MAC from the pool on this start: name → MAC. */
  assignedMacs: {name: string; macAddress: string}[]
}

/** Start-VM: dynamic adapters without a MAC take one from the pool, in adapter order. */
export function startVm(lab: Lab, name: string): StateChange {
  const vm = findVm(lab, name)
  if (vm.state === 'Running') return {assignedMacs: [], changed: false, vm}
  const assignedMacs: StateChange['assignedMacs'] = []
  for (const adapter of vm.networkAdapters) {
    if (adapter.dynamicMacAddressEnabled && adapter.macAddress === UNASSIGNED_MAC) {
      adapter.macAddress = allocateDynamicMac(lab, powerOnFailure(vm, adapter))
      assignedMacs.push({macAddress: adapter.macAddress, name: adapter.name})
    }
  }
  vm.state = 'Running'
  return {assignedMacs, changed: true, vm}
}

/** Stop-VM: the VM keeps its MACs (they stay assigned across power cycles). */
export function stopVm(lab: Lab, name: string): StateChange {
  const vm = findVm(lab, name)
  if (vm.state === 'Off') return {assignedMacs: [], changed: false, vm}
  vm.state = 'Off'
  return {assignedMacs: [], changed: true, vm}
}

export function removeAdapter(lab: Lab, vmName: string, adapterName: string): VMNetworkAdapter {
  const {adapter, vm} = findVmAdapter(lab, vmName, adapterName)
  if (vm.state === 'Running' && (vm.generation === 1 || adapter.isLegacy)) {
    throw new HvnetError('rule-violation', NOT_IN_STATE, `Network adapters are removed from a running VM only on generation 2 and only synthetic ones; stop "${vm.name}" first (\`hvnet vm stop "${vm.name}"\`).`)
  }
  vm.networkAdapters = vm.networkAdapters.filter((a) => a !== adapter)
  return adapter
}

/** Connect-VMNetworkAdapter (a running VM's adapter can change switch, as in Hyper-V). */
export function connectAdapter(lab: Lab, vmName: string, adapterName: string, switchName: string): VMNetworkAdapter {
  const {adapter} = findVmAdapter(lab, vmName, adapterName)
  adapter.switchId = findSwitch(lab, switchName).id
  checkPvlans(lab, adapter.switchId)
  return adapter
}

export function disconnectAdapter(lab: Lab, vmName: string, adapterName: string): VMNetworkAdapter {
  const {adapter} = findVmAdapter(lab, vmName, adapterName)
  adapter.switchId = null
  return adapter
}

export function renameAdapter(lab: Lab, vmName: string, adapterName: string, newName: string): VMNetworkAdapter {
  const {adapter, vm} = findVmAdapter(lab, vmName, adapterName)
  checkAdapterName(vm, newName, adapter)
  adapter.name = newName
  return adapter
}

export interface AdapterChanges {
  macAddressSpoofing?: boolean
  dhcpGuard?: boolean
  routerGuard?: boolean
  portMirroringMode?: 'Destination' | 'None' | 'Source'
  /** Bits per second; rounded to the nearest multiple of 8, as Set-VMNetworkAdapter does. */
  maximumBandwidth?: number
  staticMac?: string
  dynamicMac?: boolean
}

/** Set-VMNetworkAdapter. Changing the MAC needs the VM off, as on Hyper-V. */
export function setAdapter(lab: Lab, vmName: string, adapterName: string, changes: AdapterChanges): VMNetworkAdapter {
  const {adapter, vm} = findVmAdapter(lab, vmName, adapterName)
  if (changes.staticMac !== undefined && changes.dynamicMac) {
    throw new HvnetError('invalid-value', '--static-mac and --dynamic-mac contradict each other.', 'Use one of them.')
  }
  if (changes.maximumBandwidth !== undefined) {
    if (!Number.isSafeInteger(changes.maximumBandwidth) || changes.maximumBandwidth < 0) {
      throw new HvnetError('invalid-value', `Cannot validate argument on parameter 'MaximumBandwidth'. ${changes.maximumBandwidth} is not a number of bits per second.`, 'Give whole bits per second, e.g. 100000000 for 100 Mbps; 0 removes the limit.')
    }
    adapter.maximumBandwidth = Math.round(changes.maximumBandwidth / 8) * 8
  }
  if (changes.macAddressSpoofing !== undefined) adapter.macAddressSpoofing = changes.macAddressSpoofing
  if (changes.dhcpGuard !== undefined) adapter.dhcpGuard = changes.dhcpGuard
  if (changes.routerGuard !== undefined) adapter.routerGuard = changes.routerGuard
  if (changes.portMirroringMode !== undefined) adapter.portMirroringMode = changes.portMirroringMode
  if (changes.staticMac !== undefined) {
    refuseWhileRunning(vm, 'Changing the MAC address')
    adapter.macAddress = parseUserMac(changes.staticMac, 'StaticMacAddress')
    adapter.dynamicMacAddressEnabled = false
  } else if (changes.dynamicMac && !adapter.dynamicMacAddressEnabled) {
    refuseWhileRunning(vm, 'Changing the MAC address')
    // The pool MAC is assigned at the next start.
    adapter.macAddress = UNASSIGNED_MAC
    adapter.dynamicMacAddressEnabled = true
  }
  return adapter
}

/** The PVLAN rules across the ports of one switch (see pvlanConflict). */
export function checkPvlans(lab: Lab, switchId: string | null): void {
  if (switchId === null) return
  const ports: {owner: string; setting: VlanSetting}[] = []
  for (const vm of lab.vms) {
    for (const a of vm.networkAdapters) if (a.switchId === switchId) ports.push({owner: `"${vm.name}"/"${a.name}"`, setting: a.vlanSetting})
  }
  for (const n of lab.host.vnics) if (n.switchId === switchId) ports.push({owner: `"${n.interfaceAlias}"`, setting: n.vlanSetting})
  const problem = pvlanConflict(ports)
  if (problem) {
    const sw = lab.switches.find((s) => s.id === switchId)!
    throw new HvnetError('rule-violation', `PVLAN configuration on a virtual switch must be consistent: on "${sw.name}", ${problem}.`, 'Under one primary VLAN, give each secondary VLAN one role (isolated or community) and use a single isolated secondary VLAN.')
  }
}

/** Set-VMNetworkAdapterVlan. */
export function setVlan(lab: Lab, vmName: string, adapterName: string, input: VlanInput): VMNetworkAdapter {
  const {adapter} = findVmAdapter(lab, vmName, adapterName)
  adapter.vlanSetting = vlanSettingFrom(input)
  checkPvlans(lab, adapter.switchId)
  return adapter
}

/** Set-VMNetworkAdapterVlan -ManagementOS: the VLAN of a host vNIC's switch port. */
export function setManagementOsVlan(lab: Lab, name: string, input: VlanInput): HostVnic {
  const vnic = findManagementOsAdapter(lab, name)
  const sw = lab.switches.find((s) => s.id === vnic.switchId)!
  if (sw.isDefaultSwitch) {
    throw new HvnetError('default-switch-immutable', 'The automatic Internet Connection Sharing switch cannot be modified.', 'The Default Switch\'s host vNIC stays untagged; put VLANs on your own switches.')
  }
  vnic.vlanSetting = vlanSettingFrom(input)
  checkPvlans(lab, vnic.switchId)
  return vnic
}

/** Add-VMNetworkAdapterAcl: `both` adds an entry per direction; an exact duplicate is refused. */
export function addAcl(lab: Lab, vmName: string, adapterName: string, input: PortAclInput): PortAcl[] {
  const {adapter, vm} = findVmAdapter(lab, vmName, adapterName)
  const entries = portAclsFrom(input)
  for (const entry of entries) {
    if (adapter.acls.some((a) => sameAcl(a, entry))) {
      throw new HvnetError('rule-violation', `The adapter "${vm.name}"/"${adapter.name}" already has this ${entry.direction.toLowerCase()} ${entry.action} entry.`, `See them with \`hvnet vm list-acls "${vm.name}"\`.`)
    }
  }
  adapter.acls.push(...entries)
  return entries
}

/** Remove-VMNetworkAdapterAcl: matches on action, direction and address, as the cmdlet does. */
export function removeAcl(lab: Lab, vmName: string, adapterName: string, input: PortAclInput): PortAcl[] {
  const {adapter, vm} = findVmAdapter(lab, vmName, adapterName)
  const wanted = portAclsFrom(input)
  const removed = adapter.acls.filter((a) => wanted.some((w) => sameAcl(a, w)))
  if (removed.length !== wanted.length) {
    throw new HvnetError('not-found', `The adapter "${vm.name}"/"${adapter.name}" has no such ACL entry${wanted.length > 1 ? ' in both directions' : ''}.`, `List them with \`hvnet vm list-acls "${vm.name}" --name "${adapter.name}"\` and give the same action, direction and address.`)
  }
  adapter.acls = adapter.acls.filter((a) => !removed.includes(a))
  return removed
}

/** Add-VMNetworkAdapterExtendedAcl: weights are unique per adapter and direction. */
export function addExtendedAcl(lab: Lab, vmName: string, adapterName: string, input: ExtendedAclInput): ExtendedAcl {
  const {adapter, vm} = findVmAdapter(lab, vmName, adapterName)
  const entry = extendedAclFrom(input)
  const clash = adapter.extendedAcls.find((a) => a.direction === entry.direction && a.weight === entry.weight)
  if (clash) {
    throw new HvnetError('rule-violation', `The adapter "${vm.name}"/"${adapter.name}" already has an ${entry.direction.toLowerCase()} extended ACL with weight ${entry.weight}.`, 'Weights order the entries of one direction (larger first); give this one another weight.')
  }
  adapter.extendedAcls = extendedAclOrder([...adapter.extendedAcls, entry])
  return entry
}

/** Remove-VMNetworkAdapterExtendedAcl by direction and weight (the entry's key). */
export function removeExtendedAcl(lab: Lab, vmName: string, adapterName: string, direction: 'inbound' | 'outbound', weight: number): ExtendedAcl {
  const {adapter, vm} = findVmAdapter(lab, vmName, adapterName)
  const dir = direction === 'inbound' ? 'Inbound' : 'Outbound'
  const entry = adapter.extendedAcls.find((a) => a.direction === dir && a.weight === weight)
  if (!entry) {
    const weights = adapter.extendedAcls.filter((a) => a.direction === dir).map((a) => a.weight)
    throw new HvnetError('not-found', `The adapter "${vm.name}"/"${adapter.name}" has no ${direction} extended ACL with weight ${weight}.`, weights.length > 0 ? `Its ${direction} weights: ${weights.join(', ')}.` : `It has no ${direction} extended ACLs.`)
  }
  adapter.extendedAcls = adapter.extendedAcls.filter((a) => a !== entry)
  return entry
}

export interface GuestIpInput {
  dhcp?: boolean
  address?: string
  gateway?: string
  dns?: string[]
}

function parseGuestIp(text: string, what: string): number {
  const value = parseIpv4(text)
  if (value === undefined) throw new HvnetError('invalid-ip', `"${text}" is not an IPv4 address (${what}).`, 'Write it as a.b.c.d.')
  return value
}

/** The guest's IPv4 configuration of one adapter: DHCP, or a static address with gateway and DNS servers. */
export function guestIpFrom(input: GuestIpInput): GuestIp {
  const dhcp = input.dhcp ?? false
  if (dhcp === (input.address !== undefined)) {
    throw new HvnetError('invalid-value', dhcp ? '--dhcp and --address contradict each other.' : 'Say how the guest gets its address.', 'Give --dhcp, or --address a.b.c.d/len (with --gateway and --dns if needed).')
  }
  if (dhcp) {
    if (input.gateway !== undefined || (input.dns ?? []).length > 0) throw new HvnetError('invalid-value', '--gateway and --dns go with --address; a DHCP guest gets them from the DHCP server.', 'Drop them, or use --address.')
    return {mode: 'Dhcp'}
  }
  const cidr = parseCidr(input.address!)
  if (!cidr || cidr.length === 0 || cidr.length > 30 || !input.address!.includes('/')) {
    throw new HvnetError('invalid-prefix', `"${input.address}" is not an address with a prefix length of 1 to 30.`, 'Write it as a.b.c.d/len, e.g. 192.168.100.10/24.')
  }
  const network = networkOf(cidr.address, cidr.length)
  const broadcast = (network + 2 ** (32 - cidr.length) - 1) >>> 0
  if (cidr.address === network || cidr.address === broadcast) {
    throw new HvnetError('invalid-ip', `${formatIpv4(cidr.address)} is the ${cidr.address === network ? 'network' : 'broadcast'} address of ${formatCidr(network, cidr.length)}, not a host address.`, `Pick an address between them, e.g. ${formatIpv4(network + 10)}.`)
  }
  let defaultGateway: string | null = null
  if (input.gateway !== undefined) {
    const gw = parseGuestIp(input.gateway, 'gateway')
    if (!inPrefix(gw, network, cidr.length)) throw new HvnetError('invalid-ip', `The default gateway ${input.gateway} is not in ${formatCidr(network, cidr.length)}.`, 'A default gateway must be on the adapter\'s own subnet.')
    if (gw === cidr.address) throw new HvnetError('invalid-ip', `The default gateway ${input.gateway} is the guest's own address.`, `Name the subnet's router, e.g. ${formatIpv4(network + 1)}.`)
    defaultGateway = formatIpv4(gw)
  }
  const dnsServers = (input.dns ?? []).map((d) => formatIpv4(parseGuestIp(d, 'DNS server')))
  return {defaultGateway, dnsServers, ipAddress: formatCidr(cidr.address, cidr.length), mode: 'Static'}
}

export function setGuestIp(lab: Lab, vmName: string, adapterName: string, input: GuestIpInput): VMNetworkAdapter {
  const {adapter} = findVmAdapter(lab, vmName, adapterName)
  adapter.guestIPv4 = guestIpFrom(input)
  return adapter
}

/** `tcp/22,tcp/80,udp/53` (or `none`) → sorted, de-duplicated listening ports. */
export function parseListeningPorts(text: string): ListeningPort[] {
  if (/^\s*none\s*$/i.test(text)) return []
  const ports: ListeningPort[] = []
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^(tcp|udp)\/(\d{1,5})$/i.exec(part)
    const port = match ? Number(match[2]) : 0
    if (!match || port < 1 || port > 65535) {
      throw new HvnetError('invalid-value', `"${part}" is not a listening port.`, 'Write protocol/port pairs separated by commas, e.g. tcp/22,tcp/80,udp/53, or "none".')
    }
    const protocol = match[1].toLowerCase() as 'tcp' | 'udp'
    if (!ports.some((p) => p.protocol === protocol && p.port === port)) ports.push({port, protocol})
  }
  return ports.sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port)
}

export interface GuestInput {
  os?: 'linux' | 'windows'
  firewall?: boolean
  listen?: string
}

/** The guest OS facts: a Windows guest's firewall is on unless told otherwise, a Linux guest's off. */
export function setGuest(lab: Lab, vmName: string, input: GuestInput): VM {
  const vm = findVm(lab, vmName)
  if (input.os !== undefined && input.os !== vm.guest.os) {
    vm.guest.os = input.os
    vm.guest.firewall = defaultGuest(input.os).firewall
  }
  if (input.firewall !== undefined) vm.guest.firewall = input.firewall
  if (input.listen !== undefined) vm.guest.listeningPorts = parseListeningPorts(input.listen)
  return vm
}

/** One row of Get-VMNetworkAdapter, with every stored setting for --json. */
export interface AdapterView extends VMNetworkAdapter {
  vmName: string | null
  vmId: string | null
  isManagementOs: boolean
  switchName: string | null
  connected: boolean
  /** `Ok` for a running VM's connected adapter, `Disconnected` when not connected, null when off. */
  status: 'Disconnected' | 'Ok' | null
  /** What the guest reports through integration services: known only while running. */
  ipAddresses: string[]
}

function switchNames(lab: Lab): Map<string, string> {
  return new Map(lab.switches.map((s) => [s.id, s.name]))
}

function adapterView(vm: VM, adapter: VMNetworkAdapter, names: Map<string, string>): AdapterView {
  const connected = adapter.switchId !== null
  const running = vm.state === 'Running'
  // Spelt out rather than spread: one object shape for every row keeps `vm list` on 4,096
  // adapters fast (a spread of 16 keys plus 7 measured about 2x slower here).
  return {
    acls: adapter.acls,
    connected,
    dhcpGuard: adapter.dhcpGuard,
    dynamicMacAddressEnabled: adapter.dynamicMacAddressEnabled,
    extendedAcls: adapter.extendedAcls,
    guestIPv4: adapter.guestIPv4,
    id: adapter.id,
    ipAddresses: running && connected && adapter.guestIPv4.mode === 'Static' ? [adapter.guestIPv4.ipAddress.slice(0, adapter.guestIPv4.ipAddress.indexOf('/'))] : [],
    isLegacy: adapter.isLegacy,
    isManagementOs: false,
    macAddress: adapter.macAddress,
    macAddressSpoofing: adapter.macAddressSpoofing,
    maximumBandwidth: adapter.maximumBandwidth,
    name: adapter.name,
    portMirroringMode: adapter.portMirroringMode,
    routerGuard: adapter.routerGuard,
    status: !connected ? 'Disconnected' : running ? 'Ok' : null,
    switchId: adapter.switchId,
    switchName: adapter.switchId === null ? null : names.get(adapter.switchId) ?? null,
    vlanSetting: adapter.vlanSetting,
    vmId: vm.id,
    vmName: vm.name,
  }
}

export function describeAdapter(lab: Lab, vm: VM, adapter: VMNetworkAdapter): AdapterView {
  return adapterView(vm, adapter, switchNames(lab))
}

export interface VmView {
  id: string
  name: string
  state: VM['state']
  generation: 1 | 2
  /** Get-VM's Status column. */
  status: string
  guest: VM['guest']
  networkAdapters: AdapterView[]
}

function vmView(vm: VM, names: Map<string, string>): VmView {
  return {
    generation: vm.generation,
    guest: vm.guest,
    id: vm.id,
    name: vm.name,
    networkAdapters: vm.networkAdapters.map((a) => adapterView(vm, a, names)),
    state: vm.state,
    status: 'Operating normally',
  }
}

export function describeVm(lab: Lab, vm: VM): VmView {
  return vmView(vm, switchNames(lab))
}

export function listVms(lab: Lab): VmView[] {
  const names = switchNames(lab)
  return lab.vms.map((vm) => vmView(vm, names))
}

/** Get-VMNetworkAdapter: one VM's adapters, every VM's, or (--all) the host's vNICs too. */
export function listAdapters(lab: Lab, vmName: string | undefined, all: boolean): AdapterView[] {
  const names = switchNames(lab)
  const vms = vmName === undefined ? lab.vms : [findVm(lab, vmName)]
  const rows = vms.flatMap((vm) => vm.networkAdapters.map((a) => adapterView(vm, a, names)))
  if (!all) return rows
  for (const n of lab.host.vnics) {
    rows.push({
      acls: [],
      connected: true,
      dhcpGuard: false,
      dynamicMacAddressEnabled: false,
      extendedAcls: [],
      guestIPv4: {mode: 'Dhcp'},
      id: seededGuid(lab.seed, `vnic:${n.ifIndex}`),
      ipAddresses: n.ipv4.addresses.map((e) => e.ipAddress),
      isLegacy: false,
      isManagementOs: true,
      macAddress: n.macAddress,
      macAddressSpoofing: false,
      maximumBandwidth: 0,
      name: n.name,
      portMirroringMode: 'None',
      routerGuard: false,
      status: 'Ok',
      switchId: n.switchId,
      switchName: names.get(n.switchId) ?? null,
      vlanSetting: n.vlanSetting,
      vmId: null,
      vmName: null,
    })
  }
  return rows
}

/**
 * An ACL entry as vm list-acls and vm add-acl/add-extended-acl show it: its owner and its index
 * among its adapter's entries of that kind (`acl[index]` / `extendedAcl[index]` in traces).
 */
export type AclView<T extends ExtendedAcl | PortAcl> = T & {index: number; vmName: string; vmNetworkAdapterName: string}

function aclViews<T extends ExtendedAcl | PortAcl>(vm: VM, adapter: VMNetworkAdapter, all: readonly T[], entries: readonly T[]): AclView<T>[] {
  return entries.map((entry) => ({...entry, index: all.indexOf(entry), vmName: vm.name, vmNetworkAdapterName: adapter.name}))
}

/** The adapter's port ACL entries (or the given ones of them) as listed. */
export function portAclViews(vm: VM, adapter: VMNetworkAdapter, entries: readonly PortAcl[] = adapter.acls): AclView<PortAcl>[] {
  return aclViews(vm, adapter, adapter.acls, entries)
}

/** The adapter's extended ACL entries (or the given ones of them) as listed. */
export function extendedAclViews(vm: VM, adapter: VMNetworkAdapter, entries: readonly ExtendedAcl[] = adapter.extendedAcls): AclView<ExtendedAcl>[] {
  return aclViews(vm, adapter, adapter.extendedAcls, entries)
}

/** Adapters selected by VM and optional adapter name (Get-VMNetworkAdapterVlan, -Acl). */
export function selectAdapters(lab: Lab, vmName: string | undefined, adapterName: string | undefined): {vm: VM; adapter: VMNetworkAdapter}[] {
  if (vmName === undefined) {
    if (adapterName !== undefined) throw new HvnetError('invalid-value', '--name needs a VM.', 'Name the VM too, e.g. `hvnet vm get-vlan web1 --name "Network Adapter"`.')
    return lab.vms.flatMap((vm) => vm.networkAdapters.map((adapter) => ({adapter, vm})))
  }
  const vm = findVm(lab, vmName)
  if (adapterName !== undefined) return [{adapter: findAdapter(vm, adapterName), vm}]
  return vm.networkAdapters.map((adapter) => ({adapter, vm}))
}
