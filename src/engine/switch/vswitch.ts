// The Hyper-V virtual switch (reference §5, §3.2, §4; DECISIONS 4-5): a layer-2 switch that knows
// the MAC of each of its ports from configuration. Pure and deterministic: no I/O, no wall clock.
//
// A frame entering a port (`port.receive(frame)`, from the port's endpoint) goes through:
//   1. ingress checks, in order, each a named drop: malformed frame; port state (disconnected,
//      VM off); MAC address spoofing; DHCP guard; router guard; outbound ACLs; outbound extended
//      ACLs; VLAN classification (./vlan.ts);
//   2. learning: on a port with MAC address spoofing On, a source MAC that is not the port's own
//      is learned behind that port (nothing is ever learned behind the external port);
//   3. lookup in the frame's VLAN: a known MAC -> that port; broadcast/multicast -> every other
//      port that is a member of the VLAN; unknown unicast -> the external port only (dropped on
//      Internal and Private switches, and when it came from the external port);
//   4. egress: inbound ACLs and extended ACLs of the destination port, the VLAN tag per its mode,
//      then the destination's sink; port-mirroring copies to Destination ports.
// Egress is synchronous (zero virtual time): endpoints schedule their own work. A frame whose tag
// does not change is handed on as the same buffer (receivers never mutate what they get).
//
// Dormant ports (`addDormantRun`): the VM ports of a network's adapters, known by a source that
// answers a few facts about each (on this switch? its VM running? its VLAN if the port is plain:
// untagged or access, no ACLs, guards, mirroring or MAC address spoofing) with no SwitchPort and no
// endpoint built. A port wakes (SwitchPort and endpoint built) the first time a frame must reach it
// or anything asks for it: a unicast to its MAC, a flood it is in, its key. A flood first asks the
// source whether a plain member's fresh endpoint would discard the copy outright
// (DormantPorts.floodedTarget / ignores) and then skips it; a member that is not plain wakes. Ports
// keep their order (`seq`): floods visit them in it, and of two ports configured with one MAC the
// first keeps it, awake or not. A switch of 1,024 VM ports thus costs, for a frame, what the ports it
// reaches cost, plus a tight loop over its ports for a flood.
//
// Hot path (STYLE 7): the forwarding of a plain untagged unicast frame reads bytes, compares
// integers, probes an open-addressing MAC table and calls the sink: no allocation, no closure, no
// string, and with a null recorder no step object.
import type {Scheduler} from '../clock.js'
import type {PortFeatures, SwitchConfig} from '../config.js'
import {DropCounters} from '../observe.js'
import type {DropReason, FieldChange, FrameSink, Lookup, Place, Recorder, StepAction, StepReason} from '../observe.js'
import {EthernetFrame, decodeFrame, formatIpv4, formatMacTrace, get48, isMulticast, popVlan, pushVlan, summarizeFrame, Ipv4Packet, WireError} from '../wire/index.js'
import type {Mac} from '../wire/mac.js'
import {FRAME_IPV4, FRAME_IPV6, FRAME_NOT_IP, FlowTable, compileAclList, compileExtendedAclList} from './acl.js'
import type {AclList, ExtendedAclList, StatefulFlow} from './acl.js'
import {MacTable, macHi, macLo} from './mac-table.js'
import {EGRESS_UNTAGGED, EXTERNAL_VLAN, IN_ACCESS, IN_TRUNK, NOT_MEMBER, VID_RESERVED, compileVlan, egressOf, vlanName} from './vlan.js'
import type {PortVlan} from './vlan.js'

export type PortKind = 'vm' | 'host' | 'external'
/** `vm-off`: the adapter of a VM that is Off (its port exists only while it runs). */
export type PortState = 'up' | 'vm-off' | 'disconnected'

export interface PortSpec {
  /** Unique on the switch: `web/Network Adapter`, `vEthernet (NATSwitch)`, `external`. */
  readonly key: string
  readonly kind: PortKind
  /** 0 = no MAC yet (a dynamic MAC before the VM's first start). The external port has none. */
  readonly macAddress: Mac
  /** VM and host ports; the external port has none (a trunk of every VLAN, no policy). */
  readonly features?: PortFeatures
  /** The port's endpoint, named in step texts: `vm web/Network Adapter`, `physical Ethernet`. */
  readonly place: Place
  readonly sink: FrameSink
  readonly state?: 'up' | 'vm-off'
}

/** A MAC learned behind a port with MAC address spoofing On (runtime state). */
export interface LearnedMac {
  readonly mac: Mac
  readonly portKey: string
  readonly learnedAtMs: number
}

/** What a Meter ACL entry counted. */
export interface MeterCount {
  readonly ref: string
  readonly direction: 'inbound' | 'outbound'
  readonly packets: number
  readonly bytes: number
}

/** At most this many MACs are learned behind one port; further source MACs are not learned. */
export const MAX_LEARNED_PER_PORT = 1024

const UP = 0
const VM_OFF = 1
const DISCONNECTED = 2

const MIRROR_NONE = 0
const MIRROR_SOURCE = 1
const MIRROR_DESTINATION = 2

const KIND_VM = 0
const KIND_HOST = 1
const KIND_EXTERNAL = 2

const ETH_MAX = 1514
/** SwitchPort.macHi of a VM or host port whose MAC is still 000000000000. */
const NO_MAC = -1

/**
 * The VM ports a switch knows before it builds them (see the file's header): ids 0 to n-1 of a
 * run (addDormantRun), in port order. The switch asks about ports that sleep (scanning for a MAC,
 * it may ask about one that woke, and then ignores the answer).
 */
export interface DormantPorts {
  /**
   * The port's flood membership as it sleeps, on the switch `switchId`: ASLEEP_OFF (its VM is off:
   * in no flood, on whichever switch), NOT_HERE (the port is on another switch or none), NOT_PLAIN
   * (it must wake to tell), or its plain port's VLAN (0 untagged, else its access VLAN).
   */
  sleepVid(id: number, switchId: string): number
  /** Whether the port is on the switch `switchId`. */
  isOn(id: number, switchId: string): boolean
  key(id: number): string
  /** Whether the port is configured with `mac` (whichever switch it is on). */
  hasMacAddress(id: number, mac: Mac): boolean
  /**
   * FrameSink.discardsFlooded of the ports' endpoints as they would be built now, in two halves so
   * that a flood reads the frame once: `floodedTarget` is -1 when such an endpoint takes this
   * untagged flooded frame (every dormant member wakes), else the address (an ARP request's target)
   * for which `ignores(id, target)` says whether port `id`'s endpoint discards it outright; the
   * switch then reports how many it skipped (`discarded`) for the endpoints' drop counters.
   */
  floodedTarget(frame: Uint8Array): number
  ignores(id: number, target: number): boolean
  discarded(n: number): void
  /** Builds the port's endpoint: the port's spec. `woke` follows with the port made from it. */
  wake(id: number): PortSpec
  woke(id: number, port: SwitchPort): void
}

/** DormantPorts.sleepVid's answers other than a VLAN (AdapterIndex.vidOn's). */
export const NOT_HERE = -1
export const ASLEEP_OFF = -2
export const NOT_PLAIN = -3

