// Cross-object rules of a lab document that a schema cannot state: every reference resolves,
// names are unique as Windows compares them, counters are ahead of what they count.
// A store edited by hand that breaks one is reported with the object it names.
import type {Lab, NatStaticMapping, VM, VMNetworkAdapter} from './schema.js'

import {inPrefix, networkOf, parseCidr, parseIpv4, prefixesOverlap} from './address.js'
import {compareNames, sameName} from './names.js'
import {MAX_LEGACY_ADAPTERS, MAX_SYNTHETIC_ADAPTERS, UNASSIGNED_MAC} from './vm.js'

// Printable ASCII names are equal as sameName compares them exactly when their lower cases are
// (every such character weighs on its own in the collator, case aside; integrity.test.ts checks
// it against the collator). Control characters are not: the collator ignores them.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/** The first name that appears twice as sameName compares (sorted, so a lab of 1,000 VMs stays fast). */
function firstDuplicate(names: string[]): string | undefined {
  if (names.length < 2) return undefined
  // Most labs have no duplicate: a set of lower cases proves it without the collator. Otherwise,
  // or with a name outside printable ASCII, the sorted scan decides and names the duplicate.
  const seen = new Set<string>()
  let proven = true
  for (const name of names) {
    const key = name.toLowerCase()
    if (!PRINTABLE_ASCII.test(name) || seen.has(key)) {
      proven = false
      break
    }
    seen.add(key)
  }
  if (proven) return undefined
  const sorted = [...names].sort(compareNames)
  for (let i = 1; i < sorted.length; i++) if (sameName(sorted[i - 1], sorted[i])) return sorted[i]
  return undefined
}

/** Built only for a message: a lab of 1,000 VMs has no string to build when it is sound. */
function adapterPath(vm: VM, a: VMNetworkAdapter): string {
  return `vms["${vm.name}"].networkAdapters["${a.name}"]`
}

function checkVms(lab: Lab, switchIds: Set<string>): string | undefined {
  const duplicateVm = firstDuplicate(lab.vms.map((m) => m.name))
  if (duplicateVm) return `vms: two virtual machines are named "${duplicateVm}"`
  const ids = new Set<string>()
  for (const vm of lab.vms) {
    if (ids.has(vm.id)) return `vms["${vm.name}"].id: ${vm.id} is used twice`
    ids.add(vm.id)
    const adapters = vm.networkAdapters
    const duplicateNic = adapters.length > 1 ? firstDuplicate(adapters.map((a) => a.name)) : undefined
    if (duplicateNic) return `vms["${vm.name}"].networkAdapters: two adapters are named "${duplicateNic}"`
    let legacy = 0
    for (const a of adapters) if (a.isLegacy) legacy++
    if (legacy > 0 && vm.generation === 2) return `vms["${vm.name}"]: a generation 2 VM has no legacy adapters`
    if (legacy > MAX_LEGACY_ADAPTERS || adapters.length - legacy > MAX_SYNTHETIC_ADAPTERS) return `vms["${vm.name}"].networkAdapters: more than ${MAX_SYNTHETIC_ADAPTERS} synthetic or ${MAX_LEGACY_ADAPTERS} legacy adapters`
    for (const a of adapters) {
      if (ids.has(a.id)) return `${adapterPath(vm, a)}.id: ${a.id} is used twice`
      ids.add(a.id)
      if (a.switchId !== null && !switchIds.has(a.switchId)) return `${adapterPath(vm, a)}.switchId: no switch with id ${a.switchId}`
      if (!a.dynamicMacAddressEnabled && a.macAddress === UNASSIGNED_MAC) return `${adapterPath(vm, a)}.macAddress: a static MAC cannot be 000000000000`
      if (a.dynamicMacAddressEnabled && vm.state === 'Running' && a.macAddress === UNASSIGNED_MAC) return `${adapterPath(vm, a)}.macAddress: a running VM's dynamic adapter has a MAC from the pool`
      if (a.extendedAcls.length < 2) continue
      const weights = new Set<string>()
      for (const x of a.extendedAcls) {
        const key = `${x.direction}:${x.weight}`
        if (weights.has(key)) return `${adapterPath(vm, a)}.extendedAcls: two ${x.direction} entries have weight ${x.weight}`
        weights.add(key)
      }
    }
  }
  return undefined
}

