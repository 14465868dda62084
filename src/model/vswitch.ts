// Hyper-V virtual switches: New-/Set-/Rename-/Remove-VMSwitch and the effects each has on the host.
// The switch type is derived, as Get-VMSwitch derives it (reference DECISIONS 3): a bound physical
// adapter makes it External; otherwise management-OS sharing (a host vNIC) makes it Internal;
// otherwise it is Private.
import type {HostVnic, Ipv4Config, Lab, PhysicalAdapter, VMSwitch, VlanSetting} from './schema.js'

import {HvnetError} from './errors.js'
import {
  addHostVnic,
  adapterStatus,
  allocateDynamicMac,
  emptyIpv4,
  findPhysicalAdapter,
  formatLinkSpeed,
  hostPrefixes,
  liveIpv4Holder,
  natPrefixes,
  removeHostVnic,
  switchBoundTo,
  VNIC_LINK_SPEED_BPS,
  vnicsOfSwitch,
} from './host.js'
import {checkObjectName, findByName, notFound, sameName} from './names.js'
import {seededGuid, seededInt} from '../engine/seed.js'
import {broadcastOf, formatCidr, formatIpv4, parseCidr, prefixesOverlap, prefixMask} from './address.js'

export type SwitchType = 'External' | 'Internal' | 'Private'

/** The Default Switch's ID, the same on every Windows 10 1709+ host. */
export const DEFAULT_SWITCH_ID = 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444'
export const DEFAULT_SWITCH_NAME = 'Default Switch'

export function switchType(sw: VMSwitch): SwitchType {
  if (sw.netAdapterName !== null) return 'External'
  return sw.allowManagementOS ? 'Internal' : 'Private'
}

export function findSwitch(lab: Lab, name: string): VMSwitch {
  const sw = findByName(lab.switches, name)
  if (sw) return sw
  throw notFound(`Hyper-V was unable to find a virtual switch with name "${name}".`, name, 'switch', lab.switches.map((s) => s.name), 'hvnet vswitch list')
}

function refuseDefaultSwitch(sw: VMSwitch): void {
  if (sw.isDefaultSwitch) {
    throw new HvnetError('default-switch-immutable', 'The automatic Internet Connection Sharing switch cannot be modified.', 'The Default Switch cannot be removed, renamed or changed; create your own switch with `hvnet vswitch new`.')
  }
}

function checkNewName(lab: Lab, name: string, self?: VMSwitch): void {
  const bad = checkObjectName('switch', name)
  if (bad) throw new HvnetError('invalid-name', bad, 'Give the switch a name such as "NATSwitch".')
  const clash = lab.switches.find((s) => s !== self && sameName(s.name, name))
  if (clash) {
    throw new HvnetError('duplicate-name', `A virtual switch named "${clash.name}" already exists.`, 'Hyper-V would create a second switch with the same name, which makes every name-based command ambiguous; hvnet refuses it. Pick another name.')
  }
  // A new vNIC alias must not collide with a kept alias of a renamed switch.
  const alias = `vEthernet (${name})`
  const vnic = lab.host.vnics.find((n) => (!self || n.switchId !== self.id) && sameName(n.interfaceAlias, alias))
  if (vnic) {
    throw new HvnetError('duplicate-name', `The host adapter "${vnic.interfaceAlias}" already exists (it belongs to another switch, renamed since).`, 'Pick another switch name.')
  }
}

function bindableAdapter(lab: Lab, name: string, self?: VMSwitch): PhysicalAdapter {
  const adapter = findPhysicalAdapter(lab, name)
  const bound = switchBoundTo(lab, adapter.name)
  if (bound && bound !== self) {
    throw new HvnetError('adapter-in-use', `Failed while adding virtual Ethernet switch connections. External Ethernet adapter '${adapter.interfaceDescription}' is already bound to the Microsoft Virtual Switch protocol.`, `"${adapter.name}" serves the switch "${bound.name}"; one physical adapter serves at most one switch. Use another adapter, or remove "${bound.name}" first.`)
  }
  return adapter
}

