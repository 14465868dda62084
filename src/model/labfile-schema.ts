// The lab file: the declarative document `hvnet export` writes and `hvnet apply` reads (issue 10).
// It describes what a user designs, in Hyper-V's property names, with names as keys where order
// does not matter and defaults left out. Values Hyper-V generates (GUIDs, pool MACs, ifIndexes,
// counters, the Default Switch's subnet) sit apart in the optional `assigned:` block, so that a
// hand-written file stays short and an exported one round-trips exactly.
// This valibot schema is the one description of the format: `schemas/lab.schema.json` is derived
// from it (json-schema.ts) and a test keeps the shipped file equal to the derivation.
import * as v from 'valibot'

import {CHECK_PROTOCOLS, CHECK_VERDICTS} from './schema.js'

/** The version of the lab-file format (independent of the store's LAB_SCHEMA_VERSION). */
export const LAB_FILE_VERSION = 1

const d = v.description
const ipv4Pattern = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/
const prefixPattern = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(3[0-2]|[12]?\d)$/

const Name = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'must be at most 100 characters'))
const Ipv4 = v.pipe(v.string(), v.regex(ipv4Pattern, 'must be a dotted IPv4 address'))
const Prefix = v.pipe(v.string(), v.regex(prefixPattern, 'must be an IPv4 prefix a.b.c.d/len'))
const Mac = v.pipe(v.string(), v.regex(/^[0-9A-F]{12}$/, 'must be 12 uppercase hex digits, as 00155D010203'))
const Int = (min: number, max: number, what = `must be an integer from ${min} to ${max}`) =>
  v.pipe(v.number(what), v.integer(what), v.minValue(min, what), v.maxValue(max, what))
const VlanId = Int(1, 4094, 'must be 1-4094')
const VlanList = v.pipe(v.string(), v.regex(/^\s*\d+(\s*-\s*\d+)?(\s*,\s*\d+(\s*-\s*\d+)?)*\s*$/, 'must be a VLAN ID list such as 1-100,200'))
const Port = Int(1, 65535, 'must be a port from 1 to 65535')
const Seconds = Int(1, 0xffffffff, 'must be whole seconds from 1 to 4294967295')
const Id = Int(0, 0xffffffff)
const Guid = v.pipe(v.string(), v.uuid('must be a GUID'))

export const FileIpv4Schema = v.pipe(v.strictObject({
  dhcp: v.optional(v.pipe(v.boolean(), d('DHCP enabled on the interface. Default: on without addresses, off with them (New-NetIPAddress turns it off); true with addresses is a DHCP lease.'))),
  addresses: v.optional(v.pipe(v.array(Prefix), d('IPv4 addresses as a.b.c.d/len (New-NetIPAddress).'))),
  defaultGateway: v.optional(Ipv4),
  forwarding: v.optional(v.pipe(v.boolean(), d('Set-NetIPInterface -Forwarding (default false).'))),
}), d('The host\'s IPv4 configuration of this interface (Get-NetIPConfiguration).'))

export const FileVlanSchema = v.pipe(v.variant('operationMode', [
  v.strictObject({operationMode: v.literal('Untagged')}),
  v.strictObject({operationMode: v.literal('Access'), accessVlanId: VlanId}),
  v.strictObject({operationMode: v.literal('Trunk'), allowedVlanIdList: VlanList, nativeVlanId: VlanId}),
  v.variant('privateVlanMode', [
    v.strictObject({operationMode: v.literal('Private'), privateVlanMode: v.literal('Isolated'), primaryVlanId: VlanId, secondaryVlanId: VlanId}),
    v.strictObject({operationMode: v.literal('Private'), privateVlanMode: v.literal('Community'), primaryVlanId: VlanId, secondaryVlanId: VlanId}),
    v.strictObject({operationMode: v.literal('Private'), privateVlanMode: v.literal('Promiscuous'), primaryVlanId: VlanId, secondaryVlanIdList: VlanList}),
  ]),
]), d('Set-VMNetworkAdapterVlan: one of Untagged (the default), Access, Trunk or Private.'))

