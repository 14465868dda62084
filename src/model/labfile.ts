// Lab files (issue 10): `export` turns the store into the declarative document of
// labfile-schema.ts; `apply` builds the document's lab through the model's own functions (every
// rule of the configuration commands applies, none is written twice), then diffs it against the
// store for the plan.
//
// How apply builds: on an empty host, object by object in a fixed order — physical adapters and
// their IP configuration, switches and their host vNICs, NATs, VMs, checks — each call a
// configuration command would make; a refused call is recorded with the object's path and the
// build goes on, so one run reports every problem. Generated values then come from the `assigned:`
// block (the file's, else the store's for an object of the same name) and, for new objects, from
// the counters in a fixed order (ifIndexes, vNIC numbers, pool MACs). Top-level objects of the
// store that the file does not name are kept, and rebuilt with it, unless --prune.
import type {FileAdapter, FileAssigned, FileCheck, FileExtendedAcl, FileIpv4, FileNat, FileNetAdapter, FilePortAcl, FileProblem, FileSwitch, FileVlan, FileVm, LabFile} from './labfile-schema.js'
import type {ExtendedAcl, HostVnic, Ipv4Config, Lab, PortAcl, VlanSetting, VMSwitch} from './schema.js'
import type {VlanInput} from './vlan.js'

import {DEFAULT_IDLE_SESSION_TIMEOUT, formatPortRange, formatProtocol} from './acl.js'
import {formatCidr, formatIpv4, inPrefix, networkOf, parseCidr, parseIpv4} from './address.js'
import {checkFromFile, checkProblems, checkToFile} from './checks.js'
import {HvnetError} from './errors.js'
import {ADAPTER_DEFAULTS, addPhysicalAdapter, allocateDynamicMac, emptyIpv4, setPhysicalAdapter, switchBoundTo, VNIC_DESCRIPTION} from './host.js'
import {checkLabIntegrity} from './integrity.js'
import {DEFAULT_SEED, emptyLab, HOST_DEFAULTS} from './lab.js'
import {formatPath, LAB_FILE_VERSION} from './labfile-schema.js'
import {addIpAddress, setIpInterface} from './ip.js'
import {addExternalAddress, addStaticMapping, enableNat, EXTERNAL_PORT_END, EXTERNAL_PORT_START, NAT_DEFAULTS, setNat} from './nat.js'
import {findByName, sameName} from './names.js'
import {checkLabShape} from './schema.js'
import {formatVlanList} from './vlan.js'
import {addAcl, addAdapter, addExtendedAcl, checkPvlans, connectAdapter, defaultGuest, newVm, removeAdapter, setAdapter, setGuest, setGuestIp, setManagementOsVlan, setVlan, startVm, UNASSIGNED_MAC} from './vm.js'
import {addDefaultSwitch, addManagementOsAdapter, icsVnicIpv4, managementVnic, newSwitch, switchType} from './vswitch.js'

// ---------------------------------------------------------------------------------------------
// Export: the store as a lab file

/** An interface's IPv4 configuration; `dhcp` is written when it is not the usual (on without addresses, off with them). */
function fileIpv4(ipv4: Ipv4Config): FileIpv4 | undefined {
  const out: FileIpv4 = {
    ...(ipv4.dhcp === (ipv4.addresses.length === 0) ? {} : {dhcp: ipv4.dhcp}),
    ...(ipv4.addresses.length === 0 ? {} : {addresses: ipv4.addresses.map((e) => `${e.ipAddress}/${e.prefixLength}`)}),
    ...(ipv4.defaultGateway === null ? {} : {defaultGateway: ipv4.defaultGateway}),
    ...(ipv4.forwarding ? {forwarding: true} : {}),
  }
  return Object.keys(out).length === 0 ? undefined : out
}

export function fileVlan(setting: VlanSetting): FileVlan {
  switch (setting.operationMode) {
    case 'Untagged': return {operationMode: 'Untagged'}
    case 'Access': return {operationMode: 'Access', accessVlanId: setting.accessVlanId}
    case 'Trunk': return {operationMode: 'Trunk', allowedVlanIdList: formatVlanList(setting.allowedVlanIdList), nativeVlanId: setting.nativeVlanId}
    case 'Private': return setting.privateVlanMode === 'Promiscuous'
      ? {operationMode: 'Private', privateVlanMode: 'Promiscuous', primaryVlanId: setting.primaryVlanId, secondaryVlanIdList: formatVlanList(setting.secondaryVlanIdList)}
      : {operationMode: 'Private', privateVlanMode: setting.privateVlanMode, primaryVlanId: setting.primaryVlanId, secondaryVlanId: setting.secondaryVlanId}
  }
}

function filePortAcl(acl: PortAcl): FilePortAcl {
  const local = acl.applicability === 'Local'
  if (acl.aclType === 'IPv4') {
    const address = acl.ipAddress === '0.0.0.0/0' ? 'ANY' : acl.ipAddress
    return {action: acl.action, direction: acl.direction, ...(local ? {localIPAddress: address} : {remoteIPAddress: address})}
  }
  return {action: acl.action as 'Allow' | 'Deny', direction: acl.direction, ...(local ? {localMacAddress: acl.macAddress} : {remoteMacAddress: acl.macAddress})}
}

function fileExtendedAcl(x: ExtendedAcl): FileExtendedAcl {
  return {
    action: x.action,
    direction: x.direction,
    weight: x.weight,
    ...(x.localIPAddress === '0.0.0.0/0' ? {} : {localIPAddress: x.localIPAddress}),
    ...(x.remoteIPAddress === '0.0.0.0/0' ? {} : {remoteIPAddress: x.remoteIPAddress}),
    ...(x.localPort === null ? {} : {localPort: formatPortRange(x.localPort)}),
    ...(x.remotePort === null ? {} : {remotePort: formatPortRange(x.remotePort)}),
    ...(x.protocol === null ? {} : {protocol: formatProtocol(x.protocol)}),
    ...(x.stateful ? {stateful: true} : {}),
    ...(x.idleSessionTimeout === DEFAULT_IDLE_SESSION_TIMEOUT ? {} : {idleSessionTimeout: x.idleSessionTimeout}),
  }
}

function portsText(ports: readonly {port: number; protocol: string}[]): string[] {
  return ports.map((p) => `${p.protocol}/${p.port}`)
}