/** One port of a VSwitch; `receive(frame)` is ingress from the port's endpoint. */
export class SwitchPort implements FrameSink {
  readonly key: string
  readonly kind: PortKind
  readonly place: Place
  readonly macAddress: Mac
  readonly features: PortFeatures | null
  readonly sink: FrameSink
  /** `vm web/Network Adapter`, `host vEthernet (NATSwitch)`, `the external port (Ethernet)`. */
  readonly label: string
  /** The configuration object of the port (`vm web/Network Adapter`). */
  readonly ref: string
  // Compiled for the forwarding path: numbers and nullable objects, read once per frame.
  /** @internal */ readonly kindCode: number
  /** @internal */ readonly macHi: number
  /** @internal */ readonly macLo: number
  /** @internal */ readonly spoofing: boolean
  /** @internal */ readonly dhcpGuard: boolean
  /** @internal */ readonly routerGuard: boolean
  /** @internal */ readonly mirror: number
  /** @internal */ readonly vlan: PortVlan
  /** @internal */ readonly aclOut: AclList | null
  /** @internal */ readonly aclIn: AclList | null
  /** @internal */ readonly xaclOut: ExtendedAclList | null
  /** @internal */ readonly xaclIn: ExtendedAclList | null
  /** @internal */ readonly flows: FlowTable | null
  /** @internal */ readonly ingressPolicy: boolean
  /** @internal */ readonly egressPolicy: boolean
  /** @internal */ stateCode: number
  /** @internal */ learnedCount = 0
  /** @internal The port's place in the switch's port order (dormant ports included). */
  seq = 0
  /** @internal No dormant port before this one is configured with its MAC (checked once). */
  macChecked = false
  private readonly sw: VSwitch

  /** @internal Use VSwitch.addPort. */
  constructor(sw: VSwitch, spec: PortSpec, switchRef: string) {
    this.sw = sw
    this.key = spec.key
    this.kind = spec.kind
    this.place = spec.place
    this.macAddress = spec.kind === 'external' ? 0 : spec.macAddress
    this.sink = spec.sink
    this.stateCode = spec.state === 'vm-off' ? VM_OFF : UP
    this.kindCode = spec.kind === 'vm' ? KIND_VM : spec.kind === 'host' ? KIND_HOST : KIND_EXTERNAL
    // A VM or host port with no MAC yet (0) gets an impossible high half: no source is its own.
    this.macHi = spec.kind !== 'external' && this.macAddress === 0 ? NO_MAC : macHi(this.macAddress)
    this.macLo = macLo(this.macAddress)
    if (spec.kind === 'external') {
      if (spec.features !== undefined) throw new RangeError(`switch port ${spec.key}: the external port has no port features (it is a trunk of every VLAN)`)
      this.features = null
      this.label = `the external port (${spec.place.name})`
      this.ref = `${switchRef}.netAdapterName`
      this.spoofing = true
      this.dhcpGuard = false
      this.routerGuard = false
      this.mirror = MIRROR_NONE
      this.vlan = EXTERNAL_VLAN
      this.aclOut = this.aclIn = null
      this.xaclOut = this.xaclIn = null
      this.flows = null
    } else {
      const f = spec.features
      if (f === undefined) throw new RangeError(`switch port ${spec.key}: a ${spec.kind} port needs its port features`)
      this.features = f
      this.label = `${spec.place.kind} ${spec.place.name}`
      this.ref = f.ref
      this.spoofing = f.macAddressSpoofing
      this.dhcpGuard = f.dhcpGuard
      this.routerGuard = f.routerGuard
      this.mirror = f.portMirroring === 'source' ? MIRROR_SOURCE : f.portMirroring === 'destination' ? MIRROR_DESTINATION : MIRROR_NONE
      this.vlan = compileVlan(f.vlan)
      this.aclOut = compileAclList(f.acls, 'outbound')
      this.aclIn = compileAclList(f.acls, 'inbound')
      this.xaclOut = compileExtendedAclList(f.extendedAcls, 'outbound')
      this.xaclIn = compileExtendedAclList(f.extendedAcls, 'inbound')
      this.flows = f.extendedAcls.some((a) => a.stateful && a.action === 'allow') ? new FlowTable() : null
    }
    this.ingressPolicy = this.dhcpGuard || this.routerGuard || this.aclOut !== null || this.xaclOut !== null
    this.egressPolicy = this.aclIn !== null || this.xaclIn !== null
  }

  get state(): PortState {
    return this.stateCode === UP ? 'up' : this.stateCode === VM_OFF ? 'vm-off' : 'disconnected'
  }

  /** Ingress: a frame the port's endpoint sends into the switch. Never throws on frame bytes. */
  receive(frame: Uint8Array): void {
    this.sw.ingress(this, frame)
  }

  /** Frames and bytes counted by this port's Meter ACL entries, in configuration order. */
  meters(): MeterCount[] {
    const out: (MeterCount & {index: number})[] = []
    for (const [list, direction] of [[this.aclOut, 'outbound'], [this.aclIn, 'inbound']] as const) {
      for (const e of list?.entries ?? []) if (e.action === 'meter') out.push({ref: e.ref, direction, packets: e.packets, bytes: e.bytes, index: e.index})
    }
    return out.sort((a, b) => a.index - b.index).map(({ref, direction, packets, bytes}) => ({ref, direction, packets, bytes}))
  }

  /** Live stateful extended-ACL flows of this port. */
  statefulFlows(): StatefulFlow[] {
    return this.flows?.list(this.sw.now) ?? []
  }
}

/** Scratch facts about an IP packet, filled by `ipFacts` and read before any sink is called. */
interface IpFacts {
  fam: number
  /** Addresses as int32 (`>>> 0` gives the Ipv4Address). */
  src: number
  dst: number
  protocol: number
  /** -1 when the packet has no ports (not TCP/UDP, or a non-first fragment). */
  srcPort: number
  dstPort: number
  /** The session key ports of a stateful flow (ports, ICMP echo identifier, or the protocol). */
  flowSrc: number
  flowDst: number
  error: WireError | null
}

/** One Hyper-V virtual switch. */
export class VSwitch {
  readonly config: SwitchConfig
  readonly drops = new DropCounters()
  private readonly scheduler: Scheduler
  private readonly rec: Recorder | null
  private readonly place: Place
  private readonly ref: string
  private readonly dropUnknownUnicast: boolean
  private readonly table = new MacTable<SwitchPort>()
  private readonly learned = new Map<Mac, {port: SwitchPort; atMs: number}>()
  /** Ports in order: a SwitchPort, or RUN where the dormant run's ports are. */
  private readonly order: (SwitchPort | typeof RUN)[] = []
  private nextSeq = 0
  private readonly byKey = new Map<string, SwitchPort>()
  private dormant: DormantPorts | null = null
  /** The run's size and the seq of its port 0. */
  private runCount = 0
  private runSeq = 0
  /** The run's ports that woke (undefined: asleep; null: woke and was removed); allocated at the first wake. */
  private runPorts: (SwitchPort | null | undefined)[] | null = null
  private external: SwitchPort | null = null
  private mirrorDestinations: SwitchPort[] = []
  /** Ports with port mirroring Source, counted whether or not a Destination port exists. */
  private sourcePorts = 0
  /** `sourcePorts` when some port is a mirroring Destination, else 0: the forwarding path's one test. */
  private mirrorSources = 0
  /** Ports up and members of a VID, in port order; rebuilt lazily after any port change. */
  /** members()'s answer to a flood it made the member list for: which sleeping members ignore the frame. */
  private ignoredNow: Uint8Array | null = null
  /** SwitchPorts, and the run's sleeping plain members by id (they may have woken since). */
  private floodCache = new Map<number, (SwitchPort | number)[]>()
  /** The frame `facts` describe, within the current ingress call (null: none). */
  private factsFrame: Uint8Array | null = null
  private readonly facts: IpFacts = {fam: 0, src: 0, dst: 0, protocol: 0, srcPort: -1, dstPort: -1, flowSrc: 0, flowDst: 0, error: null}

  constructor(config: SwitchConfig, scheduler: Scheduler, rec: Recorder | null) {
    this.config = config
    this.scheduler = scheduler
    this.rec = rec
    this.place = {kind: 'switch', name: config.name}
    this.ref = `vswitch ${config.name}`
    this.dropUnknownUnicast = config.switchType !== 'External'
  }

