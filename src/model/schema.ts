// The lab document: the one persisted configuration, and the future lab-file format.
// Strict objects: a hand-edited file with an unknown or misspelt key is reported, not ignored.
// Cross-object rules (references, uniqueness) live in integrity.ts; Hyper-V's rules in host.ts
// and vswitch.ts. Bump LAB_SCHEMA_VERSION and add a migration in migrations.ts for any change.
import * as v from 'valibot'

export const LAB_SCHEMA_VERSION = 2

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

export const LabSchema = v.strictObject({
  schemaVersion: v.literal(LAB_SCHEMA_VERSION),
  /** Seed of every generated value (MACs, GUIDs, the Default Switch subnet): same seed, same lab. */
  seed: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff)),
  host: HostSchema,
  switches: v.array(VMSwitchSchema),
  /** WinNAT objects (Get-NetNat). The Default Switch's ICS NAT is not one of them. */
  nats: v.array(NetNatSchema),
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
export type Lab = v.InferOutput<typeof LabSchema>

/** Validates a parsed document; returns the first problem as `path: message`, or the lab. */
export function checkLabShape(document: unknown): {lab: Lab} | {problem: string} {
  const result = v.safeParse(LabSchema, document)
  if (result.success) return {lab: result.output}
  const issue = result.issues[0]
  const path = v.getDotPath(issue) ?? '(document)'
  return {problem: `${path}: ${issue.message}`}
}