/** The whole lab as a lab file: defaults left out, generated values in `assigned`. */
export function exportLab(lab: Lab): LabFile {
  const switchName = new Map(lab.switches.map((s) => [s.id, s.name]))
  const assigned: Required<FileAssigned> = {
    host: {bootCount: lab.host.bootCount, nextIfIndex: lab.host.nextIfIndex, nextMacOffset: lab.host.nextMacOffset, vnicsCreated: lab.host.vnicsCreated},
    hostVnics: {},
    nats: {},
    netAdapters: {},
    switches: {},
    vms: {},
  }
  const netAdapters: Record<string, FileNetAdapter> = {}
  for (const a of lab.host.adapters) {
    // On a LAN, `ipv4` is always written: left out, apply takes a DHCP lease there.
    const shared = switchBoundTo(lab, a.name)?.allowManagementOS ?? false
    const ipv4 = shared ? undefined : fileIpv4(a.ipv4) ?? (a.network === null ? undefined : {})
    netAdapters[a.name] = {
      kind: a.kind,
      ...(a.interfaceDescription === ADAPTER_DEFAULTS[a.kind].interfaceDescription ? {} : {interfaceDescription: a.interfaceDescription}),
      ...(a.linkSpeedBps === ADAPTER_DEFAULTS[a.kind].linkSpeedBps ? {} : {linkSpeedBps: a.linkSpeedBps}),
      ...(a.adminStatus === 'enabled' ? {} : {adminStatus: a.adminStatus}),
      ...(a.network === null ? {} : {lan: {prefix: a.network.prefix, gateway: a.network.gateway, ...(a.network.dhcp ? {} : {dhcp: false})}}),
      ...(ipv4 ? {ipv4} : {}),
      ...(a.portSecurityMaxMacs === null ? {} : {portSecurityMaxMacs: a.portSecurityMaxMacs}),
    }
    assigned.netAdapters[a.name] = {ifIndex: a.ifIndex, macAddress: a.macAddress}
  }
  const switches: Record<string, FileSwitch> = {}
  for (const sw of lab.switches) {
    const type = switchType(sw)
    const uplinkMac = sw.netAdapterName === null ? undefined : findByName(lab.host.adapters, sw.netAdapterName)?.macAddress
    const hostVnics: NonNullable<FileSwitch['hostVnics']> = {}
    for (const n of lab.host.vnics.filter((x) => x.switchId === sw.id)) {
      assigned.hostVnics[n.name] = {
        ifIndex: n.ifIndex,
        interfaceDescription: n.interfaceDescription,
        macAddress: n.macAddress,
        ...(n.interfaceAlias === `vEthernet (${n.name})` ? {} : {interfaceAlias: n.interfaceAlias}),
      }
      if (sw.isDefaultSwitch) continue
      // A shared External switch's vNIC takes its adapter's configuration when built: its own is
      // always written (`{}` when empty), as apply keeps what it took when `ipv4` is left out.
      const shared = sw.allowManagementOS && uplinkMac !== undefined && n.macAddress === uplinkMac
      const ipv4 = fileIpv4(n.ipv4) ?? (shared ? {} : undefined)
      const entry = {...(n.vlanSetting.operationMode === 'Untagged' ? {} : {vlan: fileVlan(n.vlanSetting)}), ...(ipv4 ? {ipv4} : {})}
      if (Object.keys(entry).length > 0 || !sameName(n.name, sw.name)) hostVnics[n.name] = entry
    }
    switches[sw.name] = {
      switchType: type,
      ...(sw.netAdapterName === null ? {} : {netAdapterName: sw.netAdapterName}),
      ...(type === 'External' && !sw.allowManagementOS ? {allowManagementOS: false} : {}),
      ...(sw.notes === '' ? {} : {notes: sw.notes}),
      ...(sw.isDefaultSwitch ? {isDefaultSwitch: true as const} : {}),
      ...(Object.keys(hostVnics).length === 0 ? {} : {hostVnics}),
    }
    assigned.switches[sw.name] = {id: sw.id, ...(sw.icsPrefix === null ? {} : {icsPrefix: sw.icsPrefix})}
  }
  const nats: Record<string, FileNat> = {}
  for (const nat of lab.nats) {
    const settings: Partial<FileNat> = {}
    for (const key of Object.keys(NAT_DEFAULTS) as (keyof typeof NAT_DEFAULTS)[]) {
      if (nat[key] !== NAT_DEFAULTS[key]) Object.assign(settings, {[key]: nat[key]})
    }
    nats[nat.name] = {
      internalIPInterfaceAddressPrefix: nat.internalIPInterfaceAddressPrefix,
      ...(nat.externalIPInterfaceAddressPrefix === null ? {} : {externalIPInterfaceAddressPrefix: nat.externalIPInterfaceAddressPrefix}),
      ...settings,
      ...(nat.active ? {} : {active: false}),
      ...(nat.staticMappings.length === 0 ? {} : {
        staticMappings: nat.staticMappings.map((m) => ({
          protocol: m.protocol,
          ...(m.externalIPAddress === '0.0.0.0' ? {} : {externalIPAddress: m.externalIPAddress}),
          externalPort: m.externalPort,
          internalIPAddress: m.internalIPAddress,
          ...(m.internalPort === m.externalPort ? {} : {internalPort: m.internalPort}),
          ...(m.remoteExternalIPAddressPrefix === '0.0.0.0/0' ? {} : {remoteExternalIPAddressPrefix: m.remoteExternalIPAddressPrefix}),
          ...(m.active ? {} : {active: false}),
        })),
      }),
      ...(nat.externalAddresses.length === 0 ? {} : {
        externalAddresses: nat.externalAddresses.map((x) => ({
          ipAddress: x.ipAddress,
          ...(x.portStart === EXTERNAL_PORT_START ? {} : {portStart: x.portStart}),
          ...(x.portEnd === EXTERNAL_PORT_END ? {} : {portEnd: x.portEnd}),
          ...(x.active ? {} : {active: false}),
        })),
      }),
    }
    assigned.nats[nat.name] = {
      externalAddressIds: nat.externalAddresses.map((x) => x.externalAddressId),
      nextExternalAddressId: nat.nextExternalAddressId,
      nextStaticMappingId: nat.nextStaticMappingId,
      staticMappingIds: nat.staticMappings.map((m) => m.staticMappingId),
    }
  }
  const vms: Record<string, FileVm> = {}
  for (const vm of lab.vms) {
    const adapters: Record<string, FileAdapter> = {}
    const ids: NonNullable<NonNullable<FileAssigned['vms']>[string]['adapters']> = {}
    for (const a of vm.networkAdapters) {
      adapters[a.name] = {
        ...(a.switchId === null ? {} : {switchName: switchName.get(a.switchId)}),
        ...(a.isLegacy ? {isLegacy: true} : {}),
        ...(a.dynamicMacAddressEnabled ? {} : {staticMacAddress: a.macAddress}),
        ...(a.macAddressSpoofing ? {macAddressSpoofing: true} : {}),
        ...(a.dhcpGuard ? {dhcpGuard: true} : {}),
        ...(a.routerGuard ? {routerGuard: true} : {}),
        ...(a.portMirroringMode === 'None' ? {} : {portMirroringMode: a.portMirroringMode}),
        ...(a.maximumBandwidth === 0 ? {} : {maximumBandwidth: a.maximumBandwidth}),
        ...(a.vlanSetting.operationMode === 'Untagged' ? {} : {vlan: fileVlan(a.vlanSetting)}),
        ...(a.acls.length === 0 ? {} : {acls: a.acls.map((x) => filePortAcl(x))}),
        ...(a.extendedAcls.length === 0 ? {} : {extendedAcls: a.extendedAcls.map((x) => fileExtendedAcl(x))}),
        ...(a.guestIPv4.mode === 'Dhcp' ? {} : {
          guestIPv4: {
            ipAddress: a.guestIPv4.ipAddress,
            ...(a.guestIPv4.defaultGateway === null ? {} : {defaultGateway: a.guestIPv4.defaultGateway}),
            ...(a.guestIPv4.dnsServers.length === 0 ? {} : {dnsServers: a.guestIPv4.dnsServers}),
          },
        }),
      }
      ids[a.name] = {id: a.id, ...(a.dynamicMacAddressEnabled && a.macAddress !== UNASSIGNED_MAC ? {macAddress: a.macAddress} : {})}
    }
    const usual = defaultGuest(vm.guest.os)
    const guest = {
      ...(vm.guest.os === 'linux' ? {} : {os: vm.guest.os}),
      ...(vm.guest.firewall === usual.firewall ? {} : {firewall: vm.guest.firewall}),
      ...(portsText(vm.guest.listeningPorts).join() === portsText(usual.listeningPorts).join() ? {} : {listeningPorts: portsText(vm.guest.listeningPorts)}),
    }
    vms[vm.name] = {
      ...(vm.generation === 1 ? {} : {generation: vm.generation}),
      ...(vm.state === 'Off' ? {} : {state: vm.state}),
      ...(Object.keys(guest).length === 0 ? {} : {guest}),
      adapters,
    }
    assigned.vms[vm.name] = {id: vm.id, adapters: ids}
  }
  const host = {
    ...(lab.host.computerName === HOST_DEFAULTS.computerName ? {} : {computerName: lab.host.computerName}),
    ...(lab.host.macAddressMinimum === HOST_DEFAULTS.macAddressMinimum ? {} : {macAddressMinimum: lab.host.macAddressMinimum}),
    ...(lab.host.macAddressMaximum === HOST_DEFAULTS.macAddressMaximum ? {} : {macAddressMaximum: lab.host.macAddressMaximum}),
    ...(lab.host.adapters.length === 0 ? {} : {netAdapters}),
  }
  const file: LabFile = {schemaVersion: LAB_FILE_VERSION, seed: lab.seed}
  if (Object.keys(host).length > 0) file.host = host
  if (lab.switches.length > 0) file.switches = switches
  if (lab.vms.length > 0) file.vms = vms
  if (lab.nats.length > 0) file.nats = nats
  if (lab.checks.length > 0) file.checks = lab.checks.map((c) => checkToFile(c))
  file.assigned = Object.fromEntries(Object.entries(assigned).filter(([key, value]) => key === 'host' || Object.keys(value).length > 0))
  return file
}

