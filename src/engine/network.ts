// buildNetwork: from a configuration snapshot (./config.ts) and the runtime state of the previous
// command (./runtime.ts), the running network in memory:
//
//   - one VSwitch per switch, with a port per VM adapter connected to it (a stopped VM's port is
//     'vm-off'), a port per host vNIC on it, and for an External switch one external port wired to
//     the bound adapter's PhysicalLink;
//   - a guest IP stack per adapter of a running VM, its interface behind the adapter's port;
//   - the host IP stack with one interface per host interface: `vEthernet (...)` behind its switch
//     port, and each physical adapter not bound to a switch wired straight to its PhysicalLink;
//   - one PhysicalLink (and the LAN beyond it) per physical adapter;
//   - the DHCP scopes (the Default Switch's) served from the host's vNIC on their switch, with
//     ICS's DNS proxy there answering from the internet's resolver;
//   - the NAT core for the NAT objects (WinNAT, the Default Switch's ICS) in the host stack;
//   - one Scheduler, starting at the state's clock.
//
// With `boot: 'all'` (the default: `runtime advance`, `runtime show`) everything is built at once, in
// time proportional to the configuration. With `boot: 'none'` (a trace) the VM adapters are built on
// demand, so a trace costs what its path costs: every switch holds the adapters as one run of dormant
// ports (src/engine/switch/vswitch.ts), read through the snapshot's AdapterIndex (nothing converted,
// nothing allocated per VM). A port wakes when a frame must reach it, a flood must judge it (a port
// that is not plain: ACLs, guards, a trunk …) or the caller asks for it (`vmPort`); its guest stack
// is built when a frame reaches it (DormantGuest) or the caller asks (`guest`). A flooded copy that a
// fresh stack would discard outright (an ARP request for another address: its ARP cache is empty, so
// RFC 826's merge learns nothing) is counted as that stack would count it and skipped. Such a guest is
// unbooted, so nothing of it would be saved; adapters with saved state are built at once and resume
// it. The network thus shows, counts and saves what it would had it built every stack (`buildAll`
// builds them all; src/engine/lazy.test.ts compares the two).
//
// Runtime state is gathered from the components (`exportState`) and restored into them at build
// time; parts whose owner no longer exists are skipped. A configuration that cannot run (an adapter
// pointing at a missing switch, a DHCP scope without a host vNIC) is an EngineInputError naming the
// object; built on demand, a VM adapter is checked when it is built.
import {adapterIndexOf} from './adapters.js'
import {Scheduler} from './clock.js'
import type {AdapterIndex, HostInterfaceConfig, NetworkConfig, SwitchConfig, VmAdapterConfig} from './config.js'
import {DhcpServer} from './dhcp/server.js'
import {GuestStack} from './ip/guest.js'
import type {GuestSavedState} from './ip/guest.js'
import {HostStack} from './ip/host.js'
import {floodedArpRequestTarget} from './ip/stack.js'
import type {HostSavedState} from './ip/host.js'
import type {StackInterface} from './ip/stack.js'
import {resolveA} from './lan/internet.js'
import {PhysicalLink} from './lan/link.js'
import {NatCore} from './nat/index.js'
import type {NatHook} from './nat-hook.js'
import {DROP_REASONS, DropCounters} from './observe.js'
import type {DropReason, FrameSink, Recorder} from './observe.js'
import {RUNTIME_SCHEMA_VERSION} from './runtime.js'
import type {GuestState, LearnedMacState, PhysicalState, RuntimeState} from './runtime.js'
import {VSwitch} from './switch/vswitch.js'
import type {DormantPorts, PortSpec, SwitchPort} from './switch/vswitch.js'
import {EngineInputError} from './errors.js'
import {WireError, cidrContains, formatMac, parseMac} from './wire/index.js'
import type {Ipv4Address} from './wire/index.js'

/** A NAT hook that keeps sessions across commands (src/engine/nat's NatCore is one). */
export type StatefulNat = NatHook & {exportState?(): unknown; importState?(state: unknown): void}