/** The vNIC through which the management OS shares an External switch: it carries the physical MAC. */
function sharedVnic(lab: Lab, sw: VMSwitch): HostVnic | undefined {
  const adapter = sw.netAdapterName === null ? undefined : findByName(lab.host.adapters, sw.netAdapterName)
  return lab.host.vnics.find((n) => n.switchId === sw.id && adapter !== undefined && n.macAddress === adapter.macAddress)
}

/** The switch's own management vNIC: the one named after it (Internal) or sharing the adapter (External). */
export function managementVnic(lab: Lab, sw: VMSwitch): HostVnic | undefined {
  return sharedVnic(lab, sw) ?? lab.host.vnics.find((n) => n.switchId === sw.id && sameName(n.name, sw.name))
}

/** Binds an adapter with sharing: the vNIC takes the physical MAC and the host's IP configuration. */
function shareAdapter(lab: Lab, sw: VMSwitch, adapter: PhysicalAdapter): void {
  const existing = managementVnic(lab, sw)
  if (existing) {
    // Converting Internal → External: the switch's vNIC now carries the physical side.
    existing.macAddress = adapter.macAddress
    existing.ipv4 = adapter.ipv4
  } else {
    addHostVnic(lab, sw, sw.name, {ipv4: adapter.ipv4, macAddress: adapter.macAddress})
  }
  adapter.ipv4 = {...emptyIpv4(), dhcp: false}
}

/** Undoes shareAdapter: the IP configuration goes back to the physical adapter. */
function unshareAdapter(lab: Lab, sw: VMSwitch, adapter: PhysicalAdapter): HostVnic | undefined {
  const vnic = sharedVnic(lab, sw)
  if (!vnic) return undefined
  adapter.ipv4 = vnic.ipv4
  return vnic
}

export interface NewSwitchInput {
  name: string
  type?: 'external' | 'internal' | 'private'
  netAdapterName?: string
  allowManagementOS?: boolean
  notes?: string
}

export function newSwitch(lab: Lab, input: NewSwitchInput): VMSwitch {
  checkNewName(lab, input.name)
  const type = input.type ?? (input.netAdapterName === undefined ? undefined : 'external')
  if (type === undefined) {
    throw new HvnetError('invalid-value', `Say what kind of switch "${input.name}" is.`, 'Add --type internal or --type private, or --adapter NAME for an External switch.')
  }
  if (type === 'external' && input.netAdapterName === undefined) {
    throw new HvnetError('invalid-value', 'An External switch needs a physical adapter.', 'Add --adapter NAME (see `hvnet host adapter list`).')
  }
  if (type !== 'external' && input.netAdapterName !== undefined) {
    throw new HvnetError('invalid-value', `--adapter makes an External switch, not an ${type === 'internal' ? 'Internal' : 'Private'} one.`, 'Leave out --adapter, or use --type external.')
  }
  if (type !== 'external' && input.allowManagementOS !== undefined) {
    throw new HvnetError('invalid-value', '--allow-management-os applies to External switches only (an Internal switch always has a host vNIC, a Private one never).', 'Leave it out, or choose --type internal or --type private.')
  }
  const sw: VMSwitch = {
    allowManagementOS: type === 'internal' || (type === 'external' && (input.allowManagementOS ?? true)),
    icsPrefix: null,
    id: seededGuid(lab.seed, `switch:${lab.host.nextIfIndex}:${lab.switches.length}:${input.name}`),
    isDefaultSwitch: false,
    name: input.name,
    netAdapterName: null,
    notes: input.notes ?? '',
  }
  if (type === 'external') {
    const adapter = bindableAdapter(lab, input.netAdapterName!)
    sw.netAdapterName = adapter.name
    lab.switches.push(sw)
    if (sw.allowManagementOS) shareAdapter(lab, sw, adapter)
  } else {
    lab.switches.push(sw)
    if (sw.allowManagementOS) addHostVnic(lab, sw, sw.name)
  }
  return sw
}

export interface SetSwitchInput {
  type?: 'external' | 'internal' | 'private'
  netAdapterName?: string
  allowManagementOS?: boolean
  notes?: string
}

