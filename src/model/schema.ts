// The lab document: the one persisted configuration, and the future lab-file format.
// Strict objects: a hand-edited file with an unknown or misspelt key is reported, not ignored.
// Cross-object rules (references, uniqueness) live in integrity.ts; Hyper-V's rules in host.ts
// and vswitch.ts. Bump LAB_SCHEMA_VERSION and add a migration in migrations.ts for any change.
import * as v from 'valibot'

import {isCanonicalLab} from './lab-validator.generated.js'

export const LAB_SCHEMA_VERSION = 3

const MacText = v.pipe(v.string(), v.regex(/^[0-9A-F]{12}$/, 'must be 12 uppercase hex digits, as 00155D010203'))
const Ipv4Text = v.pipe(
  v.string(),
  v.regex(/^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/, 'must be a dotted IPv4 address'),
)
const PrefixText = v.pipe(
  v.string(),
  v.regex(/^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(3[0-2]|[12]?\d)$/, 'must be an IPv4 prefix a.b.c.d/len'),
)
const Name = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(100))
const IfIndex = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(0x7fffffff))
const Port = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535))
/** A NetNat timeout in seconds (UInt32; hvnet refuses 0, which would expire every session at once). */
const Seconds = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(0xffffffff))
const NatId = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff))

export const IpAddressEntrySchema = v.strictObject({
  ipAddress: Ipv4Text,
  prefixLength: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(32)),
})

/** The IPv4 side of one host interface (New-NetIPAddress, Set-NetIPInterface). */
export const Ipv4ConfigSchema = v.strictObject({
  /** DHCP enabled on the interface (Windows' default for a new interface). */
  dhcp: v.boolean(),
  addresses: v.array(IpAddressEntrySchema),
  defaultGateway: v.nullable(Ipv4Text),
  /** Set-NetIPInterface -Forwarding: Disabled by default, as on Windows. */
  forwarding: v.boolean(),
})

/** The LAN a physical adapter is plugged into: what the simulated world beyond it looks like. */
export const UpstreamNetworkSchema = v.strictObject({
  prefix: PrefixText,
  gateway: Ipv4Text,
  /** A DHCP server on that LAN hands out addresses in the prefix. */
  dhcp: v.boolean(),
})

export const PhysicalAdapterSchema = v.strictObject({
  name: Name,
  kind: v.picklist(['wired', 'wireless']),
  interfaceDescription: v.string(),
  ifIndex: IfIndex,
  macAddress: MacText,
  linkSpeedBps: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Enable-/Disable-NetAdapter, and the cable: Up, Disabled (by the user) or Disconnected (no link). */
  adminStatus: v.picklist(['enabled', 'disabled']),
  /** The network beyond the adapter; null when nothing is plugged in (Status Disconnected). */
  network: v.nullable(UpstreamNetworkSchema),
  /**
   * The host's IP configuration of this adapter. When the adapter is bound to an External switch
   * with management OS sharing, the configuration lives on the switch's host vNIC instead and this
   * one is empty; when bound without sharing, it is kept here but unused until unbound.
   */
  ipv4: Ipv4ConfigSchema,
  /** The upstream switch port's port-security limit (source MACs it accepts); null = no limit. */
  portSecurityMaxMacs: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4096))),
})

const VlanId = v.pipe(v.number(), v.integer(), v.minValue(1, 'must be a VLAN ID from 1 to 4094'), v.maxValue(4094, 'must be a VLAN ID from 1 to 4094'))
/** A VLAN ID list, normalized: sorted, merged, non-adjacent inclusive ranges `[first, last]`. */
const VlanRanges = v.pipe(v.array(v.tuple([VlanId, VlanId])), v.minLength(1, 'must list at least one VLAN'))

/**
 * Set-VMNetworkAdapterVlan's modes, mutually exclusive as in Hyper-V (reference §3.1). Private
 * VLANs keep Hyper-V's split: isolated and community ports name one secondary VLAN, a
 * promiscuous port a list of them.
 */
export const VlanSettingSchema = v.variant('operationMode', [
  v.strictObject({operationMode: v.literal('Untagged')}),
  v.strictObject({accessVlanId: VlanId, operationMode: v.literal('Access')}),
  v.strictObject({allowedVlanIdList: VlanRanges, nativeVlanId: VlanId, operationMode: v.literal('Trunk')}),
  v.variant('privateVlanMode', [
    v.strictObject({operationMode: v.literal('Private'), primaryVlanId: VlanId, privateVlanMode: v.literal('Isolated'), secondaryVlanId: VlanId}),
    v.strictObject({operationMode: v.literal('Private'), primaryVlanId: VlanId, privateVlanMode: v.literal('Community'), secondaryVlanId: VlanId}),
    v.strictObject({operationMode: v.literal('Private'), primaryVlanId: VlanId, privateVlanMode: v.literal('Promiscuous'), secondaryVlanIdList: VlanRanges}),
  ]),
])