export interface BuildOptions {
  readonly recorder: Recorder | null
  /**
   * The NAT plugged into the host stack. Absent: a NatCore for the configuration's NAT objects (WinNAT
   * and the Default Switch's ICS), none when there are none; null: no NAT; or a hook of the caller's.
   * Its sessions are saved and restored with the runtime state when it has exportState/importState.
   */
  readonly nat?: StatefulNat | null
  /**
   * Whether running VM adapters without saved state boot now (their DHCP client starts): `all`,
   * the default, or `none`: they stay unbooted until `bootGuest` (a trace boots only the guests its
   * flow needs) and their state is not exported, so the next command boots them afresh. With `none`
   * the stacks and ports of such adapters are built on demand (see the file's header).
   */
  readonly boot?: 'all' | 'none'
  /**
   * With `boot: 'none'`: build every stack and port at once rather than on demand. What the network
   * does and saves is the same either way (tests compare the two); only the cost differs.
   */
  readonly buildAll?: boolean
}

export class Network implements DormantPorts {
  readonly scheduler: Scheduler
  /** By switch id. */
  readonly switches = new Map<string, VSwitch>()
  /** The guest stacks of running VMs' adapters built so far, by adapter key (`web/Network Adapter`); `guest(key)` builds one. */
  readonly guests = new Map<string, GuestStack>()
  /** The VM adapters' ports built so far (running or 'vm-off'), by adapter key; `vmPort(key)` builds one. */
  readonly vmPorts = new Map<string, SwitchPort>()
  readonly adapters: AdapterIndex
  /** The drops of stacks not built yet: the flooded copies they would have discarded. */
  private readonly dormantDrops = new DropCounters()
  /** When `lazy`: the guest stacks built so far, by adapter index. */
  private readonly guestAt = new Map<number, GuestStack>()
  readonly host: HostStack
  /** By physical adapter name, lower-cased. */
  readonly links = new Map<string, PhysicalLink>()
  /** The switches' DHCP scopes (the Default Switch's), by switch id. */
  readonly dhcpServers = new Map<string, DhcpServer>()
  readonly nat: StatefulNat | null
  /** The NAT state restored but not taken by a NAT (none plugged in): kept for the next command. */
  private natPassThrough: unknown = null
  /** Guests with no saved state that have not booted (BuildOptions.boot). */
  private readonly unbooted = new Set<string>()
  readonly boot: 'all' | 'none'
  /** Stacks and ports are built on demand (boot 'none', not buildAll). */
  readonly lazy: boolean

  /** @internal Use buildNetwork. */
  constructor(
    readonly config: NetworkConfig,
    options: BuildOptions,
    clockMs: number,
  ) {
    this.scheduler = new Scheduler(clockMs)
    this.nat = options.nat !== undefined ? options.nat : config.nats.length > 0 ? new NatCore(config.nats) : null
    this.host = new HostStack(config.hostInterfaces, this.scheduler, {nat: this.nat})
    this.host.stack.rec = options.recorder
    this.boot = options.boot ?? 'all'
    this.lazy = this.boot === 'none' && options.buildAll !== true
    this.adapters = adapterIndexOf(config)
  }

  link(name: string): PhysicalLink | null {
    return this.links.get(name.toLowerCase()) ?? null
  }

  /** The guest stack of a running VM's adapter (built now if it was not), or null. */
  guest(key: string): GuestStack | null {
    const g = this.guests.get(key)
    if (g !== undefined || !this.lazy) return g ?? null
    const i = this.adapters.find(key)
    return i < 0 || !this.adapters.running(i) ? null : this.guestOf(i)
  }

  /** A VM adapter's switch port (built now if it was not), or null when it is not connected. */
  vmPort(key: string): SwitchPort | null {
    const p = this.vmPorts.get(key)
    if (p !== undefined || !this.lazy) return p ?? null
    const i = this.adapters.find(key)
    return i < 0 ? null : this.portOf(i)
  }

  /** Whether a running VM adapter holds `address` now (a stack not built yet holds its static address). */
  guestHolds(address: Ipv4Address): boolean {
    for (const g of this.guests.values()) if (g.iface.hasAddress(address)) return true
    if (!this.lazy) return false
    const a = this.adapters
    for (let i = 0; i < a.count; i++) if (!this.guestAt.has(i) && a.running(i) && a.hasStaticAddress(i, address)) return true
    return false
  }