export const FileNetAdapterSchema = v.strictObject({
  kind: v.pipe(v.picklist(['wired', 'wireless']), d('Wired (Ethernet) or wireless (Wi-Fi).')),
  macAddress: v.optional(v.pipe(Mac, d('The hardware MAC; generated from the seed when left out.'))),
  interfaceDescription: v.optional(v.string()),
  linkSpeedBps: v.optional(Int(0, Number.MAX_SAFE_INTEGER)),
  adminStatus: v.optional(v.pipe(v.picklist(['enabled', 'disabled']), d('Enable-/Disable-NetAdapter (default enabled).'))),
  lan: v.optional(v.pipe(v.strictObject({
    prefix: Prefix,
    gateway: Ipv4,
    dhcp: v.optional(v.pipe(v.boolean(), d('A DHCP server on the LAN (default true).'))),
  }), d('The LAN the adapter is plugged into; left out: nothing is plugged in (Disconnected).'))),
  ipv4: v.optional(v.pipe(FileIpv4Schema, d('The host\'s IPv4 configuration of the adapter (on the switch\'s vNIC once an External switch shares it). Left out on a LAN: a DHCP lease of its first free address.'))),
  portSecurityMaxMacs: v.optional(v.pipe(Int(1, 4096), d('The upstream switch port\'s limit of source MACs (default: none).'))),
})

export const FileHostVnicSchema = v.strictObject({
  vlan: v.optional(FileVlanSchema),
  ipv4: v.optional(v.pipe(FileIpv4Schema, d('Left out: none, or on an External switch\'s own vNIC what it takes over from the adapter.'))),
})

export const FileSwitchSchema = v.strictObject({
  switchType: v.picklist(['External', 'Internal', 'Private']),
  netAdapterName: v.optional(v.pipe(Name, d('The bound physical adapter (External switches).'))),
  allowManagementOS: v.optional(v.pipe(v.boolean(), d('External switches: the host shares the adapter through a vNIC (default true).'))),
  notes: v.optional(v.string()),
  isDefaultSwitch: v.optional(v.pipe(v.literal(true), d('The Default Switch of client Windows (ICS NAT and DHCP).'))),
  hostVnics: v.optional(v.pipe(v.record(Name, FileHostVnicSchema), d('Management-OS vNICs `vEthernet (NAME)` on this switch; the one named like the switch is its own.'))),
})

export const FilePortAclSchema = v.strictObject({
  action: v.picklist(['Allow', 'Deny', 'Meter']),
  direction: v.picklist(['Inbound', 'Outbound']),
  localIPAddress: v.optional(v.pipe(v.string(), d('a.b.c.d/len, or ANY.'))),
  remoteIPAddress: v.optional(v.string()),
  localMacAddress: v.optional(v.pipe(v.string(), d('12 hex digits, or ANY.'))),
  remoteMacAddress: v.optional(v.string()),
})

export const FileExtendedAclSchema = v.strictObject({
  action: v.picklist(['Allow', 'Deny']),
  direction: v.picklist(['Inbound', 'Outbound']),
  weight: Int(0, 0x7fffffff),
  localIPAddress: v.optional(v.string()),
  remoteIPAddress: v.optional(v.string()),
  localPort: v.optional(v.pipe(v.string(), d('A port, a range such as 49152-49182, or ANY.'))),
  remotePort: v.optional(v.string()),
  protocol: v.optional(v.pipe(v.union([v.string(), Int(0, 255)]), d('TCP, UDP, ICMP or an IP protocol number; left out: ANY.'))),
  stateful: v.optional(v.boolean()),
  idleSessionTimeout: v.optional(Int(0, 0x7fffffff)),
})

export const FileAdapterSchema = v.strictObject({
  switchName: v.optional(v.pipe(Name, d('The switch it is connected to; left out: not connected.'))),
  isLegacy: v.optional(v.boolean()),
  staticMacAddress: v.optional(v.pipe(Mac, d('A static MAC; left out: a dynamic MAC from the host\'s pool.'))),
  macAddressSpoofing: v.optional(v.boolean()),
  dhcpGuard: v.optional(v.boolean()),
  routerGuard: v.optional(v.boolean()),
  portMirroringMode: v.optional(v.picklist(['None', 'Source', 'Destination'])),
  maximumBandwidth: v.optional(v.pipe(Int(0, Number.MAX_SAFE_INTEGER), d('Bits per second; 0 = no limit.'))),
  vlan: v.optional(FileVlanSchema),
  acls: v.optional(v.array(FilePortAclSchema)),
  extendedAcls: v.optional(v.array(FileExtendedAclSchema)),
  guestIPv4: v.optional(v.pipe(v.strictObject({
    ipAddress: Prefix,
    defaultGateway: v.optional(Ipv4),
    dnsServers: v.optional(v.array(Ipv4)),
  }), d('The guest\'s static IPv4 configuration; left out: DHCP.'))),
})

