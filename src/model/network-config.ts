// The one translation from the stored lab to the engine's snapshot (src/engine/config.ts):
// `networkConfigOf(lab)`. Pure: it reads a validated lab (parseLab ran the schema and integrity
// rules, so every reference resolves and every text form parses) and builds new plain values,
// sharing nothing mutable with the lab. Every list keeps the lab's order, so one lab gives one
// snapshot. The host, switches and NATs are translated at once; the VMs on first access (`vms`, or
// one by one through the snapshot's AdapterIndex, which reads the few facts a network needs of an
// adapter it does not touch in place): a trace on a lab of 1,024 VMs converts the VMs its flow
// reaches. So the lab must not change while its snapshot is in use (every command takes the snapshot
// of a lab it only reads); what was converted is the snapshot's own and no later change reaches it.
//
// Refs name the configuration object a decision comes from, in the words a user finds it by:
// `vm web/Network Adapter` (its port features), `.acl[2]` (Index 2 of that adapter in `vm
// list-acls`: the stored order), `.extendedAcl[0]` (Index 0 in `vm list-acls --extended`: the
// evaluation order), `host vEthernet (NATSwitch)`, `nat MyNAT`,
// `nat MyNAT mapping 0` (its StaticMappingID), `vswitch Default Switch.icsNat` (`vswitch show`).
import type {
  AdapterIndex,
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
import type {Ipv4Address} from '../engine/wire/ipv4-address.js'
import type {Mac} from '../engine/wire/mac.js'
import {formatIpv4, formatMac} from '../engine/wire/index.js'
import type {ExtendedAcl, GuestIp, HostVnic, Ipv4Config, Lab, NetNat, PhysicalAdapter, PortAcl, VM, VMNetworkAdapter, VMSwitch, VlanSetting} from './schema.js'

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

// Stored text forms as numbers. The schema admits only `a.b.c.d` with octets 0-255 and MACs of 12
// uppercase hex digits (and the model writes only such), so these read characters without checking
// them or slicing the text: the wire parsers, which check user input, made up most of the
// translation of a 4,096-adapter lab and most of its garbage.

/** The dotted quad in `text` up to `end` (a `/` or the end). */
function ip(text: string, end = text.length): number {
  let value = 0
  let octet = 0
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x2e) {
      value = value * 256 + octet
      octet = 0
    } else {
      octet = octet * 10 + c - 0x30
    }
  }
  return value * 256 + octet
}

/** The number after the `/` of `a.b.c.d/len`. */
function lengthAfter(text: string, slash: number): number {
  let value = 0
  for (let i = slash + 1; i < text.length; i++) value = value * 10 + text.charCodeAt(i) - 0x30
  return value
}

/** `00155D010203` → hi16 * 2**32 + lo32, as the wire's Mac. */
function mac(text: string): Mac {
  let value = 0
  for (let i = 0; i < 12; i++) {
    const c = text.charCodeAt(i)
    value = value * 16 + (c <= 0x39 ? c - 0x30 : c - 0x37)
  }
  return value
}

const ANY_IP: AclAddress = Object.freeze({kind: 'any-ip'})
const ANY_MAC: AclAddress = Object.freeze({kind: 'any-mac'})
const UNTAGGED: VlanSettingConfig = Object.freeze({mode: 'untagged'})
const NONE: readonly never[] = Object.freeze([])
const DHCP: GuestIpConfig = Object.freeze({mode: 'dhcp'})

function portRange(range: readonly [number, number] | null): readonly [number, number] | null {
  return range === null ? null : [range[0], range[1]]
}

function ranges(list: readonly (readonly [number, number])[]): (readonly [number, number])[] {
  return list.map(([first, last]) => [first, last] as const)
}

/**
 * The translation of one lab. Values many ports share are made once per snapshot: prefixes and
 * ACL addresses by their stored text, access VLAN settings by ID. The snapshot is immutable, so
 * sharing is safe, and a 4,096-adapter lab allocates (and collects) far fewer objects.
 */
class Translation {
  private readonly prefixes = new Map<string, Prefix>()
  private readonly aclAddresses = new Map<string, AclAddress>()
  private readonly accessVlans = new Map<number, VlanSettingConfig>()

  prefix(text: string): Prefix {
    let value = this.prefixes.get(text)
    if (value === undefined) {
      const slash = text.indexOf('/')
      value = Object.freeze({address: ip(text, slash), length: lengthAfter(text, slash)})
      this.prefixes.set(text, value)
    }
    return value
  }

  /** `0.0.0.0/0` is the stored ANY of an extended ACL; the snapshot says null. */
  anyPrefix(text: string): Prefix | null {
    return text === '0.0.0.0/0' ? null : this.prefix(text)
  }

