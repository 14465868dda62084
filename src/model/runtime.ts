// The runtime commands against a stored lab (`hvnet runtime show|advance|reset`), and the one way a
// command opens the lab's network with its saved state and saves it back:
//
//   openNetwork(lab, doc, file)  networkConfigOf(lab), the saved state checked (a state that does
//                                not hold together is `store-corrupt` naming the file, never a stack
//                                trace), the state a configuration change made wrong dropped
//                                (invalidatedSince, against the basis saved with it), buildNetwork;
//   runtimeDocumentOf(network)   the state to write, with the basis it was learned under.
//
// `runtime show` reads the network the next command would resume (what a configuration change made
// wrong is already gone); `runtime advance` moves its virtual clock and reports what expired.
import {buildNetwork} from '../engine/network.js'
import type {BuildOptions, Network} from '../engine/network.js'
import {NatCore} from '../engine/nat/index.js'
import {checkRuntimeState, invalidatedSince, runtimeBasisOf} from '../engine/runtime.js'
import type {RuntimeState} from '../engine/runtime.js'
import type {DhcpClient, DhcpClientState} from '../engine/ip/dhcp-client.js'
import type {DhcpServer} from '../engine/dhcp/server.js'
import type {IpStack} from '../engine/ip/stack.js'
import {formatIpv4, formatMac} from '../engine/wire/index.js'
import {HvnetError, engineWork} from './errors.js'
import {networkConfigOf} from './network-config.js'
import {corruptRuntime, readRuntime, runtimePathOf, transactRuntime} from './runtime-store.js'
import type {RuntimeDocument} from './runtime-store.js'
import type {Lab} from './schema.js'
import {readLab} from './store.js'

// ---------------------------------------------------------------------------------------------
// Durations

const UNIT_MS = {d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1} as const
type Unit = keyof typeof UNIT_MS
const UNIT_ORDER: readonly Unit[] = ['d', 'h', 'm', 's', 'ms']
/** The longest advance: a year of virtual time (a running DHCP client renews twice a day). */
export const MAX_ADVANCE_MS = 366 * UNIT_MS.d

const DURATION_FORMS = 'Give a number and a unit (d, h, m, s, ms), several from the largest unit down: 90s, 2h, 1d, 500ms, 1h30m, 1.5h.'

/** `90s`, `2h`, `1d`, `500ms`, `1h30m`, `1.5h` → milliseconds; `invalid-value` for anything else. */
export function parseDuration(text: string): number {
  const bad = (why: string): never => {
    throw new HvnetError('invalid-value', `"${text}" is not a duration${why}.`, DURATION_FORMS)
  }
  const t = text.trim().toLowerCase()
  if (t === '') bad('')
  const part = /(\d+(?:\.\d+)?|\.\d+)(ms|d|h|m|s)/y
  let total = 0
  let last = -1
  let at = 0
  while (at < t.length) {
    part.lastIndex = at
    const m = part.exec(t)
    if (m === null) bad(/^\d+(\.\d+)?$/.test(t) ? ' (it has no unit)' : '')
    const unit = m![2] as Unit
    const rank = UNIT_ORDER.indexOf(unit)
    if (rank <= last) bad(` (units go from the largest down, each once)`)
    last = rank
    total += Number(m![1]) * UNIT_MS[unit]
    at = part.lastIndex
  }
  if (total > MAX_ADVANCE_MS) throw new HvnetError('invalid-value', `"${text}" is longer than hvnet advances the virtual clock at once (366 days).`, 'Advance in steps of at most 366d.')
  return total
}

// ---------------------------------------------------------------------------------------------
// Opening and saving the network

/** A saved state that does not hold together: `store-corrupt` naming the file, which stays as it is. */
function doesNotHold(file: string, error: Error): HvnetError {
  return corruptRuntime(file, `does not hold together (${error.message})`)
}

