// The one translation from the stored lab to the engine's snapshot (src/engine/config.ts):
// `networkConfigOf(lab)`. Pure: it reads a validated lab (parseLab ran the schema and integrity
// rules, so every reference resolves and every text form parses) and builds new plain values,
// sharing nothing mutable with the lab. Every list keeps the lab's order, so one lab gives one
// snapshot. Cost is proportional to the lab: each object is visited once; the only name lookups
// are an External switch's adapter among the host's few physical adapters.
//
// Refs name the configuration object a decision comes from, in the words a user finds it by:
// `vm web/Network Adapter` (its port features), `.acl[2]` (the third entry `vm list-acls web
// --name "Network Adapter"` lists), `.extendedAcl[0]` (the first of `vm list-acls --extended`,
// which lists them in evaluation order), `host vEthernet (NATSwitch)`, `nat MyNAT`,
// `nat MyNAT mapping 0` (its StaticMappingID), `vswitch Default Switch.icsNat` (`vswitch show`).
import type {
  AclAddress,
  DhcpScopeConfig,
  ExtendedAcl as ExtendedAclConfig,
  GuestIpConfig,
  GuestOsConfig,
  HostAddress,
  HostInterfaceConfig,
  NatConfig,
  NetworkConfig,
  PhysicalAdapterConfig,
  PortAcl as PortAclConfig,
  PortFeatures,
  Prefix,
  SwitchConfig,
  VlanSetting as VlanSettingConfig,
  VmAdapterConfig,
  VmConfig,
} from '../engine/config.js'
import type {Mac} from '../engine/wire/mac.js'
import type {ExtendedAcl, GuestIp, HostVnic, Ipv4Config, Lab, NetNat, PhysicalAdapter, PortAcl, VM, VMNetworkAdapter, VMSwitch, VlanSetting} from './schema.js'

import {parseMac} from '../engine/wire/mac.js'
import {parseCidr, parseIpv4} from './address.js'
import {adapterStatus} from './host.js'
import {findByName} from './names.js'
import {NAT_DEFAULTS} from './nat.js'
import {defaultSwitchLayer3, switchType} from './vswitch.js'

/** The settings of the Default Switch's ICS NAT (which Get-NetNat does not show, so none can be set). */
export const ICS_NAT_SETTINGS = {
  /**
   * The Default Switch is an HNS network of type ICS whose NAT is a WinNAT instance (`NatName
   * ICS<GUID>`, reference §7), so hvnet gives it Get-NetNat's defaults for a new NAT: ICMP queries
   * 30 s, established TCP 1800 s, transient TCP 120 s, UDP 120 s, address-dependent filtering,
   * no inbound UDP refresh. (Classic ICS's IPNAT driver kept TCP mappings 24 h and UDP 60 s;
   * Microsoft documents no ICS values for the Default Switch.)
   */
  icmpQueryTimeoutS: NAT_DEFAULTS.icmpQueryTimeout,
  tcpEstablishedConnectionTimeoutS: NAT_DEFAULTS.tcpEstablishedConnectionTimeout,
  tcpFilteringBehavior: NAT_DEFAULTS.tcpFilteringBehavior,
  tcpTransientConnectionTimeoutS: NAT_DEFAULTS.tcpTransientConnectionTimeout,
  udpFilteringBehavior: NAT_DEFAULTS.udpFilteringBehavior,
  udpIdleSessionTimeoutS: NAT_DEFAULTS.udpIdleSessionTimeout,
  udpInboundRefresh: NAT_DEFAULTS.udpInboundRefresh,
} as const

/** The ICS NAT's name in traces: not a WinNAT object, so no Get-NetNat name exists for it. */
export function icsNatName(sw: VMSwitch): string {
  return `ICS (${sw.name})`
}

/** `web/Network Adapter`: the adapter's key in the snapshot, its places and its refs. */
export function adapterKey(vm: VM, adapter: VMNetworkAdapter): string {
  return `${vm.name}/${adapter.name}`
}

// Stored text forms are valid (the schema checked them); these read them as numbers.
function ip(text: string): number {
  return parseIpv4(text)!
}

function prefix(text: string): Prefix {
  const cidr = parseCidr(text)!
  return {address: cidr.address, length: cidr.length}
}

