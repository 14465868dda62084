// Cross-object rules of a lab document that a schema cannot state: every reference resolves,
// names are unique as Windows compares them, counters are ahead of what they count.
// A store edited by hand that breaks one is reported with the object it names.
import type {Lab} from './schema.js'

import {sameName} from './names.js'

function firstDuplicate(names: string[]): string | undefined {
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) if (sameName(names[i], names[j])) return names[j]
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
  return undefined
}
