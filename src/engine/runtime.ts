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
//   basis           what the state was learned under (optional; see RuntimeBasis)
//
// `invalidatedBy(state, before, after)` drops exactly the state a configuration change made wrong:
// a VM adapter whose MAC or switch changed (or that is gone) loses its guest state (ARP cache, DHCP
// lease) and the MACs learned behind its port, and every cache entry elsewhere that pointed at its
// old MAC; a removed switch loses its learned MACs and its scope; a physical adapter whose network
// changed loses its link state. Everything else is kept. A command that has no `before` at hand
// saves `runtimeBasisOf(config)` with the state and calls `invalidatedSince(state, basis, after)`
// on the next load: the basis holds just what invalidatedBy compares.
import {adapterIndexOf} from './adapters.js'
import type {NetworkConfig, PhysicalAdapterConfig} from './config.js'
import {formatIpv4} from './wire/ipv4-address.js'
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

/** A physical adapter's network as the basis records it (addresses as text). */
export interface NetworkBasis {
  readonly prefix: string
  readonly gateway: string
  readonly dhcp: boolean
}

/**
 * What a runtime state was learned under: each VM adapter's MAC and switch (by adapter key), each
 * physical adapter's MAC and network (by name). MACs as text (`00155D010203`).
 */
export interface RuntimeBasis {
  readonly adapters: Readonly<Record<string, {readonly mac: string; readonly switchId: string | null}>>
  readonly physical: Readonly<Record<string, {readonly mac: string; readonly network: NetworkBasis | null}>>
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
  /** The configuration the state was learned under; absent in a state saved without one. */
  readonly basis?: RuntimeBasis
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
  if (o.basis !== undefined) checkBasis(o.basis)
  return {...(o as unknown as RuntimeState), nat: o.nat ?? null}
}

function checkBasis(b: unknown): void {
  const x = b as Record<string, unknown> | null
  if (!isRecord(x) || !isRecord(x.adapters) || !isRecord(x.physical)) throw new TypeError('runtime state: basis must be {adapters: {...}, physical: {...}}')
  for (const [key, a] of Object.entries(x.adapters)) {
    const e = a as Record<string, unknown> | null
    if (!isRecord(e) || typeof e.mac !== 'string' || (e.switchId !== null && typeof e.switchId !== 'string')) throw new TypeError(`runtime state: basis of adapter ${key} must be {mac, switchId}`)
  }
  for (const [name, p] of Object.entries(x.physical)) {
    const e = p as Record<string, unknown> | null
    const n = e?.network as Record<string, unknown> | null | undefined
    const networkOk = n === null || (isRecord(n) && typeof n.prefix === 'string' && typeof n.gateway === 'string' && typeof n.dhcp === 'boolean')
    if (!isRecord(e) || typeof e.mac !== 'string' || !networkOk) throw new TypeError(`runtime state: basis of physical adapter ${name} must be {mac, network}`)
  }
}

/** The basis to save with a state learned under `config`. */
export function runtimeBasisOf(config: NetworkConfig): RuntimeBasis {
  const adapters: Record<string, {mac: string; switchId: string | null}> = {}
  const index = adapterIndexOf(config)
  for (let i = 0; i < index.count; i++) adapters[index.key(i)] = {mac: formatMac(index.macAddress(i)), switchId: index.switchId(i)}
  const physical: Record<string, {mac: string; network: NetworkBasis | null}> = {}
  for (const p of config.physicalAdapters) physical[p.name] = {mac: formatMac(p.macAddress), network: networkBasisOf(p)}
  return {adapters, physical}
}

function networkBasisOf(p: PhysicalAdapterConfig): NetworkBasis | null {
  const n = p.network
  return n === null ? null : {prefix: `${formatIpv4(n.prefix.address)}/${n.prefix.length}`, gateway: formatIpv4(n.gateway), dhcp: n.dhcp}
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x)
}

/** The state `state` keeps once the configuration changed from `before` to `after`. */
export function invalidatedBy(state: RuntimeState, before: NetworkConfig, after: NetworkConfig): RuntimeState {
  return invalidatedSince(state, runtimeBasisOf(before), after)
}

/** The state `state`, learned under `basis`, keeps under the configuration `after`. */
export function invalidatedSince(state: RuntimeState, basis: RuntimeBasis, after: NetworkConfig): RuntimeState {
  const index = adapterIndexOf(after)
  const usedMacs = new Set<string>()
  for (let i = 0; i < index.count; i++) usedMacs.add(formatMac(index.macAddress(i)))
  for (const i of after.hostInterfaces) usedMacs.add(formatMac(i.macAddress))
  /** Adapter keys whose state is void, and the MACs (as text) nobody should point at any more. */
  const voidKeys = new Set<string>()
  const voidMacs = new Set<string>()
  for (const [key, was] of Object.entries(basis.adapters)) {
    const i = index.find(key)
    if (i < 0 || formatMac(index.macAddress(i)) !== was.mac || index.switchId(i) !== was.switchId) {
      voidKeys.add(key)
      if (was.mac !== NO_MAC && !usedMacs.has(was.mac)) voidMacs.add(was.mac)
    }
  }
  const switchIds = new Set(after.switches.map((s) => s.id))
  const physicalAfter = new Map(after.physicalAdapters.map((p) => [p.name.toLowerCase(), p]))
  const physicalBefore = new Map(Object.entries(basis.physical).map(([name, p]) => [name.toLowerCase(), p]))

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

const NO_MAC = formatMac(0)

function sameNetwork(was: RuntimeBasis['physical'][string], now: PhysicalAdapterConfig): boolean {
  const x = was.network
  const y = networkBasisOf(now)
  if (x === null || y === null) return x === y
  return was.mac === formatMac(now.macAddress) && x.prefix === y.prefix && x.gateway === y.gateway && x.dhcp === y.dhcp
}

function mapValues<V, W>(r: Readonly<Record<string, V>>, f: (v: V) => W): Record<string, W> {
  const out: Record<string, W> = {}
  for (const [k, v] of Object.entries(r)) out[k] = f(v)
  return out
}
