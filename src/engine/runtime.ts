// The runtime state that outlives one command: what the network learned while frames moved, kept
// in `lab.runtime.json` beside the configuration (never inside it, so a lab kept in git stays
// clean). Plain JSON, MACs and addresses as text so the file reads well; every part is keyed by
// the configuration object it belongs to, so a restore skips what no longer exists.
//
//   clockMs         the virtual clock (leases and sessions expire against it)
//   host            the host stack: ARP caches by interface alias, DHCP client leases by alias
//   guests          each running VM adapter's stack (by adapter key): its ARP cache, its DHCP lease
//   dhcpServers     the Default Switch's and other scopes' leases, by switch id
//   learnedMacs     MACs learned behind ports with MAC address spoofing On, by switch id
//   physical        each physical adapter's link: port-security MACs, the Wi-Fi bridge's IP -> VM
//                   MAC table, the LAN's DHCP leases; by adapter name
//   nat             the NAT core's sessions (its own JSON form), null when none
//
// `invalidatedBy(state, before, after)` drops exactly the state a configuration change made wrong:
// a VM adapter whose MAC or switch changed (or that is gone) loses its guest state (ARP cache, DHCP
// lease) and the MACs learned behind its port, and every cache entry elsewhere that pointed at its
// old MAC; a removed switch loses its learned MACs and its scope; a physical adapter whose network
// changed loses its link state. Everything else is kept.
import type {NetworkConfig, PhysicalAdapterConfig, VmAdapterConfig} from './config.js'
import {formatMac} from './wire/mac.js'

export const RUNTIME_SCHEMA_VERSION = 1

export interface ArpEntryState {
  readonly address: string
  readonly mac: string
  readonly expiresAtMs: number
}

/** An IpStack's ARP caches, by interface alias. */
export type StackArpState = Readonly<Record<string, {readonly entries: readonly ArpEntryState[]}>>

export interface LearnedMacState {
  readonly mac: string
  readonly portKey: string
  readonly learnedAtMs: number
}

export interface PhysicalState {
  readonly portSecurityMacs: readonly string[]
  readonly wifiBridge: readonly {readonly ip: string; readonly mac: string}[]
  readonly dhcpServer: unknown
}

/** A guest stack's saved state (GuestSavedState of src/engine/ip/guest.ts). */
export interface GuestState {
  readonly arp: StackArpState
  /** The DHCP client's lease (its own JSON form), null for a static address. */
  readonly dhcp: unknown
}

/** The host stack's saved state (HostSavedState of src/engine/ip/host.ts). */
export interface HostState {
  readonly arp: StackArpState
  /** DHCP client leases by interface alias. */
  readonly dhcp: Readonly<Record<string, unknown>>
}

export interface RuntimeState {
  readonly schemaVersion: typeof RUNTIME_SCHEMA_VERSION
  readonly clockMs: number
  readonly host: HostState
  readonly guests: Readonly<Record<string, GuestState>>
  readonly dhcpServers: Readonly<Record<string, unknown>>
  readonly learnedMacs: Readonly<Record<string, readonly LearnedMacState[]>>
  readonly physical: Readonly<Record<string, PhysicalState>>
  readonly nat: unknown
}

export function emptyRuntimeState(clockMs = 0): RuntimeState {
  return {schemaVersion: RUNTIME_SCHEMA_VERSION, clockMs, host: {arp: {}, dhcp: {}}, guests: {}, dhcpServers: {}, learnedMacs: {}, physical: {}, nat: null}
}

/**
 * Checks the outer shape of a parsed runtime file (the parts check their own entries on restore).
 * Throws a TypeError naming what is wrong.
 */
export function checkRuntimeState(x: unknown): RuntimeState {
  const o = x as Record<string, unknown> | null
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new TypeError('runtime state: expected a JSON object')
  if (o.schemaVersion !== RUNTIME_SCHEMA_VERSION) throw new TypeError(`runtime state: schemaVersion ${JSON.stringify(o.schemaVersion)} is not ${RUNTIME_SCHEMA_VERSION}`)
  if (typeof o.clockMs !== 'number' || !Number.isFinite(o.clockMs) || o.clockMs < 0) throw new TypeError(`runtime state: clockMs ${JSON.stringify(o.clockMs)} is not a time >= 0`)
  const host = o.host as Record<string, unknown> | null
  if (!isRecord(host) || !isRecord(host.arp) || !isRecord(host.dhcp)) throw new TypeError('runtime state: host must be {arp: {...}, dhcp: {...}}')
  for (const k of ['guests', 'dhcpServers', 'learnedMacs', 'physical'] as const) if (!isRecord(o[k])) throw new TypeError(`runtime state: ${k} must be an object`)
  for (const [key, g] of Object.entries(o.guests as Record<string, unknown>)) {
    if (!isRecord(g) || !isRecord(g.arp)) throw new TypeError(`runtime state: guest ${key} must be {arp: {...}, dhcp}`)
  }
  for (const [id, list] of Object.entries(o.learnedMacs as Record<string, unknown>)) {
    if (!Array.isArray(list)) throw new TypeError(`runtime state: learnedMacs of switch ${id} must be a list`)
  }
  for (const [name, p] of Object.entries(o.physical as Record<string, unknown>)) {
    const s = p as Record<string, unknown> | null
    if (!isRecord(s) || !Array.isArray(s.portSecurityMacs) || !Array.isArray(s.wifiBridge)) throw new TypeError(`runtime state: physical ${name} must be {portSecurityMacs: [...], wifiBridge: [...], dhcpServer}`)
  }
  return {...(o as unknown as RuntimeState), nat: o.nat ?? null}
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x)
}