function mac(text: string): Mac {
  return parseMac(text) as Mac
}

const ANY_IP: AclAddress = Object.freeze({kind: 'any-ip'})
const ANY_MAC: AclAddress = Object.freeze({kind: 'any-mac'})
const UNTAGGED: VlanSettingConfig = Object.freeze({mode: 'untagged'})
const NONE: readonly never[] = Object.freeze([])
const DHCP: GuestIpConfig = Object.freeze({mode: 'dhcp'})

function ranges(list: readonly (readonly [number, number])[]): (readonly [number, number])[] {
  return list.map(([first, last]) => [first, last] as const)
}

function vlanOf(setting: VlanSetting): VlanSettingConfig {
  switch (setting.operationMode) {
    case 'Untagged': {
      return UNTAGGED
    }

    case 'Access': {
      return {accessVlanId: setting.accessVlanId, mode: 'access'}
    }

    case 'Trunk': {
      return {allowedVlanIds: ranges(setting.allowedVlanIdList), mode: 'trunk', nativeVlanId: setting.nativeVlanId}
    }

    case 'Private': {
      if (setting.privateVlanMode === 'Promiscuous') {
        const secondaryVlanIds: number[] = []
        for (const [first, last] of setting.secondaryVlanIdList) for (let id = first; id <= last; id++) secondaryVlanIds.push(id)
        return {mode: 'private', primaryVlanId: setting.primaryVlanId, privateVlanMode: 'promiscuous', secondaryVlanIds}
      }

      return {
        mode: 'private',
        primaryVlanId: setting.primaryVlanId,
        privateVlanMode: setting.privateVlanMode === 'Isolated' ? 'isolated' : 'community',
        secondaryVlanIds: [setting.secondaryVlanId],
      }
    }
  }
}

function aclAddress(acl: PortAcl): AclAddress {
  if (acl.aclType === 'IPv4') return acl.ipAddress === '0.0.0.0/0' ? ANY_IP : {kind: 'ip', prefix: prefix(acl.ipAddress)}
  return acl.macAddress === 'ANY' ? ANY_MAC : {kind: 'mac', mac: mac(acl.macAddress)}
}

function portAcl(acl: PortAcl, ref: string): PortAclConfig {
  const address = aclAddress(acl)
  const local = acl.applicability === 'Local'
  return {
    action: acl.action === 'Allow' ? 'allow' : acl.action === 'Deny' ? 'deny' : 'meter',
    direction: acl.direction === 'Inbound' ? 'inbound' : 'outbound',
    local: local ? address : null,
    ref,
    remote: local ? null : address,
  }
}

/** `0.0.0.0/0` is the stored ANY; the snapshot says null. */
function anyPrefix(text: string): Prefix | null {
  return text === '0.0.0.0/0' ? null : prefix(text)
}

function portRange(range: readonly [number, number] | null): readonly [number, number] | null {
  return range === null ? null : [range[0], range[1]]
}

function extendedAcl(acl: ExtendedAcl, ref: string): ExtendedAclConfig {
  return {
    action: acl.action === 'Allow' ? 'allow' : 'deny',
    direction: acl.direction === 'Inbound' ? 'inbound' : 'outbound',
    idleSessionTimeoutS: acl.idleSessionTimeout,
    local: anyPrefix(acl.localIPAddress),
    localPorts: portRange(acl.localPort),
    protocol: acl.protocol,
    ref,
    remote: anyPrefix(acl.remoteIPAddress),
    remotePorts: portRange(acl.remotePort),
    stateful: acl.stateful,
    weight: acl.weight,
  }
}

function adapterFeatures(adapter: VMNetworkAdapter, ref: string): PortFeatures {
  return {
    acls: adapter.acls.length === 0 ? NONE : adapter.acls.map((acl, i) => portAcl(acl, `${ref}.acl[${i}]`)),
    dhcpGuard: adapter.dhcpGuard,
    extendedAcls: adapter.extendedAcls.length === 0 ? NONE : adapter.extendedAcls.map((acl, i) => extendedAcl(acl, `${ref}.extendedAcl[${i}]`)),
    macAddressSpoofing: adapter.macAddressSpoofing,
    portMirroring: adapter.portMirroringMode === 'None' ? 'none' : adapter.portMirroringMode === 'Source' ? 'source' : 'destination',
    ref,
    routerGuard: adapter.routerGuard,
    vlan: vlanOf(adapter.vlanSetting),
  }
}