export function checkLabIntegrity(lab: Lab): string | undefined {
  const {host} = lab
  const duplicateSwitch = firstDuplicate(lab.switches.map((s) => s.name))
  if (duplicateSwitch) return `switches: two switches are named "${duplicateSwitch}"`
  const duplicateAdapter = firstDuplicate([...host.adapters.map((a) => a.name), ...host.vnics.map((n) => n.interfaceAlias)])
  if (duplicateAdapter) return `host: two adapters are named "${duplicateAdapter}"`
  const ids = new Set<string>()
  for (const sw of lab.switches) {
    if (ids.has(sw.id)) return `switches["${sw.name}"].id: ${sw.id} is used twice`
    ids.add(sw.id)
    if (sw.netAdapterName !== null) {
      if (!host.adapters.some((a) => sameName(a.name, sw.netAdapterName!))) return `switches["${sw.name}"].netAdapterName: no physical adapter "${sw.netAdapterName}"`
      const other = lab.switches.find((o) => o !== sw && o.netAdapterName !== null && sameName(o.netAdapterName, sw.netAdapterName!))
      if (other) return `switches["${sw.name}"].netAdapterName: "${sw.netAdapterName}" is bound to "${other.name}" too`
    }
    if (sw.isDefaultSwitch !== (sw.icsPrefix !== null)) return `switches["${sw.name}"].icsPrefix: only the Default Switch has one, and it must`
  }
  if (lab.switches.filter((s) => s.isDefaultSwitch).length > 1) return 'switches: more than one Default Switch'
  const indexes = new Set<number>()
  for (const item of [...host.adapters.map((a) => ({index: a.ifIndex, name: a.name})), ...host.vnics.map((n) => ({index: n.ifIndex, name: n.interfaceAlias}))]) {
    if (indexes.has(item.index)) return `host: ifIndex ${item.index} of "${item.name}" is used twice`
    if (item.index >= host.nextIfIndex) return `host.nextIfIndex: ${host.nextIfIndex} is not above "${item.name}"'s ifIndex ${item.index}`
    indexes.add(item.index)
  }
  for (const vnic of host.vnics) {
    if (!ids.has(vnic.switchId)) return `host.vnics["${vnic.name}"].switchId: no switch with id ${vnic.switchId}`
  }
  if (host.macAddressMinimum > host.macAddressMaximum) return 'host.macAddressMinimum: above macAddressMaximum'
  for (const item of [...host.adapters.map((a) => ({ipv4: a.ipv4, name: a.name})), ...host.vnics.map((n) => ({ipv4: n.ipv4, name: n.interfaceAlias}))]) {
    const gw = item.ipv4.defaultGateway === null ? undefined : parseIpv4(item.ipv4.defaultGateway)
    if (gw !== undefined && !item.ipv4.addresses.some((e) => inPrefix(gw, parseIpv4(e.ipAddress)!, e.prefixLength))) {
      return `host: the default gateway ${item.ipv4.defaultGateway} of "${item.name}" is on none of its subnets`
    }
  }
  const defaultSwitch = lab.switches.find((s) => s.isDefaultSwitch)
  if (defaultSwitch?.icsPrefix) {
    const ics = parseCidr(defaultSwitch.icsPrefix)!
    const first = (ics.address + 1) >>> 0
    for (const vnic of host.vnics.filter((n) => n.switchId === defaultSwitch.id)) {
      if (vnic.ipv4.addresses.length !== 1 || parseIpv4(vnic.ipv4.addresses[0].ipAddress) !== first || vnic.ipv4.addresses[0].prefixLength !== ics.length) {
        return `host.vnics["${vnic.name}"].ipv4: the Default Switch's vNIC holds the first address of ${defaultSwitch.icsPrefix} and nothing else`
      }
    }
  }
  return checkNats(lab) ?? checkVms(lab, ids)
}