/** The runtime document as the engine's state (null: none yet); `store-corrupt` when it does not hold together. */
export function runtimeStateOf(doc: RuntimeDocument | null, file: string): RuntimeState | null {
  if (doc === null) return null
  try {
    return checkRuntimeState(doc)
  } catch (error) {
    if (error instanceof TypeError) throw doesNotHold(file, error)
    throw error
  }
}

/**
 * The lab's network, its saved state restored, less what a configuration change made wrong since
 * the state was saved. `file` is the runtime file (named in errors); `options` as buildNetwork's
 * (a trace's recorder, the guests it boots).
 */
export function openNetwork(lab: Lab, doc: RuntimeDocument | null, file: string, options: BuildOptions = {recorder: null}): Network {
  const config = networkConfigOf(lab)
  const saved = runtimeStateOf(doc, file)
  try {
    const state = saved?.basis === undefined ? saved : invalidatedSince(saved, saved.basis, config)
    return engineWork(() => buildNetwork(config, state, options))
  } catch (error) {
    // Each component checks its part of the saved state as it takes it (a TypeError or a
    // RangeError naming the entry). Whether the state or the configuration is at fault: the same
    // configuration without the state.
    if (saved === null || !(error instanceof TypeError || error instanceof RangeError)) throw error
    engineWork(() => buildNetwork(config, null, {recorder: null}))
    throw doesNotHold(file, error)
  }
}

/** What to write to the runtime file: the network's state and the configuration it was learned under. */
export function runtimeDocumentOf(network: Network): RuntimeDocument {
  return {...network.exportState(), basis: runtimeBasisOf(network.config)}
}

// ---------------------------------------------------------------------------------------------
// What the network holds (`runtime show`)

/** A lease a DHCP server holds: the Default Switch's scope, or a LAN's server beyond a physical adapter. */
export interface ServerLeaseView {
  /** `Default Switch` (the switch's name) or `LAN Ethernet` (the physical adapter's). */
  scope: string
  scopeKind: 'vswitch' | 'lan'
  macAddress: string
  ipAddress: string
  /** `offered` (held for the client that was offered it) or `bound`. */
  state: 'offered' | 'bound'
  expiresAtMs: number
  expiresInS: number
}

/** An adapter's DHCP client: a VM adapter (`web/Network Adapter`) or a host interface. */
export interface ClientLeaseView {
  /** `web/Network Adapter` or `host Wi-Fi`. */
  owner: string
  kind: 'vm' | 'host'
  /** The VM (null for the host) and the adapter or interface alias. */
  vmName: string | null
  adapter: string
  /** The DHCP client state: `bound`, `renewing`, `rebinding`, `apipa`, `selecting`, `requesting`, `init`, `stopped`. */
  state: DhcpClientState
  /** The leased or APIPA address; null while looking for a server. */
  ipAddress: string | null
  prefixLength: number | null
  gateway: string | null
  dnsServers: string[]
  dhcpServer: string | null
  leaseSeconds: number | null
  /** Seconds until T1 (renewal), T2 (rebinding) and expiry; null without a lease, negative once past. */
  renewInS: number | null
  rebindInS: number | null
  expiresInS: number | null
}

export interface ArpEntryView {
  ipAddress: string
  macAddress: string
  expiresInS: number
}

export interface ArpCacheView {
  /** `web` (a VM) or `host`. */
  owner: string
  /** The adapter (`Network Adapter`) or the host interface alias (`vEthernet (NATSwitch)`). */
  interfaceAlias: string
  entries: ArpEntryView[]
}

export interface LearnedMacView {
  switchName: string
  macAddress: string
  /** The port's adapter key (`web/Network Adapter`). */
  port: string
  learnedAtMs: number
}

export interface PortSecurityView {
  adapter: string
  maxMacs: number
  /** In the order the upstream port admitted them (the host's own first). */
  macAddresses: string[]
}

export interface WifiBridgeView {
  adapter: string
  entries: {ipAddress: string; macAddress: string}[]
}