  get now(): number {
    return this.scheduler.now
  }

  /** Ports in the order they were added (dormant ones wake). */
  get ports(): readonly SwitchPort[] {
    return this.portsInOrder(true)
  }

  /** The ports in order: those built so far, or (`wake`) every one, waking the dormant ones. */
  private portsInOrder(wake: boolean): SwitchPort[] {
    const out: SwitchPort[] = []
    for (const e of this.order) {
      if (e !== RUN) out.push(e)
      else for (let id = 0; id < this.runCount; id++) {
        const w = this.awake(id)
        if (w !== null) out.push(w)
        else if (wake && this.asleep(id) && this.dormant!.isOn(id, this.config.id)) out.push(this.wake(id))
      }
    }
    return out
  }

  /**
   * Adds the run of dormant ports `source` knows (ids 0 to count-1, those it says are on this
   * switch), here in the port order; one run per switch.
   */
  addDormantRun(source: DormantPorts, count: number): void {
    if (this.dormant !== null) throw new RangeError(`vswitch ${this.config.name}: it already has a run of dormant ports`)
    this.dormant = source
    this.runCount = count
    this.runSeq = this.nextSeq
    this.nextSeq += count
    this.order.push(RUN)
    if (this.floodCache.size > 0) this.floodCache.clear()
  }

  /** Whether `p` is in `members` (as itself, or by its run id when it was a member asleep). */
  private isMember(members: readonly (SwitchPort | number)[], p: SwitchPort): boolean {
    if (members.includes(p)) return true
    const id = p.seq - this.runSeq
    return id >= 0 && id < this.runCount && this.awake(id) === p && members.includes(id)
  }

  /** The run's port `id` once it woke (and was not removed), else null. */
  private awake(id: number): SwitchPort | null {
    return this.runPorts === null ? null : this.runPorts[id] ?? null
  }

  /** Whether the run's port `id` has not woken. */
  private asleep(id: number): boolean {
    return this.runPorts === null || this.runPorts[id] === undefined
  }

  /** Wakes the run's port `id` if it sleeps on this switch; the port, or null. */
  wakeDormant(source: DormantPorts, id: number): SwitchPort | null {
    if (this.dormant !== source || id >= this.runCount) return null
    if (!this.asleep(id)) return this.awake(id)
    return source.isOn(id, this.config.id) ? this.wake(id) : null
  }

  /** Builds the run's port `id` (asleep, on this switch): it takes its place in the port order, and its MAC if it is the first configured with it. */
  private wake(id: number): SwitchPort {
    const source = this.dormant!
    const p = new SwitchPort(this, source.wake(id), this.ref)
    if (p.kindCode !== KIND_VM) throw new RangeError(`vswitch ${this.config.name}: dormant port ${p.key} woke as a ${p.kind} port`)
    p.seq = this.runSeq + id
    this.runPorts ??= new Array<SwitchPort | null | undefined>(this.runCount)
    this.runPorts[id] = p
    this.byKey.set(p.key, p)
    if (p.macAddress !== 0) this.claimMac(p)
    if (p.mirror !== MIRROR_NONE) this.indexMirroring()
    source.woke(id, p)
    return p
  }

  /** The first port of the run asleep on this switch, configured with `mac` and before `seq`; -1 when none. */
  private sleeperWith(mac: Mac, seq: number): number {
    const source = this.dormant!
    const end = Math.min(this.runCount, seq - this.runSeq)
    for (let id = 0; id < end; id++) {
      if (source.hasMacAddress(id, mac) && this.asleep(id) && source.isOn(id, this.config.id)) return id
    }
    return -1
  }

  /** The port a unicast destination MAC reaches: the MAC table, and the run's sleeping ports configured with it. */
  private lookup(hi: number, lo: number): SwitchPort | null {
    const d = this.table.get(hi, lo)
    if (this.runCount === 0 || (d !== null && (d.macChecked || d.macHi !== hi || d.macLo !== lo))) return d
    // Not in the table, or a configured MAC a sleeping port before it may hold: wake that one.
    const id = this.sleeperWith((hi & 0xffff) * 0x1_0000_0000 + (lo >>> 0), d === null ? Infinity : d.seq)
    if (id >= 0) return this.wake(id)
    if (d !== null) d.macChecked = true
    return d
  }

  /** Adds a port. Throws a RangeError for a duplicate key, a second external port or bad features. */
  addPort(spec: PortSpec): SwitchPort {
    if (this.byKey.has(spec.key)) throw new RangeError(`vswitch ${this.config.name}: a port ${spec.key} already exists`)
    if (spec.kind === 'external') {
      if (this.config.switchType !== 'External') throw new RangeError(`vswitch ${this.config.name}: an ${this.config.switchType} switch has no external port`)
      if (this.external !== null) throw new RangeError(`vswitch ${this.config.name}: it already has an external port (${this.external.key})`)
    }
    const p = new SwitchPort(this, spec, this.ref)
    p.seq = this.nextSeq++
    this.order.push(p)
    this.byKey.set(p.key, p)
    if (p.kindCode === KIND_EXTERNAL) this.external = p
    else if (p.macAddress !== 0) this.claimMac(p)
    // Indexed incrementally: building a switch of N ports costs O(N), not O(N²).
    if (p.mirror === MIRROR_DESTINATION) this.mirrorDestinations.push(p)
    else if (p.mirror === MIRROR_SOURCE) this.sourcePorts++
    this.mirrorSources = this.mirrorDestinations.length === 0 ? 0 : this.sourcePorts
    if (this.floodCache.size > 0) this.floodCache.clear()
    return p
  }

  /** Enters a port's configured MAC, unless a port before it is configured with it (the first keeps it). */
  private claimMac(p: SwitchPort): void {
    const owner = this.table.get(p.macHi, p.macLo)
    const configured = owner !== null && owner.macAddress === p.macAddress && owner.kindCode !== KIND_EXTERNAL
    if (configured && owner.seq < p.seq) return
    if (owner !== null && !configured) {
      // It was learned behind a port with MAC address spoofing On: configuration wins.
      owner.learnedCount--
      this.learned.delete(p.macAddress)
    }
    this.table.set(p.macHi, p.macLo, p)
  }

  /** Removes a port (its adapter was disconnected); frames sent to its handle are then dropped. */
  removePort(port: SwitchPort): void {
    if (this.byKey.get(port.key) !== port) return
    this.forgetLearned(port)
    port.stateCode = DISCONNECTED
    const at = this.order.indexOf(port)
    if (at >= 0) this.order.splice(at, 1)
    else this.runPorts![port.seq - this.runSeq] = null
    this.byKey.delete(port.key)
    if (this.external === port) this.external = null
    if (port.kindCode !== KIND_EXTERNAL && port.macAddress !== 0 && this.table.get(port.macHi, port.macLo) === port) {
      this.table.delete(port.macHi, port.macLo)
      // A second port configured with the same MAC now owns it.
      const next = this.configuredWith(port.macAddress)
      if (next !== null) this.claimMac(next)
    }
    this.indexMirroring()
    this.floodCache = new Map()
  }

  /** A VM started (`up`) or stopped (`vm-off`: its learned MACs are forgotten). */
  setPortState(port: SwitchPort, state: 'up' | 'vm-off'): void {
    if (port.stateCode === DISCONNECTED) throw new RangeError(`vswitch ${this.config.name}: port ${port.key} was removed`)
    const code = state === 'up' ? UP : VM_OFF
    if (code === port.stateCode) return
    port.stateCode = code
    if (code === VM_OFF) this.forgetLearned(port)
    this.floodCache = new Map()
  }