  /** A port ACL's address: `0.0.0.0/0` (the stored IPv4 ANY) and MAC `ANY` are the wildcards. */
  aclAddress(acl: PortAcl): AclAddress {
    const text = acl.aclType === 'IPv4' ? acl.ipAddress : acl.macAddress
    let value = this.aclAddresses.get(text)
    if (value === undefined) {
      if (acl.aclType === 'IPv4') value = text === '0.0.0.0/0' ? ANY_IP : Object.freeze({kind: 'ip', prefix: this.prefix(text)})
      else value = text === 'ANY' ? ANY_MAC : Object.freeze({kind: 'mac', mac: mac(text)})
      this.aclAddresses.set(text, value)
    }
    return value
  }

  vlan(setting: VlanSetting): VlanSettingConfig {
    switch (setting.operationMode) {
      case 'Untagged': {
        return UNTAGGED
      }

      case 'Access': {
        let value = this.accessVlans.get(setting.accessVlanId)
        if (value === undefined) {
          value = Object.freeze({accessVlanId: setting.accessVlanId, mode: 'access'})
          this.accessVlans.set(setting.accessVlanId, value)
        }
        return value
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

  portAcl(acl: PortAcl, ref: string): PortAclConfig {
    const address = this.aclAddress(acl)
    const local = acl.applicability === 'Local'
    return {
      action: acl.action === 'Allow' ? 'allow' : acl.action === 'Deny' ? 'deny' : 'meter',
      direction: acl.direction === 'Inbound' ? 'inbound' : 'outbound',
      local: local ? address : null,
      ref,
      remote: local ? null : address,
    }
  }

  extendedAcl(acl: ExtendedAcl, ref: string): ExtendedAclConfig {
    return {
      action: acl.action === 'Allow' ? 'allow' : 'deny',
      direction: acl.direction === 'Inbound' ? 'inbound' : 'outbound',
      idleSessionTimeoutS: acl.idleSessionTimeout,
      local: this.anyPrefix(acl.localIPAddress),
      localPorts: portRange(acl.localPort),
      protocol: acl.protocol,
      ref,
      remote: this.anyPrefix(acl.remoteIPAddress),
      remotePorts: portRange(acl.remotePort),
      stateful: acl.stateful,
      weight: acl.weight,
    }
  }

  adapterFeatures(adapter: VMNetworkAdapter, ref: string): PortFeatures {
    const acls: PortAclConfig[] = []
    for (let i = 0; i < adapter.acls.length; i++) acls.push(this.portAcl(adapter.acls[i], `${ref}.acl[${i}]`))
    const extendedAcls: ExtendedAclConfig[] = []
    for (let i = 0; i < adapter.extendedAcls.length; i++) extendedAcls.push(this.extendedAcl(adapter.extendedAcls[i], `${ref}.extendedAcl[${i}]`))
    return {
      acls: acls.length === 0 ? NONE : acls,
      dhcpGuard: adapter.dhcpGuard,
      extendedAcls: extendedAcls.length === 0 ? NONE : extendedAcls,
      macAddressSpoofing: adapter.macAddressSpoofing,
      portMirroring: adapter.portMirroringMode === 'None' ? 'none' : adapter.portMirroringMode === 'Source' ? 'source' : 'destination',
      ref,
      routerGuard: adapter.routerGuard,
      vlan: this.vlan(adapter.vlanSetting),
    }
  }

  /** A host vNIC's port: the management OS's adapter has only its VLAN setting (no ACLs, no guards). */
  vnicFeatures(vnic: HostVnic, ref: string): PortFeatures {
    return {
      acls: NONE,
      dhcpGuard: false,
      extendedAcls: NONE,
      macAddressSpoofing: false,
      portMirroring: 'none',
      ref,
      routerGuard: false,
      vlan: this.vlan(vnic.vlanSetting),
    }
  }

  vm(vm: VM): VmConfig {
    const adapters: VmAdapterConfig[] = []
    for (const adapter of vm.networkAdapters) {
      const key = adapterKey(vm, adapter)
      adapters.push({
        features: this.adapterFeatures(adapter, `vm ${key}`),
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

  physicalAdapter(adapter: PhysicalAdapter, bound: VMSwitch | undefined): PhysicalAdapterConfig {
    const {network} = adapter
    return {
      boundSwitchId: bound?.id ?? null,
      kind: adapter.kind,
      macAddress: mac(adapter.macAddress),
      name: adapter.name,
      network: network === null ? null : {dhcp: network.dhcp, gateway: ip(network.gateway), prefix: this.prefix(network.prefix)},
      portSecurityMaxMacs: adapter.portSecurityMaxMacs,
      up: adapterStatus(adapter) === 'Up',
    }
  }

  /** A WinNAT object. One that is not Active (a hand-edited store) translates nothing: left out, as are inactive mappings and addresses. */
  winNat(nat: NetNat): NatConfig {
    const ref = `nat ${nat.name}`
    return {
      externalAddresses: nat.externalAddresses.filter((x) => x.active).map((x) => ({address: ip(x.ipAddress), id: x.externalAddressId, portEnd: x.portEnd, portStart: x.portStart})),
      icmpQueryTimeoutS: nat.icmpQueryTimeout,
      ics: false,
      internalPrefix: this.prefix(nat.internalIPInterfaceAddressPrefix),
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
        remoteExternalPrefix: this.prefix(m.remoteExternalIPAddressPrefix),
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
  defaultSwitch(lab: Lab, sw: VMSwitch): {nat: NatConfig; scope: DhcpScopeConfig} | null {
    const l3 = defaultSwitchLayer3(lab, sw)
    if (l3 === null) return null
    const internalPrefix = this.prefix(l3.prefix)
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
}

function guestIp(setting: GuestIp): GuestIpConfig {
  if (setting.mode === 'Dhcp') return DHCP
  const text = setting.ipAddress
  const slash = text.indexOf('/')
  return {
    address: ip(text, slash),
    dns: setting.dnsServers.map((d) => ip(d)),
    gateway: setting.defaultGateway === null ? null : ip(setting.defaultGateway),
    mode: 'static',
    prefixLength: lengthAfter(text, slash),
  }
}

function guestOs(vm: VM): GuestOsConfig {
  return {firewall: vm.guest.firewall, listen: vm.guest.listeningPorts.map((p) => ({port: p.port, protocol: p.protocol})), os: vm.guest.os}
}

function hostIp(ipv4: Ipv4Config): Pick<HostInterfaceConfig, 'addresses' | 'defaultGateway' | 'dhcp' | 'forwarding'> {
  const addresses: HostAddress[] = ipv4.addresses.map((e) => ({address: ip(e.ipAddress), prefixLength: e.prefixLength}))
  return {addresses, defaultGateway: ipv4.defaultGateway === null ? null : ip(ipv4.defaultGateway), dhcp: ipv4.dhcp, forwarding: ipv4.forwarding}
}

/**
 * The engine's snapshot of a lab. Host interfaces come in the lab's order: the physical adapters
 * not bound to a switch (`host adapter list`), then every host vNIC. A physical adapter bound to an
 * External switch is no host interface: with management-OS sharing its IP configuration is on the
 * switch's vNIC (which carries the adapter's MAC); without, the host has no interface there.
 */
export function networkConfigOf(lab: Lab): NetworkConfig {
  const t = new Translation()
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
    physicalAdapters.push(t.physicalAdapter(adapter, bound))
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
      attachment: {features: t.vnicFeatures(vnic, `host ${vnic.interfaceAlias}`), kind: 'vnic', switchId: vnic.switchId},
      ifIndex: vnic.ifIndex,
      macAddress: mac(vnic.macAddress),
    })
  }

  const nats: NatConfig[] = lab.nats.filter((nat) => nat.active).map((nat) => t.winNat(nat))
  const dhcpScopes: DhcpScopeConfig[] = []
  const ics = defaultSwitch === undefined ? null : t.defaultSwitch(lab, defaultSwitch)
  if (ics) {
    nats.push(ics.nat)
    dhcpScopes.push(ics.scope)
  }

  const index = new LabAdapterIndex(lab.vms, t)
  const snapshot: NetworkConfig = {
    dhcpScopes,
    hostInterfaces,
    nats,
    physicalAdapters,
    seed: lab.seed,
    switches,
    get vms(): readonly VmConfig[] {
      return index.allVms()
    },
  }
  // Not enumerable: a copy (`{...config}`) or a comparison sees the converted VMs only; a copy
  // derives its index from them (src/engine/adapters.ts).
  Object.defineProperty(snapshot, 'adapterIndex', {value: index, enumerable: false})
  return snapshot
}

/**
 * The snapshot's VMs, converted one by one on first access: a trace on a lab of 1,024 VMs reads a
 * few facts of each adapter in place (its switch, state, MAC, whether its port is plain) and
 * converts only the VMs its flow reaches. The stored lab is validated, so the facts read here are
 * what the conversion would give (`plainVid` is plainVidOf of the converted features).
 */
class LabAdapterIndex implements AdapterIndex {
  readonly count: number
  /**
   * Per adapter: its VM's position in `vms`, and its position in the VM; null when every VM has
   * one adapter (adapter i is then VM i's, and nothing is allocated per VM).
   */
  private readonly vmAt: number[] | null
  private readonly nth: number[] | null
  /** The VMs converted so far, by position in `vms`. */
  private readonly converted = new Map<number, VmConfig>()
  private all: readonly VmConfig[] | null = null
  private finds = 0
  private keys: Map<string, number> | null = null
  /** The last address and MAC asked about, as stored text. */
  private addressText = ''
  private address = -1
  private macText = ''
  private macValue = -1

  constructor(
    private readonly vms: readonly VM[],
    private readonly t: Translation,
  ) {
    let single = true
    for (let v = 0; v < vms.length && single; v++) single = vms[v].networkAdapters.length === 1
    if (single) {
      this.vmAt = this.nth = null
      this.count = vms.length
      return
    }
    const vmAt: number[] = (this.vmAt = [])
    const nth: number[] = (this.nth = [])
    for (let v = 0; v < vms.length; v++) {
      for (let n = 0; n < vms[v].networkAdapters.length; n++) {
        vmAt.push(v)
        nth.push(n)
      }
    }
    this.count = vmAt.length
  }

  private vmOf(i: number): VM {
    return this.vms[this.vmAt === null ? i : this.vmAt[i]]
  }

  private at(i: number): VMNetworkAdapter {
    return this.vmAt === null ? this.vms[i].networkAdapters[0] : this.vms[this.vmAt[i]].networkAdapters[this.nth![i]]
  }

  key(i: number): string {
    return adapterKey(this.vmOf(i), this.at(i))
  }

  /**
   * A scan without building a key (`vm/adapter` compared in place) for the few a trace asks for;
   * from the ninth on, a map of every key (a runtime state's basis asks for all of them).
   */
  find(key: string): number {
    if (this.keys !== null || ++this.finds > 8) {
      if (this.keys === null) {
        this.keys = new Map()
        for (let i = this.count - 1; i >= 0; i--) this.keys.set(this.key(i), i)
      }
      return this.keys.get(key) ?? -1
    }
    for (let i = 0; i < this.count; i++) {
      const vm = this.vmOf(i).name
      const adapter = this.at(i).name
      if (key.length === vm.length + 1 + adapter.length && key.charCodeAt(vm.length) === 0x2f && key.startsWith(vm) && key.endsWith(adapter)) return i
    }
    return -1
  }

  switchId(i: number): string | null {
    return this.at(i).switchId
  }

  running(i: number): boolean {
    return this.vmOf(i).state === 'Running'
  }

  macAddress(i: number): Mac {
    return mac(this.at(i).macAddress)
  }

  hasMacAddress(i: number, value: Mac): boolean {
    if (value !== this.macValue) {
      this.macValue = value
      this.macText = formatMac(value)
    }
    // The last digit first: most adapters differ there, and it is cheaper than comparing the text.
    const text = this.at(i).macAddress
    return text.charCodeAt(11) === this.macText.charCodeAt(11) && text === this.macText
  }

  plainVid(i: number): number {
    const a = this.at(i)
    if (a.macAddressSpoofing || a.dhcpGuard || a.routerGuard || a.portMirroringMode !== 'None' || a.acls.length > 0 || a.extendedAcls.length > 0) return -1
    const v = a.vlanSetting
    return v.operationMode === 'Untagged' ? 0 : v.operationMode === 'Access' ? v.accessVlanId : -1
  }

  vidOn(i: number, switchId: string): number {
    if (this.vmOf(i).state !== 'Running') return -2
    if (this.at(i).switchId !== switchId) return -1
    const vid = this.plainVid(i)
    return vid >= 0 ? vid : -3
  }

  /** Compares the stored `a.b.c.d/len` with the address's text (formatted once for a flood's many ports). */
  hasStaticAddress(i: number, address: Ipv4Address): boolean {
    const g = this.at(i).guestIPv4
    if (g.mode !== 'Static') return false
    if (address !== this.address) {
      this.address = address
      this.addressText = `${formatIpv4(address)}/`
    }
    // The `/` first: it rules most addresses out for the price of one character.
    const text = g.ipAddress
    const n = this.addressText.length
    return text.length > n && text.charCodeAt(n - 1) === 0x2f && text.startsWith(this.addressText)
  }

  vm(i: number): VmConfig {
    return this.vmAtPosition(this.vmAt === null ? i : this.vmAt[i])
  }

  adapter(i: number): VmAdapterConfig {
    return this.vm(i).adapters[this.nth === null ? 0 : this.nth[i]]
  }

  private vmAtPosition(v: number): VmConfig {
    let vm = this.converted.get(v)
    if (vm === undefined) this.converted.set(v, (vm = this.t.vm(this.vms[v])))
    return vm
  }

  allVms(): readonly VmConfig[] {
    if (this.all === null) {
      const out: VmConfig[] = []
      for (let v = 0; v < this.vms.length; v++) out.push(this.vmAtPosition(v))
      this.all = out
    }
    return this.all
  }
}
