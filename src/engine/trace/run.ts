// The trace driver: injects one flow into a running network (src/engine/network.ts), runs the
// virtual clock until the flow's outcome is decided, and hands back the steps the recorder kept,
// with the flow as buildTraceResult wants it. Pure: no I/O, no wall clock.
//
// Injection modes (issue 9):
//   guest     as the VM's OS would send it: the guest boots here if it has not yet (its DHCP
//             exchange is recorded and shows as a preliminary), ARP for the next hop happens inside
//             its stack; then ping / UDP / DNS query / TCP connect / ARP request / DHCP exchange.
//   host      from the host's own IP stack (the route picks the interface).
//   external  from a machine on the LAN beyond a physical adapter (a LanDevice the driver speaks
//             for): it ARPs for its next hop (the destination on the LAN, else the gateway), then
//             sends; what comes back to it is recorded as delivered.
//   frames    exact bytes entering at a VM adapter's port, a host vNIC's port, or the physical
//             network beyond an adapter; several frames go one after the other.
//
// Before the flow, and unrecorded, the network settles what a real host would have settled long
// before the trace: host interfaces with DHCP and no lease get theirs (or APIPA), and a target VM
// that gets its address by DHCP boots. Other guests with no saved state are not booted (their
// state is not saved either): a trace touches only what its flow needs, so its cost does not grow
// with the lab.
//
// When the trace stops (virtual time):
//   - at once when the sender learns the outcome: an echo reply, a UDP answer, a TCP SYN-ACK or
//     RST, an ICMP error about the flow, or its stack giving up (no route, ARP unresolved);
//   - when nothing more can happen before the deadline (nothing is scheduled until then): a
//     delivery with no answer, a drop, a void;
//   - at the latest at the deadline: FLOW_LIMIT_MS after the flow's first packet (ARP_LIMIT_MS for
//     an ARP flow, DHCP_LIMIT_MS for a DHCP one), after at most DHCP_LIMIT_MS of the guest's own DHCP
//     (APIPA comes at 28 s: DISCOVER at 0, 4 and 12 s, then 16 s more) — and MAX_EVENTS events in all, a loop guard.
import type {TimeMs} from '../clock.js'
import type {NetworkConfig} from '../config.js'
import type {GuestStack} from '../ip/guest.js'
import {ARP_RETRY_MS, ARP_TRIES} from '../ip/arp-cache.js'
import {dnsQuery} from '../ip/dns.js'
import type {IpStack, StackEvent, StackInterface} from '../ip/stack.js'
import {reachability} from '../lan/internet.js'
import {derivedMac} from '../lan/lan.js'
import type {Lan, LanDevice} from '../lan/lan.js'
import {buildNetwork} from '../network.js'
import type {Network} from '../network.js'
import type {Place, Recorder, Step, StepAction} from '../observe.js'
import type {RuntimeState} from '../runtime.js'
import {ARP_OP_REPLY, ARP_OP_REQUEST, ETHERTYPE_ARP, ETHERTYPE_IPV4, MAC_BROADCAST, cidrContains, decodeFrame, encodeFrame, formatIpv4, formatMacTrace, ipv4Repr} from '../wire/index.js'
import type {DecodedFrame, FrameLayer, Ipv4Address, Mac} from '../wire/index.js'
import {TCP_SYN} from '../wire/tcp.js'
import {EngineInputError} from '../errors.js'
import type {TraceProtocol} from './expect.js'
import {TraceRecorder} from './recorder.js'
import {sameBytes} from './result.js'
import type {TraceFlowSpec} from './result.js'

/** After the flow's first packet: longer than ARP's 3 tries a second apart and TCP's first retransmissions. */
export const FLOW_LIMIT_MS = 10_000
export const ARP_LIMIT_MS = 5_000
/** A DHCP exchange, and the wait for a guest's lease: APIPA comes 28 s after the first DISCOVER. */
export const DHCP_LIMIT_MS = 60_000
export const MAX_EVENTS = 1_000_000

/** The DNS name a `--protocol dns` trace asks for. */
export const TRACE_DNS_NAME = 'www.microsoft.com'
/** Defaults of a guest-style flow. */
export const TRACE_DEFAULT_PORTS: Readonly<Partial<Record<TraceProtocol, number>>> = {tcp: 80, dns: 53}