  /** Whether adapter `i` is running, and holds `address` now (see guestHolds). */
  adapterHolds(i: number, address: Ipv4Address): boolean {
    if (!this.adapters.running(i)) return false
    if (!this.lazy) return this.guests.get(this.adapters.key(i))?.iface.hasAddress(address) ?? false
    const g = this.guestAt.get(i)
    return g === undefined ? this.adapters.hasStaticAddress(i, address) : g.iface.hasAddress(address)
  }

  /** How many guest stacks are built (a trace builds those its flow reaches). */
  get builtGuests(): number {
    return this.guests.size
  }

  /** @internal The guest stack of running adapter `i` (lazy), built with its port if it was not. */
  guestOf(i: number): GuestStack {
    const g = this.guestAt.get(i)
    if (g !== undefined) return g
    const port = this.portOf(i)
    const a = this.adapters.adapter(i)
    if (a.macAddress === 0) throw noMac(a)
    const guest = new GuestStack(this.adapters.vm(i), a, this.scheduler)
    guest.stack.rec = this.host.stack.rec
    guest.iface.sink = port
    this.guests.set(a.key, guest)
    this.guestAt.set(i, guest)
    this.unbooted.add(a.key)
    return guest
  }

  /** The switch port of adapter `i` (lazy), woken if it sleeps; null when it is not connected. */
  private portOf(i: number): SwitchPort | null {
    const switchId = this.adapters.switchId(i)
    if (switchId === null) return null
    const sw = this.switches.get(switchId)
    if (sw === undefined) throw missingSwitch(this.adapters.adapter(i), switchId)
    return sw.wakeDormant(this, i)
  }

  /**
   * @internal FrameSink.discardsFlooded of adapter `i`'s stack not built yet (nothing learned; its
   * static address, or none: it is unbooted): a flooded ARP request for another address, counted as
   * that stack would count it (IpStack.discardsFlooded with an empty ARP cache).
   */
  freshDiscards(i: number, frame: Uint8Array): boolean {
    const target = floodedArpRequestTarget(frame)
    if (target < 0 || !this.ignores(i, target)) return false
    this.dormantDrops.count('not-for-me')
    return true
  }

  // DormantPorts: the switches' dormant ports are VM adapters, by their index in `adapters`.

  /** @internal */
  sleepVid(i: number, switchId: string): number {
    return this.adapters.vidOn(i, switchId)
  }

  /** @internal */
  isOn(i: number, switchId: string): boolean {
    return this.adapters.switchId(i) === switchId
  }

  /** @internal */
  key(i: number): string {
    return this.adapters.key(i)
  }

  /** @internal */
  hasMacAddress(i: number, mac: number): boolean {
    return this.adapters.hasMacAddress(i, mac)
  }

  /**
   * @internal A running adapter's fresh stack (nothing learned, its static address or none: it is
   * unbooted) discards a flooded ARP request outright unless it asks for that address
   * (IpStack.discardsFlooded with an empty ARP cache).
   */
  floodedTarget(frame: Uint8Array): number {
    return floodedArpRequestTarget(frame)
  }

  /** @internal */
  ignores(i: number, target: number): boolean {
    return target === 0 || !this.adapters.hasStaticAddress(i, target)
  }

  /** @internal */
  discarded(n: number): void {
    this.dormantDrops.count('not-for-me', n)
  }

  /** @internal The port's endpoint is its guest stack, built when a frame reaches it (DormantGuest). */
  wake(i: number): PortSpec {
    const a = this.adapters.adapter(i)
    const running = this.adapters.running(i)
    return {key: a.key, kind: 'vm', macAddress: a.macAddress, features: a.features, place: {kind: 'vm', name: a.key}, sink: running ? new DormantGuest(this, i) : VM_OFF, state: running ? 'up' : 'vm-off'}
  }

  /** @internal */
  woke(_i: number, port: SwitchPort): void {
    this.vmPorts.set(port.key, port)
  }

  /** @internal Adapter `i`'s guest stack if it is built. */
  builtGuest(i: number): GuestStack | null {
    return this.guestAt.get(i) ?? null
  }

