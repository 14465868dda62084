// The configuration snapshot the engine is built from: `buildNetwork(config, runtime)`.
// It is the engine's own view of a lab: plain, immutable, with addresses as numbers (Ipv4Address,
// Mac from ./wire) and every reference already resolved, so the engine never parses text or looks
// a name up in a document. src/model builds it from the stored lab (`networkConfigOf(lab)`); tests
// build it directly. Future inputs (a lab file, pasted cmdlet lines) only need to produce a Lab.
//
// `ref` strings name the configuration object a decision came from, as traces print them
// (`vm web/Network Adapter.acl[2]`): the snapshot carries them so the engine does not invent names.
import type {Ipv4Address} from './wire/ipv4-address.js'
import type {Mac} from './wire/mac.js'

export interface Prefix {
  readonly address: Ipv4Address
  readonly length: number
}

/** Set-VMNetworkAdapterVlan's modes (reference §3). VLAN ids 1-4094; 0 means untagged. */
export type VlanSetting =
  | {readonly mode: 'untagged'}
  | {readonly mode: 'access'; readonly accessVlanId: number}
  | {readonly mode: 'trunk'; readonly allowedVlanIds: readonly (readonly [number, number])[]; readonly nativeVlanId: number}
  | {
      readonly mode: 'private'
      readonly privateVlanMode: 'isolated' | 'community' | 'promiscuous'
      readonly primaryVlanId: number
      /** One id for isolated and community ports; the list for a promiscuous port. */
      readonly secondaryVlanIds: readonly number[]
    }

/** What a simple port ACL entry matches (Add-VMNetworkAdapterAcl): an IP prefix, a MAC, or ANY. */
export type AclAddress =
  | {readonly kind: 'ip'; readonly prefix: Prefix}
  | {readonly kind: 'mac'; readonly mac: Mac}
  | {readonly kind: 'any-ip'}
  | {readonly kind: 'any-mac'}

export interface PortAcl {
  readonly action: 'allow' | 'deny' | 'meter'
  /** `both` entries are given as two entries, one per direction. */
  readonly direction: 'inbound' | 'outbound'
  /** For inbound, local = destination and remote = source; for outbound the reverse (reference §4.1). */
  readonly local: AclAddress | null
  readonly remote: AclAddress | null
  readonly ref: string
}

/** Add-VMNetworkAdapterExtendedAcl: larger weights first, the first match decides (reference §4.2). */
export interface ExtendedAcl {
  readonly action: 'allow' | 'deny'
  readonly direction: 'inbound' | 'outbound'
  readonly local: Prefix | null
  readonly remote: Prefix | null
  readonly localPorts: readonly [number, number] | null
  readonly remotePorts: readonly [number, number] | null
  /** IP protocol number (6 TCP, 17 UDP, 1 ICMP …); null = ANY. */
  readonly protocol: number | null
  readonly weight: number
  readonly stateful: boolean
  readonly idleSessionTimeoutS: number
  readonly ref: string
}

/** The port settings of a switch port (Set-VMNetworkAdapter and friends). */
export interface PortFeatures {
  readonly macAddressSpoofing: boolean
  readonly dhcpGuard: boolean
  readonly routerGuard: boolean
  readonly portMirroring: 'none' | 'source' | 'destination'
  readonly vlan: VlanSetting
  readonly acls: readonly PortAcl[]
  readonly extendedAcls: readonly ExtendedAcl[]
  /** Refs for the trace: `vm web/Network Adapter` (+ `.vlan`, `.macAddressSpoofing` …). */
  readonly ref: string
}

export interface SwitchConfig {
  readonly id: string
  readonly name: string
  readonly switchType: 'External' | 'Internal' | 'Private'
  /** The bound physical adapter's name (External only). */
  readonly netAdapterName: string | null
  readonly isDefaultSwitch: boolean
}

/** Guest IP settings (`vm set-ip`): DHCP (the default) or static. */
export type GuestIpConfig =
  | {readonly mode: 'dhcp'}
  | {readonly mode: 'static'; readonly address: Ipv4Address; readonly prefixLength: number; readonly gateway: Ipv4Address | null; readonly dns: readonly Ipv4Address[]}

/** What the OS inside the VM does (`vm set-guest`). */
export interface GuestOsConfig {
  readonly os: 'linux' | 'windows'
  /** Windows Firewall's defaults when on: inbound ICMP echo is dropped (`guest-firewall`). */
  readonly firewall: boolean
  readonly listen: readonly {readonly protocol: 'tcp' | 'udp'; readonly port: number}[]
}

export interface VmAdapterConfig {
  /** `web/Network Adapter`: unique in a lab, used in places and refs. */
  readonly key: string
  readonly vmName: string
  readonly name: string
  /** 0 when the adapter has no MAC yet (a dynamic MAC before the VM's first start). */
  readonly macAddress: Mac
  /** null: not connected. */
  readonly switchId: string | null
  readonly features: PortFeatures
  readonly ip: GuestIpConfig
}

export interface VmConfig {
  readonly name: string
  readonly running: boolean
  readonly guest: GuestOsConfig
  readonly adapters: readonly VmAdapterConfig[]
}

export interface HostAddress {
  readonly address: Ipv4Address
  readonly prefixLength: number
}