export type TraceTarget =
  | {readonly kind: 'address'; readonly address: Ipv4Address}
  /** A VM adapter (`db/Network Adapter`): its address once it runs, else its static address. */
  | {readonly kind: 'vm'; readonly adapterKey: string}
  /** The host's address on the sender's network. */
  | {readonly kind: 'host'}
  /** The sender's default gateway. */
  | {readonly kind: 'gateway'}

export interface TracePacket {
  readonly protocol: TraceProtocol
  readonly target: TraceTarget
  readonly dstPort: number | null
  readonly srcPort: number | null
  /** ICMP echo data or UDP payload bytes. */
  readonly size: number | null
  readonly ttl: number | null
}

export type FramePort = {readonly kind: 'vm'; readonly adapterKey: string} | {readonly kind: 'host'; readonly alias: string} | {readonly kind: 'external'; readonly adapter: string}

export type TraceInjection =
  | {readonly kind: 'guest'; readonly adapterKey: string; readonly packet: TracePacket}
  | {readonly kind: 'host'; readonly packet: TracePacket}
  | {readonly kind: 'external'; readonly adapter: string; readonly src: Ipv4Address | null; readonly packet: TracePacket}
  | {readonly kind: 'frames'; readonly at: FramePort; readonly frames: readonly Uint8Array[]}

export interface TraceRun {
  readonly flow: TraceFlowSpec
  readonly steps: readonly Step[]
  /** For the default expectation of TCP: the destination should listen on the port. */
  readonly openPort: boolean
  /** Why the driver stopped. */
  readonly stopped: 'decided' | 'quiet' | 'deadline'
}

/** A recorder that passes steps on only while `on` (the network settles unrecorded first). */
export class GatedRecorder implements Recorder {
  on = false
  constructor(readonly inner: TraceRecorder) {}
  step(step: Step): void {
    if (this.on) this.inner.step(step)
  }
}

/**
 * Builds the network of `config` with `runtime` restored, booting only the guests the injection
 * needs, and runs the trace. The network is returned for its runtime state (`exportState`).
 */
export function traceNetwork(config: NetworkConfig, runtime: RuntimeState | null, injection: TraceInjection): {network: Network; run: TraceRun} {
  const gate = new GatedRecorder(new TraceRecorder())
  const network = buildNetwork(config, runtime, {recorder: gate, boot: 'none'})
  return {network, run: runTrace(network, gate, injection)}
}

/** Runs `injection` on `net`, whose components report to `gate`. */
export function runTrace(net: Network, gate: GatedRecorder, injection: TraceInjection): TraceRun {
  return new Driver(net, gate).run(injection)
}

function input(message: string, fix: string): EngineInputError {
  return new EngineInputError('injection', message, fix)
}

class Driver {
  private events = 0

  constructor(
    private readonly net: Network,
    private readonly gate: GatedRecorder,
  ) {}

  private get now(): TimeMs {
    return this.net.scheduler.now
  }

  /** Runs events until `done`, until nothing is due by `deadline`, or the event budget. */
  private runUntil(done: () => boolean, deadline: TimeMs): TraceRun['stopped'] {
    const s = this.net.scheduler
    while (this.events < MAX_EVENTS) {
      if (done()) return 'decided'
      const next = s.nextAt
      if (next === null || next > deadline) return next === null ? 'quiet' : 'deadline'
      s.run({maxEvents: 1})
      this.events++
    }
    return 'deadline'
  }

  private step(place: Place, action: StepAction, reason: string, text: string, ref: string | null, frame: Uint8Array): void {
    this.gate.step({timeMs: this.now, place, action, reason, text, ref, frame})
  }

  /** Steps' times count from the start of the trace (the runtime's clock goes on from where it was). */
  run(injection: TraceInjection): TraceRun {
    this.settle(injection)
    this.gate.on = true
    const t0 = this.now
    const r = this.inject(injection)
    this.gate.on = false
    return {...r, steps: withoutIgnoredCopies(r.steps).map((s) => ({...s, timeMs: s.timeMs - t0}))}
  }

  private inject(injection: TraceInjection): TraceRun {
    switch (injection.kind) {
      case 'guest':
        return this.fromGuest(injection.adapterKey, injection.packet)
      case 'host':
        return this.fromHost(injection.packet)
      case 'external':
        return this.fromExternal(injection.adapter, injection.src, injection.packet)
      case 'frames':
        return this.frames(injection.at, injection.frames)
    }
  }