/** WinNAT objects: one per host (DECISIONS 7), prefixes in network form, IDs below their counters. */
function checkNats(lab: Lab): string | undefined {
  if (lab.nats.length > 1) return `nats: ${lab.nats.length} NATs; WinNAT allows one internal prefix per host`
  for (const nat of lab.nats) {
    const where = `nats["${nat.name}"]`
    const inside = parseCidr(nat.internalIPInterfaceAddressPrefix)!
    if (networkOf(inside.address, inside.length) !== inside.address) return `${where}.internalIPInterfaceAddressPrefix: ${nat.internalIPInterfaceAddressPrefix} is not a network address`
    for (const a of lab.host.adapters) {
      if (a.network && prefixesOverlap(inside, parseCidr(a.network.prefix)!)) return `${where}.internalIPInterfaceAddressPrefix: overlaps ${a.network.prefix}, the network of "${a.name}"`
    }
    if (nat.externalIPInterfaceAddressPrefix !== null) {
      const outside = parseCidr(nat.externalIPInterfaceAddressPrefix)!
      if (networkOf(outside.address, outside.length) !== outside.address) return `${where}.externalIPInterfaceAddressPrefix: ${nat.externalIPInterfaceAddressPrefix} is not a network address`
    }
    // The mappings of each protocol and external port, in order: a clash is looked for there alone,
    // not in every mapping for every mapping.
    const samePort = new Map<string, NatStaticMapping[]>()
    for (const m of nat.staticMappings) {
      const key = `${m.protocol}:${m.externalPort}`
      const group = samePort.get(key)
      if (group) group.push(m)
      else samePort.set(key, [m])
    }
    const mappingIds = new Set<number>()
    for (const m of nat.staticMappings) {
      const at = `${where}.staticMappings[${m.staticMappingId}]`
      if (mappingIds.has(m.staticMappingId)) return `${at}: StaticMappingID ${m.staticMappingId} is used twice`
      if (m.staticMappingId >= nat.nextStaticMappingId) return `${where}.nextStaticMappingId: ${nat.nextStaticMappingId} is not above StaticMappingID ${m.staticMappingId}`
      mappingIds.add(m.staticMappingId)
      if (!inPrefix(parseIpv4(m.internalIPAddress)!, inside.address, inside.length)) return `${at}.internalIPAddress: ${m.internalIPAddress} is not in ${nat.internalIPInterfaceAddressPrefix}`
      const remote = parseCidr(m.remoteExternalIPAddressPrefix)!
      if (networkOf(remote.address, remote.length) !== remote.address) return `${at}.remoteExternalIPAddressPrefix: ${m.remoteExternalIPAddressPrefix} is not a network address`
      const clash = samePort.get(`${m.protocol}:${m.externalPort}`)!.find((o) => o !== m && (o.externalIPAddress === m.externalIPAddress || o.externalIPAddress === '0.0.0.0' || m.externalIPAddress === '0.0.0.0'))
      if (clash) return `${at}: ${m.protocol} port ${m.externalPort} is mapped by StaticMappingID ${clash.staticMappingId} too`
    }
    const addressIds = new Set<number>()
    for (const x of nat.externalAddresses) {
      const at = `${where}.externalAddresses[${x.externalAddressId}]`
      if (addressIds.has(x.externalAddressId)) return `${at}: ExternalAddressID ${x.externalAddressId} is used twice`
      if (x.externalAddressId >= nat.nextExternalAddressId) return `${where}.nextExternalAddressId: ${nat.nextExternalAddressId} is not above ExternalAddressID ${x.externalAddressId}`
      addressIds.add(x.externalAddressId)
      if (x.portStart > x.portEnd) return `${at}: portStart ${x.portStart} is above portEnd ${x.portEnd}`
    }
  }
  return undefined
}