/** A management-OS virtual network adapter (Add-VMNetworkAdapter -ManagementOS): `vEthernet (Name)`. */
export const HostVnicSchema = v.strictObject({
  name: Name,
  switchId: v.string(),
  /** The Get-NetAdapter name; kept when the switch is renamed, as Windows keeps it. */
  interfaceAlias: v.string(),
  interfaceDescription: v.string(),
  ifIndex: IfIndex,
  macAddress: MacText,
  ipv4: Ipv4ConfigSchema,
  /** Set-VMNetworkAdapterVlan -ManagementOS: the host's port is tagged like any other. */
  vlanSetting: VlanSettingSchema,
})

export const VMSwitchSchema = v.strictObject({
  id: v.pipe(v.string(), v.uuid('must be a GUID')),
  name: Name,
  /** The bound physical adapter (External); null for Internal and Private. */
  netAdapterName: v.nullable(Name),
  /** Whether the management OS shares the switch through a host vNIC. */
  allowManagementOS: v.boolean(),
  notes: v.string(),
  /** The Default Switch: created by Hyper-V on client Windows, ICS NAT + DHCP, immutable. */
  isDefaultSwitch: v.boolean(),
  /** The Default Switch's /20 inside 172.16.0.0/12 (null for every other switch). */
  icsPrefix: v.nullable(PrefixText),
})

export const HostSchema = v.strictObject({
  computerName: Name,
  /** Get-VMHost MacAddressMinimum / MacAddressMaximum: the dynamic MAC pool. */
  macAddressMinimum: MacText,
  macAddressMaximum: MacText,
  /** Next dynamic MAC to try, as an offset from macAddressMinimum. */
  nextMacOffset: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Next free interface index (Get-NetAdapter ifIndex): a per-host counter. */
  nextIfIndex: IfIndex,
  /** Host vNICs created so far; the nth is described `Hyper-V Virtual Ethernet Adapter #n`. */
  vnicsCreated: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** Number of simulated restarts; the Default Switch subnet is re-chosen on each. */
  bootCount: v.pipe(v.number(), v.integer(), v.minValue(0)),
  adapters: v.array(PhysicalAdapterSchema),
  vnics: v.array(HostVnicSchema),
})

/** Add-NetNatStaticMapping: one external endpoint forwarded to one internal endpoint. */
export const NatStaticMappingSchema = v.strictObject({
  /** StaticMappingID: per NAT, counting from 0 (reference §6.2). */
  staticMappingId: NatId,
  protocol: v.picklist(['TCP', 'UDP']),
  /** Which remote senders the mapping admits; 0.0.0.0/0 (the default) admits all. */
  remoteExternalIPAddressPrefix: PrefixText,
  /** 0.0.0.0 means any of the host's external addresses. */
  externalIPAddress: Ipv4Text,
  externalPort: Port,
  internalIPAddress: Ipv4Text,
  internalPort: Port,
  active: v.boolean(),
})

/** Add-NetNatExternalAddress: an address (and its port range) outbound sessions are translated to. */
export const NatExternalAddressSchema = v.strictObject({
  /** ExternalAddressID: per NAT, counting from 0, as StaticMappingID. */
  externalAddressId: NatId,
  ipAddress: Ipv4Text,
  portStart: Port,
  portEnd: Port,
  active: v.boolean(),
})

const FilteringBehavior = v.picklist(['AddressDependentFiltering', 'EndpointIndependentFiltering'])

/** A WinNAT object (New-NetNat), with Get-NetNat's properties in camelCase. Timeouts are seconds. */
export const NetNatSchema = v.strictObject({
  name: Name,
  /** Null when New-NetNat was given no -ExternalIPInterfaceAddressPrefix (the usual case). */
  externalIPInterfaceAddressPrefix: v.nullable(PrefixText),
  internalIPInterfaceAddressPrefix: PrefixText,
  icmpQueryTimeout: Seconds,
  tcpEstablishedConnectionTimeout: Seconds,
  tcpTransientConnectionTimeout: Seconds,
  tcpFilteringBehavior: FilteringBehavior,
  udpFilteringBehavior: FilteringBehavior,
  udpIdleSessionTimeout: Seconds,
  /** True: inbound packets refresh a UDP session too; false (the default): only outbound ones. */
  udpInboundRefresh: v.boolean(),
  active: v.boolean(),
  staticMappings: v.array(NatStaticMappingSchema),
  nextStaticMappingId: NatId,
  externalAddresses: v.array(NatExternalAddressSchema),
  nextExternalAddressId: NatId,
})