  /** Unrecorded: host DHCP clients get their lease (or APIPA), a DHCP target VM boots. */
  private settle(injection: TraceInjection): void {
    const waiting: StackInterface[] = []
    for (const c of this.net.host.dhcpClients.values()) if (c.iface.addresses.length === 0) waiting.push(c.iface)
    if (injection.kind !== 'frames' && injection.packet.target.kind === 'vm') {
      const key = injection.packet.target.adapterKey
      const g = this.net.guest(key)
      if (g !== null && !this.net.booted(key) && !(injection.kind === 'guest' && injection.adapterKey === key)) {
        this.net.bootGuest(key)
        waiting.push(g.iface)
      }
    }
    if (waiting.length > 0) this.runUntil(() => waiting.every((i) => i.addresses.length > 0), this.now + DHCP_LIMIT_MS)
  }

  // -------------------------------------------------------------------------------------------
  // Targets

  private vmAddress(key: string): Ipv4Address {
    const g = this.net.guest(key)
    if (g !== null && g.ready) return g.iface.primary
    const i = this.net.adapters.find(key)
    const vm = i < 0 ? undefined : this.net.adapters.vm(i)
    const a = i < 0 ? undefined : this.net.adapters.adapter(i)
    if (a !== undefined && a.ip.mode === 'static') return a.ip.address
    const name = vm?.name ?? key.split('/')[0]
    if (vm !== undefined && !vm.running) throw input(`The VM "${name}" is off and gets its address by DHCP, so it has no IPv4 address to trace to.`, `Start it (\`hvnet vm start ${name}\`), or give it a static address with \`hvnet vm set-ip\`, or trace to an address.`)
    throw input(`The adapter "${key}" has no IPv4 address yet: no DHCP server answered it.`, `Give it a static address with \`hvnet vm set-ip\`, or trace to an address.`)
  }

  /** The host's address on the network of `iface` (a guest's adapter). */
  private hostOn(iface: StackInterface, who: string): Ipv4Address {
    const mine = iface.primary
    for (const h of this.net.host.stack.interfaces) {
      for (const a of h.addresses) if (cidrContains({address: a.address, prefix: a.prefixLength}, mine)) return a.address
    }
    throw input(`The host has no address on the network of ${who} (${formatIpv4(mine)}).`, 'Give the host an address there (`hvnet host ip add --interface-alias "vEthernet (SWITCH)" …`), or trace to an address.')
  }

  private resolve(target: TraceTarget, sender: {iface: StackInterface | null; who: string; gateway: Ipv4Address | null}): Ipv4Address {
    switch (target.kind) {
      case 'address':
        return target.address
      case 'vm':
        return this.vmAddress(target.adapterKey)
      case 'gateway':
        if (sender.gateway === null) throw input(`${sender.who} has no default gateway.`, 'Give it one (`hvnet vm set-ip VM --name NIC --address A/LEN --gateway G`), or trace to an address.')
        return sender.gateway
      case 'host':
        if (sender.iface === null) throw input('--to host names the host\'s address on a VM\'s network; the host cannot trace to itself that way.', 'Trace to one of the host\'s addresses, or from a VM.')
        return this.hostOn(sender.iface, sender.who)
    }
  }

  private openPort(p: TracePacket, dst: Ipv4Address, dstPort: number | null): boolean {
    if (p.protocol !== 'tcp' || dstPort === null) return false
    if (p.target.kind === 'vm' || p.target.kind === 'address') {
      const target = p.target.kind === 'vm' ? this.net.adapters.find(p.target.adapterKey) : -1
      const listens = this.vmListens(target, dst, dstPort)
      if (listens !== null) return listens
    }
    // The host's address: open where a static mapping publishes a VM's listening port on it.
    if (this.net.host.stack.isOwnAddress(dst)) {
      for (const nat of this.net.config.nats) {
        for (const m of nat.staticMappings) {
          if (m.protocol === 'tcp' && m.externalPort === dstPort && (m.externalAddress === 0 || m.externalAddress === dst)) return this.vmListens(-1, m.internalAddress, m.internalPort) === true
        }
      }
      return false
    }
    for (const link of this.net.links.values()) if (link.lan !== null && (link.lan.gateway === dst || cidrContains({address: link.lan.prefix.address, prefix: link.lan.prefix.length}, dst))) return false
    return reachability(dst, {address: 0, length: 32}).kind === 'public' && (dstPort === 80 || dstPort === 443)
  }