/** The state `state` keeps once the configuration changed from `before` to `after`. */
export function invalidatedBy(state: RuntimeState, before: NetworkConfig, after: NetworkConfig): RuntimeState {
  const oldAdapters = adaptersByKey(before)
  const newAdapters = adaptersByKey(after)
  /** Adapter keys whose state is void, and the MACs (as text) nobody should point at any more. */
  const voidKeys = new Set<string>()
  const voidMacs = new Set<string>()
  for (const [key, was] of oldAdapters) {
    const now = newAdapters.get(key)
    if (now === undefined || now.macAddress !== was.macAddress || now.switchId !== was.switchId) {
      voidKeys.add(key)
      if (was.macAddress !== 0 && !stillUsed(after, was.macAddress)) voidMacs.add(formatMac(was.macAddress))
    }
  }
  const switchIds = new Set(after.switches.map((s) => s.id))
  const physicalAfter = new Map(after.physicalAdapters.map((p) => [p.name.toLowerCase(), p]))
  const physicalBefore = new Map(before.physicalAdapters.map((p) => [p.name.toLowerCase(), p]))

  const dropMacs = (s: StackArpState): StackArpState => mapValues(s, (c) => ({entries: c.entries.filter((e) => !voidMacs.has(e.mac))}))
  const guests: Record<string, GuestState> = {}
  for (const [key, g] of Object.entries(state.guests)) if (!voidKeys.has(key)) guests[key] = {...g, arp: dropMacs(g.arp)}
  const learnedMacs: Record<string, LearnedMacState[]> = {}
  for (const [id, list] of Object.entries(state.learnedMacs)) {
    if (switchIds.has(id)) learnedMacs[id] = list.filter((e) => !voidKeys.has(e.portKey))
  }
  const dhcpServers: Record<string, unknown> = {}
  for (const [id, s] of Object.entries(state.dhcpServers)) if (switchIds.has(id)) dhcpServers[id] = s
  const physical: Record<string, PhysicalState> = {}
  for (const [name, s] of Object.entries(state.physical)) {
    const was = physicalBefore.get(name.toLowerCase())
    const now = physicalAfter.get(name.toLowerCase())
    if (now === undefined || was === undefined || !sameNetwork(was, now)) continue
    physical[name] = {
      ...s,
      wifiBridge: now.kind === 'wireless' && now.boundSwitchId !== null ? s.wifiBridge.filter((e) => !voidMacs.has(e.mac)) : [],
    }
  }
  return {...state, host: {...state.host, arp: dropMacs(state.host.arp)}, guests, learnedMacs, dhcpServers, physical}
}

function adaptersByKey(c: NetworkConfig): Map<string, VmAdapterConfig> {
  const m = new Map<string, VmAdapterConfig>()
  for (const vm of c.vms) for (const a of vm.adapters) m.set(a.key, a)
  return m
}

function stillUsed(c: NetworkConfig, mac: number): boolean {
  for (const vm of c.vms) for (const a of vm.adapters) if (a.macAddress === mac) return true
  return c.hostInterfaces.some((i) => i.macAddress === mac)
}

function sameNetwork(a: PhysicalAdapterConfig, b: PhysicalAdapterConfig): boolean {
  const x = a.network
  const y = b.network
  if (x === null || y === null) return x === y
  return a.macAddress === b.macAddress && x.prefix.address === y.prefix.address && x.prefix.length === y.prefix.length && x.gateway === y.gateway && x.dhcp === y.dhcp
}

function mapValues<V, W>(r: Readonly<Record<string, V>>, f: (v: V) => W): Record<string, W> {
  const out: Record<string, W> = {}
  for (const [k, v] of Object.entries(r)) out[k] = f(v)
  return out
}