export interface NatSessionCountView {
  natName: string
  sessions: number
  tcp: number
  udp: number
  icmp: number
}

export interface RuntimeView {
  /** The runtime file. */
  file: string
  /** False: no runtime file yet (the network never ran): an empty state at time 0. */
  exists: boolean
  clockMs: number
  dhcpLeases: ServerLeaseView[]
  clientLeases: ClientLeaseView[]
  arpCaches: ArpCacheView[]
  learnedMacs: LearnedMacView[]
  portSecurity: PortSecurityView[]
  wifiBridges: WifiBridgeView[]
  natSessions: NatSessionCountView[]
}

const seconds = (ms: number): number => Math.round(ms) / 1000

function serverLeases(scope: string, scopeKind: ServerLeaseView['scopeKind'], server: DhcpServer, now: number): ServerLeaseView[] {
  return server.leases().map((l) => ({scope, scopeKind, macAddress: formatMac(l.mac), ipAddress: formatIpv4(l.address), state: l.state as 'offered' | 'bound', expiresAtMs: l.expiresAtMs, expiresInS: seconds(l.expiresAtMs - now)}))
}

function clientLease(owner: string, kind: 'vm' | 'host', vmName: string | null, adapter: string, client: DhcpClient, address: string | null, now: number): ClientLeaseView {
  const l = client.lease()
  const leased = l !== null && client.state !== 'apipa'
  return {
    owner,
    kind,
    vmName,
    adapter,
    state: client.state,
    ipAddress: leased ? formatIpv4(l.address) : client.state === 'apipa' ? address : null,
    prefixLength: leased ? l.prefixLength : client.state === 'apipa' ? 16 : null,
    gateway: leased && l.router !== null ? formatIpv4(l.router) : null,
    dnsServers: leased ? l.dns.map(formatIpv4) : [],
    dhcpServer: leased ? formatIpv4(l.server) : null,
    leaseSeconds: leased ? l.leaseSeconds : null,
    renewInS: leased ? seconds(l.t1Ms - now) : null,
    rebindInS: leased ? seconds(l.t2Ms - now) : null,
    expiresInS: leased ? seconds(l.expiresAtMs - now) : null,
  }
}

function arpCaches(owner: string, stack: IpStack, aliasOf: (alias: string) => string, now: number): ArpCacheView[] {
  const out: ArpCacheView[] = []
  for (const i of stack.interfaces) {
    const entries = i.arp.list(now).map((e) => ({ipAddress: formatIpv4(e.address), macAddress: formatMac(e.mac), expiresInS: seconds(e.expiresAtMs - now)}))
    if (entries.length > 0) out.push({owner, interfaceAlias: aliasOf(i.alias), entries})
  }
  return out
}