  /** Whether the running VM adapter `target` (or else the one holding `address`) listens on TCP `port`; null when none is found. */
  private vmListens(target: number, address: Ipv4Address, port: number): boolean | null {
    const adapters = this.net.adapters
    for (let i = 0; i < adapters.count; i++) {
      if (adapters.running(i) && (i === target || this.net.adapterHolds(i, address))) return adapters.vm(i).guest.listen.some((l) => l.protocol === 'tcp' && l.port === port)
    }
    return null
  }

  // -------------------------------------------------------------------------------------------
  // As a guest or the host would send it

  private fromGuest(key: string, p: TracePacket): TraceRun {
    const g = this.net.guest(key)
    if (g === null) throw new Error(`runTrace: no running guest ${key}`)
    const from: Place = {kind: 'vm', name: key}
    if (p.protocol === 'dhcp') return this.dhcp(g, from)
    if (!this.net.booted(key)) this.net.bootGuest(key)
    if (!g.ready) this.runUntil(() => g.ready, this.now + DHCP_LIMIT_MS)
    if (!g.ready) throw input(`The adapter "${key}" got no IPv4 address (no DHCP answer, no APIPA).`, 'Give it a static address with `hvnet vm set-ip`.')
    const dst = this.resolve(p.target, {iface: g.iface, who: `The VM adapter "${key}"`, gateway: g.iface.gateway})
    return this.send(g.stack, from, p, dst, g.iface)
  }

  private fromHost(p: TracePacket): TraceRun {
    const stack = this.net.host.stack
    const gw = stack.interfaces.find((i) => i.gateway !== null)?.gateway ?? null
    const dst = this.resolve(p.target, {iface: null, who: 'The host', gateway: gw})
    const r = stack.routes.lookup(dst)
    const iface = stack.ownerOf(dst) ?? (r.kind === 'found' ? stack.interfaces[r.route.ifIndex] : (stack.interfaces[0] ?? null))
    if (iface === null) throw input('The host has no network interface to send from.', 'Add an adapter (`hvnet host adapter add`).')
    return this.send(stack, {kind: 'host', name: iface.alias}, p, dst, iface)
  }

  /** Sends the flow from `stack` and waits for its outcome. */
  private send(stack: IpStack, from: Place, p: TracePacket, dst: Ipv4Address, iface: StackInterface): TraceRun {
    const r = stack.routes.lookup(dst)
    const nextHop = r.kind === 'found' ? r.nextHop : dst
    const src = stack.isOwnAddress(dst) ? dst : r.kind === 'found' ? stack.interfaces[r.route.ifIndex].sourceFor(nextHop) : iface.addresses.length > 0 ? iface.primary : 0
    let decided = false
    let srcPort: number | null = null
    let dstPort: number | null = null
    const o = {ttl: p.ttl ?? undefined}
    const matches = (e: StackEvent): boolean => {
      switch (e.kind) {
        case 'send-failed':
          return true
        case 'echo-reply':
          return p.protocol === 'icmp'
        case 'icmp-error':
          return e.quoted.dst === dst || e.quoted.src === src
        case 'udp':
          return (p.protocol === 'udp' || p.protocol === 'dns') && e.dstPort === srcPort
        case 'tcp':
          return p.protocol === 'tcp' && e.localPort === srcPort && e.remotePort === dstPort && e.state !== 'data'
        default:
          return false
      }
    }
    const off = stack.on((e) => {
      if (matches(e)) decided = true
    })
    const start = this.now
    try {
      switch (p.protocol) {
        case 'icmp':
          stack.ping(dst, {size: p.size ?? undefined, ...o})
          break
        case 'udp':
        case 'dns': {
          dstPort = p.dstPort ?? TRACE_DEFAULT_PORTS[p.protocol] ?? null
          if (dstPort === null) throw input('A UDP trace needs a destination port.', 'Add --dport N (e.g. --dport 514 for syslog, --dport 7 for echo).')
          const payload = p.protocol === 'dns' ? dnsQuery(0x4856, TRACE_DNS_NAME) : new Uint8Array(p.size ?? 32)
          srcPort = stack.sendUdp(dst, dstPort, payload, {srcPort: p.srcPort ?? undefined, ...o})
          break
        }
        case 'tcp':
          dstPort = p.dstPort ?? TRACE_DEFAULT_PORTS.tcp ?? 80
          srcPort = stack.connectTcp(dst, dstPort, {srcPort: p.srcPort ?? undefined})
          break
        case 'arp':
          return this.arpFrom(iface, from, dst)
        case 'dhcp':
          throw input('A DHCP trace runs from a VM adapter that gets its address by DHCP.', 'Use --from VM with --protocol dhcp.')
      }
      const stopped = this.runUntil(() => decided, start + FLOW_LIMIT_MS)
      return {flow: {protocol: p.protocol, src, dst, srcPort, dstPort, from}, steps: this.gate.inner.steps, openPort: this.openPort(p, dst, dstPort), stopped}
    } finally {
      off()
    }
  }

