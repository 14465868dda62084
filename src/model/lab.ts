// A new lab: a host that looks like a typical Windows 11 laptop, as a fresh Hyper-V install sees it.
import type {Lab} from './schema.js'

import {addPhysicalAdapter} from './host.js'
import {LAB_SCHEMA_VERSION} from './schema.js'
import {addDefaultSwitch} from './vswitch.js'

/** The seed of a new store unless one is given: every new lab is the same lab, on every machine. */
export const DEFAULT_SEED = 2017

/** The host of a new lab before anything is added; lab files leave these values out. */
export const HOST_DEFAULTS = {
  computerName: 'HV-LAPTOP',
  // KB 2804678: 00-15-5D, then the last two octets of the host's IP at install time
  // (Ethernet's 10.0.0.23 → 00-17), then 00..FF: 256 dynamic MACs.
  macAddressMaximum: '00155D0017FF',
  macAddressMinimum: '00155D001700',
} as const

/** A host with nothing on it: no adapter, no switch. `hvnet apply` builds a lab file on it. */
export function emptyLab(seed: number = DEFAULT_SEED): Lab {
  return {
    host: {
      adapters: [],
      bootCount: 0,
      computerName: HOST_DEFAULTS.computerName,
      macAddressMaximum: HOST_DEFAULTS.macAddressMaximum,
      macAddressMinimum: HOST_DEFAULTS.macAddressMinimum,
      nextIfIndex: 12,
      nextMacOffset: 0,
      vnics: [],
      vnicsCreated: 0,
    },
    schemaVersion: LAB_SCHEMA_VERSION,
    seed,
    switches: [],
    nats: [],
    vms: [],
    checks: [],
  }
}

export function newLab(seed: number = DEFAULT_SEED): Lab {
  const lab = emptyLab(seed)
  addPhysicalAdapter(lab, {gateway: '10.0.0.1', ip: '10.0.0.23/24', kind: 'wired', name: 'Ethernet'})
  lab.host.nextIfIndex = 18
  addPhysicalAdapter(lab, {gateway: '192.168.1.1', ip: '192.168.1.40/24', kind: 'wireless', name: 'Wi-Fi'})
  lab.host.nextIfIndex = 21
  addDefaultSwitch(lab)
  // The next vEthernet gets 24, as in Microsoft's NAT walkthrough (New-NetIPAddress -InterfaceIndex 24).
  lab.host.nextIfIndex = 24
  return lab
}