export const FileVmSchema = v.strictObject({
  generation: v.optional(v.picklist([1, 2])),
  state: v.optional(v.picklist(['Off', 'Running'])),
  guest: v.optional(v.strictObject({
    os: v.optional(v.picklist(['linux', 'windows'])),
    firewall: v.optional(v.pipe(v.boolean(), d('Default: on for windows, off for linux.'))),
    listeningPorts: v.optional(v.pipe(v.array(v.pipe(v.string(), v.regex(/^(tcp|udp)\/\d{1,5}$/, 'must be tcp/PORT or udp/PORT'))), d('Default: tcp/22, tcp/80.'))),
  })),
  adapters: v.optional(v.pipe(v.record(Name, FileAdapterSchema), d('Network adapters by name; left out: none.'))),
})

export const FileNatSchema = v.strictObject({
  internalIPInterfaceAddressPrefix: Prefix,
  externalIPInterfaceAddressPrefix: v.optional(Prefix),
  icmpQueryTimeout: v.optional(Seconds),
  tcpEstablishedConnectionTimeout: v.optional(Seconds),
  tcpTransientConnectionTimeout: v.optional(Seconds),
  tcpFilteringBehavior: v.optional(v.picklist(['AddressDependentFiltering', 'EndpointIndependentFiltering'])),
  udpFilteringBehavior: v.optional(v.picklist(['AddressDependentFiltering', 'EndpointIndependentFiltering'])),
  udpIdleSessionTimeout: v.optional(Seconds),
  udpInboundRefresh: v.optional(v.boolean()),
  active: v.optional(v.boolean()),
  staticMappings: v.optional(v.array(v.strictObject({
    protocol: v.picklist(['TCP', 'UDP']),
    externalIPAddress: v.optional(v.pipe(Ipv4, d('Default 0.0.0.0: any of the host\'s external addresses.'))),
    externalPort: Port,
    internalIPAddress: Ipv4,
    internalPort: v.optional(Port),
    remoteExternalIPAddressPrefix: v.optional(Prefix),
    active: v.optional(v.boolean()),
  }))),
  externalAddresses: v.optional(v.array(v.strictObject({
    ipAddress: Ipv4,
    portStart: v.optional(Port),
    portEnd: v.optional(Port),
    active: v.optional(v.boolean()),
  }))),
})

export const FileCheckSchema = v.strictObject({
  name: v.optional(Name),
  from: v.pipe(Name, d('host, internet, a VM, VM/Adapter, or an IPv4 address.')),
  to: v.pipe(Name, d('host, internet, a VM, VM/Adapter, or an IPv4 address.')),
  protocol: v.optional(v.pipe(v.picklist(CHECK_PROTOCOLS), d('Default icmp (an echo request).'))),
  port: v.optional(Port),
  expect: v.picklist(CHECK_VERDICTS),
  reason: v.optional(v.pipe(Name, d('The drop reason the trace must give (a DropReason code).'))),
  via: v.optional(v.pipe(v.array(Name), d('Switches, NATs or host interfaces that must be on the path.'))),
})

export const FileAssignedSchema = v.pipe(v.strictObject({
  host: v.optional(v.strictObject({
    nextIfIndex: v.optional(Int(1, 0x7fffffff)),
    nextMacOffset: v.optional(Int(0, Number.MAX_SAFE_INTEGER)),
    vnicsCreated: v.optional(Int(0, Number.MAX_SAFE_INTEGER)),
    bootCount: v.optional(Int(0, Number.MAX_SAFE_INTEGER)),
  })),
  netAdapters: v.optional(v.record(Name, v.strictObject({ifIndex: v.optional(Int(1, 0x7fffffff)), macAddress: v.optional(Mac)}))),
  switches: v.optional(v.record(Name, v.strictObject({id: v.optional(Guid), icsPrefix: v.optional(Prefix)}))),
  hostVnics: v.optional(v.record(Name, v.strictObject({
    ifIndex: v.optional(Int(1, 0x7fffffff)),
    macAddress: v.optional(Mac),
    interfaceAlias: v.optional(Name),
    interfaceDescription: v.optional(v.string()),
  }))),
  vms: v.optional(v.record(Name, v.strictObject({
    id: v.optional(Guid),
    adapters: v.optional(v.record(Name, v.strictObject({id: v.optional(Guid), macAddress: v.optional(Mac)}))),
  }))),
  nats: v.optional(v.record(Name, v.strictObject({
    staticMappingIds: v.optional(v.array(Id)),
    nextStaticMappingId: v.optional(Id),
    externalAddressIds: v.optional(v.array(Id)),
    nextExternalAddressId: v.optional(Id),
  }))),
}), d('Values Hyper-V generates (GUIDs, pool MACs, ifIndexes, counters): written by `hvnet export` so that `apply` rebuilds the lab exactly; leave it out of a hand-written file.'))