// ---------------------------------------------------------------------------------------------
// Merge: what the target lab is made of

type Section<T> = Record<string, T> | undefined

/** A record's entry by name, as Windows compares names: the exact key first. */
function entry<T>(record: Section<T>, name: string): [string, T] | undefined {
  if (!record) return undefined
  if (Object.hasOwn(record, name)) return [name, record[name]]
  const key = Object.keys(record).find((k) => sameName(k, name))
  return key === undefined ? undefined : [key, record[key]]
}

export interface KeptObject {
  kind: ObjectKind
  name: string
}

/** The store's objects, those of the file replacing theirs by name; new ones after, in file order. */
function mergeSection<T>(kind: ObjectKind, store: Section<T>, file: Section<T>, prune: boolean, kept: KeptObject[]): Section<T> {
  if (!store) return file
  const out: Record<string, T> = {}
  for (const [name, value] of Object.entries(store)) {
    const mine = entry(file, name)
    if (mine) out[mine[0]] = mine[1]
    else if (!prune) {
      out[name] = value
      kept.push({kind, name})
    }
  }
  for (const [name, value] of Object.entries(file ?? {})) if (!entry(out, name)) out[name] = value
  return Object.keys(out).length === 0 ? undefined : out
}

function mergeRecords<T extends object>(store: Section<T>, file: Section<T>, merge: (a: T, b: T) => T = (a, b) => ({...a, ...b})): Section<T> {
  if (!store) return file
  const out: Record<string, T> = {...store}
  for (const [name, value] of Object.entries(file ?? {})) {
    const theirs = entry(out, name)
    if (theirs) delete out[theirs[0]]
    out[name] = theirs ? merge(theirs[1], value) : value
  }
  return out
}

/** The store's generated values, overridden by the file's. */
function mergeAssigned(store: FileAssigned | undefined, file: FileAssigned | undefined): FileAssigned {
  const a = store ?? {}
  const b = file ?? {}
  return {
    host: {...a.host, ...b.host},
    hostVnics: mergeRecords(a.hostVnics, b.hostVnics),
    nats: mergeRecords(a.nats, b.nats),
    netAdapters: mergeRecords(a.netAdapters, b.netAdapters),
    switches: mergeRecords(a.switches, b.switches),
    vms: mergeRecords(a.vms, b.vms, (x, y) => ({...x, ...y, adapters: mergeRecords(x.adapters, y.adapters)})),
  }
}