  /** Everything the network learned, as lab.runtime.json holds it. */
  exportState(): RuntimeState {
    const guests: Record<string, GuestState> = {}
    // An unbooted guest's state is not saved (its DHCP client never started: a later command boots
    // it afresh), unless booting would start nothing and it learned something (GuestStack.learnedUnbooted).
    for (const [key, g] of sorted(this.guests)) if (!this.unbooted.has(key) || g.learnedUnbooted) guests[key] = g.exportState()
    const dhcpServers: Record<string, unknown> = {}
    for (const [id, s] of sorted(this.dhcpServers)) dhcpServers[id] = s.exportState()
    const learnedMacs: Record<string, LearnedMacState[]> = {}
    for (const [id, sw] of sorted(this.switches)) {
      const list = sw.learnedMacs()
      if (list.length > 0) learnedMacs[id] = list.map((l) => ({mac: formatMac(l.mac), portKey: l.portKey, learnedAtMs: l.learnedAtMs}))
    }
    const physical: Record<string, PhysicalState> = {}
    for (const link of [...this.links.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) physical[link.name] = link.exportState()
    return {
      schemaVersion: RUNTIME_SCHEMA_VERSION,
      clockMs: this.scheduler.now,
      host: this.host.exportState(),
      guests,
      dhcpServers,
      learnedMacs,
      physical,
      nat: this.nat?.exportState !== undefined ? this.nat.exportState() : this.natPassThrough,
    }
  }

  /** Every component's drop counters summed, non-zero ones in DROP_REASONS order (`trace --json`). */
  drops(): Partial<Record<DropReason, number>> {
    const all: DropCounters[] = [this.host.stack.drops, this.dormantDrops]
    for (const sw of this.switches.values()) all.push(sw.drops)
    for (const g of this.guests.values()) all.push(g.stack.drops)
    for (const l of this.links.values()) {
      all.push(l.drops)
      if (l.lan?.dhcp != null) all.push(l.lan.dhcp.drops)
    }
    for (const d of this.dhcpServers.values()) all.push(d.drops)
    if (this.nat instanceof NatCore) all.push(this.nat.drops)
    const out: Partial<Record<DropReason, number>> = {}
    for (const r of DROP_REASONS) {
      let n = 0
      for (const c of all) n += c.get(r)
      if (n > 0) out[r] = n
    }
    return out
  }

  /** Moves the virtual clock `ms` forward, running what falls due (`runtime advance 2h`), then expires NAT sessions. */
  advance(ms: number): void {
    this.scheduler.advance(ms)
    this.nat?.tick(this.scheduler.now)
  }

  /** Whether the guest `key` has booted (or resumed saved state); false for one kept unbooted. */
  booted(key: string): boolean {
    return this.guests.has(key) && !this.unbooted.has(key)
  }

  /** Boots a guest kept unbooted (BuildOptions.boot): its DHCP client starts now. */
  bootGuest(key: string): void {
    const g = this.guest(key)
    if (!this.unbooted.delete(key)) return
    g?.start()
  }

  /**
   * @internal The stacks come up: with saved state they resume it (leases, ARP caches), without it
   * DHCP clients start, as when a VM boots.
   */
  start(s: RuntimeState | null): void {
    if (s === null) this.host.start()
    else this.host.importState(s.host as HostSavedState)
    for (const [key, g] of this.guests) {
      const saved = s?.guests[key]
      if (saved !== undefined) {
        this.unbooted.delete(key)
        g.importState(saved as GuestSavedState)
      }
      else if (this.boot === 'all') g.start()
      else this.unbooted.add(key)
    }
    if (s !== null) this.importState(s)
  }

  private importState(s: RuntimeState): void {
    for (const [id, d] of Object.entries(s.dhcpServers)) this.dhcpServers.get(id)?.importState(d)
    for (const [id, list] of Object.entries(s.learnedMacs)) {
      const sw = this.switches.get(id)
      if (sw === undefined) continue
      sw.importLearnedMacs(
        list.map((e, i) => {
          const mac = parseMac(String(e?.mac))
          if (mac instanceof WireError || typeof e.portKey !== 'string' || typeof e.learnedAtMs !== 'number') throw new TypeError(`runtime state: learned MAC ${i} of switch ${id} is not {mac, portKey, learnedAtMs}`)
          return {mac, portKey: e.portKey, learnedAtMs: e.learnedAtMs}
        }),
      )
    }
    for (const [name, p] of Object.entries(s.physical)) this.link(name)?.importState(p)
    if (s.nat !== null && s.nat !== undefined) {
      if (this.nat?.importState !== undefined) this.nat.importState(s.nat)
      else this.natPassThrough = s.nat
    }
  }
}

/** The running network of `config`, with `runtime`'s state restored (null: a fresh start at 0 ms). */
export function buildNetwork(config: NetworkConfig, runtime: RuntimeState | null, options: BuildOptions): Network {
  const rec = options.recorder
  const net = new Network(config, options, runtime?.clockMs ?? 0)
  const scheduler = net.scheduler
  const switchById = new Map<string, SwitchConfig>()
  for (const s of config.switches) {
    switchById.set(s.id, s)
    net.switches.set(s.id, new VSwitch(s, scheduler, rec))
  }
  // `whose` is built only for the error (a lab of 1,024 VMs would build 1,024 sentences).
  const switchOf = (id: string, whose: () => string): VSwitch => {
    const sw = net.switches.get(id)
    if (sw === undefined) throw new EngineInputError('configuration', `${whose()} is connected to a virtual switch with ID ${id}, which does not exist.`, 'Connect it to an existing switch, or run `hvnet config reset --force` to start over.')
    return sw
  }

  for (const a of config.physicalAdapters) {
    const link = new PhysicalLink({adapter: a, seed: config.seed, scheduler, recorder: rec})
    net.links.set(a.name.toLowerCase(), link)
    if (a.boundSwitchId !== null) {
      const sw = switchOf(a.boundSwitchId, () => `The physical adapter "${a.name}"`)
      const port = sw.addPort({key: `external (${a.name})`, kind: 'external', macAddress: 0, place: link.place, sink: link})
      link.attach(port)
    }
  }

  buildVmAdapters(net, runtime, switchOf)

  const vnicBySwitch = new Map<string, StackInterface>()
  for (const h of config.hostInterfaces) {
    const iface = net.host.interface(h.alias)
    attachHostInterface(net, h, iface, switchOf)
    if (h.attachment.kind === 'vnic' && !vnicBySwitch.has(h.attachment.switchId)) vnicBySwitch.set(h.attachment.switchId, iface)
  }

  for (const scope of config.dhcpScopes) {
    const sw = switchById.get(scope.switchId)
    const iface = vnicBySwitch.get(scope.switchId)
    if (sw === undefined || iface === undefined) {
      throw new EngineInputError('configuration', `A DHCP scope is configured on the virtual switch with ID ${scope.switchId}, which ${sw === undefined ? 'does not exist' : 'has no host vNIC to serve it from'}.`, 'Run `hvnet config reset --force` to start over.')
    }
    const server = new DhcpServer(
      {
        prefix: scope.prefix,
        rangeStart: scope.rangeStart,
        rangeEnd: scope.rangeEnd,
        leaseSeconds: scope.leaseSeconds,
        serverAddress: scope.serverAddress,
        serverMac: iface.mac,
        router: scope.serverAddress,
        dns: [scope.serverAddress],
        place: iface.place,
        ref: `vswitch ${sw.name}.dhcp`,
      },
      scheduler,
    )
    net.host.attachDhcpServer(iface.alias, server)
    // ICS's DNS proxy: the DNS server the scope hands out, asking the internet's resolver.
    net.host.attachDnsProxy(iface.alias, resolveA)
    net.dhcpServers.set(scope.switchId, server)
  }

  net.start(runtime)
  reserveHostLeases(net)
  return net
}

/**
 * Each VM adapter: its guest stack (running VMs) and its switch port; with `boot: 'none'`, an
 * adapter with no saved state and a plain port (or none) is left dormant: a few facts read, nothing
 * built. The others are built in the configuration's order, as are the switches' ports.
 */
function buildVmAdapters(net: Network, runtime: RuntimeState | null, switchOf: (id: string, whose: () => string) => VSwitch): void {
  const index = net.adapters
  if (net.lazy) {
    for (const sw of net.switches.values()) sw.addDormantRun(net, index.count)
    if (runtime === null) return
    const saved: number[] = []
    for (const key of Object.keys(runtime.guests)) {
      const i = index.find(key)
      if (i >= 0) saved.push(i)
    }
    for (const i of saved.sort((a, b) => a - b)) if (index.running(i)) net.guestOf(i)
    return
  }
  for (let i = 0; i < index.count; i++) {
    const a = index.adapter(i)
    const running = index.running(i)
    if (running && a.macAddress === 0) throw noMac(a)
    const guest = running ? new GuestStack(index.vm(i), a, net.scheduler) : null
    if (guest !== null) {
      guest.stack.rec = net.host.stack.rec
      net.guests.set(a.key, guest)
    }
    if (a.switchId === null) continue
    const sw = switchOf(a.switchId, () => `The network adapter "${a.name}" of VM "${a.vmName}"`)
    const port = sw.addPort({key: a.key, kind: 'vm', macAddress: a.macAddress, features: a.features, place: {kind: 'vm', name: a.key}, sink: guest ?? VM_OFF, state: running ? 'up' : 'vm-off'})
    net.vmPorts.set(a.key, port)
    if (guest !== null) guest.iface.sink = port
  }
}

function noMac(a: VmAdapterConfig): EngineInputError {
  return new EngineInputError('configuration', `The network adapter "${a.name}" of the running VM "${a.vmName}" has no MAC address.`, 'A running VM has its dynamic MAC assigned; run `hvnet config reset --force` to start over.')
}

function missingSwitch(a: VmAdapterConfig, id: string): EngineInputError {
  return new EngineInputError('configuration', `The network adapter "${a.name}" of VM "${a.vmName}" is connected to a virtual switch with ID ${id}, which does not exist.`, 'Connect it to an existing switch, or run `hvnet config reset --force` to start over.')
}

/**
 * A host interface whose address came from a LAN's DHCP server holds that lease: the server must
 * not hand the host's address to a VM bridged onto the same LAN. Restored state wins.
 */
function reserveHostLeases(net: Network): void {
  for (const h of net.config.hostInterfaces) {
    if (!h.dhcp || h.addresses.length === 0) continue
    const link = uplinkOf(net, h)
    const lan = link?.lan ?? null
    if (link === null || lan === null) continue
    for (const a of h.addresses) if (cidrContains({address: lan.prefix.address, prefix: lan.prefix.length}, a.address)) link.reserveLease(h.macAddress, a.address)
  }
}

/** The physical link a host interface reaches directly or through its External switch. */
function uplinkOf(net: Network, h: HostInterfaceConfig): PhysicalLink | null {
  const at = h.attachment
  if (at.kind === 'physical') return net.link(at.adapterName)
  const sw = net.config.switches.find((s) => s.id === at.switchId)
  return sw?.netAdapterName == null ? null : net.link(sw.netAdapterName)
}


function attachHostInterface(net: Network, h: HostInterfaceConfig, iface: StackInterface, switchOf: (id: string, whose: () => string) => VSwitch): void {
  const at = h.attachment
  if (at.kind === 'vnic') {
    const port = switchOf(at.switchId, () => `The host adapter "${h.alias}"`)
      .addPort({key: h.alias, kind: 'host', macAddress: h.macAddress, features: at.features, place: iface.place, sink: iface})
    iface.sink = port
    return
  }
  const link = net.link(at.adapterName)
  if (link === null) throw new EngineInputError('configuration', `The host interface "${h.alias}" is the physical adapter "${at.adapterName}", which does not exist.`, 'Run `hvnet host adapter list` to see the adapters, or `hvnet config reset --force` to start over.')
  if (link.attached) {
    throw new EngineInputError('configuration', `The host interface "${h.alias}" uses the physical adapter "${link.name}", which is already bound to a virtual switch or to another host interface.`, 'An adapter bound to an External switch carries the host only through its vEthernet; run `hvnet config reset --force` to start over.')
  }
  link.attach(iface)
  iface.sink = link
}

/**
 * The endpoint of a running VM's port woken before its stack is built (a flood judged the port, or
 * a lookup found it): the stack is built when a frame reaches it; a flooded copy its fresh stack
 * would discard outright is discarded without building it.
 */
class DormantGuest implements FrameSink {
  constructor(
    private readonly net: Network,
    private readonly i: number,
  ) {}

  receive(frame: Uint8Array): void {
    this.net.guestOf(this.i).receive(frame)
  }

  discardsFlooded(frame: Uint8Array): boolean {
    const g = this.net.builtGuest(this.i)
    return g === null ? this.net.freshDiscards(this.i, frame) : g.discardsFlooded(frame)
  }
}

/** The endpoint of a stopped VM's port: the switch drops with `vm-off` before it is reached. */
const VM_OFF: FrameSink = {receive: () => {}}

function sorted<V>(m: Map<string, V>): [string, V][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}