  /** An ARP request for `dst` from the sender's interface, as its stack would send it. */
  private arpFrom(iface: StackInterface, from: Place, dst: Ipv4Address): TraceRun {
    if (iface.sink === null) throw input(`${from.name} is not connected to anything.`, 'Connect it first.')
    const src = iface.primary
    const frame = arpRequest(iface.mac, src, dst)
    this.step(from, 'transmitted', 'arp-request', `who has ${formatIpv4(dst)}? tell ${formatIpv4(src)}`, null, frame)
    const sink = iface.sink
    const start = this.now
    this.net.scheduler.after(0, () => sink.receive(frame))
    // The answer may refresh an entry the cache already had: wait for the network to go quiet.
    const stopped = this.runUntil(() => false, start + ARP_LIMIT_MS)
    return {flow: {protocol: 'arp', src, dst, srcPort: null, dstPort: null, from}, steps: this.gate.inner.steps, openPort: false, stopped}
  }

  /** A DHCP exchange from a guest: DISCOVER → OFFER → REQUEST → ACK (or APIPA). */
  private dhcp(g: GuestStack, from: Place): TraceRun {
    const client = g.dhcp
    if (client === null) throw input(`The adapter "${g.adapter.key}" has a static address: it runs no DHCP client.`, `Switch it to DHCP (\`hvnet vm set-ip ${g.vm.name} --name "${g.adapter.name}" --dhcp\`), or trace another protocol.`)
    let bound = false
    const off = g.on((e) => {
      if (e.kind === 'address' && e.addresses.length > 0) bound = true
    })
    try {
      const start = this.now
      if (!this.net.booted(g.adapter.key)) this.net.bootGuest(g.adapter.key)
      else {
        client.stop()
        client.start()
      }
      const stopped = this.runUntil(() => bound, start + DHCP_LIMIT_MS)
      return {flow: {protocol: 'dhcp', src: 0, dst: 0xffff_ffff, srcPort: 68, dstPort: 67, from}, steps: this.gate.inner.steps, openPort: false, stopped}
    } finally {
      off()
    }
  }

  // -------------------------------------------------------------------------------------------
  // From the network beyond a physical adapter

  private lanOf(adapter: string): Lan {
    const link = this.net.link(adapter)
    if (link === null) throw new Error(`runTrace: no physical adapter ${adapter}`)
    if (link.lan === null) throw input(`Nothing is plugged into the adapter "${link.name}": there is no network beyond it to send from.`, `Give it a network (\`hvnet host adapter set "${link.name}" --ip A/LEN --gateway G\`).`)
    return link.lan
  }

  /** A free address on the LAN for the trace's machine: the highest host address not taken. */
  private freeLanAddress(lan: Lan): Ipv4Address {
    const size = 2 ** (32 - lan.prefix.length)
    for (let a = lan.prefix.address + size - 2; a > lan.prefix.address; a--) {
      if (a !== lan.gateway && !this.net.host.stack.isOwnAddress(a) && !this.net.guestHolds(a)) return a
    }
    throw input(`The LAN beyond the adapter has no free address for the trace's machine.`, 'Give one with --src IP.')
  }