  findPort(key: string): Lookup<SwitchPort> {
    let p = this.byKey.get(key)
    for (let id = 0; p === undefined && id < this.runCount; id++) {
      if (this.asleep(id) && this.dormant!.key(id) === key && this.dormant!.isOn(id, this.config.id)) p = this.wake(id)
    }
    return p === undefined ? {kind: 'not-found'} : {kind: 'found', value: p}
  }

  /** The first port in order configured with `mac` (woken if dormant), or null. */
  private configuredWith(mac: Mac): SwitchPort | null {
    for (const e of this.order) {
      if (e !== RUN) {
        if (e.kindCode !== KIND_EXTERNAL && e.macAddress === mac) return e
        continue
      }
      for (let id = 0; id < this.runCount; id++) {
        const w = this.awake(id)
        if (w !== null ? w.macAddress === mac : this.asleep(id) && this.dormant!.hasMacAddress(id, mac) && this.dormant!.isOn(id, this.config.id)) return w ?? this.wake(id)
      }
    }
    return null
  }

  /** MACs learned behind ports with MAC address spoofing On, sorted by MAC (runtime state). */
  learnedMacs(): LearnedMac[] {
    return [...this.learned].map(([mac, l]) => ({mac, portKey: l.port.key, learnedAtMs: l.atMs})).sort((a, b) => a.mac - b.mac)
  }

  /**
   * Restores learned MACs (runtime state). Entries whose port is gone, has MAC address spoofing
   * Off, whose MAC is not an individual address or is now a configured port MAC are skipped;
   * returns how many were restored.
   */
  importLearnedMacs(entries: readonly LearnedMac[]): number {
    let n = 0
    for (const e of entries) {
      const p = this.byKey.get(e.portKey)
      if (p === undefined || p.kindCode === KIND_EXTERNAL || !p.spoofing || p.macHi === NO_MAC || p.stateCode !== UP) continue
      if (!Number.isInteger(e.mac) || e.mac <= 0 || e.mac >= 0x1_0000_0000_0000 || isMulticast(e.mac)) continue
      if (this.learnAt(p, macHi(e.mac), macLo(e.mac), e.mac, e.learnedAtMs)) n++
    }
    return n
  }

  // -------------------------------------------------------------------------------------------
  // Ingress

  /** @internal Called by SwitchPort.receive. */
  ingress(p: SwitchPort, f: Uint8Array): void {
    const n = f.length
    const tagged = n >= 14 && f[12] === 0x81 && f[13] === 0
    if (n < 14 || (tagged ? n < 18 || n > ETH_MAX + 4 : n > ETH_MAX)) return this.dropMalformed(p, f)
    // A sender may reuse its buffer between calls: facts are only ever reused within one call.
    this.factsFrame = null
    const rec = this.rec
    if (rec !== null) this.emit('received', 'port-ingress', `received from ${p.label}: ${summarizeFrame(decodeFrame(f))}`, p.ref, f)
    if (p.stateCode !== UP) return this.dropPortState(p, f)
    const srcHi = (f[6] << 8) | f[7]
    const srcLo = (f[8] << 24) | (f[9] << 16) | (f[10] << 8) | f[11]
    if ((srcHi & 0x100) !== 0) return this.dropMulticastSource(p, f)
    const own = srcHi === p.macHi && srcLo === p.macLo
    if (!own && (!p.spoofing || p.macHi === NO_MAC)) return this.dropSpoofed(p, f)
    if (p.ingressPolicy) {
      if (!this.ingressPolicies(p, f, tagged, own)) return
    } else if (rec !== null && p.kindCode !== KIND_EXTERNAL) {
      this.recordIngressChecks(p, f, own)
    }

    // VLAN classification.
    const tagVid = tagged ? ((f[14] & 0x0f) << 8) | f[15] : 0
    const v = p.vlan
    let vid: number
    if (v.ingress === IN_ACCESS) {
      if (tagVid !== 0) return this.dropTaggedOnAccess(p, f, tagVid)
      vid = v.sendVid
    } else if (v.ingress === IN_TRUNK) {
      if (tagVid === 0) vid = v.sendVid
      else if (v.allowed![tagVid] === 1) vid = tagVid
      else return this.dropVlanNotAllowed(p, f, tagVid)
    } else {
      if (tagVid === VID_RESERVED) return this.dropReservedVid(p, f)
      vid = tagVid
    }
    if (rec !== null && (vid !== 0 || tagged)) this.recordClassified(p, f, vid, tagVid)

    if (!own && p.kindCode !== KIND_EXTERNAL) this.learn(p, srcHi, srcLo, f)

    // Lookup.
    const dstHi = (f[0] << 8) | f[1]
    if ((dstHi & 0x100) !== 0) return this.flood(p, f, vid, tagged)
    const d = this.lookup(dstHi, (f[2] << 24) | (f[3] << 16) | (f[4] << 8) | f[5])
    if (d === null) return this.unknownUnicast(p, f, vid, tagged)
    if (d === p) return this.dropSamePort(p, f)
    if (d.stateCode !== UP) return this.dropVmOff(d, f)
    const mode = egressOf(d.vlan, vid)
    if (mode === NOT_MEMBER) return this.dropNotMember(p, d, f, vid)
    if (rec !== null) this.recordKnown(d, f)
    const out = this.egress(d, f, vid, tagged, mode)
    if (this.mirrorSources !== 0) this.mirrorUnicast(p, d, f, out)
  }

  /** Guards and outbound ACLs. Returns false when the frame was dropped. */
  private ingressPolicies(p: SwitchPort, f: Uint8Array, tagged: boolean, own: boolean): boolean {
    const l3 = tagged ? 18 : 14
    const etherType = (f[l3 - 2] << 8) | f[l3 - 1]
    if (p.dhcpGuard || p.routerGuard) {
      const reason = this.guardVerdict(p, f, l3, etherType)
      if (reason !== null) return false
    }
    if (this.rec !== null) this.recordIngressChecks(p, f, own)
    return p.aclOut === null && p.xaclOut === null ? true : this.portAcls(p, 'outbound', p.aclOut, p.xaclOut, f, l3, etherType)
  }

  /**
   * A port's ACLs then extended ACLs in one direction: outbound at the sending port, inbound at the
   * receiving one. Returns false when the frame was dropped.
   */
  private portAcls(q: SwitchPort, dir: 'inbound' | 'outbound', list: AclList | null, xlist: ExtendedAclList | null, f: Uint8Array, l3: number, etherType: number): boolean {
    const x = this.ipFacts(f, l3, etherType)
    if (x.error !== null) {
      this.dropMalformedIp(q, f, x.error)
      return false
    }
    if (list !== null && !this.simpleAcl(q, list, dir, f, x)) return false
    return xlist === null || this.extendedAcl(q, xlist, dir, f, x)
  }