/** Everything `network` holds at its virtual clock, each part in the configuration's order. */
export function runtimeViewOf(network: Network, file: string): RuntimeView {
  const now = network.scheduler.now
  const config = network.config
  const dhcpLeases: ServerLeaseView[] = []
  for (const s of config.switches) {
    const server = network.dhcpServers.get(s.id)
    if (server !== undefined) dhcpLeases.push(...serverLeases(s.name, 'vswitch', server, now))
  }
  const clientLeases: ClientLeaseView[] = []
  const arp: ArpCacheView[] = []
  for (const vm of config.vms) {
    for (const a of vm.adapters) {
      const g = network.guest(a.key)
      if (g === null) continue
      const address = g.iface.addresses.length > 0 ? formatIpv4(g.iface.addresses[0].address) : null
      if (g.dhcp !== null) clientLeases.push(clientLease(a.key, 'vm', vm.name, a.name, g.dhcp, address, now))
      arp.push(...arpCaches(vm.name, g.stack, () => a.name, now))
    }
  }
  for (const [alias, c] of network.host.dhcpClients) {
    const i = network.host.interface(alias)
    const address = i.addresses.length > 0 ? formatIpv4(i.addresses[0].address) : null
    clientLeases.push(clientLease(`host ${alias}`, 'host', null, alias, c, address, now))
  }
  arp.push(...arpCaches('host', network.host.stack, (alias) => alias, now))
  const learnedMacs: LearnedMacView[] = []
  for (const s of config.switches) {
    for (const l of network.switches.get(s.id)?.learnedMacs() ?? []) learnedMacs.push({switchName: s.name, macAddress: formatMac(l.mac), port: l.portKey, learnedAtMs: l.learnedAtMs})
  }
  const portSecurity: PortSecurityView[] = []
  const wifiBridges: WifiBridgeView[] = []
  for (const p of config.physicalAdapters) {
    const link = network.link(p.name)
    if (link === null) continue
    if (link.lan?.dhcp != null) dhcpLeases.push(...serverLeases(`LAN ${p.name}`, 'lan', link.lan.dhcp, now))
    if (link.portSecurity !== null && p.portSecurityMaxMacs !== null) portSecurity.push({adapter: p.name, maxMacs: p.portSecurityMaxMacs, macAddresses: link.portSecurity.exportState()})
    if (link.bridge !== null) wifiBridges.push({adapter: p.name, entries: link.bridge.exportState().map((e) => ({ipAddress: e.ip, macAddress: e.mac}))})
  }
  const natSessions: NatSessionCountView[] = []
  if (network.nat instanceof NatCore) {
    const sessions = network.nat.sessions(now)
    for (const n of config.nats) {
      const mine = sessions.filter((s) => s.natName === n.name)
      const count = (protocol: number): number => mine.filter((s) => s.protocol === protocol).length
      natSessions.push({natName: n.name, sessions: mine.length, tcp: count(6), udp: count(17), icmp: count(1)})
    }
  }
  return {file, exists: true, clockMs: now, dhcpLeases, clientLeases, arpCaches: arp, learnedMacs, portSecurity, wifiBridges, natSessions}
}

/** `hvnet runtime show`: the state the next command resumes; an empty state at 0 when there is no file. */
export function showRuntime(labFile: string): RuntimeView {
  const file = runtimePathOf(labFile)
  const {lab} = readLab(labFile)
  const doc = readRuntime(labFile)
  if (doc === null) {
    const nats = networkConfigOf(lab).nats
    return {file, exists: false, clockMs: 0, dhcpLeases: [], clientLeases: [], arpCaches: [], learnedMacs: [], portSecurity: [], wifiBridges: [], natSessions: nats.map((n) => ({natName: n.name, sessions: 0, tcp: 0, udp: 0, icmp: 0}))}
  }
  return runtimeViewOf(openNetwork(lab, doc, file), file)
}

// ---------------------------------------------------------------------------------------------
// Advancing the clock (`runtime advance`)

export interface ExpiredNatSessionView {
  natName: string
  id: number
  protocol: number
  internalSourceAddress: string
  internalSourcePort: number
  externalDestinationAddress: string
  externalDestinationPort: number
}

export interface ExpiredArpEntryView {
  owner: string
  interfaceAlias: string
  ipAddress: string
  macAddress: string
}

export interface AdvanceView {
  file: string
  fromMs: number
  advancedMs: number
  clockMs: number
  /** What ran out meanwhile (a lease a client renewed did not). */
  expired: {
    dhcpLeases: ServerLeaseView[]
    clientLeases: ClientLeaseView[]
    natSessions: ExpiredNatSessionView[]
    arpEntries: ExpiredArpEntryView[]
  }
  /** Leases granted meanwhile (a VM that booted got its address). */
  granted: {
    dhcpLeases: ServerLeaseView[]
    clientLeases: ClientLeaseView[]
  }
}