  private fromExternal(adapter: string, given: Ipv4Address | null, p: TracePacket): TraceRun {
    const lan = this.lanOf(adapter)
    const src = given ?? this.freeLanAddress(lan)
    if (!cidrContains({address: lan.prefix.address, prefix: lan.prefix.length}, src) || src === lan.gateway) {
      throw input(`--src ${formatIpv4(src)} is not a free address on the LAN beyond "${adapter}" (${formatIpv4(lan.prefix.address)}/${lan.prefix.length}, gateway ${formatIpv4(lan.gateway)}).`, 'Pick another address on that LAN, or leave --src out.')
    }
    if (p.protocol === 'dhcp' || p.protocol === 'arp') throw input(`--from external sends IPv4 packets (icmp, udp, dns or tcp), not ${p.protocol.toUpperCase()}.`, 'Use --protocol icmp, udp, dns or tcp.')
    if (p.target.kind === 'host' || p.target.kind === 'gateway') throw input(`--to ${p.target.kind} names an address on a VM's network; from the LAN, trace to an address.`, `Use --to with the host's address on that LAN, or the gateway's (${formatIpv4(lan.gateway)}).`)
    const dst = this.resolve(p.target, {iface: null, who: 'The LAN machine', gateway: lan.gateway})
    const from: Place = {kind: 'lan', name: lan.place.name}
    const device = new TraceDevice(`${formatIpv4(src)} (a machine on the LAN)`, src, derivedMac(this.net.config.seed, `trace-device:${adapter}`), from, this)
    try {
      lan.attachDevice(device)
    } catch {
      throw input(`--src ${formatIpv4(src)} is taken on the LAN beyond "${adapter}".`, 'Pick another address on that LAN, or leave --src out.')
    }
    const srcPort = p.protocol === 'icmp' ? null : p.srcPort ?? 50_000
    const dstPort = p.protocol === 'icmp' ? null : p.dstPort ?? TRACE_DEFAULT_PORTS[p.protocol] ?? null
    if (dstPort === null && p.protocol === 'udp') throw input('A UDP trace needs a destination port.', 'Add --dport N.')
    const onLan = cidrContains({address: lan.prefix.address, prefix: lan.prefix.length}, dst)
    const packet = devicePacket(p, src, dst, srcPort, dstPort)
    const start = this.now
    device.sendTo(lan, onLan ? dst : lan.gateway, packet, dst)
    const stopped = this.runUntil(() => device.answered, start + FLOW_LIMIT_MS)
    return {flow: {protocol: p.protocol, src, dst, srcPort, dstPort, from}, steps: this.gate.inner.steps, openPort: this.openPort(p, dst, dstPort), stopped}
  }

  /** @internal For TraceDevice. */
  record(place: Place, action: StepAction, reason: string, text: string, frame: Uint8Array): void {
    this.step(place, action, reason, text, null, frame)
  }

  /** @internal For TraceDevice. */
  after(ms: TimeMs, fn: () => void): void {
    this.net.scheduler.after(ms, fn)
  }

  // -------------------------------------------------------------------------------------------
  // Exact bytes

  private frames(at: FramePort, frames: readonly Uint8Array[]): TraceRun {
    if (frames.length === 0) throw input('No frame to inject.', 'Give --frame HEX or a --frame-file with at least one frame.')
    let from: Place
    let enter: (f: Uint8Array) => void
    switch (at.kind) {
      case 'vm': {
        const port = this.net.vmPort(at.adapterKey)
        if (port === null) throw new Error(`runTrace: no port for ${at.adapterKey}`)
        from = {kind: 'vm', name: at.adapterKey}
        enter = (f) => port.receive(f)
        break
      }
      case 'host': {
        const iface = this.net.host.interface(at.alias)
        const sink = iface.sink
        if (sink === null) throw input(`The host interface "${iface.alias}" is not attached to anything.`, 'Pick a vEthernet adapter on a switch.')
        from = {kind: 'host', name: iface.alias}
        enter = (f) => sink.receive(f)
        break
      }
      case 'external': {
        const lan = this.lanOf(at.adapter)
        from = {kind: 'lan', name: lan.place.name}
        const place = from
        enter = (f) => {
          const d = decodeFrame(f)
          const eth = d.layers[0]?.layer === 'ethernet' ? d.layers[0].repr : null
          lan.sendFrom(new TraceDevice('the injected frame', 0, eth?.src ?? 0, place, this), f)
        }
        break
      }
    }
    let stopped: TraceRun['stopped'] = 'quiet'
    for (const f of frames) {
      this.step(from, 'transmitted', 'injected', `the frame given to the trace enters here (${f.length} bytes)`, null, f)
      enter(f.slice())
      stopped = this.runUntil(() => false, this.now + FLOW_LIMIT_MS)
    }
    return {flow: rawFlow(frames[0], from), steps: this.gate.inner.steps, openPort: false, stopped}
  }
}