/** Set-VMSwitch: change the type (by adapter or -SwitchType), management OS sharing, or notes. */
export function setSwitch(lab: Lab, name: string, input: SetSwitchInput): VMSwitch {
  const sw = findSwitch(lab, name)
  refuseDefaultSwitch(sw)
  if (input.type !== undefined && input.type !== 'external' && input.netAdapterName !== undefined) {
    throw new HvnetError('invalid-value', `--adapter makes the switch External; it contradicts --type ${input.type}.`, 'Use one of them.')
  }
  if (input.type === 'external' && input.netAdapterName === undefined && sw.netAdapterName === null) {
    throw new HvnetError('invalid-value', 'An External switch needs a physical adapter.', 'Add --adapter NAME (see `hvnet host adapter list`).')
  }
  if (input.type === 'internal' && input.allowManagementOS === false) {
    throw new HvnetError('invalid-value', 'An Internal switch always has a host vNIC; --allow-management-os=false makes it Private.', 'Use --type private instead.')
  }
  if (input.type === 'private' && input.allowManagementOS === true) {
    throw new HvnetError('invalid-value', 'A Private switch has no host vNIC; --allow-management-os=true makes it Internal.', 'Use --type internal instead.')
  }
  if (input.notes !== undefined) sw.notes = input.notes

  const targetAdapter = input.netAdapterName ?? (input.type === 'external' ? sw.netAdapterName! : undefined)
  const wantsExternal = targetAdapter !== undefined
  const wantsInternalOrPrivate = input.type === 'internal' || input.type === 'private'

  if (wantsExternal) {
    const adapter = bindableAdapter(lab, targetAdapter, sw)
    const current = sw.netAdapterName === null ? undefined : findByName(lab.host.adapters, sw.netAdapterName)
    if (current !== adapter) {
      // Rebinding: the old adapter gets its IP configuration back; sharing carries over,
      // as Set-VMSwitch -NetAdapterName keeps AllowManagementOS (default on, as Hyper-V).
      const sharing = input.allowManagementOS ?? (current ? sw.allowManagementOS : true)
      if (current && sw.allowManagementOS) unshareAdapter(lab, sw, current)
      const keep = managementVnic(lab, sw)
      sw.netAdapterName = adapter.name
      sw.allowManagementOS = sharing
      if (sharing) {
        if (keep && current) {
          // The same management vNIC now shares the new adapter: its MAC and IP configuration.
          keep.macAddress = adapter.macAddress
          keep.ipv4 = adapter.ipv4
          adapter.ipv4 = {...emptyIpv4(), dhcp: false}
        } else {
          shareAdapter(lab, sw, adapter)
        }
      } else if (keep) {
        removeHostVnic(lab, keep)
      }
      return sw
    }
  }
  if (wantsInternalOrPrivate) {
    if (sw.netAdapterName !== null) {
      const adapter = findByName(lab.host.adapters, sw.netAdapterName)!
      const vnic = sw.allowManagementOS ? unshareAdapter(lab, sw, adapter) : undefined
      sw.netAdapterName = null
      if (vnic) {
        // The vNIC stays as the Internal switch's host vNIC, with a pool MAC and a fresh config.
        vnic.ipv4 = emptyIpv4()
        vnic.macAddress = '000000000000'
        vnic.macAddress = allocateDynamicMac(lab, vnic.interfaceAlias)
      }
    }
    setSharing(lab, sw, input.type === 'internal')
    return sw
  }
  if (input.allowManagementOS !== undefined) setSharing(lab, sw, input.allowManagementOS)
  return sw
}

/** Turns management-OS sharing on or off on an Internal/Private or External switch. */
function setSharing(lab: Lab, sw: VMSwitch, on: boolean): void {
  if (sw.allowManagementOS === on) {
    if (on && !managementVnic(lab, sw)) addHostVnic(lab, sw, sw.name)
    return
  }
  sw.allowManagementOS = on
  const adapter = sw.netAdapterName === null ? undefined : findByName(lab.host.adapters, sw.netAdapterName)
  if (on) {
    if (adapter) shareAdapter(lab, sw, adapter)
    else addHostVnic(lab, sw, sw.name)
    return
  }
  const vnic = adapter ? unshareAdapter(lab, sw, adapter) : managementVnic(lab, sw)
  if (vnic) removeHostVnic(lab, vnic)
}