/** The file the target is built from: the file's objects, and (without --prune) the store's others. */
export function mergeFiles(store: LabFile, file: LabFile, prune: boolean): {kept: KeptObject[]; merged: LabFile} {
  const kept: KeptObject[] = []
  const netAdapters = mergeSection('netadapter', store.host?.netAdapters, file.host?.netAdapters, prune, kept)
  const host = {...file.host, ...(netAdapters ? {netAdapters} : {})}
  if (!netAdapters) delete host.netAdapters
  const merged: LabFile = {
    schemaVersion: LAB_FILE_VERSION,
    seed: file.seed ?? store.seed,
    host,
    switches: mergeSection('vswitch', store.switches, file.switches, prune, kept),
    vms: mergeSection('vm', store.vms, file.vms, prune, kept),
    nats: mergeSection('nat', store.nats, file.nats, prune, kept),
    checks: file.checks ?? (prune ? undefined : store.checks),
    assigned: mergeAssigned(store.assigned, file.assigned),
  }
  if (file.checks === undefined && !prune && (store.checks?.length ?? 0) > 0) kept.push({kind: 'check', name: `${store.checks!.length} check(s)`})
  return {kept, merged}
}

// ---------------------------------------------------------------------------------------------
// Build: the file's lab, through the configuration commands' own functions

class Problems {
  readonly list: FileProblem[] = []

  /** Runs one configuration step; a refusal is recorded at `path` and the build goes on. */
  step<T>(path: (number | string)[], work: () => T): T | undefined {
    try {
      return work()
    } catch (error) {
      if (!(error instanceof HvnetError)) throw error
      this.list.push({message: error.line, path: formatPath(path)})
      return undefined
    }
  }

  add(path: (number | string)[], message: string): void {
    this.list.push({message, path: formatPath(path)})
  }
}

function vlanInput(vlan: FileVlan): VlanInput {
  switch (vlan.operationMode) {
    case 'Untagged': return {untagged: true}
    case 'Access': return {access: true, vlanId: String(vlan.accessVlanId)}
    case 'Trunk': return {allowedVlanIdList: vlan.allowedVlanIdList, nativeVlanId: String(vlan.nativeVlanId), trunk: true}
    case 'Private':
      if (vlan.privateVlanMode === 'Promiscuous') return {primaryVlanId: String(vlan.primaryVlanId), promiscuous: true, secondaryVlanIdList: vlan.secondaryVlanIdList}
      return {[vlan.privateVlanMode === 'Isolated' ? 'isolated' : 'community']: true, primaryVlanId: String(vlan.primaryVlanId), secondaryVlanId: String(vlan.secondaryVlanId)}
  }
}

function targetIpv4(file: FileIpv4 | undefined): Ipv4Config {
  return {
    addresses: (file?.addresses ?? []).map((text) => {
      const cidr = parseCidr(text)!
      return {ipAddress: formatIpv4(cidr.address), prefixLength: cidr.length}
    }),
    defaultGateway: file?.defaultGateway ?? null,
    dhcp: file?.dhcp ?? (file?.addresses ?? []).length === 0,
    forwarding: file?.forwarding ?? false,
  }
}

/**
 * Gives an interface the file's IPv4 configuration through New-NetIPAddress and Set-NetIPInterface
 * (their rules: unicast, no overlap, gateway on a subnet of the interface). Addresses that are a
 * DHCP lease are added the same way, then DHCP is set as the file says.
 */
function applyIpv4(lab: Lab, holder: {ipv4: Ipv4Config}, ifIndex: number, file: FileIpv4 | undefined, path: (number | string)[], problems: Problems): void {
  const want = targetIpv4(file)
  if (JSON.stringify(want) === JSON.stringify(holder.ipv4)) return
  holder.ipv4 = emptyIpv4()
  let gatewaySet = false
  want.addresses.forEach((e, i) => {
    const gw = want.defaultGateway === null ? undefined : parseIpv4(want.defaultGateway)
    const fits = !gatewaySet && gw !== undefined && inPrefix(gw, parseIpv4(e.ipAddress)!, e.prefixLength) && gw !== parseIpv4(e.ipAddress)
    const done = problems.step([...path, 'addresses', i], () => addIpAddress(lab, {interfaceIndex: ifIndex}, {...e, ...(fits ? {defaultGateway: want.defaultGateway!} : {})}))
    if (done && fits) gatewaySet = true
  })
  if (want.defaultGateway !== null && !gatewaySet) problems.add([...path, 'defaultGateway'], `The default gateway ${want.defaultGateway} is on none of the interface's subnets.`)
  holder.ipv4.dhcp = want.dhcp
  if (want.forwarding) problems.step([...path, 'forwarding'], () => setIpInterface(lab, {interfaceIndex: ifIndex}, {forwarding: true}))
}

/** An address on the LAN for Add-NetAdapter's --ip: the file's own one there, else the first free host. */
function lanAddress(lan: NonNullable<FileNetAdapter['lan']>, ipv4: FileIpv4 | undefined): string {
  const net = parseCidr(lan.prefix)!
  for (const text of ipv4?.addresses ?? []) {
    const cidr = parseCidr(text)!
    if (cidr.length === net.length && inPrefix(cidr.address, net.address, net.length)) return text
  }
  const first = networkOf(net.address, net.length) + 1
  return formatCidr(formatIpv4(first) === lan.gateway ? first + 1 : first, net.length)
}

function buildAdapters(lab: Lab, file: LabFile, problems: Problems): void {
  for (const [name, a] of Object.entries(file.host?.netAdapters ?? {})) {
    const path = ['host', 'netAdapters', name]
    const mac = a.macAddress ?? entry(file.assigned?.netAdapters, name)?.[1].macAddress
    const adapter = problems.step(path, () => addPhysicalAdapter(lab, {
      gateway: a.lan?.gateway,
      interfaceDescription: a.interfaceDescription,
      ip: a.lan ? lanAddress(a.lan, a.ipv4) : undefined,
      kind: a.kind,
      linkSpeedBps: a.linkSpeedBps,
      macAddress: mac,
      name,
      staticIp: a.ipv4?.dhcp === false,
    }))
    if (!adapter) continue
    if (a.lan && adapter.network && adapter.network.prefix !== a.lan.prefix) {
      problems.add([...path, 'lan', 'prefix'], `${a.lan.prefix} is not a network address; the network is ${adapter.network.prefix}.`)
    }
    if (a.lan?.dhcp === false && adapter.network) adapter.network.dhcp = false
    if (a.adminStatus === 'disabled' || a.portSecurityMaxMacs !== undefined) {
      problems.step(path, () => setPhysicalAdapter(lab, name, {portSecurityMaxMacs: a.portSecurityMaxMacs, status: a.adminStatus}))
    }
    // Without `ipv4`, an adapter on a LAN keeps the lease Add-NetAdapter's --ip gave it.
    if (a.ipv4 !== undefined || !a.lan) applyIpv4(lab, adapter, adapter.ifIndex, a.ipv4, [...path, 'ipv4'], problems)
  }
}