/** A broadcast ARP who-has for `target` from `mac`/`ip`. */
function arpRequest(mac: Mac, ip: Ipv4Address, target: Ipv4Address): Uint8Array {
  return encodeFrame([
    {layer: 'ethernet', repr: {src: mac, dst: MAC_BROADCAST, etherType: ETHERTYPE_ARP}},
    {layer: 'arp', repr: {op: ARP_OP_REQUEST, senderMac: mac, senderIp: ip, targetMac: 0, targetIp: target}},
  ])
}

/**
 * The steps without the copies of a broadcast that a stack ignored (`not-for-me`: an ARP request
 * meant for another; `closed-port`: a DHCP DISCOVER reaching a guest that serves no DHCP): the
 * switch's `copy to …` step, the stack's `received` and its drop. The switch's flood step still
 * counts every port; on a switch of 1,024 VMs the copies would bury the trace.
 */
function ignoredCopy(s: Step): boolean {
  return s.action === 'dropped' && (s.reason === 'not-for-me' || s.reason === 'closed-port') && s.frame.length > 0 && (s.frame[0] & 1) === 1
}

export function withoutIgnoredCopies(steps: readonly Step[]): Step[] {
  // By place kind, then place name: no label string is built per step (a flood to 1,024 ports).
  let ignored: Map<string, Map<string, Step[]>> | null = null
  for (const s of steps) {
    if (!ignoredCopy(s)) continue
    ignored ??= new Map()
    let byName = ignored.get(s.place.kind)
    if (byName === undefined) ignored.set(s.place.kind, (byName = new Map()))
    const list = byName.get(s.place.name)
    if (list === undefined) byName.set(s.place.name, [s])
    else list.push(s)
  }
  if (ignored === null) return [...steps]
  const copies = ignored
  const copyOf = (kind: string, name: string, s: Step): boolean => {
    const list = copies.get(kind)?.get(name)
    if (list !== undefined) for (const d of list) if (d.timeMs >= s.timeMs && sameBytes(d.frame, s.frame)) return true
    return false
  }
  const out: Step[] = []
  for (const s of steps) {
    if (s.frame.length === 0 || (s.frame[0] & 1) === 0) out.push(s)
    else if (s.action === 'received' || ignoredCopy(s)) {
      if (!copyOf(s.place.kind, s.place.name, s)) out.push(s)
    } else if (s.action === 'forwarded' && s.reason === 'broadcast' && s.text.startsWith(COPY_TO)) {
      // `copy to vm web/Network Adapter[, tagged VLAN 10]`: the place's kind, a space, its name.
      const space = s.text.indexOf(' ', COPY_TO.length)
      const comma = s.text.indexOf(',', space)
      if (space < 0 || !copyOf(s.text.slice(COPY_TO.length, space), s.text.slice(space + 1, comma < 0 ? undefined : comma), s)) out.push(s)
    } else out.push(s)
  }
  return out
}

const COPY_TO = 'copy to '

/** The flow of an injected frame, read from its bytes (0.0.0.0 where it has no address). */
function rawFlow(frame: Uint8Array, from: Place): TraceFlowSpec {
  const d = decodeFrame(frame)
  let protocol: TraceProtocol = 'icmp'
  let src = 0
  let dst = 0
  let srcPort: number | null = null
  let dstPort: number | null = null
  for (const l of d.layers) {
    if (l.layer === 'arp') {
      protocol = 'arp'
      src = l.repr.senderIp
      dst = l.repr.targetIp
    } else if (l.layer === 'ipv4') {
      src = l.repr.src
      dst = l.repr.dst
    } else if (l.layer === 'udp' || l.layer === 'tcp') {
      srcPort = l.repr.srcPort
      dstPort = l.repr.dstPort
      protocol = l.layer === 'tcp' ? 'tcp' : dstPort === 53 ? 'dns' : dstPort === 67 || dstPort === 68 ? 'dhcp' : 'udp'
    }
  }
  return {protocol, src, dst, srcPort, dstPort, from}
}