/** A host vNIC's port: the management OS's adapter has only its VLAN setting (no ACLs, no guards). */
function vnicFeatures(vnic: HostVnic, ref: string): PortFeatures {
  return {
    acls: NONE,
    dhcpGuard: false,
    extendedAcls: NONE,
    macAddressSpoofing: false,
    portMirroring: 'none',
    ref,
    routerGuard: false,
    vlan: vlanOf(vnic.vlanSetting),
  }
}

function guestIp(setting: GuestIp): GuestIpConfig {
  if (setting.mode === 'Dhcp') return DHCP
  const cidr = parseCidr(setting.ipAddress)!
  return {
    address: cidr.address,
    dns: setting.dnsServers.map((d) => ip(d)),
    gateway: setting.defaultGateway === null ? null : ip(setting.defaultGateway),
    mode: 'static',
    prefixLength: cidr.length,
  }
}

function guestOs(vm: VM): GuestOsConfig {
  return {firewall: vm.guest.firewall, listen: vm.guest.listeningPorts.map((p) => ({port: p.port, protocol: p.protocol})), os: vm.guest.os}
}

function vmConfig(vm: VM): VmConfig {
  const adapters: VmAdapterConfig[] = []
  for (const adapter of vm.networkAdapters) {
    const key = adapterKey(vm, adapter)
    adapters.push({
      features: adapterFeatures(adapter, `vm ${key}`),
      ip: guestIp(adapter.guestIPv4),
      key,
      macAddress: mac(adapter.macAddress),
      name: adapter.name,
      switchId: adapter.switchId,
      vmName: vm.name,
    })
  }
  return {adapters, guest: guestOs(vm), name: vm.name, running: vm.state === 'Running'}
}

function hostIp(ipv4: Ipv4Config): Pick<HostInterfaceConfig, 'addresses' | 'defaultGateway' | 'dhcp' | 'forwarding'> {
  const addresses: HostAddress[] = ipv4.addresses.map((e) => ({address: ip(e.ipAddress), prefixLength: e.prefixLength}))
  return {addresses, defaultGateway: ipv4.defaultGateway === null ? null : ip(ipv4.defaultGateway), dhcp: ipv4.dhcp, forwarding: ipv4.forwarding}
}

function physicalAdapterConfig(adapter: PhysicalAdapter, bound: VMSwitch | undefined): PhysicalAdapterConfig {
  const {network} = adapter
  return {
    boundSwitchId: bound?.id ?? null,
    kind: adapter.kind,
    macAddress: mac(adapter.macAddress),
    name: adapter.name,
    network: network === null ? null : {dhcp: network.dhcp, gateway: ip(network.gateway), prefix: prefix(network.prefix)},
    portSecurityMaxMacs: adapter.portSecurityMaxMacs,
    up: adapterStatus(adapter) === 'Up',
  }
}

/** A WinNAT object. One that is not Active (a hand-edited store) translates nothing: left out, as are inactive mappings and addresses. */
function winNatConfig(nat: NetNat): NatConfig {
  const ref = `nat ${nat.name}`
  return {
    externalAddresses: nat.externalAddresses.filter((x) => x.active).map((x) => ({address: ip(x.ipAddress), id: x.externalAddressId, portEnd: x.portEnd, portStart: x.portStart})),
    icmpQueryTimeoutS: nat.icmpQueryTimeout,
    ics: false,
    internalPrefix: prefix(nat.internalIPInterfaceAddressPrefix),
    name: nat.name,
    ref,
    staticMappings: nat.staticMappings.filter((m) => m.active).map((m) => ({
      externalAddress: ip(m.externalIPAddress),
      externalPort: m.externalPort,
      id: m.staticMappingId,
      internalAddress: ip(m.internalIPAddress),
      internalPort: m.internalPort,
      protocol: m.protocol === 'TCP' ? 'tcp' : 'udp',
      ref: `${ref} mapping ${m.staticMappingId}`,
      remoteExternalPrefix: prefix(m.remoteExternalIPAddressPrefix),
    })),
    tcpEstablishedConnectionTimeoutS: nat.tcpEstablishedConnectionTimeout,
    tcpFilteringBehavior: nat.tcpFilteringBehavior,
    tcpTransientConnectionTimeoutS: nat.tcpTransientConnectionTimeout,
    udpFilteringBehavior: nat.udpFilteringBehavior,
    udpIdleSessionTimeoutS: nat.udpIdleSessionTimeout,
    udpInboundRefresh: nat.udpInboundRefresh,
  }
}