export const LabFileSchema = v.pipe(v.strictObject({
  schemaVersion: v.literal(LAB_FILE_VERSION),
  seed: v.optional(v.pipe(Int(0, 0xffffffff), d('Seed of every generated value (default: the store\'s).'))),
  host: v.optional(v.strictObject({
    computerName: v.optional(Name),
    macAddressMinimum: v.optional(Mac),
    macAddressMaximum: v.optional(Mac),
    netAdapters: v.optional(v.pipe(v.record(Name, FileNetAdapterSchema), d('Physical adapters by name (Get-NetAdapter).'))),
  })),
  switches: v.optional(v.pipe(v.record(Name, FileSwitchSchema), d('Virtual switches by name (Get-VMSwitch).'))),
  vms: v.optional(v.pipe(v.record(Name, FileVmSchema), d('Virtual machines by name (Get-VM).'))),
  nats: v.optional(v.pipe(v.record(Name, FileNatSchema), d('WinNAT objects by name (Get-NetNat); at most one.'))),
  checks: v.optional(v.pipe(v.array(FileCheckSchema), d('Reachability expectations run by `hvnet check`.'))),
  assigned: v.optional(FileAssignedSchema),
}), d('An hvnet lab file: the whole simulated Hyper-V network, for `hvnet apply`.'))

export type LabFile = v.InferOutput<typeof LabFileSchema>
export type FileIpv4 = v.InferOutput<typeof FileIpv4Schema>
export type FileVlan = v.InferOutput<typeof FileVlanSchema>
export type FileNetAdapter = v.InferOutput<typeof FileNetAdapterSchema>
export type FileSwitch = v.InferOutput<typeof FileSwitchSchema>
export type FileHostVnic = v.InferOutput<typeof FileHostVnicSchema>
export type FileAdapter = v.InferOutput<typeof FileAdapterSchema>
export type FileVm = v.InferOutput<typeof FileVmSchema>
export type FileNat = v.InferOutput<typeof FileNatSchema>
export type FileCheck = v.InferOutput<typeof FileCheckSchema>
export type FileAssigned = v.InferOutput<typeof FileAssignedSchema>
export type FilePortAcl = v.InferOutput<typeof FilePortAclSchema>
export type FileExtendedAcl = v.InferOutput<typeof FileExtendedAclSchema>

/** A problem of a lab file, at its path (`vms.web.adapters["Network Adapter"].vlan.accessVlanId`). */
export interface FileProblem {
  path: string
  message: string
}

/** Joins path keys the way the issue writes them: dots for plain keys, ["…"] for the others. */
export function formatPath(keys: readonly (number | string)[]): string {
  let out = ''
  for (const key of keys) {
    if (typeof key === 'number') out += `[${key}]`
    else if (/^[A-Za-z_][\w-]*$/.test(key)) out += out === '' ? key : `.${key}`
    else out += `[${JSON.stringify(key)}]`
  }
  return out === '' ? '(document)' : out
}

/** Every schema problem of a parsed document at once, or the typed file. */
export function checkLabFileShape(document: unknown): {file: LabFile} | {problems: FileProblem[]} {
  const result = v.safeParse(LabFileSchema, document)
  if (result.success) return {file: result.output}
  const problems: FileProblem[] = []
  const seen = new Set<string>()
  for (const issue of result.issues) {
    const keys = (issue.path ?? []).map((item) => item.key as number | string)
    const message = issue.expected === 'never' ? 'is not a key of the lab-file format (see `hvnet schema`)' : issue.message
    const line = `${formatPath(keys)}: ${message}`
    if (!seen.has(line)) problems.push({message, path: formatPath(keys)})
    seen.add(line)
  }
  return {problems}
}