/** Rename-VMSwitch: the switch and its management vNIC object are renamed; the host alias is kept. */
export function renameSwitch(lab: Lab, name: string, newName: string): VMSwitch {
  const sw = findSwitch(lab, name)
  refuseDefaultSwitch(sw)
  checkNewName(lab, newName, sw)
  const vnic = managementVnic(lab, sw)
  if (vnic) vnic.name = newName
  sw.name = newName
  return sw
}

export interface RemoveSwitchResult {
  switch: VMSwitch
  removedVnics: string[]
  restoredAdapter: string | null
  /** VM adapters that were on the switch: they stay, not connected (Status Disconnected). */
  disconnectedAdapters: {vmName: string; name: string}[]
}

/** Remove-VMSwitch: removes its host vNICs and unbinds its adapter (the IP configuration goes back). */
export function removeSwitch(lab: Lab, name: string, force: boolean): RemoveSwitchResult {
  const sw = findSwitch(lab, name)
  refuseDefaultSwitch(sw)
  const vnics = vnicsOfSwitch(lab, sw.id)
  const own = managementVnic(lab, sw)
  const extra = vnics.filter((n) => n !== own)
  if (extra.length > 0 && !force) {
    throw new HvnetError('switch-in-use', `The switch "${sw.name}" carries ${extra.length} more host vNIC(s): ${extra.map((n) => `"${n.interfaceAlias}"`).join(', ')}.`, 'Add --force to remove the switch and them.')
  }
  const vmAdapters = lab.vms.flatMap((vm) => vm.networkAdapters.filter((a) => a.switchId === sw.id).map((adapter) => ({adapter, vm})))
  if (vmAdapters.length > 0 && !force) {
    const shown = vmAdapters.slice(0, 5).map(({adapter, vm}) => `"${vm.name}"/"${adapter.name}"`).join(', ')
    throw new HvnetError('switch-in-use', `The switch "${sw.name}" has ${vmAdapters.length} VM network adapter(s) connected: ${shown}${vmAdapters.length > 5 ? ', …' : ''}.`, 'Add --force to remove the switch and leave them not connected (as Remove-VMSwitch does), or connect them elsewhere first with `hvnet vm connect-nic`.')
  }
  for (const {adapter} of vmAdapters) adapter.switchId = null
  let restoredAdapter: string | null = null
  if (sw.netAdapterName !== null) {
    const adapter = findByName(lab.host.adapters, sw.netAdapterName)!
    if (sw.allowManagementOS) unshareAdapter(lab, sw, adapter)
    restoredAdapter = adapter.name
  }
  for (const vnic of vnics) removeHostVnic(lab, vnic)
  lab.switches = lab.switches.filter((s) => s !== sw)
  return {
    disconnectedAdapters: vmAdapters.map(({adapter, vm}) => ({name: adapter.name, vmName: vm.name})),
    removedVnics: vnics.map((n) => n.interfaceAlias),
    restoredAdapter,
    switch: sw,
  }
}

/**
 * Add-VMNetworkAdapter -ManagementOS: one more host vNIC `vEthernet (NAME)` on a switch, with a
 * pool MAC. It lives here, not in host.ts, because it needs the switch rules. The switch type
 * stays derived from its own management vNIC (DECISIONS 3), so a Private switch takes none: make
 * it Internal first. The Default Switch cannot be changed.
 */
export function addManagementOsAdapter(lab: Lab, switchName: string, name: string): HostVnic {
  const sw = findSwitch(lab, switchName)
  refuseDefaultSwitch(sw)
  const bad = checkObjectName('network adapter', name)
  if (bad) throw new HvnetError('invalid-name', bad, 'Give the host vNIC a name such as "SMB_1".')
  if (switchType(sw) === 'Private') {
    throw new HvnetError('rule-violation', `The switch "${sw.name}" is Private: the management OS has no port on it.`, `Make it Internal first (\`hvnet vswitch set "${sw.name}" --type internal\`), or use an Internal or External switch.`)
  }
  const alias = `vEthernet (${name})`
  const clash = lab.host.vnics.find((n) => sameName(n.interfaceAlias, alias) || sameName(n.name, name)) ?? lab.host.adapters.find((a) => sameName(a.name, alias))
  if (clash) {
    throw new HvnetError('duplicate-name', `The host already has a network adapter "${'interfaceAlias' in clash ? clash.interfaceAlias : clash.name}".`, 'Host vNIC names are unique on the host (each becomes "vEthernet (NAME)"); pick another name.')
  }
  return addHostVnic(lab, sw, name)
}