function buildSwitches(lab: Lab, file: LabFile, problems: Problems): void {
  for (const [name, s] of Object.entries(file.switches ?? {})) {
    const path = ['switches', name]
    let sw: VMSwitch | undefined
    if (s.isDefaultSwitch) {
      if (name !== 'Default Switch' || s.switchType !== 'Internal' || s.netAdapterName !== undefined || s.hostVnics !== undefined || s.notes !== undefined) {
        problems.add(path, 'The Default Switch is named "Default Switch", is Internal and takes no other settings.')
        continue
      }
      sw = problems.step(path, () => addDefaultSwitch(lab))
    } else {
      if (s.allowManagementOS !== undefined && s.switchType !== 'External') {
        problems.add([...path, 'allowManagementOS'], 'applies to External switches only (an Internal switch always has a host vNIC, a Private one never).')
        continue
      }
      sw = problems.step(path, () => newSwitch(lab, {
        allowManagementOS: s.allowManagementOS,
        name,
        netAdapterName: s.netAdapterName,
        notes: s.notes,
        type: s.switchType.toLowerCase() as 'external' | 'internal' | 'private',
      }))
    }
    if (!sw) continue
    for (const [vnicName, spec] of Object.entries(s.hostVnics ?? {})) {
      const at = [...path, 'hostVnics', vnicName]
      const own = sameName(vnicName, name) ? managementVnic(lab, sw) : undefined
      const vnic: HostVnic | undefined = own ?? problems.step(at, () => addManagementOsAdapter(lab, name, vnicName))
      if (!vnic) continue
      if (spec.vlan) problems.step([...at, 'vlan'], () => setManagementOsVlan(lab, vnic.interfaceAlias, vlanInput(spec.vlan!)))
      // Left out: the vNIC keeps what it was created with (empty, or its shared adapter's).
      if (spec.ipv4 !== undefined) applyIpv4(lab, vnic, vnic.ifIndex, spec.ipv4, [...at, 'ipv4'], problems)
    }
  }
}

function buildNats(lab: Lab, file: LabFile, problems: Problems): void {
  for (const [name, n] of Object.entries(file.nats ?? {})) {
    const path = ['nats', name]
    const made = problems.step(path, () => enableNat(lab, {externalPrefix: n.externalIPInterfaceAddressPrefix, internalPrefix: n.internalIPInterfaceAddressPrefix, name}))
    if (!made) continue
    const nat = findByName(lab.nats, name)!
    problems.step(path, () => setNat(lab, name, {
      icmpQueryTimeout: n.icmpQueryTimeout,
      tcpEstablishedConnectionTimeout: n.tcpEstablishedConnectionTimeout,
      tcpFilteringBehavior: n.tcpFilteringBehavior,
      tcpTransientConnectionTimeout: n.tcpTransientConnectionTimeout,
      udpFilteringBehavior: n.udpFilteringBehavior,
      udpIdleSessionTimeout: n.udpIdleSessionTimeout,
      udpInboundRefresh: n.udpInboundRefresh,
    }))
    if (n.active === false) nat.active = false
    n.staticMappings?.forEach((m, i) => {
      const done = problems.step([...path, 'staticMappings', i], () => addStaticMapping(lab, {
        externalIPAddress: m.externalIPAddress ?? '0.0.0.0',
        externalPort: m.externalPort,
        internalIPAddress: m.internalIPAddress,
        internalPort: m.internalPort,
        natName: name,
        protocol: m.protocol,
        remoteExternalIPAddressPrefix: m.remoteExternalIPAddressPrefix,
      }))
      if (done && m.active === false) nat.staticMappings.at(-1)!.active = false
    })
    n.externalAddresses?.forEach((x, i) => {
      const done = problems.step([...path, 'externalAddresses', i], () => addExternalAddress(lab, {ipAddress: x.ipAddress, natName: name, portEnd: x.portEnd, portStart: x.portStart}))
      if (done && x.active === false) nat.externalAddresses.at(-1)!.active = false
    })
  }
}

function aclInput(acl: FilePortAcl) {
  const address = [['localIp', acl.localIPAddress], ['remoteIp', acl.remoteIPAddress], ['localMac', acl.localMacAddress], ['remoteMac', acl.remoteMacAddress]].filter(([, value]) => value !== undefined)
  return {
    action: acl.action.toLowerCase() as 'allow' | 'deny' | 'meter',
    direction: acl.direction.toLowerCase() as 'inbound' | 'outbound',
    ...Object.fromEntries(address),
  }
}

/**
 * Each VM is built in a scratch lab that shares the host and switches but holds only that VM (and
 * a VM of the same name, so that New-VM's duplicate rule speaks): the per-VM rules then cost the
 * same for the thousandth VM as for the first. The one rule across VMs, PVLAN consistency on a
 * switch, runs once per switch at the end.
 */
function buildVms(lab: Lab, file: LabFile, problems: Problems): void {
  for (const [name, m] of Object.entries(file.vms ?? {})) {
    const clash = findByName(lab.vms, name)
    const scratch: Lab = {...lab, vms: clash ? [clash] : []}
    buildVm(scratch, name, m, problems)
    for (const vm of scratch.vms) if (vm !== clash) lab.vms.push(vm)
  }
  for (const sw of lab.switches) problems.step(['switches', sw.name], () => checkPvlans(lab, sw.id))
}