function devicePacket(p: TracePacket, src: Ipv4Address, dst: Ipv4Address, srcPort: number | null, dstPort: number | null): FrameLayer[] {
  const ip = (protocol: number): FrameLayer => ({layer: 'ipv4', repr: ipv4Repr({src, dst, protocol, ttl: p.ttl ?? 64, ident: 0x4856})})
  switch (p.protocol) {
    case 'tcp':
      return [ip(6), {layer: 'tcp', repr: {srcPort: srcPort ?? 50_000, dstPort: dstPort ?? 80, seqNo: 0x4856_0000, ackNo: 0, flags: TCP_SYN, window: 64_240, urgent: 0, options: [], payload: new Uint8Array(0)}}]
    case 'udp':
    case 'dns':
      return [ip(17), {layer: 'udp', repr: {srcPort: srcPort ?? 50_000, dstPort: dstPort ?? 53, payload: p.protocol === 'dns' ? dnsQuery(0x4856, TRACE_DNS_NAME) : new Uint8Array(p.size ?? 32)}}]
    default:
      return [ip(1), {layer: 'icmpv4', repr: {kind: 'echo-request', ident: 0x4856, seqNo: 1, data: Uint8Array.from({length: p.size ?? 32}, (_, i) => 0x61 + (i % 23))}}]
  }
}

/**
 * The machine on the LAN a trace speaks for: ARP for the next hop (3 tries a second apart, as the
 * stacks do), then the packet; what reaches it is recorded as delivered.
 */
class TraceDevice implements LanDevice {
  readonly sink = this
  answered = false
  private waiting: {nextHop: Ipv4Address; layers: FrameLayer[]; tries: number; lan: Lan} | null = null

  constructor(
    readonly name: string,
    readonly address: Ipv4Address,
    readonly mac: Mac,
    private readonly place: Place,
    private readonly driver: Driver,
  ) {}

  sendTo(lan: Lan, nextHop: Ipv4Address, layers: FrameLayer[], _dst: Ipv4Address): void {
    this.waiting = {nextHop, layers, tries: 0, lan}
    this.ask()
  }

  private ask(): void {
    const w = this.waiting
    if (w === null) return
    if (w.tries === ARP_TRIES) {
      this.waiting = null
      const frame = encodeFrame([{layer: 'ethernet', repr: {src: this.mac, dst: 0, etherType: ETHERTYPE_IPV4}}, ...w.layers])
      this.driver.record(this.place, 'dropped', 'arp-unresolved', `${this.name} got no ARP reply for ${formatIpv4(w.nextHop)} after 3 requests: the packet is never sent`, frame)
      return
    }
    w.tries++
    w.lan.sendFrom(this, arpRequest(this.mac, this.address, w.nextHop))
    const tries = w.tries
    this.driver.after(ARP_RETRY_MS, () => {
      if (this.waiting === w && w.tries === tries) this.ask()
    })
  }

  receive(frame: Uint8Array): void {
    const d: DecodedFrame = decodeFrame(frame)
    const w = this.waiting
    for (const l of d.layers) {
      if (l.layer === 'arp') {
        if (l.repr.op === ARP_OP_REPLY && w !== null && l.repr.senderIp === w.nextHop) {
          this.driver.record(this.place, 'delivered', 'arp-reply', `${this.name} learns ${formatIpv4(l.repr.senderIp)} is-at ${formatMacTrace(l.repr.senderMac)}`, frame)
          this.waiting = null
          const packet = encodeFrame([{layer: 'ethernet', repr: {src: this.mac, dst: l.repr.senderMac, etherType: ETHERTYPE_IPV4}}, ...w.layers])
          w.lan.sendFrom(this, packet)
        }
        return
      }
      if (l.layer === 'ipv4') {
        if (l.repr.dst !== this.address) return
        this.driver.record(this.place, 'delivered', 'lan-device', `${this.name} receives it`, frame)
        this.answered = true
        return
      }
    }
  }
}
