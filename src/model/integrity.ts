// Cross-object rules of a lab document that a schema cannot state: every reference resolves,
// names are unique as Windows compares them, counters are ahead of what they count.
// A store edited by hand that breaks one is reported with the object it names.
import type {Lab} from './schema.js'

import {compareNames, sameName} from './names.js'
import {MAX_LEGACY_ADAPTERS, MAX_SYNTHETIC_ADAPTERS, UNASSIGNED_MAC} from './vm.js'

/** The first name that appears twice as sameName compares (sorted, so a lab of 1,000 VMs stays fast). */
function firstDuplicate(names: string[]): string | undefined {
  const sorted = [...names].sort(compareNames)
  for (let i = 1; i < sorted.length; i++) if (sameName(sorted[i - 1], sorted[i])) return sorted[i]
  return undefined
}

function checkVms(lab: Lab, switchIds: Set<string>): string | undefined {
  const duplicateVm = firstDuplicate(lab.vms.map((m) => m.name))
  if (duplicateVm) return `vms: two virtual machines are named "${duplicateVm}"`
  const ids = new Set<string>()
  for (const vm of lab.vms) {
    if (ids.has(vm.id)) return `vms["${vm.name}"].id: ${vm.id} is used twice`
    ids.add(vm.id)
    const duplicateNic = firstDuplicate(vm.networkAdapters.map((a) => a.name))
    if (duplicateNic) return `vms["${vm.name}"].networkAdapters: two adapters are named "${duplicateNic}"`
    const legacy = vm.networkAdapters.filter((a) => a.isLegacy).length
    if (legacy > 0 && vm.generation === 2) return `vms["${vm.name}"]: a generation 2 VM has no legacy adapters`
    if (legacy > MAX_LEGACY_ADAPTERS || vm.networkAdapters.length - legacy > MAX_SYNTHETIC_ADAPTERS) return `vms["${vm.name}"].networkAdapters: more than ${MAX_SYNTHETIC_ADAPTERS} synthetic or ${MAX_LEGACY_ADAPTERS} legacy adapters`
    for (const a of vm.networkAdapters) {
      const where = `vms["${vm.name}"].networkAdapters["${a.name}"]`
      if (ids.has(a.id)) return `${where}.id: ${a.id} is used twice`
      ids.add(a.id)
      if (a.switchId !== null && !switchIds.has(a.switchId)) return `${where}.switchId: no switch with id ${a.switchId}`
      if (!a.dynamicMacAddressEnabled && a.macAddress === UNASSIGNED_MAC) return `${where}.macAddress: a static MAC cannot be 000000000000`
      if (a.dynamicMacAddressEnabled && vm.state === 'Running' && a.macAddress === UNASSIGNED_MAC) return `${where}.macAddress: a running VM's dynamic adapter has a MAC from the pool`
      const weights = new Set<string>()
      for (const x of a.extendedAcls) {
        const key = `${x.direction}:${x.weight}`
        if (weights.has(key)) return `${where}.extendedAcls: two ${x.direction} entries have weight ${x.weight}`
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
  return checkVms(lab, ids)
}