  /** DHCP guard and router guard; returns the drop reason (already counted and recorded) or null. */
  private guardVerdict(p: SwitchPort, f: Uint8Array, l3: number, etherType: number): DropReason | null {
    if (etherType === 0x0800) {
      const ip = Ipv4Packet.checked(f, l3, f.length - l3)
      if (ip instanceof WireError) {
        this.dropMalformedIp(p, f, ip)
        return 'malformed'
      }
      if (ip.fragOffset !== 0) return null
      const o = ip.payloadOffset
      const len = ip.payloadLen
      if (p.dhcpGuard && ip.protocol === 17 && len >= 9) {
        const sport = (f[o] << 8) | f[o + 1]
        const dport = (f[o + 2] << 8) | f[o + 3]
        if (sport === 67 && dport === 68 && f[o + 8] === 2) {
          this.drops.count('dhcp-guard')
          if (this.rec !== null) this.emit('dropped', 'dhcp-guard', `dropped: DHCP guard is On on this adapter and it sent a DHCP server message (BOOTREPLY from UDP 67 to 68); only a VM allowed to be a DHCP server may send offers and acknowledgements`, `${p.ref}.dhcpGuard`, f)
          return 'dhcp-guard'
        }
      }
      if (p.routerGuard && ip.protocol === 1 && len >= 1 && (f[o] === 5 || f[o] === 9)) {
        this.drops.count('router-guard')
        if (this.rec !== null) this.emit('dropped', 'router-guard', `dropped: router guard is On on this adapter and it sent an ICMP ${f[o] === 5 ? 'redirect (type 5)' : 'router advertisement (type 9)'}; only a VM allowed to be a router may send these`, `${p.ref}.routerGuard`, f)
        return 'router-guard'
      }
      return null
    }
    if (etherType === 0x86dd && p.routerGuard) {
      const type = icmpv6Type(f, l3)
      if (type === 134 || type === 137) {
        this.drops.count('router-guard')
        if (this.rec !== null) this.emit('dropped', 'router-guard', `dropped: router guard is On on this adapter and it sent an ICMPv6 ${type === 134 ? 'Router Advertisement (type 134)' : 'Redirect (type 137)'}; only a VM allowed to be a router may send these`, `${p.ref}.routerGuard`, f)
        return 'router-guard'
      }
    }
    return null
  }

  /** Fills this.facts for ACL matching (error set when an IPv4 header does not hold together). */
  private ipFacts(f: Uint8Array, l3: number, etherType: number): IpFacts {
    const x = this.facts
    if (this.factsFrame === f) return x
    this.factsFrame = f
    x.error = null
    x.srcPort = x.dstPort = -1
    x.src = x.dst = x.protocol = x.flowSrc = x.flowDst = 0
    if (etherType === 0x86dd) {
      x.fam = FRAME_IPV6
      return x
    }
    if (etherType !== 0x0800) {
      x.fam = FRAME_NOT_IP
      return x
    }
    x.fam = FRAME_IPV4
    // Ipv4Packet.checkLen's rule, inline; the WireError is built only for a bad header.
    const n = f.length - l3
    const hl = (f[l3] & 0x0f) << 2
    const total = (f[l3 + 2] << 8) | f[l3 + 3]
    if (n < 20 || f[l3] >>> 4 !== 4 || hl < 20 || hl > total || total > n) {
      x.error = Ipv4Packet.checked(f, l3, n) as WireError
      return x
    }
    x.src = (f[l3 + 12] << 24) | (f[l3 + 13] << 16) | (f[l3 + 14] << 8) | f[l3 + 15]
    x.dst = (f[l3 + 16] << 24) | (f[l3 + 17] << 16) | (f[l3 + 18] << 8) | f[l3 + 19]
    const proto = (x.protocol = f[l3 + 9])
    const o = l3 + hl
    const len = total - hl
    if ((((f[l3 + 6] & 0x1f) << 8) | f[l3 + 7]) !== 0) {
      x.flowSrc = x.flowDst = proto
    } else if ((proto === 6 || proto === 17) && len >= 4) {
      x.srcPort = x.flowSrc = (f[o] << 8) | f[o + 1]
      x.dstPort = x.flowDst = (f[o + 2] << 8) | f[o + 3]
    } else if (proto === 1 && len >= 8 && (f[o] === 8 || f[o] === 0)) {
      x.flowSrc = x.flowDst = (f[o + 4] << 8) | f[o + 5]
    } else {
      x.flowSrc = x.flowDst = proto
    }
    return x
  }

  /** A simple ACL list; `outbound` at the sending port, inbound at the receiving one. */
  private simpleAcl(q: SwitchPort, list: AclList, dir: 'inbound' | 'outbound', f: Uint8Array, x: IpFacts): boolean {
    const out = dir === 'outbound'
    // Outbound, local = the source (MAC at byte 6); inbound, local = the destination (byte 0).
    const lm = out ? 6 : 0
    const rm = out ? 0 : 6
    const localIp = out ? x.src : x.dst
    const remoteIp = out ? x.dst : x.src
    const code = list.check(x.fam, f, lm, rm, localIp, remoteIp)
    if (code <= -2) this.drops.count('acl-deny')
    if (this.rec !== null) this.recordAcl(q, list, dir, f, code, x.fam, lm, rm, localIp, remoteIp)
    return code > -2
  }

  private recordAcl(q: SwitchPort, list: AclList, dir: 'inbound' | 'outbound', f: Uint8Array, code: number, fam: number, lm: number, rm: number, localIp: number, remoteIp: number): void {
    const v = list.explain(code, fam, f, lm, rm, localIp, remoteIp)
    const what = fam === FRAME_IPV4 ? `traffic ${dir === 'outbound' ? 'to' : 'from'} ${formatIpv4(remoteIp)}` : fam === FRAME_IPV6 ? 'an IPv6 packet' : `a non-IP frame (judged by MAC entries only)`
    if (v.entry === null) {
      this.emit('permitted', 'acl-allow', `${dir} ACLs of ${q.label}: no entry matches ${what} → allowed (no match allows)`, `${q.ref}.acl`, f)
      return
    }
    const why = v.other === null ? 'the most specific matching entry' : `the most specific matching ${v.entry.ip ? 'IP' : 'MAC'} entry (the best ${v.other.ip ? 'IP' : 'MAC'} entry, ${v.other.label}, ${v.allowed ? 'allows too' : 'is overruled: a Deny in either family drops'})`
    if (v.allowed) {
      this.emit('permitted', 'acl-allow', `${dir} ACL ${v.entry.label} is ${why} for ${what} → allowed`, v.entry.ref, f)
    } else {
      const bits = v.entry.ip ? ` (${v.entry.specificity} bits)` : ''
      this.emit('denied', 'acl-deny', `${dir} ACL ${v.entry.label} is ${why} for ${what}${bits}${v.tie ? '; an Allow entry is as specific, and on a tie Deny beats Allow' : ''}`, v.entry.ref, f)
      this.emit('dropped', 'acl-deny', `dropped: a port ACL of ${q.label} denies it ${dir}`, v.entry.ref, f)
    }
  }

  /** An extended ACL list, stateful flows first. */
  private extendedAcl(q: SwitchPort, list: ExtendedAclList, dir: 'inbound' | 'outbound', f: Uint8Array, x: IpFacts): boolean {
    if (x.fam !== FRAME_IPV4) return true
    const out = dir === 'outbound'
    const localIp = out ? x.src : x.dst
    const remoteIp = out ? x.dst : x.src
    const now = this.scheduler.now
    if (q.flows !== null) {
      const flow = q.flows.hit(localIp >>> 0, out ? x.flowSrc : x.flowDst, remoteIp >>> 0, out ? x.flowDst : x.flowSrc, x.protocol, now)
      if (flow !== null) {
        if (this.rec !== null) this.emit('permitted', 'stateful-flow', `${dir}: part of a session admitted by stateful extended ACL ${flow.entry.label} → allowed (idle timer restarted)`, flow.entry.ref, f)
        return true
      }
    }
    const e = list.first(localIp, remoteIp, x.protocol, out ? x.srcPort : x.dstPort, out ? x.dstPort : x.srcPort)
    if (e === null) {
      if (this.rec !== null) this.emit('permitted', 'extended-acl-allow', `${dir} extended ACLs of ${q.label}: no entry matches → allowed`, `${q.ref}.extendedAcl`, f)
      return true
    }
    if (!e.allow) {
      this.drops.count('extended-acl-deny')
      if (this.rec !== null) {
        this.emit('denied', 'extended-acl-deny', `${dir} extended ACL ${e.label} is the first match (larger weights apply first)`, e.ref, f)
        this.emit('dropped', 'extended-acl-deny', `dropped: an extended port ACL of ${q.label} denies it ${dir}`, e.ref, f)
      }
      return false
    }
    if (e.stateful) q.flows!.open(e, localIp >>> 0, out ? x.flowSrc : x.flowDst, remoteIp >>> 0, out ? x.flowDst : x.flowSrc, x.protocol, now)
    if (this.rec !== null) this.emit('permitted', 'extended-acl-allow', `${dir} extended ACL ${e.label} is the first match → allowed${e.stateful ? '; the session is recorded, so its return traffic passes' : ''}`, e.ref, f)
    return true
  }