/** The network's clock moves forward by `ms` (in several runs when the scheduler's loop guard stops one). */
function advanceBy(network: Network, ms: number): void {
  const target = network.scheduler.now + ms
  for (let runs = 0; network.scheduler.now < target; runs++) {
    if (runs === 1000) throw new Error(`runtime advance: the network did not reach ${target} ms (stopped at ${network.scheduler.now} ms)`)
    network.advance(target - network.scheduler.now)
  }
}

function natSessionsOf(network: Network): Map<string, ExpiredNatSessionView> {
  const out = new Map<string, ExpiredNatSessionView>()
  if (!(network.nat instanceof NatCore)) return out
  for (const s of network.nat.sessions(network.scheduler.now)) {
    out.set(`${s.natName}\n${s.id}`, {
      natName: s.natName,
      id: s.id,
      protocol: s.protocol,
      internalSourceAddress: formatIpv4(s.internalSourceAddress),
      internalSourcePort: s.internalSourcePort,
      externalDestinationAddress: formatIpv4(s.externalDestinationAddress),
      externalDestinationPort: s.externalDestinationPort,
    })
  }
  return out
}

function arpEntries(view: RuntimeView): Map<string, ExpiredArpEntryView> {
  const out = new Map<string, ExpiredArpEntryView>()
  for (const c of view.arpCaches) {
    for (const e of c.entries) out.set(`${c.owner}\n${c.interfaceAlias}\n${e.ipAddress}`, {owner: c.owner, interfaceAlias: c.interfaceAlias, ipAddress: e.ipAddress, macAddress: e.macAddress})
  }
  return out
}

const serverKey = (l: ServerLeaseView): string => `${l.scope}\n${l.macAddress}\n${l.ipAddress}`
const clientKey = (l: ClientLeaseView): string => `${l.owner}\n${l.ipAddress}`
const boundServer = (v: RuntimeView): ServerLeaseView[] => v.dhcpLeases.filter((l) => l.state === 'bound')
const boundClient = (v: RuntimeView): ClientLeaseView[] => v.clientLeases.filter((l) => l.ipAddress !== null && l.state !== 'apipa')

/** The items of `a` whose key is not in `b`. */
function missingFrom<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): T[] {
  const keys = new Set(b.map(key))
  return a.filter((x) => !keys.has(key(x)))
}

/** Runs `network` for `ms` of virtual time and says what expired and what was granted meanwhile. */
export function advanceNetwork(network: Network, ms: number, file: string): AdvanceView {
  const fromMs = network.scheduler.now
  const before = runtimeViewOf(network, file)
  const sessionsBefore = natSessionsOf(network)
  advanceBy(network, ms)
  const after = runtimeViewOf(network, file)
  const sessionsAfter = natSessionsOf(network)
  const arpAfter = arpEntries(after)
  return {
    file,
    fromMs,
    advancedMs: ms,
    clockMs: network.scheduler.now,
    expired: {
      dhcpLeases: missingFrom(boundServer(before), boundServer(after), serverKey),
      clientLeases: missingFrom(boundClient(before), boundClient(after), clientKey),
      natSessions: [...sessionsBefore].filter(([k]) => !sessionsAfter.has(k)).map(([, s]) => s),
      arpEntries: [...arpEntries(before)].filter(([k]) => !arpAfter.has(k)).map(([, e]) => e),
    },
    granted: {
      dhcpLeases: missingFrom(boundServer(after), boundServer(before), serverKey),
      clientLeases: missingFrom(boundClient(after), boundClient(before), clientKey),
    },
  }
}

/** `hvnet runtime advance DURATION`: under the lab's lock, the network runs `ms` and its state is saved. */
export async function advanceRuntime(labFile: string, ms: number): Promise<AdvanceView> {
  const file = runtimePathOf(labFile)
  const {result} = await transactRuntime(labFile, (lab, doc) => {
    const network = openNetwork(lab, doc, file)
    const view = advanceNetwork(network, ms, file)
    return {result: view, runtime: runtimeDocumentOf(network)}
  })
  return result
}