export function findManagementOsAdapter(lab: Lab, name: string): HostVnic {
  const vnic = lab.host.vnics.find((n) => sameName(n.name, name) || sameName(n.interfaceAlias, name))
  if (vnic) return vnic
  throw notFound(`No management-OS network adapter is found with name "${name}".`, name, 'host vNIC', lab.host.vnics.map((n) => n.name), 'hvnet host vnic list')
}

/**
 * Remove-VMNetworkAdapter -ManagementOS. A switch's own management vNIC goes with management OS
 * sharing (`vswitch set --allow-management-os=false`), not here.
 */
export function removeManagementOsAdapter(lab: Lab, name: string): HostVnic {
  const vnic = findManagementOsAdapter(lab, name)
  const sw = lab.switches.find((s) => s.id === vnic.switchId)!
  refuseDefaultSwitch(sw)
  if (managementVnic(lab, sw) === vnic) {
    throw new HvnetError('rule-violation', `"${vnic.interfaceAlias}" is the switch "${sw.name}"'s own management adapter.`, `Turn management OS sharing off instead: \`hvnet vswitch set "${sw.name}" --allow-management-os=false\`.`)
  }
  removeHostVnic(lab, vnic)
  return vnic
}

/** Get-VMNetworkAdapter -ManagementOS: every host vNIC with its switch. */
export function listManagementOsAdapters(lab: Lab): {name: string; interfaceAlias: string; switchName: string; macAddress: string; ifIndex: number; ownAdapterOfSwitch: boolean; vlanSetting: VlanSetting}[] {
  return lab.host.vnics.map((n) => {
    const sw = lab.switches.find((s) => s.id === n.switchId)!
    return {ifIndex: n.ifIndex, interfaceAlias: n.interfaceAlias, macAddress: n.macAddress, name: n.name, ownAdapterOfSwitch: managementVnic(lab, sw) === n, switchName: sw.name, vlanSetting: n.vlanSetting}
  })
}

/**
 * Picks the Default Switch's /20 inside 172.16.0.0/12: a seeded start among the 256 candidates,
 * then the first that overlaps none of the host's other networks nor a NAT's inside (reference §7,
 * DECISIONS 6).
 */
export function chooseIcsPrefix(lab: Lab): string {
  const base = (172 * 2 ** 24) + (16 * 2 ** 16)
  const start = seededInt(lab.seed, `ics:${lab.host.bootCount}`) % 256
  const defaultVnicAliases = new Set(lab.switches.filter((s) => s.isDefaultSwitch).flatMap((s) => vnicsOfSwitch(lab, s.id).map((n) => n.interfaceAlias)))
  const taken = [...hostPrefixes(lab).filter((h) => !defaultVnicAliases.has(h.holder)), ...natPrefixes(lab)]
  for (let i = 0; i < 256; i++) {
    const address = base + ((start + i) % 256) * 4096
    if (!taken.some((t) => prefixesOverlap({address, length: 20}, t.prefix))) return formatCidr(address, 20)
  }
  throw new HvnetError('rule-violation', 'Every /20 inside 172.16.0.0/12 overlaps a host network; the Default Switch has no subnet.', 'Move a host adapter off 172.16.0.0/12.')
}

/** The Default Switch vNIC's IPv4 configuration: the first address of the /20, set by ICS. */
export function icsVnicIpv4(prefix: string): Ipv4Config {
  const cidr = parseCidr(prefix)!
  return {addresses: [{ipAddress: formatIpv4(cidr.address + 1), prefixLength: cidr.length}], defaultGateway: null, dhcp: false, forwarding: false}
}