  private learn(p: SwitchPort, hi: number, lo: number, f: Uint8Array): void {
    if (this.table.get(hi, lo) === p) return
    const mac = (hi & 0xffff) * 0x1_0000_0000 + (lo >>> 0)
    if (this.learnAt(p, hi, lo, mac, this.scheduler.now) && this.rec !== null) {
      this.emit('permitted', 'mac-learned', `MAC address spoofing is On on this adapter: source ${formatMacTrace(mac)} is accepted and learned behind ${p.label}`, `${p.ref}.macAddressSpoofing`, f)
    }
  }

  private learnAt(p: SwitchPort, hi: number, lo: number, mac: Mac, atMs: number): boolean {
    const owner = this.table.get(hi, lo)
    if (owner === p) return false
    // A configured port MAC is never learned over, a dormant port's included.
    if (owner !== null && owner.macHi === hi && owner.macLo === lo && owner.kindCode !== KIND_EXTERNAL) return false
    if (this.runCount > 0 && this.sleeperWith(mac, Infinity) >= 0) return false
    if (p.learnedCount >= MAX_LEARNED_PER_PORT) return false
    if (owner !== null) owner.learnedCount--
    this.table.set(hi, lo, p)
    this.learned.set(mac, {port: p, atMs})
    p.learnedCount++
    return true
  }

  private forgetLearned(p: SwitchPort): void {
    for (const [mac, l] of this.learned) {
      if (l.port !== p) continue
      this.table.delete(macHi(mac), macLo(mac))
      this.learned.delete(mac)
    }
    p.learnedCount = 0
  }

  // -------------------------------------------------------------------------------------------
  // Lookup and egress

  /**
   * The ports up and members of `vid`, in order: SwitchPorts, and the run's plain members asleep by
   * id (they may wake later: the flood looks). A member of the run that is not plain wakes here.
   */
  private members(vid: number, target: number): (SwitchPort | number)[] {
    let m = this.floodCache.get(vid)
    this.ignoredNow = null
    if (m === undefined) {
      m = []
      for (const e of this.order) {
        if (e !== RUN) {
          if (e.stateCode === UP && egressOf(e.vlan, vid) !== NOT_MEMBER) m.push(e)
          continue
        }
        const source = this.dormant!
        const id = this.config.id
        // The flood's own skips, read while each port's facts are at hand (see `flood`).
        const ignored = target >= 0 ? (this.ignoredNow = new Uint8Array(this.runCount)) : null
        for (let i = 0; i < this.runCount; i++) {
          let w = this.awake(i)
          if (w === null) {
            if (!this.asleep(i)) continue
            const v = source.sleepVid(i, id)
            if (v === vid) {
              m.push(i)
              if (ignored !== null && source.ignores(i, target)) ignored[i] = 1
              continue
            }
            if (v !== NOT_PLAIN) continue
            w = this.wake(i)
          }
          if (w.stateCode === UP && egressOf(w.vlan, vid) !== NOT_MEMBER) m.push(w)
        }
      }
      this.floodCache.set(vid, m)
    }
    return m
  }

  private flood(p: SwitchPort, f: Uint8Array, vid: number, tagged: boolean): void {
    /** What sleeping members' endpoints discard (DormantPorts.floodedTarget), -1: nothing. */
    const target = this.runCount === 0 || tagged ? -1 : this.dormant!.floodedTarget(f)
    const members = this.members(vid, target)
    /** Set when the member list was made for this flood: which sleeping members ignore it. */
    const ignored = this.ignoredNow
    const rec = this.rec
    if (rec !== null) {
      const n = members.length - (this.isMember(members, p) ? 1 : 0)
      const dst = get48(f, 0)
      this.emit('flooded', 'broadcast', `destination ${dst === 0xffff_ffff_ffff ? 'broadcast' : `multicast ${formatMacTrace(dst)}`} → every other port in ${vlanName(vid)}: ${n} port${n === 1 ? '' : 's'}${this.pvlanFloodNote(p)}`, null, f)
    }
    let untagged: Uint8Array | null = null
    let tagged2: Uint8Array | null = null
    let mirrorFrame: Uint8Array | null = null
    let mirrorFrom: SwitchPort | null = null
    let skipped = 0
    for (let i = 0; i < members.length; i++) {
      const e = members[i]
      let m: SwitchPort
      if (typeof e !== 'number') m = e
      else {
        const w = this.awake(e)
        if (w !== null) m = w
        else {
          // A dormant member: a plain port that receives untagged, with no inbound policy.
          if (ignored !== null ? ignored[e] === 1 : target >= 0 && this.dormant!.ignores(e, target)) {
            skipped++
            continue
          }
          m = this.wake(e)
        }
      }
      if (m === p) continue
      if (m.egressPolicy && !this.egressPolicies(m, f, tagged)) continue
      const mode = egressOf(m.vlan, vid)
      let out: Uint8Array
      if (mode === EGRESS_UNTAGGED) out = untagged ??= untaggedOf(f, tagged)
      else out = tagged2 ??= taggedOf(f, tagged, vid)
      // An untagged copy the endpoint ignores outright (FrameSink.discardsFlooded): no copy step.
      if (tagged || mode !== EGRESS_UNTAGGED || m.sink.discardsFlooded === undefined || !m.sink.discardsFlooded(out)) {
        if (rec !== null) this.recordEgress(m, f, out, vid, 'broadcast', `copy to ${m.label}`)
        m.sink.receive(out)
      }
      if (m.mirror === MIRROR_SOURCE && mirrorFrom === null) {
        mirrorFrame = out
        mirrorFrom = m
      }
    }
    if (skipped > 0) this.dormant!.discarded(skipped)
    if (this.mirrorSources !== 0) {
      if (p.mirror === MIRROR_SOURCE) this.mirror(p, f, p, 'sent', members)
      else if (mirrorFrom !== null) this.mirror(mirrorFrom, mirrorFrame!, p, 'received', members)
    }
  }

  private unknownUnicast(p: SwitchPort, f: Uint8Array, vid: number, tagged: boolean): void {
    const x = this.external
    if (p.kindCode === KIND_EXTERNAL || this.dropUnknownUnicast || x === null || x.stateCode !== UP) {
      this.drops.count('unknown-unicast')
      if (this.rec !== null) {
        const mac = formatMacTrace(get48(f, 0))
        const text =
          p.kindCode === KIND_EXTERNAL
            ? `dropped: destination MAC ${mac} is no port of this switch; frames from the physical network reach only known port MACs (MAC address spoofing On adds learned ones)`
            : this.dropUnknownUnicast
              ? `dropped: destination MAC ${mac} is no port of this ${this.config.switchType} switch; unknown unicast goes only to an external port, and an ${this.config.switchType} switch has none (it is never flooded to VM ports)`
              : `dropped: destination MAC ${mac} is no port of this switch and its external port is not connected`
        this.emit('dropped', 'unknown-unicast', text, p.kindCode === KIND_EXTERNAL ? null : `${this.ref}.switchType`, f)
      }
      return
    }
    if (this.rec !== null) this.emit('forwarded', 'unknown-unicast-external', `destination MAC ${formatMacTrace(get48(f, 0))} is no port of this switch → ${x.label} only (unknown unicast is never flooded to VM ports)`, x.ref, f)
    const out = this.egress(x, f, vid, tagged, egressOf(x.vlan, vid))
    if (this.mirrorSources !== 0) this.mirrorUnicast(p, x, f, out)
  }