function buildVm(lab: Lab, name: string, m: FileVm, problems: Problems): void {
  const path = ['vms', name]
  const vm = problems.step(path, () => newVm(lab, {generation: m.generation, name}))
  if (!vm) return
  removeAdapter(lab, name, vm.networkAdapters[0].name)
  for (const [adapterName, a] of Object.entries(m.adapters ?? {})) {
    const at = [...path, 'adapters', adapterName]
    const adapter = problems.step(at, () => addAdapter(lab, vm, {legacy: a.isLegacy, name: adapterName, staticMac: a.staticMacAddress}))
    if (!adapter) continue
    if (a.switchName !== undefined) problems.step([...at, 'switchName'], () => connectAdapter(lab, name, adapterName, a.switchName!))
    problems.step(at, () => setAdapter(lab, name, adapterName, {
      dhcpGuard: a.dhcpGuard,
      macAddressSpoofing: a.macAddressSpoofing,
      maximumBandwidth: a.maximumBandwidth,
      portMirroringMode: a.portMirroringMode,
      routerGuard: a.routerGuard,
    }))
    // setVlan also runs the PVLAN rules of the switch, with the adapter on it.
    problems.step([...at, 'vlan'], () => setVlan(lab, name, adapterName, vlanInput(a.vlan ?? {operationMode: 'Untagged'})))
    a.acls?.forEach((acl, i) => problems.step([...at, 'acls', i], () => addAcl(lab, name, adapterName, aclInput(acl))))
    a.extendedAcls?.forEach((x, i) => problems.step([...at, 'extendedAcls', i], () => addExtendedAcl(lab, name, adapterName, {
      action: x.action.toLowerCase() as 'allow' | 'deny',
      direction: x.direction.toLowerCase() as 'inbound' | 'outbound',
      idleSessionTimeout: x.idleSessionTimeout,
      localIp: x.localIPAddress,
      localPort: x.localPort,
      protocol: x.protocol === undefined ? undefined : String(x.protocol),
      remoteIp: x.remoteIPAddress,
      remotePort: x.remotePort,
      stateful: x.stateful,
      weight: x.weight,
    })))
    if (a.guestIPv4) problems.step([...at, 'guestIPv4'], () => setGuestIp(lab, name, adapterName, {address: a.guestIPv4!.ipAddress, dns: a.guestIPv4!.dnsServers, gateway: a.guestIPv4!.defaultGateway}))
  }
  if (m.guest) {
    problems.step([...path, 'guest'], () => setGuest(lab, name, {firewall: m.guest!.firewall, listen: m.guest!.listeningPorts === undefined ? undefined : m.guest!.listeningPorts.length === 0 ? 'none' : m.guest!.listeningPorts.join(','), os: m.guest!.os}))
  }
  if (m.state === 'Running') problems.step([...path, 'state'], () => startVm(lab, name))
}

function buildChecks(lab: Lab, checks: FileCheck[] | undefined, problems: Problems): void {
  checks?.forEach((c, i) => {
    const check = checkFromFile(c)
    const found = checkProblems(lab, check)
    for (const p of found) problems.add(['checks', i, ...p.field.replace(/\[(\d+)\]$/, '.$1').split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k))], p.message)
    if (found.length === 0) lab.checks.push(check)
  })
}

/** Counters the generated values of new objects start from. */
interface Counters {
  bootCount: number
  nextIfIndex: number
  nextMacOffset: number
  vnicsCreated: number
}

/** Puts the generated values in place: assigned ones, else fresh ones in a fixed order. */
function placeGenerated(lab: Lab, assigned: FileAssigned, start: Counters): void {
  const switchIds = new Map<string, string>()
  for (const sw of lab.switches) {
    const given = entry(assigned.switches, sw.name)?.[1]
    if (given?.id && given.id !== sw.id) switchIds.set(sw.id, given.id)
    if (given?.id) sw.id = given.id
    if (given?.icsPrefix && sw.isDefaultSwitch) {
      sw.icsPrefix = given.icsPrefix
      for (const n of lab.host.vnics) if (n.switchId === sw.id || switchIds.get(n.switchId) === sw.id) n.ipv4 = icsVnicIpv4(given.icsPrefix)
    }
  }
  for (const n of lab.host.vnics) n.switchId = switchIds.get(n.switchId) ?? n.switchId
  for (const vm of lab.vms) {
    const given = entry(assigned.vms, vm.name)?.[1]
    if (given?.id) vm.id = given.id
    for (const a of vm.networkAdapters) {
      if (a.switchId !== null) a.switchId = switchIds.get(a.switchId) ?? a.switchId
      const id = entry(given?.adapters, a.name)?.[1].id
      if (id) a.id = id
    }
  }
  let next = start.nextIfIndex
  for (const a of lab.host.adapters) a.ifIndex = entry(assigned.netAdapters, a.name)?.[1].ifIndex ?? next++
  let created = start.vnicsCreated
  const sharedMacs = new Set(lab.switches.filter((s) => s.allowManagementOS && s.netAdapterName !== null).map((s) => findByName(lab.host.adapters, s.netAdapterName!)?.macAddress))
  const poolVnics: HostVnic[] = []
  for (const n of lab.host.vnics) {
    const given = entry(assigned.hostVnics, n.name)?.[1]
    n.ifIndex = given?.ifIndex ?? next++
    n.interfaceDescription = given?.interfaceDescription ?? (++created === 1 ? VNIC_DESCRIPTION : `${VNIC_DESCRIPTION} #${created}`)
    if (given?.interfaceAlias) n.interfaceAlias = given.interfaceAlias
    if (sharedMacs.has(n.macAddress)) continue
    if (given?.macAddress) n.macAddress = given.macAddress
    else {
      n.macAddress = UNASSIGNED_MAC
      poolVnics.push(n)
    }
  }
  const poolAdapters: {name: string; adapter: Lab['vms'][number]['networkAdapters'][number]}[] = []
  for (const vm of lab.vms) {
    const given = entry(assigned.vms, vm.name)?.[1]
    for (const a of vm.networkAdapters) {
      if (!a.dynamicMacAddressEnabled) continue
      a.macAddress = entry(given?.adapters, a.name)?.[1].macAddress ?? UNASSIGNED_MAC
      if (a.macAddress === UNASSIGNED_MAC && vm.state === 'Running') poolAdapters.push({adapter: a, name: `${vm.name}/${a.name}`})
    }
  }
  lab.host.nextMacOffset = start.nextMacOffset
  for (const n of poolVnics) n.macAddress = allocateDynamicMac(lab, n.interfaceAlias)
  for (const {adapter, name} of poolAdapters) adapter.macAddress = allocateDynamicMac(lab, name)
  lab.host.adapters.sort((x, y) => x.ifIndex - y.ifIndex)
  lab.host.vnics.sort((x, y) => x.ifIndex - y.ifIndex)
  const highest = Math.max(0, ...lab.host.adapters.map((a) => a.ifIndex), ...lab.host.vnics.map((n) => n.ifIndex))
  lab.host.nextIfIndex = Math.max(next, highest + 1)
  lab.host.vnicsCreated = created
  lab.host.bootCount = start.bootCount
  for (const nat of lab.nats) {
    const given = entry(assigned.nats, nat.name)?.[1]
    if (given?.staticMappingIds?.length === nat.staticMappings.length) nat.staticMappings.forEach((m, i) => { m.staticMappingId = given.staticMappingIds![i] })
    if (given?.externalAddressIds?.length === nat.externalAddresses.length) nat.externalAddresses.forEach((x, i) => { x.externalAddressId = given.externalAddressIds![i] })
    nat.nextStaticMappingId = Math.max(given?.nextStaticMappingId ?? 0, ...nat.staticMappings.map((m) => m.staticMappingId + 1), nat.staticMappings.length)
    nat.nextExternalAddressId = Math.max(given?.nextExternalAddressId ?? 0, ...nat.externalAddresses.map((x) => x.externalAddressId + 1), nat.externalAddresses.length)
  }
}