/** One interface of the host's IP stack: a vNIC on a switch, or a physical adapter not bound to one. */
export interface HostInterfaceConfig {
  /** Get-NetAdapter name: `vEthernet (NATSwitch)`, `Ethernet`. */
  readonly alias: string
  readonly ifIndex: number
  readonly macAddress: Mac
  readonly attachment:
    | {readonly kind: 'vnic'; readonly switchId: string; readonly features: PortFeatures}
    | {readonly kind: 'physical'; readonly adapterName: string}
  readonly addresses: readonly HostAddress[]
  readonly defaultGateway: Ipv4Address | null
  readonly dhcp: boolean
  /** Set-NetIPInterface -Forwarding. */
  readonly forwarding: boolean
}

/** The LAN a physical adapter is plugged into, and what its upstream switch port allows. */
export interface UpstreamConfig {
  readonly prefix: Prefix
  readonly gateway: Ipv4Address
  readonly dhcp: boolean
}

export interface PhysicalAdapterConfig {
  readonly name: string
  readonly kind: 'wired' | 'wireless'
  readonly macAddress: Mac
  /** Enabled and plugged in (Get-NetAdapter Status Up). */
  readonly up: boolean
  readonly network: UpstreamConfig | null
  /** The upstream switch port accepts at most this many source MACs; null = no limit. */
  readonly portSecurityMaxMacs: number | null
  /** The External switch bound to it, if any. */
  readonly boundSwitchId: string | null
}

export interface NatStaticMapping {
  readonly id: number
  readonly protocol: 'tcp' | 'udp'
  readonly remoteExternalPrefix: Prefix
  /** 0 = any of the host's external addresses. */
  readonly externalAddress: Ipv4Address
  readonly externalPort: number
  readonly internalAddress: Ipv4Address
  readonly internalPort: number
  readonly ref: string
}

export interface NatExternalAddress {
  readonly id: number
  readonly address: Ipv4Address
  readonly portStart: number
  readonly portEnd: number
}

/** A WinNAT object (New-NetNat), or the Default Switch's ICS NAT (`ics: true`). */
export interface NatConfig {
  readonly name: string
  readonly ics: boolean
  readonly internalPrefix: Prefix
  readonly icmpQueryTimeoutS: number
  readonly tcpEstablishedConnectionTimeoutS: number
  readonly tcpTransientConnectionTimeoutS: number
  readonly tcpFilteringBehavior: 'AddressDependentFiltering' | 'EndpointIndependentFiltering'
  readonly udpFilteringBehavior: 'AddressDependentFiltering' | 'EndpointIndependentFiltering'
  readonly udpIdleSessionTimeoutS: number
  readonly udpInboundRefresh: boolean
  readonly staticMappings: readonly NatStaticMapping[]
  readonly externalAddresses: readonly NatExternalAddress[]
  readonly ref: string
}

/** The Default Switch's DHCP scope (ICS): its /20, gateway and DNS = the host vNIC address. */
export interface DhcpScopeConfig {
  readonly switchId: string
  readonly prefix: Prefix
  readonly serverAddress: Ipv4Address
  readonly rangeStart: Ipv4Address
  readonly rangeEnd: Ipv4Address
  readonly leaseSeconds: number
}

/**
 * The VM adapters of a snapshot, adapter `i` being the i-th adapter of `vms` in order (VM by VM):
 * what a network needs to know of an adapter that a flow may never touch, without converting it.
 * A network built from a lab of 1,024 VMs reads these few facts of each adapter and converts (and
 * builds a stack for) only the adapters a frame reaches: a trace costs what its path costs.
 */
export interface AdapterIndex {
  readonly count: number
  /** `web/Network Adapter`: VmAdapterConfig.key. */
  key(i: number): string
  /** The adapter with that key, or -1. */
  find(key: string): number
  switchId(i: number): string | null
  /** Its VM runs. */
  running(i: number): boolean
  macAddress(i: number): Mac
  /** Whether the adapter's MAC is `mac` (cheaper than macAddress for a scan). */
  hasMacAddress(i: number, mac: Mac): boolean
  /**
   * The VLAN of a plain port, one whose switch port needs no more than its VLAN: untagged (0) or
   * access (its id), with MAC address spoofing, DHCP guard and router guard Off, port mirroring
   * None, no ACL and no extended ACL. -1 for any other port.
   */
  plainVid(i: number): number
  /**
   * What a switch floods by, the facts above in one read: -2 when the adapter's VM is off (on
   * whichever switch: an off VM's adapter is not read), -1 when it is not on switch `switchId`,
   * else plainVid (-3 for a port that is not plain).
   */
  vidOn(i: number, switchId: string): number
  /** Whether `address` is the adapter's static address (false for a DHCP adapter). */
  hasStaticAddress(i: number, address: Ipv4Address): boolean
  /** The converted adapter and its VM (the same objects as in `vms`). */
  adapter(i: number): VmAdapterConfig
  vm(i: number): VmConfig
}

export interface NetworkConfig {
  readonly seed: number
  readonly switches: readonly SwitchConfig[]
  /** Every VM in the lab's order. A snapshot of a lab may convert them on first access. */
  readonly vms: readonly VmConfig[]
  /**
   * The adapters of `vms`, read without converting them (optional: src/engine/adapters.ts derives
   * it from `vms` when absent, as in tests that build a snapshot directly).
   */
  readonly adapterIndex?: AdapterIndex
  readonly hostInterfaces: readonly HostInterfaceConfig[]
  readonly physicalAdapters: readonly PhysicalAdapterConfig[]
  /** WinNAT objects and the ICS NAT of the Default Switch. */
  readonly nats: readonly NatConfig[]
  readonly dhcpScopes: readonly DhcpScopeConfig[]
}