  /** Inbound ACLs of the destination; returns false when dropped. */
  private egressPolicies(d: SwitchPort, f: Uint8Array, tagged: boolean): boolean {
    const l3 = tagged ? 18 : 14
    return this.portAcls(d, 'inbound', d.aclIn, d.xaclIn, f, l3, (f[l3 - 2] << 8) | f[l3 - 1])
  }

  /** Hands the frame to `d` with the tag its mode wants: the bytes `d` got, null when its inbound ACLs drop it. */
  private egress(d: SwitchPort, f: Uint8Array, vid: number, tagged: boolean, mode: number): Uint8Array | null {
    if (d.egressPolicy && !this.egressPolicies(d, f, tagged)) return null
    let out = f
    if (mode === EGRESS_UNTAGGED) {
      if (tagged) out = untaggedOf(f, true)
    } else if (!tagged || (((f[14] & 0x0f) << 8) | f[15]) !== vid) {
      out = taggedOf(f, tagged, vid)
    }
    if (this.rec !== null && out !== f) this.recordEgress(d, f, out, vid, 'vlan-tag', null)
    d.sink.receive(out)
    return out
  }

  // -------------------------------------------------------------------------------------------
  // Port mirroring: a Source port's sent and received frames are copied to every Destination
  // port of the switch, except the port the frame came from and ports that get the frame itself.

  private indexMirroring(): void {
    const built = this.portsInOrder(false)
    this.mirrorDestinations = built.filter((q) => q.mirror === MIRROR_DESTINATION)
    this.sourcePorts = built.filter((q) => q.mirror === MIRROR_SOURCE).length
    this.mirrorSources = this.mirrorDestinations.length === 0 ? 0 : this.sourcePorts
  }

  private mirrorUnicast(p: SwitchPort, d: SwitchPort, f: Uint8Array, out: Uint8Array | null): void {
    if (p.mirror === MIRROR_SOURCE) this.mirror(p, f, p, 'sent', out !== null ? d : null)
    else if (out !== null && d.mirror === MIRROR_SOURCE) this.mirror(d, out, p, 'received', d)
  }

  private mirror(source: SwitchPort, frame: Uint8Array, from: SwitchPort, what: 'sent' | 'received', gotIt: SwitchPort | readonly (SwitchPort | number)[] | null): void {
    for (const m of this.mirrorDestinations) {
      if (m === from || m === source || m.stateCode !== UP) continue
      if (gotIt !== null && (gotIt === m || (Array.isArray(gotIt) && gotIt.includes(m)))) continue
      if (this.rec !== null) this.emit('forwarded', 'port-mirroring', `copy to ${m.label}: port mirroring is Source on ${source.label} and Destination on ${m.label} (a frame it ${what})`, `${source.ref}.portMirroring`, frame)
      m.sink.receive(frame)
    }
  }

  // -------------------------------------------------------------------------------------------
  // Drops (cold): count, and record when a recorder is attached.

  private dropMalformed(p: SwitchPort, f: Uint8Array): void {
    this.drops.count('malformed')
    if (this.rec !== null) {
      const e = EthernetFrame.checked(f, 0, f.length)
      const why = e instanceof WireError ? `${e.code}: ${e.message}` : `bad-length: frame of ${f.length} bytes`
      this.emit('dropped', 'malformed', `dropped: malformed frame from ${p.label} (${why})`, null, f)
    }
  }

  private dropMalformedIp(p: SwitchPort, f: Uint8Array, e: WireError): void {
    this.drops.count('malformed')
    if (this.rec !== null) this.emit('dropped', 'malformed', `dropped: malformed IPv4 packet (${e.code}: ${e.message}); the guards or ACLs of ${p.label} read its header`, null, f)
  }

  private dropMulticastSource(p: SwitchPort, f: Uint8Array): void {
    this.drops.count('malformed')
    if (this.rec !== null) this.emit('dropped', 'malformed', `dropped: malformed frame from ${p.label} (bad-source: source ${formatMacTrace(get48(f, 6))} is a group address; IEEE 802 sources are individual addresses)`, null, f)
  }

  private dropPortState(p: SwitchPort, f: Uint8Array): void {
    if (p.stateCode === VM_OFF) {
      this.drops.count('vm-off')
      if (this.rec !== null) this.emit('dropped', 'vm-off', `dropped: the VM of ${p.label} is Off; a VM's switch port exists only while it runs`, p.ref, f)
    } else {
      this.drops.count('port-disconnected')
      if (this.rec !== null) this.emit('dropped', 'port-disconnected', `dropped: ${p.label} is no longer connected to this switch (its port was removed)`, p.ref, f)
    }
  }

  private dropSpoofed(p: SwitchPort, f: Uint8Array): void {
    this.drops.count('mac-spoofing')
    if (this.rec !== null) {
      const src = formatMacTrace(get48(f, 6))
      const text =
        p.macAddress === 0
          ? `dropped: this adapter has no MAC address yet (000000000000) and MAC address spoofing is Off, so nothing it sends is accepted (source ${src})`
          : `dropped: MAC address spoofing is Off on this adapter and source ${src} is not its own (${formatMacTrace(p.macAddress)})`
      this.emit('dropped', 'mac-spoofing', text, `${p.ref}.macAddressSpoofing`, f)
    }
  }

  private dropTaggedOnAccess(p: SwitchPort, f: Uint8Array, tagVid: number): void {
    this.drops.count('vlan-tagged-on-access')
    if (this.rec !== null) this.emit('dropped', 'vlan-tagged-on-access', `dropped: the adapter is ${p.vlan.label === 'untagged' ? 'untagged' : `in ${p.vlan.label} mode`} and sent a frame tagged VLAN ${tagVid}; only a trunk port may send tagged frames`, `${p.ref}.vlan`, f)
  }

  private dropVlanNotAllowed(p: SwitchPort, f: Uint8Array, tagVid: number): void {
    this.drops.count('vlan-not-allowed')
    if (this.rec !== null) this.emit('dropped', 'vlan-not-allowed', `dropped: the adapter is a ${p.vlan.label} and VLAN ${tagVid} is not in its allowed list`, `${p.ref}.vlan`, f)
  }

  private dropReservedVid(p: SwitchPort, f: Uint8Array): void {
    this.drops.count('malformed')
    if (this.rec !== null) this.emit('dropped', 'malformed', `dropped: malformed frame from ${p.label} (bad-vid: VLAN id 4095 is reserved by 802.1Q)`, null, f)
  }

  private dropSamePort(p: SwitchPort, f: Uint8Array): void {
    this.drops.count('same-port')
    if (this.rec !== null) this.emit('dropped', 'same-port', `dropped: destination MAC ${formatMacTrace(get48(f, 0))} is behind ${p.label}, the port the frame came from; a switch never sends a frame back out of its ingress port`, null, f)
  }

  private dropVmOff(d: SwitchPort, f: Uint8Array): void {
    this.drops.count('vm-off')
    if (this.rec !== null) this.emit('dropped', 'vm-off', `dropped: destination MAC ${formatMacTrace(get48(f, 0))} is ${d.label}, whose VM is Off; a VM's switch port exists only while it runs`, d.ref, f)
  }