const Direction = v.picklist(['Inbound', 'Outbound'])

/**
 * One port ACL entry (Add-VMNetworkAdapterAcl), as WMI stores it: one direction, one address,
 * local or remote. `-Direction Both` is stored as two entries (WMI's Direction has no Both).
 * IPv4 `ANY` is stored as 0.0.0.0/0; a MAC entry holds 12 hex digits or `ANY`.
 */
export const PortAclSchema = v.variant('aclType', [
  v.strictObject({
    aclType: v.literal('IPv4'),
    action: v.picklist(['Allow', 'Deny', 'Meter']),
    applicability: v.picklist(['Local', 'Remote']),
    direction: Direction,
    ipAddress: PrefixText,
  }),
  v.strictObject({
    aclType: v.literal('MAC'),
    action: v.picklist(['Allow', 'Deny']),
    applicability: v.picklist(['Local', 'Remote']),
    direction: Direction,
    macAddress: v.pipe(v.string(), v.regex(/^([0-9A-F]{12}|ANY)$/, 'must be 12 uppercase hex digits or ANY')),
  }),
])

const AclPort = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535))
/** A port range `[first, last]`; null is WMI's "ANY". */
const PortRange = v.nullable(v.tuple([AclPort, AclPort]))

/** One extended port ACL entry (Add-VMNetworkAdapterExtendedAcl); nulls are WMI's "ANY". */
export const ExtendedAclSchema = v.strictObject({
  action: v.picklist(['Allow', 'Deny']),
  direction: Direction,
  /** `a.b.c.d/len`, 0.0.0.0/0 for ANY. */
  localIPAddress: PrefixText,
  remoteIPAddress: PrefixText,
  localPort: PortRange,
  remotePort: PortRange,
  /** The IP protocol number (TCP 6, UDP 17, ICMP 1); null for ANY. */
  protocol: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(255))),
  /** Larger weights apply first; unique per adapter and direction. */
  weight: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0x7fffffff)),
  stateful: v.boolean(),
  /** Seconds a stateful flow lives without traffic (WMI default 255). */
  idleSessionTimeout: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0x7fffffff)),
})

/** What the guest OS inside does with the adapter: DHCP (a fresh guest's default) or a static address. */
export const GuestIpSchema = v.variant('mode', [
  v.strictObject({mode: v.literal('Dhcp')}),
  v.strictObject({
    mode: v.literal('Static'),
    /** `a.b.c.d/len`: the guest's address and prefix length. */
    ipAddress: PrefixText,
    defaultGateway: v.nullable(Ipv4Text),
    dnsServers: v.array(Ipv4Text),
  }),
])

/** A VM's network adapter (Add-/Set-VMNetworkAdapter, *-VMNetworkAdapterVlan, *-Acl). */
export const VMNetworkAdapterSchema = v.strictObject({
  id: v.pipe(v.string(), v.uuid('must be a GUID')),
  /** Unique inside its VM (compared case-insensitively): hvnet's rule, not Hyper-V's. */
  name: Name,
  /** Emulated Intel 21140 (generation 1 only) rather than synthetic. */
  isLegacy: v.boolean(),
  /** The switch it is connected to; null when not connected. */
  switchId: v.nullable(v.string()),
  /** 000000000000 for a dynamic MAC until the VM first starts (reference §2.5). */
  macAddress: MacText,
  dynamicMacAddressEnabled: v.boolean(),
  macAddressSpoofing: v.boolean(),
  dhcpGuard: v.boolean(),
  routerGuard: v.boolean(),
  portMirroringMode: v.picklist(['None', 'Source', 'Destination']),
  /** Bits per second, a multiple of 8; 0 = no limit. */
  maximumBandwidth: v.pipe(v.number(), v.integer(), v.minValue(0)),
  vlanSetting: VlanSettingSchema,
  acls: v.array(PortAclSchema),
  extendedAcls: v.array(ExtendedAclSchema),
  guestIPv4: GuestIpSchema,
})

export const ListeningPortSchema = v.strictObject({
  protocol: v.picklist(['tcp', 'udp']),
  port: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)),
})

/** The few guest-OS facts the simulation needs (what answers inside the VM). */
export const GuestSchema = v.strictObject({
  os: v.picklist(['linux', 'windows']),
  /** The guest's host firewall: on, it drops unsolicited inbound traffic except to listening ports it allows. */
  firewall: v.boolean(),
  /** Ports a service listens on, sorted by protocol then port. */
  listeningPorts: v.array(ListeningPortSchema),
})

export const VMSchema = v.strictObject({
  id: v.pipe(v.string(), v.uuid('must be a GUID')),
  name: Name,
  generation: v.picklist([1, 2]),
  /** Off or Running; a VM that is off sends and receives nothing. */
  state: v.picklist(['Off', 'Running']),
  networkAdapters: v.array(VMNetworkAdapterSchema),
  guest: GuestSchema,
})