/** Creates the Default Switch (client Windows): Internal, ICS NAT and DHCP, vNIC at the /20's first address. */
export function addDefaultSwitch(lab: Lab): VMSwitch {
  const sw: VMSwitch = {
    allowManagementOS: true,
    icsPrefix: null,
    id: DEFAULT_SWITCH_ID,
    isDefaultSwitch: true,
    name: DEFAULT_SWITCH_NAME,
    netAdapterName: null,
    notes: '',
  }
  lab.switches.push(sw)
  sw.icsPrefix = chooseIcsPrefix(lab)
  addHostVnic(lab, sw, DEFAULT_SWITCH_NAME, {ipv4: icsVnicIpv4(sw.icsPrefix)})
  return sw
}

/**
 * The ICS DHCP allocator's lease. Microsoft documents none for the Default Switch; hvnet's choice is
 * one day, so a VM keeps its address across a working day and renews at half of it (RFC 2131 T1).
 */
export const ICS_DHCP_LEASE_SECONDS = 86_400

/** The Default Switch's layer 3, as the DHCP server and the ICS NAT of the engine run it. */
export interface DefaultSwitchLayer3 {
  prefix: string
  subnetMask: string
  /** `vEthernet (Default Switch)`'s address: the VMs' gateway and DNS server. */
  hostAddress: string
  hostInterfaceAlias: string
  dhcpScope: {
    startRange: string
    endRange: string
    subnetMask: string
    router: string
    dnsServers: string[]
    leaseDurationSeconds: number
  }
  /** Internet Connection Sharing's NAT: not a WinNAT object, so `nat list` does not show it. */
  icsNat: {
    internalPrefix: string
    /** The interface it translates to: the active physical network's; null when none is up. */
    externalInterfaceAlias: string | null
    externalIPAddress: string | null
  }
}

/**
 * The physical network ICS shares: the first Up adapter, wired before wireless, then by ifIndex.
 * Its address is on the adapter, or on the shared vNIC when an External switch is bound to it.
 */
function sharedConnection(lab: Lab): {interfaceAlias: string; ipAddress: string} | null {
  const up = lab.host.adapters.filter((a) => adapterStatus(a) === 'Up')
  up.sort((x, y) => (x.kind === y.kind ? x.ifIndex - y.ifIndex : x.kind === 'wired' ? -1 : 1))
  for (const adapter of up) {
    const sw = switchBoundTo(lab, adapter.name)
    if (sw && !sw.allowManagementOS) continue
    const holder = liveIpv4Holder(lab, adapter)
    const [first] = holder.ipv4.addresses
    if (first) return {interfaceAlias: 'interfaceAlias' in holder ? holder.interfaceAlias : adapter.name, ipAddress: first.ipAddress}
  }
  return null
}

export function defaultSwitchLayer3(lab: Lab, sw: VMSwitch): DefaultSwitchLayer3 | null {
  if (!sw.isDefaultSwitch || sw.icsPrefix === null) return null
  const cidr = parseCidr(sw.icsPrefix)!
  const mask = formatIpv4(prefixMask(cidr.length))
  const host = formatIpv4(cidr.address + 1)
  const vnic = vnicsOfSwitch(lab, sw.id)[0]
  const shared = sharedConnection(lab)
  return {
    dhcpScope: {
      dnsServers: [host],
      endRange: formatIpv4(broadcastOf(cidr.address, cidr.length) - 1),
      leaseDurationSeconds: ICS_DHCP_LEASE_SECONDS,
      router: host,
      startRange: formatIpv4(cidr.address + 2),
      subnetMask: mask,
    },
    hostAddress: host,
    hostInterfaceAlias: vnic?.interfaceAlias ?? `vEthernet (${sw.name})`,
    icsNat: {externalInterfaceAlias: shared?.interfaceAlias ?? null, externalIPAddress: shared?.ipAddress ?? null, internalPrefix: sw.icsPrefix},
    prefix: sw.icsPrefix,
    subnetMask: mask,
  }
}

export interface RestartResult {
  bootCount: number
  /** The Default Switch's subnet before and after (null without a Default Switch). */
  defaultSwitchPrefix: {after: string; before: string} | null
}