  /** The destination port is not a member of the frame's VLAN: vlan-mismatch, or a PVLAN rule. */
  private dropNotMember(p: SwitchPort, d: SwitchPort, f: Uint8Array, vid: number): void {
    const sp = p.vlan.pvlan
    const dp = d.vlan.pvlan
    let reason: DropReason = 'vlan-mismatch'
    if (sp !== null && dp !== null && sp.primary === dp.primary && sp.mode !== 'promiscuous') reason = sp.mode === 'isolated' ? 'pvlan-isolated' : 'pvlan-community'
    this.drops.count(reason)
    if (this.rec === null) return
    const to = `destination MAC ${formatMacTrace(get48(f, 0))} is ${d.label}`
    let text: string
    if (reason === 'pvlan-isolated') text = `dropped: ${to}, but ${p.label} is an isolated port of private VLAN ${sp!.primary}; isolated ports reach only promiscuous ports`
    else if (reason === 'pvlan-community') text = `dropped: ${to}, but ${p.label} is in community ${p.vlan.sendVid} of private VLAN ${sp!.primary} and ${d.label} is ${dp!.mode === 'isolated' ? 'isolated' : `in community ${d.vlan.sendVid}`}; community ports reach their own community and promiscuous ports`
    else text = `dropped: ${to} (${d.vlan.label}), but the frame from ${p.label} (${p.vlan.label}) is in ${vlanName(vid)}; ports reach each other only inside one VLAN`
    this.emit('dropped', reason, text, `${d.ref}.vlan`, f)
  }

  // -------------------------------------------------------------------------------------------
  // Recording (only ever called with a recorder attached)

  private emit(action: StepAction, reason: StepReason, text: string, ref: string | null, frame: Uint8Array, changes?: readonly FieldChange[]): void {
    this.rec!.step(changes === undefined ? {timeMs: this.scheduler.now, place: this.place, action, reason, text, ref, frame} : {timeMs: this.scheduler.now, place: this.place, action, reason, text, ref, frame, changes})
  }

  /** What spoofing and the guards found, for a frame that passed them. */
  private recordIngressChecks(p: SwitchPort, f: Uint8Array, own: boolean): void {
    const parts = [
      p.spoofing
        ? own
          ? 'MAC address spoofing is On; the source is the adapter\'s own MAC'
          : 'MAC address spoofing is On: any source MAC is accepted'
        : 'MAC address spoofing is Off and the source is the adapter\'s own MAC',
    ]
    if (p.dhcpGuard) parts.push('DHCP guard On: not a DHCP server message')
    if (p.routerGuard) parts.push('router guard On: not a router advertisement or redirect')
    if (p.aclOut === null && p.xaclOut === null) parts.push('no outbound ACL')
    this.emit('permitted', 'ingress-checks', parts.join('; '), p.ref, f)
  }

  private recordClassified(p: SwitchPort, f: Uint8Array, vid: number, tagVid: number): void {
    const how =
      p.kindCode === KIND_EXTERNAL
        ? tagVid === 0
          ? 'an untagged frame from the physical network'
          : `tagged VLAN ${tagVid} from the physical network`
        : p.vlan.ingress === IN_TRUNK
          ? tagVid === 0
            ? `untagged on a ${p.vlan.label} port: the native VLAN`
            : `tagged VLAN ${tagVid}, allowed on this ${p.vlan.label} port`
          : p.vlan.pvlan !== null
            ? `the adapter is ${p.vlan.pvlan.mode} in private VLAN ${p.vlan.pvlan.primary} and sends on ${p.vlan.pvlan.mode === 'promiscuous' ? 'the primary' : 'its secondary'} VLAN`
            : p.vlan.sendVid === 0
              ? 'the adapter is untagged'
              : `the adapter is in access mode for VLAN ${p.vlan.sendVid}`
    const reason = p.vlan.ingress === IN_ACCESS ? (p.vlan.pvlan === null ? 'vlan-access' : 'vlan-private') : 'vlan-trunk'
    this.emit('permitted', reason, `classified into ${vlanName(vid)}: ${how}`, p.kindCode === KIND_EXTERNAL ? null : `${p.ref}.vlan`, f)
  }

  private recordKnown(d: SwitchPort, f: Uint8Array): void {
    const dst = get48(f, 0)
    const learned = dst !== d.macAddress
    const text = learned
      ? `destination MAC ${formatMacTrace(dst)} was learned behind ${d.label} (MAC address spoofing On) → 1 port`
      : `destination MAC ${formatMacTrace(dst)} is the port of ${d.label} → 1 port`
    this.emit('forwarded', learned ? 'learned-mac' : 'known-mac', text, learned ? `${d.ref}.macAddressSpoofing` : d.ref, f)
  }

  private recordEgress(d: SwitchPort, f: Uint8Array, out: Uint8Array, vid: number, reason: string, text: string | null): void {
    const before = tagName(f)
    const after = tagName(out)
    if (text !== null) this.emit('forwarded', reason, `${text}${after === 'untagged' ? '' : `, tagged VLAN ${vid}`}`, null, out)
    if (before !== after) {
      const mode = d.kindCode === KIND_EXTERNAL ? 'it carries every VLAN tagged, except VID 0' : d.vlan.label
      const what = after === 'untagged' ? `tag removed: ${d.label} receives ${vlanName(vid)} untagged (${mode})` : before === 'untagged' ? `tag VLAN ${vid} added: ${d.label} receives ${vlanName(vid)} tagged (${mode})` : `tag rewritten to VLAN ${vid} for ${d.label} (${mode})`
      this.emit('transformed', 'vlan-tag', what, d.kindCode === KIND_EXTERNAL ? null : `${d.ref}.vlan`, out, [{field: 'vlan.vid', before, after}])
    }
  }

  private pvlanFloodNote(p: SwitchPort): string {
    const pv = p.vlan.pvlan
    if (pv === null || pv.mode === 'promiscuous') return ''
    return pv.mode === 'isolated' ? ' (isolated ports of the private VLAN are not reached)' : ' (other communities and isolated ports are not reached)'
  }
}

function tagName(f: Uint8Array): string {
  return f.length >= 18 && f[12] === 0x81 && f[13] === 0 ? `${((f[14] & 0x0f) << 8) | f[15]}` : 'untagged'
}

/** The frame without its tag (a new buffer; the caller knows it is tagged and well formed). */
function untaggedOf(f: Uint8Array, tagged: boolean): Uint8Array {
  if (!tagged) return f
  const r = popVlan(f)
  return r instanceof WireError ? f : r.frame
}

/** The frame tagged with `vid` (PCP and DEI kept from an existing tag). */
function taggedOf(f: Uint8Array, tagged: boolean, vid: number): Uint8Array {
  if (tagged) {
    if ((((f[14] & 0x0f) << 8) | f[15]) === vid) return f
    const out = f.slice()
    out[14] = (f[14] & 0xf0) | (vid >>> 8)
    out[15] = vid & 0xff
    return out
  }
  const r = pushVlan(f, {pcp: 0, dei: false, vid})
  return r instanceof WireError ? f : r
}

/** The ICMPv6 type of an IPv6 packet at `l3` (after Hop-by-Hop, Routing, Destination options), or -1. */
function icmpv6Type(f: Uint8Array, l3: number): number {
  if (f.length < l3 + 40 || f[l3] >>> 4 !== 6) return -1
  let next = f[l3 + 6]
  let o = l3 + 40
  for (let i = 0; i < 8 && (next === 0 || next === 43 || next === 60); i++) {
    if (f.length < o + 2) return -1
    next = f[o]
    o += (f[o + 1] + 1) * 8
  }
  return next === 58 && f.length > o ? f[o] : -1
}

/** VSwitch.order's place of the dormant run. */
const RUN = 0