/** What a reachability check expects of its trace (issue 10): the verdict `hvnet trace` gives. */
export const CHECK_VERDICTS = ['replied', 'refused', 'delivered', 'dropped', 'unreachable', 'timeout'] as const
export const CHECK_PROTOCOLS = ['icmp', 'tcp', 'udp'] as const

/**
 * One reachability expectation of the lab (`checks:` in a lab file), run by `hvnet check` as a
 * stateless trace. `from` and `to` name an endpoint: `host`, `internet`, a VM (its first connected
 * adapter), `VM/Adapter`, or an IPv4 address. `via` names switches, NATs or host interfaces that
 * must be on the path. References are checked by checks.ts, not here.
 */
export const CheckSchema = v.strictObject({
  /** A label for reports (JUnit test name); null: `from → to protocol/port`. */
  name: v.nullable(Name),
  from: Name,
  to: Name,
  protocol: v.picklist(CHECK_PROTOCOLS),
  /** TCP or UDP destination port; null for ICMP. */
  port: v.nullable(Port),
  expect: v.picklist(CHECK_VERDICTS),
  /** The drop reason that must be given (a DropReason code); null: any. */
  reason: v.nullable(Name),
  via: v.array(Name),
})

export const LabSchema = v.strictObject({
  schemaVersion: v.literal(LAB_SCHEMA_VERSION),
  /** Seed of every generated value (MACs, GUIDs, the Default Switch subnet): same seed, same lab. */
  seed: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff)),
  host: HostSchema,
  switches: v.array(VMSwitchSchema),
  /** WinNAT objects (Get-NetNat). The Default Switch's ICS NAT is not one of them. */
  nats: v.array(NetNatSchema),
  vms: v.array(VMSchema),
  /** Reachability expectations (`hvnet check`), kept in the order they were written. */
  checks: v.array(CheckSchema),
})

export type IpAddressEntry = v.InferOutput<typeof IpAddressEntrySchema>
export type Ipv4Config = v.InferOutput<typeof Ipv4ConfigSchema>
export type UpstreamNetwork = v.InferOutput<typeof UpstreamNetworkSchema>
export type PhysicalAdapter = v.InferOutput<typeof PhysicalAdapterSchema>
export type HostVnic = v.InferOutput<typeof HostVnicSchema>
export type VMSwitch = v.InferOutput<typeof VMSwitchSchema>
export type Host = v.InferOutput<typeof HostSchema>
export type NatStaticMapping = v.InferOutput<typeof NatStaticMappingSchema>
export type NatExternalAddress = v.InferOutput<typeof NatExternalAddressSchema>
export type NetNat = v.InferOutput<typeof NetNatSchema>
export type VlanSetting = v.InferOutput<typeof VlanSettingSchema>
export type PortAcl = v.InferOutput<typeof PortAclSchema>
export type ExtendedAcl = v.InferOutput<typeof ExtendedAclSchema>
export type GuestIp = v.InferOutput<typeof GuestIpSchema>
export type VMNetworkAdapter = v.InferOutput<typeof VMNetworkAdapterSchema>
export type ListeningPort = v.InferOutput<typeof ListeningPortSchema>
export type Guest = v.InferOutput<typeof GuestSchema>
export type VM = v.InferOutput<typeof VMSchema>
export type Check = v.InferOutput<typeof CheckSchema>
export type Lab = v.InferOutput<typeof LabSchema>

/**
 * Validates a parsed document; returns the first problem as `path: message`, or the lab: valibot's
 * copy of the document, keys in schema order.
 */
export function checkLabShape(document: unknown): {lab: Lab} | {problem: string} {
  const result = v.safeParse(LabSchema, document)
  if (result.success) return {lab: result.output}
  const issue = result.issues[0]
  const path = v.getDotPath(issue) ?? '(document)'
  return {problem: `${path}: ${issue.message}`}
}

/**
 * checkLabShape for a document fresh from JSON.parse that the caller hands over (a tree: no object
 * in it shared, nobody else holding it). A document already in canonical form, the form valibot
 * returns (keys in schema order, tuples without extra items), is returned as it is after one pass
 * of the generated validator (lab-validator.generated.ts), at a fraction of valibot's cost on a
 * large lab. Any other goes through checkLabShape, which decides and words the problem; so the
 * verdicts, the messages and the lab returned are checkLabShape's (test/model/lab-validator.test.ts).
 */
export function checkParsedLabShape(document: unknown): {lab: Lab} | {problem: string} {
  return isCanonicalLab(document) ? {lab: document as Lab} : checkLabShape(document)
}