/** Builds the lab a (merged) file describes; every refused step is a problem with its path. */
export function buildLab(file: LabFile, start: Counters): {lab: Lab; problems: FileProblem[]} {
  const problems = new Problems()
  const lab = emptyLab(file.seed ?? DEFAULT_SEED)
  if (file.host?.computerName !== undefined) lab.host.computerName = file.host.computerName
  if (file.host?.macAddressMinimum !== undefined) lab.host.macAddressMinimum = file.host.macAddressMinimum
  if (file.host?.macAddressMaximum !== undefined) lab.host.macAddressMaximum = file.host.macAddressMaximum
  if (lab.host.macAddressMinimum > lab.host.macAddressMaximum) problems.add(['host', 'macAddressMinimum'], 'is above macAddressMaximum')
  buildAdapters(lab, file, problems)
  buildSwitches(lab, file, problems)
  buildNats(lab, file, problems)
  buildVms(lab, file, problems)
  buildChecks(lab, file.checks, problems)
  if (problems.list.length > 0) return {lab, problems: problems.list}
  problems.step(['assigned'], () => placeGenerated(lab, file.assigned ?? {}, start))
  // The store's own checks, and its key order (so that an unchanged lab compares equal).
  const shape = checkLabShape(lab)
  if ('problem' in shape) {
    problems.add(['assigned'], shape.problem)
    return {lab, problems: problems.list}
  }
  const broken = checkLabIntegrity(shape.lab)
  if (broken) problems.add(['assigned'], broken)
  return {lab: shape.lab, problems: problems.list}
}

// ---------------------------------------------------------------------------------------------
// Plan: what apply changes

export type ObjectKind = 'check' | 'host' | 'netadapter' | 'nat' | 'vm' | 'vnic' | 'vswitch'

export interface PlannedChange {
  action: '+' | '-' | '~'
  kind: ObjectKind
  /** `web`, `web/Network Adapter`, `vEthernet (NATSwitch)` … */
  name: string
  /** For `~`: what changes, `vlan access 10 → access 20`. */
  detail: string | null
  text: string
}

export interface Plan {
  changes: PlannedChange[]
  /** Store objects the file does not name, kept because --prune was not given. */
  kept: KeptObject[]
  problems: FileProblem[]
  /** True when the store's bytes change (a plan of generated values only can too). */
  storeChanges: boolean
  /** The lab apply writes; absent when there are problems. */
  lab?: Lab
}

function vlanText(v: FileVlan | undefined): string {
  if (v === undefined) return 'untagged'
  switch (v.operationMode) {
    case 'Untagged': return 'untagged'
    case 'Access': return `access ${v.accessVlanId}`
    case 'Trunk': return `trunk ${v.allowedVlanIdList} native ${v.nativeVlanId}`
    case 'Private': return `${v.privateVlanMode.toLowerCase()} ${v.primaryVlanId}/${'secondaryVlanIdList' in v ? v.secondaryVlanIdList : v.secondaryVlanId}`
  }
}

/** What a left-out key means, for plan lines (`generation 1 → 2`, not `(none) → 2`). */
const LEFT_OUT: Record<string, string> = {
  adminStatus: 'enabled',
  computerName: HOST_DEFAULTS.computerName,
  generation: '1',
  macAddressMaximum: HOST_DEFAULTS.macAddressMaximum,
  macAddressMinimum: HOST_DEFAULTS.macAddressMinimum,
  maximumBandwidth: '0',
  os: 'linux',
  portMirroringMode: 'None',
  state: 'Off',
  ...Object.fromEntries(Object.entries(NAT_DEFAULTS).map(([k, v]) => [k, String(v)])),
}