/** A simulated reboot: the Default Switch's /20 is chosen again, clear of every host and NAT prefix. */
export function restartHost(lab: Lab): RestartResult {
  lab.host.bootCount++
  const sw = lab.switches.find((s) => s.isDefaultSwitch)
  if (!sw || sw.icsPrefix === null) return {bootCount: lab.host.bootCount, defaultSwitchPrefix: null}
  const before = sw.icsPrefix
  sw.icsPrefix = chooseIcsPrefix(lab)
  for (const vnic of vnicsOfSwitch(lab, sw.id)) vnic.ipv4 = icsVnicIpv4(sw.icsPrefix)
  return {bootCount: lab.host.bootCount, defaultSwitchPrefix: {after: sw.icsPrefix, before}}
}

/** What `vswitch show` says about a switch, beyond its stored fields. */
export interface SwitchView {
  id: string
  name: string
  switchType: SwitchType
  netAdapterName: string | null
  netAdapterInterfaceDescription: string | null
  allowManagementOS: boolean
  notes: string
  isDefaultSwitch: boolean
  hostVnics: {name: string; interfaceAlias: string; macAddress: string; ifIndex: number; addresses: string[]}[]
  linkSpeed: string | null
  icsPrefix: string | null
  /** The Default Switch's DHCP scope and ICS NAT; null for every other switch. */
  layer3: DefaultSwitchLayer3 | null
  remarks: string[]
}

export function describeSwitch(lab: Lab, sw: VMSwitch): SwitchView {
  const adapter = sw.netAdapterName === null ? undefined : findByName(lab.host.adapters, sw.netAdapterName)
  const remarks: string[] = []
  const type = switchType(sw)
  if (sw.isDefaultSwitch) {
    remarks.push(`Default Switch: created by Hyper-V, it shares the host's connection through Internet Connection Sharing (an ICS NAT that \`nat list\` does not show) and hands out addresses in ${sw.icsPrefix} by DHCP, with the host vNIC as gateway and DNS server. It cannot be removed, renamed or changed; its subnet is re-chosen when the host restarts.`)
    const l3 = defaultSwitchLayer3(lab, sw)
    if (l3 && l3.icsNat.externalInterfaceAlias === null) {
      remarks.push('No physical network is up: Internet Connection Sharing has nothing to share, so VMs on the Default Switch get addresses but reach nothing beyond the host.')
    }
  }
  if (adapter?.kind === 'wireless') {
    remarks.push(`"${adapter.name}" is a wireless adapter. A Wi-Fi access point accepts frames only from the MAC of the station associated with it, so the switch cannot bridge VM frames as they are: Hyper-V rewrites the source MAC of VM frames to the adapter's own MAC (${adapter.macAddress}) on the way out and answers ARP for the VMs. Protocols that depend on the VM's own MAC (DHCP reservations, MAC-based filters upstream) see the host's MAC instead.`)
  }
  if (type === 'External' && !sw.allowManagementOS) {
    remarks.push(`Management OS sharing is off: the host has no IP interface on "${sw.netAdapterName}" any more; only VMs use it.`)
  }
  const own = managementVnic(lab, sw)
  if (own && !sameName(own.interfaceAlias, `vEthernet (${sw.name})`)) {
    remarks.push(`The switch was renamed: its host adapter keeps the name "${own.interfaceAlias}", as Windows keeps it.`)
  }
  return {
    allowManagementOS: sw.allowManagementOS,
    hostVnics: vnicsOfSwitch(lab, sw.id).map((n) => ({addresses: n.ipv4.addresses.map((e) => `${e.ipAddress}/${e.prefixLength}`), ifIndex: n.ifIndex, interfaceAlias: n.interfaceAlias, macAddress: n.macAddress, name: n.name})),
    icsPrefix: sw.icsPrefix,
    id: sw.id,
    isDefaultSwitch: sw.isDefaultSwitch,
    layer3: defaultSwitchLayer3(lab, sw),
    linkSpeed: adapter ? formatLinkSpeed(adapter.linkSpeedBps) : type === 'Private' ? null : formatLinkSpeed(VNIC_LINK_SPEED_BPS),
    name: sw.name,
    netAdapterInterfaceDescription: adapter?.interfaceDescription ?? null,
    netAdapterName: sw.netAdapterName,
    notes: sw.notes,
    remarks,
    switchType: type,
  }
}