/** The Default Switch's layer 3: its ICS NAT (no mappings, no external addresses) and its DHCP scope. */
function defaultSwitchConfig(lab: Lab, sw: VMSwitch): {nat: NatConfig; scope: DhcpScopeConfig} | null {
  const l3 = defaultSwitchLayer3(lab, sw)
  if (l3 === null) return null
  const internalPrefix = prefix(l3.prefix)
  return {
    nat: {
      ...ICS_NAT_SETTINGS,
      externalAddresses: NONE,
      ics: true,
      internalPrefix,
      name: icsNatName(sw),
      ref: `vswitch ${sw.name}.icsNat`,
      staticMappings: NONE,
    },
    scope: {
      leaseSeconds: l3.dhcpScope.leaseDurationSeconds,
      prefix: internalPrefix,
      rangeEnd: ip(l3.dhcpScope.endRange),
      rangeStart: ip(l3.dhcpScope.startRange),
      serverAddress: ip(l3.hostAddress),
      switchId: sw.id,
    },
  }
}

/**
 * The engine's snapshot of a lab. Host interfaces come in the lab's order: the physical adapters
 * not bound to a switch (`host adapter list`), then every host vNIC. A physical adapter bound to an
 * External switch is no host interface: with management-OS sharing its IP configuration is on the
 * switch's vNIC (which carries the adapter's MAC); without, the host has no interface there.
 */
export function networkConfigOf(lab: Lab): NetworkConfig {
  const boundTo = new Map<PhysicalAdapter, VMSwitch>()
  const switches: SwitchConfig[] = []
  let defaultSwitch: VMSwitch | undefined
  for (const sw of lab.switches) {
    if (sw.netAdapterName !== null) boundTo.set(findByName(lab.host.adapters, sw.netAdapterName)!, sw)
    if (sw.isDefaultSwitch) defaultSwitch ??= sw
    switches.push({id: sw.id, isDefaultSwitch: sw.isDefaultSwitch, name: sw.name, netAdapterName: sw.netAdapterName, switchType: switchType(sw)})
  }

  const physicalAdapters: PhysicalAdapterConfig[] = []
  const hostInterfaces: HostInterfaceConfig[] = []
  for (const adapter of lab.host.adapters) {
    const bound = boundTo.get(adapter)
    physicalAdapters.push(physicalAdapterConfig(adapter, bound))
    if (bound) continue
    hostInterfaces.push({
      ...hostIp(adapter.ipv4),
      alias: adapter.name,
      attachment: {adapterName: adapter.name, kind: 'physical'},
      ifIndex: adapter.ifIndex,
      macAddress: mac(adapter.macAddress),
    })
  }

  for (const vnic of lab.host.vnics) {
    hostInterfaces.push({
      ...hostIp(vnic.ipv4),
      alias: vnic.interfaceAlias,
      attachment: {features: vnicFeatures(vnic, `host ${vnic.interfaceAlias}`), kind: 'vnic', switchId: vnic.switchId},
      ifIndex: vnic.ifIndex,
      macAddress: mac(vnic.macAddress),
    })
  }

  const nats: NatConfig[] = lab.nats.filter((nat) => nat.active).map((nat) => winNatConfig(nat))
  const dhcpScopes: DhcpScopeConfig[] = []
  const ics = defaultSwitch === undefined ? null : defaultSwitchConfig(lab, defaultSwitch)
  if (ics) {
    nats.push(ics.nat)
    dhcpScopes.push(ics.scope)
  }

  return {
    dhcpScopes,
    hostInterfaces,
    nats,
    physicalAdapters,
    seed: lab.seed,
    switches,
    vms: lab.vms.map((vm) => vmConfig(vm)),
  }
}