function valueText(value: unknown, other: unknown, key = ''): string {
  if (value === undefined) return typeof other === 'boolean' ? 'false' : LEFT_OUT[key] ?? '(none)'
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map((x) => valueText(x, undefined)).join(', ')
  if (typeof value === 'object' && value !== null) return `{${Object.entries(value).map(([k, x]) => `${k}: ${valueText(x, undefined)}`).join(', ')}}`
  return String(value)
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Field-by-field differences of two exported objects: `ipv4.addresses (none) → 192.168.0.1/24`. */
function fieldChanges(a: Record<string, unknown>, b: Record<string, unknown>, skip: readonly string[], prefix = ''): string[] {
  const out: string[] = []
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
  for (const key of keys) {
    if (prefix === '' && skip.includes(key)) continue
    const x = a[key]
    const y = b[key]
    if (JSON.stringify(x) === JSON.stringify(y)) continue
    const path = prefix === '' ? key : `${prefix}.${key}`
    if (key === 'vlan') out.push(`vlan ${vlanText(x as FileVlan | undefined)} → ${vlanText(y as FileVlan | undefined)}`)
    else if ((isPlain(x) || x === undefined) && (isPlain(y) || y === undefined)) out.push(...fieldChanges((x ?? {}) as Record<string, unknown>, (y ?? {}) as Record<string, unknown>, [], path))
    else out.push(`${path} ${valueText(x, y, key)} → ${valueText(y, x, key)}`)
  }
  return out
}

function summary(kind: ObjectKind, value: Record<string, unknown>): string {
  switch (kind) {
    case 'netadapter': return ` (${value.kind as string}${isPlain(value.lan) ? `, LAN ${value.lan.prefix as string}` : ''})`
    case 'vswitch': return ` (${String(value.switchType).toLowerCase()}${value.netAdapterName ? ` on ${value.netAdapterName as string}` : ''})`
    case 'vm': return value.switchName ? ` → ${value.switchName as string}` : value.state === 'Running' ? ' (running)' : ''
    case 'nat': return ` (${value.internalIPInterfaceAddressPrefix as string})`
    case 'vnic': return ''
    default: return ''
  }
}

function diffSection(kind: ObjectKind, before: Section<object>, after: Section<object>, out: PlannedChange[], skip: readonly string[] = [], children?: (name: string, a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined) => void): void {
  for (const [name, value] of Object.entries(after ?? {})) {
    const old = entry(before, name)?.[1] as Record<string, unknown> | undefined
    const now = value as Record<string, unknown>
    if (!old) out.push({action: '+', detail: null, kind, name, text: `+ ${kind} ${name}${summary(kind, now)}`})
    else for (const detail of fieldChanges(old, now, skip)) out.push({action: '~', detail, kind, name, text: `~ ${kind} ${name}: ${detail}`})
    children?.(name, old, now)
  }
  for (const [name, value] of Object.entries(before ?? {})) {
    if (!entry(after, name)) {
      out.push({action: '-', detail: null, kind, name, text: `- ${kind} ${name}`})
      children?.(name, value as Record<string, unknown>, undefined)
    }
  }
}

/** The changes from one exported file to another, as plan lines in terraform's spirit. */
export function diffFiles(before: LabFile, after: LabFile): PlannedChange[] {
  const out: PlannedChange[] = []
  for (const detail of fieldChanges({computerName: before.host?.computerName, macAddressMaximum: before.host?.macAddressMaximum, macAddressMinimum: before.host?.macAddressMinimum, seed: before.seed}, {computerName: after.host?.computerName, macAddressMaximum: after.host?.macAddressMaximum, macAddressMinimum: after.host?.macAddressMinimum, seed: after.seed}, [])) {
    out.push({action: '~', detail, kind: 'host', name: 'host', text: `~ host: ${detail}`})
  }
  diffSection('netadapter', before.host?.netAdapters, after.host?.netAdapters, out)
  diffSection('vswitch', before.switches, after.switches, out, ['hostVnics'], (_name, a, b) => {
    const vnics = (x: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries((x?.hostVnics ?? {}) as Record<string, object>).map(([n, v]) => [`vEthernet (${n})`, v]))
    diffSection('vnic', vnics(a), vnics(b), out)
  })
  diffSection('vm', before.vms, after.vms, out, ['adapters'], (name, a, b) => {
    const adapters = (x: Record<string, unknown> | undefined) => Object.fromEntries(Object.entries((x?.adapters ?? {}) as Record<string, object>).map(([n, v]) => [`${name}/${n}`, v]))
    const sub: PlannedChange[] = []
    diffSection('vm', adapters(a), adapters(b), sub)
    out.push(...sub)
  })
  diffSection('nat', before.nats, after.nats, out)
  const text = (c: FileCheck) => `${c.name ? `${c.name}: ` : ''}${c.from} → ${c.to} ${c.protocol ?? 'icmp'}${c.port ? `/${c.port}` : ''} expect ${c.expect}${c.reason ? ` (${c.reason})` : ''}${c.via ? ` via ${c.via.join(', ')}` : ''}`
  const was = (before.checks ?? []).map((c) => text(c))
  const now = (after.checks ?? []).map((c) => text(c))
  for (const c of now) if (!was.includes(c)) out.push({action: '+', detail: null, kind: 'check', name: c, text: `+ check ${c}`})
  for (const c of was) if (!now.includes(c)) out.push({action: '-', detail: null, kind: 'check', name: c, text: `- check ${c}`})
  return out
}

/**
 * The plan of applying a file to a store: the target built from the file (and, without --prune,
 * the store's other objects), and its differences from the store. `storeExists` false means an
 * empty host: nothing is kept.
 */
export function planApply(store: Lab, storeExists: boolean, file: LabFile, prune: boolean): Plan {
  const base = storeExists ? store : emptyLab(file.seed ?? store.seed)
  const before = exportLab(base)
  const {kept, merged} = mergeFiles(before, file, prune)
  const assigned = merged.assigned ?? {}
  const counters: Counters = {
    bootCount: assigned.host?.bootCount ?? base.host.bootCount,
    nextIfIndex: Math.max(file.assigned?.host?.nextIfIndex ?? 0, base.host.nextIfIndex),
    nextMacOffset: assigned.host?.nextMacOffset ?? base.host.nextMacOffset,
    vnicsCreated: Math.max(file.assigned?.host?.vnicsCreated ?? 0, base.host.vnicsCreated),
  }
  const built = buildLab(merged, counters)
  if (built.problems.length > 0) return {changes: [], kept, problems: built.problems, storeChanges: false}
  const after = exportLab(built.lab)
  const changes = diffFiles(before, after)
  const storeChanges = !storeExists || JSON.stringify(store) !== JSON.stringify(built.lab)
  return {changes, kept, lab: built.lab, problems: [], storeChanges}
}

/** `2 to add, 1 to change, 0 to remove.` */
export function planCounts(plan: Plan): {add: number; change: number; remove: number} {
  const objects = (action: '+' | '-' | '~') => new Set(plan.changes.filter((c) => c.action === action).map((c) => `${c.kind}:${c.name}`)).size
  return {add: objects('+'), change: objects('~'), remove: objects('-')}
}

// ---------------------------------------------------------------------------------------------
// Text: YAML (the default) or JSON

export type LabFileFormat = 'json' | 'yaml'

/** The file's text. YAML is imported here only, so that no other command pays for it at start. */
export async function formatLabFile(file: LabFile, format: LabFileFormat): Promise<string> {
  if (format === 'json') return `${JSON.stringify(file, null, 2)}\n`
  const {stringify} = await import('yaml')
  return stringify(file, {lineWidth: 0})
}

/** Parses a lab file's text (YAML 1.2, so JSON too) and checks its shape: every problem at once. */
export async function parseLabFile(text: string, name: string): Promise<{file: LabFile} | {problems: FileProblem[]}> {
  const {isScalar, LineCounter, parseDocument, visit} = await import('yaml')
  // yaml's own uniqueKeys check compares each key with every other of its map (quadratic: 15% of
  // the parse of a 1,024-VM file); a Set per map does the same in one pass.
  const lines = new LineCounter()
  const document = parseDocument(text, {lineCounter: lines, prettyErrors: true, uniqueKeys: false})
  if (document.errors.length > 0) {
    // prettyErrors puts the position in the message's first line and a code frame after it.
    return {problems: document.errors.map((e) => ({message: e.message.split('\n')[0].replace(/:$/, ''), path: name}))}
  }
  const duplicates: FileProblem[] = []
  visit(document, {
    Map(_key, map) {
      const seen = new Set<unknown>()
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key
        if (!seen.has(key)) {
          seen.add(key)
          continue
        }
        const at = isScalar(pair.key) && pair.key.range ? lines.linePos(pair.key.range[0]) : undefined
        duplicates.push({message: `Map keys must be unique: "${String(key)}" is given twice${at ? ` (line ${at.line}, column ${at.col})` : ''}`, path: name})
      }
    },
  })
  if (duplicates.length > 0) return {problems: duplicates}
  const {checkLabFileShape} = await import('./labfile-schema.js')
  return checkLabFileShape(document.toJS())
}
