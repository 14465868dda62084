// The IP stack core shared by every guest and by the host: interfaces, ARP, routing, ICMP,
// UDP and TCP endpoints, forwarding with TTL, and the NAT hook. GuestStack (./guest.ts) and
// HostStack (./host.ts) only configure it.
//
// RFCs: 826 (ARP), 791 (IPv4), 792 (ICMP: echo, destination unreachable, time exceeded; an error
// quotes the invoking header and the start of its data), 1122 (host requirements: 3.2.2 never an
// ICMP error about an ICMP error, a broadcast or a non-first fragment; 3.2.1.3 broadcast
// addresses; 4.1.3.1 port unreachable for a closed UDP port), 1812 (5.3.1 the router decrements
// TTL and sends time exceeded when it reaches 0; 5.2.4.3 longest-prefix match), 9293 (TCP: 3.5
// the reset rules for a closed port, 3.6 closing), 768 (UDP).
//
// Contract:
//   - `StackInterface.receive(frame)` is the FrameSink a switch port or a LAN delivers to. The
//     frame is never modified; everything the stack keeps or sends is a copy.
//   - Frames leave an interface LATENCY.stackMs after the event that caused them, on the
//     scheduler, through the interface's `sink`.
//   - Every decision is a Step on `rec` (none when it is null) and every drop a DropCounters count.
//   - Locally originated traffic (`ping`, `sendUdp`, `connectTcp`, `sendIp`) is routed, ARPs for
//     its next hop and waits in the ARP queue like any packet; results come back as StackEvents.
//
// hvnet decisions (README "Guests and the host"):
//   - Weak host receive: a packet for any of the stack's addresses is accepted on any interface.
//     (Windows Vista+ defaults to the strong host model; hvnet does not model it, see README.)
//   - Forwarding needs Forwarding enabled on both the ingress and the egress interface; a packet
//     the NAT hook translates is routed whatever the setting (WinNAT does that itself).
//   - Fragments are not reassembled: a fragment addressed to the stack is dropped `malformed`.
//   - A closed UDP port answers ICMP port unreachable unless `closedUdp` is 'silent' (the host:
//     Windows Firewall drops unsolicited UDP) or a guest firewall drops it first.
import {LATENCY} from '../clock.js'
import type {Scheduler, TimeMs} from '../clock.js'
import type {HostAddress} from '../config.js'
import type {DhcpServer} from '../dhcp/server.js'
import type {NatEgress, NatHook, NatVerdict} from '../nat-hook.js'
import {DropCounters} from '../observe.js'
import {fnv1aBytes} from '../seed.js'
import type {DropReason, FrameSink, Place, Recorder, StepAction} from '../observe.js'
import {
  ARP_LEN,
  ARP_OP_REPLY,
  ARP_OP_REQUEST,
  ArpPacket,
  DHCP_CLIENT_PORT,
  DHCP_SERVER_PORT,
  ETH_HEADER_LEN,
  ETH_MIN_FRAME,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  EthernetFrame,
  ICMP_DST_UNREACHABLE,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMP_HEADER_LEN,
  ICMP_TIME_EXCEEDED,
  icmpErrorAllowed,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IP_MIN_HEADER_LEN,
  Icmpv4Packet,
  Ipv4Packet,
  MAC_BROADCAST,
  TCP_ACK_FLAG,
  TCP_FIN,
  TCP_MIN_HEADER_LEN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  TcpPacket,
  UdpPacket,
  WireError,
  decodeFrame,
  decrementTtl,
  emitArp,
  emitIcmpError,
  emitIcmpv4,
  emitIpv4Header,
  emitTcp,
  emitUdp,
  icmpErrorLen,
  icmpv4BufferLen,
  formatIpProtocol,
  formatIpv4,
  formatMacTrace,
  formatTcpFlags,
  get16,
  get32,
  get48,
  hex16,
  ipv4Repr,
  isMulticastIpv4,
  prefixMask,
  put16,
  put32,
  put48,
  summarizeFrame,
  tcpBufferLen,
  tcpReset,
} from '../wire/index.js'
import type {Icmpv4Repr, Ipv4Address, Mac, TcpRepr} from '../wire/index.js'
import {ARP_QUEUE_MAX, ARP_RETRY_MS, ARP_TRIES, ArpCache} from './arp-cache.js'
import {DNS_PORT, dnsAnswer, parseDnsQuery} from './dns.js'
import {RoutingTable} from './routes.js'
import type {Route} from './routes.js'

/** The last frame a stack summarized on reception, a copy, and its summary. */
let lastReceived: {readonly bytes: Uint8Array; readonly text: string} | null = null

/**
 * summarizeFrame of a received frame. A flooded frame reaches every stack on the switch as the same
 * bytes: it is decoded and summarized once, not once per port (a flood to 512 guests).
 */
function receivedSummary(frame: Uint8Array): string {
  const last = lastReceived
  if (last !== null && last.bytes.length === frame.length) {
    const b = last.bytes
    let i = 0
    while (i < b.length && b[i] === frame[i]) i++
    if (i === b.length) return last.text
  }
  const text = summarizeFrame(decodeFrame(frame))
  lastReceived = {bytes: frame.slice(), text}
  return text
}

export interface ListenPort {
  readonly protocol: 'tcp' | 'udp'
  readonly port: number
}

/** The answer a guest's DNS server gives to any A query unless told otherwise (RFC 5737 TEST-NET-1). */
export const DEFAULT_DNS_ANSWER: Ipv4Address = 0xc000_0201

export const UDP_ECHO_PORT = 7

export interface IpStackOptions {
  /** The subject of step sentences: a VM's name (`web`) or `the host`. */
  readonly who: string
  readonly os: 'linux' | 'windows'
  /** The host: packets for other addresses are routed (subject to Forwarding and the NAT). A guest never routes. */
  readonly router: boolean
  /** Ports served on every address of the stack: TCP answers SYN-ACK, udp/7 echoes, udp/53 answers DNS. */
  readonly listen: readonly ListenPort[]
  /**
   * Windows Firewall with its defaults, when on: inbound ICMP echo and anything to a port not in
   * `listen` is dropped with `guest-firewall`, silently (no RST, no ICMP). null: no firewall.
   */
  readonly firewall: StackFirewall | null
  /** A closed UDP port: ICMP port unreachable, or silence (Windows Firewall on the host). */
  readonly closedUdp: 'port-unreachable' | 'silent'
  /** The NAT seam (host only). */
  readonly nat: NatHook | null
  /** DNS on udp/53: the address for a name, or null for NXDOMAIN. Default: DEFAULT_DNS_ANSWER for every name. */
  readonly resolve?: (name: string) => Ipv4Address | null
}

/** A guest firewall: `blocksEcho` for Windows Firewall's defaults; closed ports are always dropped silently. */
export interface StackFirewall {
  readonly ref: string
  readonly blocksEcho: boolean
}

export interface InterfaceOptions {
  /** `web/Network Adapter` for a guest, `vEthernet (NATSwitch)` or `Ethernet` on the host. */
  readonly alias: string
  readonly place: Place
  /** The configuration object the interface is (`vm web/Network Adapter`, `host vEthernet (NATSwitch)`). */
  readonly ref: string
  readonly mac: Mac
  readonly addresses: readonly HostAddress[]
  readonly gateway: Ipv4Address | null
  /** Set-NetIPInterface -Forwarding (always false in a guest). */
  readonly forwarding: boolean
}

/** What the stack tells its caller (trace, tests, the DHCP client) about traffic it originated or received. */
export type StackEvent =
  | {readonly kind: 'echo-reply'; readonly timeMs: TimeMs; readonly alias: string; readonly from: Ipv4Address; readonly ident: number; readonly seqNo: number; readonly ttl: number; readonly rttMs: number | null}
  | {
      readonly kind: 'icmp-error'
      readonly timeMs: TimeMs
      readonly alias: string
      readonly from: Ipv4Address
      readonly type: 'dst-unreachable' | 'time-exceeded'
      readonly code: number
      /** The quoted packet's addresses, protocol and first 16-bit words (ports or ICMP id). */
      readonly quoted: {readonly src: Ipv4Address; readonly dst: Ipv4Address; readonly protocol: number; readonly srcPort: number; readonly dstPort: number}
    }
  | {readonly kind: 'udp'; readonly timeMs: TimeMs; readonly alias: string; readonly from: Ipv4Address; readonly srcPort: number; readonly to: Ipv4Address; readonly dstPort: number; readonly payload: Uint8Array}
  | {
      readonly kind: 'tcp'
      readonly timeMs: TimeMs
      /** connected: our SYN was answered (connectTcp); open: a probe's SYN was answered (sendTcpSyn); accepted: a listening port completed a handshake; data: bytes arrived (`bytes`). */
      readonly state: 'connected' | 'open' | 'refused' | 'accepted' | 'reset' | 'closed' | 'data'
      readonly local: Ipv4Address
      readonly localPort: number
      readonly remote: Ipv4Address
      readonly remotePort: number
      readonly bytes?: number
    }
  /** A packet this stack originated could not leave: no route, no address, or ARP gave up. */
  | {readonly kind: 'send-failed'; readonly timeMs: TimeMs; readonly reason: 'no-route' | 'arp-unresolved' | 'no-address'; readonly dst: Ipv4Address}
  /** An interface's addresses changed (DHCP, APIPA, static). */
  | {readonly kind: 'address'; readonly timeMs: TimeMs; readonly alias: string; readonly addresses: readonly HostAddress[]; readonly gateway: Ipv4Address | null; readonly source: 'static' | 'dhcp' | 'apipa' | 'none'}

export type StackListener = (e: StackEvent) => void

/** Receives the UDP datagrams to port 68 on one interface (the DHCP client), before any address check. */
export interface DhcpClientPort {
  input(frame: Uint8Array, payload: Uint8Array): void
}

type TcpState = 'syn-sent' | 'syn-received' | 'established' | 'fin-wait-1' | 'fin-wait-2' | 'last-ack'

interface TcpConn {
  state: TcpState
  readonly local: Ipv4Address
  readonly localPort: number
  readonly remote: Ipv4Address
  readonly remotePort: number
  /** Next sequence number to send, and next expected from the peer. */
  sndNxt: number
  rcvNxt: number
  /** A sendTcpSyn probe: answer the SYN-ACK with RST, as a port scanner does. */
  readonly probe: boolean
}

const EMPTY = new Uint8Array(0)
const TCP_WINDOW = 64_240
const TCP_MSS = 1460
/** ICMP errors quote at most this much of the invoking packet (RFC 1812 4.3.2.3: the whole error within 576 bytes). */
const ICMP_QUOTE_MAX = 576 - IP_MIN_HEADER_LEN - ICMP_HEADER_LEN

export class StackInterface implements FrameSink {
  /** Where frames leave: the switch port or the LAN; null while unplugged. */
  sink: FrameSink | null = null
  addresses: readonly HostAddress[]
  gateway: Ipv4Address | null
  forwarding: boolean
  readonly arp = new ArpCache()
  dhcpServer: DhcpServer | null = null
  dhcpClient: DhcpClientPort | null = null
  /** A DNS proxy on this interface's addresses (the Default Switch's ICS proxy): udp/53 answered from it. */
  dnsProxy: ((name: string) => Ipv4Address | null) | null = null
  dns: readonly Ipv4Address[] = []

  constructor(
    readonly stack: IpStack,
    readonly index: number,
    readonly alias: string,
    readonly place: Place,
    readonly ref: string,
    readonly mac: Mac,
    o: InterfaceOptions,
  ) {
    this.addresses = o.addresses
    this.gateway = o.gateway
    this.forwarding = o.forwarding
  }

  receive(frame: Uint8Array): void {
    this.stack.input(this, frame)
  }

  discardsFlooded(frame: Uint8Array): boolean {
    return this.stack.discardsFlooded(this, frame)
  }

  /** The first address, or 0 when the interface has none. */
  get primary(): Ipv4Address {
    return this.addresses.length > 0 ? this.addresses[0].address : 0
  }

  hasAddress(a: Ipv4Address): boolean {
    for (const x of this.addresses) if (x.address === a) return true
    return false
  }

  /** The interface's address on the subnet of `a`, else its first address, else 0. */
  sourceFor(a: Ipv4Address): Ipv4Address {
    for (const x of this.addresses) {
      const m = prefixMask(x.prefixLength)
      if (((x.address & m) >>> 0) === ((a & m) >>> 0)) return x.address
    }
    return this.primary
  }

  isDirectedBroadcast(a: Ipv4Address): boolean {
    for (const x of this.addresses) if (x.prefixLength < 31 && ((x.address | ~prefixMask(x.prefixLength)) >>> 0) === a) return true
    return false
  }
}

export class IpStack {
  readonly interfaces: StackInterface[] = []
  readonly drops = new DropCounters()
  readonly routes = new RoutingTable()
  /** The recorder steps go to; trace sets it, null records nothing. */
  rec: Recorder | null = null
  private readonly listeners: StackListener[] = []
  private readonly tcpListen = new Set<number>()
  private readonly udpListen = new Set<number>()
  /** Local UDP ports opened by sendUdp: replies to them are delivered, not refused. */
  private readonly udpBound = new Set<number>()
  private readonly conns = new Map<string, TcpConn>()
  /** Echo requests sent: `ident * 65536 + seq` -> time. */
  private readonly pings = new Map<number, TimeMs>()
  private ident = 0
  private nextEphemeral: number
  readonly defaultTtl: number

  constructor(
    readonly options: IpStackOptions,
    readonly scheduler: Scheduler,
  ) {
    for (const l of options.listen) (l.protocol === 'tcp' ? this.tcpListen : this.udpListen).add(l.port)
    this.defaultTtl = options.os === 'windows' ? 128 : 64
    this.nextEphemeral = this.ephemeralStart
  }

  /** Linux: 32768-60999; Windows: 49152-65535 (their default dynamic port ranges). */
  private get ephemeralStart(): number {
    return this.options.os === 'windows' ? 49152 : 32768
  }

  private get ephemeralEnd(): number {
    return this.options.os === 'windows' ? 65535 : 60999
  }

  addInterface(o: InterfaceOptions): StackInterface {
    const i = new StackInterface(this, this.interfaces.length, o.alias, o.place, o.ref, o.mac, o)
    this.interfaces.push(i)
    this.rebuildRoutes()
    return i
  }

  interface(alias: string): StackInterface | null {
    const a = alias.toLowerCase()
    return this.interfaces.find((i) => i.alias.toLowerCase() === a) ?? null
  }

  on(listener: StackListener): () => void {
    this.listeners.push(listener)
    return () => {
      const k = this.listeners.indexOf(listener)
      if (k >= 0) this.listeners.splice(k, 1)
    }
  }

  /** Replaces an interface's addresses and gateway (DHCP, APIPA); its ARP cache is kept. */
  configure(iface: StackInterface, addresses: readonly HostAddress[], gateway: Ipv4Address | null, source: 'static' | 'dhcp' | 'apipa' | 'none', dns: readonly Ipv4Address[] = []): void {
    iface.addresses = addresses
    iface.gateway = gateway
    iface.dns = dns
    this.rebuildRoutes()
    if (this.rec !== null) {
      const text = addresses.length === 0 ? `${this.options.who} removes the addresses of ${iface.alias}` : `${this.options.who} configures ${iface.alias} with ${addresses.map((a) => `${formatIpv4(a.address)}/${a.prefixLength}`).join(', ')}${gateway !== null ? `, default gateway ${formatIpv4(gateway)}` : ''} (${sourceText(source)})`
      this.rec.step({timeMs: this.scheduler.now, place: iface.place, action: 'delivered', reason: `address-${source}`, text, ref: iface.ref, frame: EMPTY})
    }
    this.emit({kind: 'address', timeMs: this.scheduler.now, alias: iface.alias, addresses, gateway, source})
  }

  private rebuildRoutes(): void {
    const routes: Route[] = []
    for (const i of this.interfaces) {
      for (const a of i.addresses) routes.push({network: a.address, length: a.prefixLength, ifIndex: i.index, gateway: 0, metric: 0})
    }
    for (const i of this.interfaces) if (i.gateway !== null && i.addresses.length > 0) routes.push({network: 0, length: 0, ifIndex: i.index, gateway: i.gateway, metric: 1})
    this.routes.set(routes)
  }

  /** The interface holding address `a`, or null. */
  ownerOf(a: Ipv4Address): StackInterface | null {
    for (const i of this.interfaces) if (i.hasAddress(a)) return i
    return null
  }

  isOwnAddress(a: Ipv4Address): boolean {
    for (const i of this.interfaces) if (i.hasAddress(a)) return true
    return false
  }

  listens(protocol: 'tcp' | 'udp', port: number): boolean {
    return (protocol === 'tcp' ? this.tcpListen : this.udpListen).has(port)
  }

  // -------------------------------------------------------------------------------------------
  // Locally originated traffic

  /** An ICMP echo request, as `ping` sends it (Windows: 32 bytes `abc…`; Linux: 56 bytes). */
  ping(dst: Ipv4Address, o: {ident?: number; seqNo?: number; size?: number; ttl?: number; via?: string} = {}): void {
    const ident = o.ident ?? (this.options.os === 'windows' ? 1 : 0x0100)
    const seqNo = o.seqNo ?? 1
    const data = echoData(this.options.os, o.size ?? (this.options.os === 'windows' ? 32 : 56), this.scheduler.now)
    this.pings.set(ident * 65536 + seqNo, this.scheduler.now)
    this.sendIcmp(dst, {kind: 'echo-request', ident, seqNo, data}, {ttl: o.ttl, via: o.via})
  }

  /** A UDP datagram from `srcPort` (an ephemeral port when omitted); replies arrive as `udp` events. */
  sendUdp(dst: Ipv4Address, dstPort: number, payload: Uint8Array, o: {srcPort?: number; ttl?: number; via?: string} = {}): number {
    const srcPort = o.srcPort ?? this.ephemeralPort()
    this.udpBound.add(srcPort)
    const packet = this.packet(dst, IPPROTO_UDP, 8 + payload.length, o.ttl, o.via, (buf, off, src) => emitUdp({srcPort, dstPort, payload}, new UdpPacket(buf, off, 8 + payload.length), src, dst))
    if (packet !== null) this.output(packet, o.via ?? null)
    return srcPort
  }

  /** Opens a TCP connection (SYN; ACK on SYN-ACK): a `tcp` event says connected, refused or nothing (filtered). */
  connectTcp(dst: Ipv4Address, dstPort: number, o: {srcPort?: number; via?: string} = {}): number {
    return this.openTcp(dst, dstPort, o, false)
  }

  /** A bare SYN probe: a SYN-ACK is answered with RST (as a port scanner does) and reported `open`. */
  sendTcpSyn(dst: Ipv4Address, dstPort: number, o: {srcPort?: number; via?: string} = {}): number {
    return this.openTcp(dst, dstPort, o, true)
  }

  /** Sends `payload` (PSH, ACK) on an established connection; false when there is none. The peer acknowledges it. */
  sendTcpData(remote: Ipv4Address, remotePort: number, localPort: number, payload: Uint8Array): boolean {
    const c = this.conns.get(connKey(remote, remotePort, localPort))
    if (c === undefined || c.state !== 'established') return false
    this.sendSegment(c, TCP_PSH | TCP_ACK_FLAG, payload)
    c.sndNxt = (c.sndNxt + payload.length) >>> 0
    return true
  }

  /** Closes an established connection with FIN. */
  closeTcp(remote: Ipv4Address, remotePort: number, localPort: number): void {
    const c = this.conns.get(connKey(remote, remotePort, localPort))
    if (c === undefined || c.state !== 'established') return
    c.state = 'fin-wait-1'
    this.sendSegment(c, TCP_FIN | TCP_ACK_FLAG, EMPTY)
    c.sndNxt = (c.sndNxt + 1) >>> 0
  }

  /** A whole IPv4 packet (header included) as given; a zero source becomes the egress address. */
  sendIp(packet: Uint8Array, o: {via?: string} = {}): void {
    const p = Ipv4Packet.checked(packet, 0, packet.length)
    if (p instanceof WireError) throw new RangeError(`sendIp: not an IPv4 packet: ${p.toString()}`)
    const copy = packet.slice(0, p.totalLen)
    const view = new Ipv4Packet(copy, 0, copy.length)
    if (view.src === 0) {
      const r = this.routeFor(view.dst, o.via ?? null)
      if (r !== null) {
        view.src = r.iface.sourceFor(r.nextHop)
        view.fillChecksum()
      }
    }
    this.output(copy, o.via ?? null)
  }

  private openTcp(dst: Ipv4Address, dstPort: number, o: {srcPort?: number; via?: string}, probe: boolean): number {
    const srcPort = o.srcPort ?? this.ephemeralPort()
    const r = this.routeFor(dst, o.via ?? null)
    const local = r === null ? 0 : r.iface.sourceFor(r.nextHop)
    const c: TcpConn = {state: 'syn-sent', local, localPort: srcPort, remote: dst, remotePort: dstPort, sndNxt: isn(local, srcPort, dst, dstPort), rcvNxt: 0, probe}
    const key = connKey(dst, dstPort, srcPort)
    this.conns.set(key, c)
    if (!this.sendSegment(c, TCP_SYN, EMPTY, o.via ?? null)) this.conns.delete(key)
    c.sndNxt = (c.sndNxt + 1) >>> 0
    return srcPort
  }

  private ephemeralPort(): number {
    const p = this.nextEphemeral
    this.nextEphemeral = p >= this.ephemeralEnd ? this.ephemeralStart : p + 1
    return p
  }

  private sendIcmp(dst: Ipv4Address, icmp: Icmpv4Repr, o: {ttl?: number; via?: string; src?: Ipv4Address} = {}): void {
    const len = icmpv4BufferLen(icmp)
    const packet = this.packet(dst, IPPROTO_ICMP, len, o.ttl, o.via, (buf, off) => emitIcmpv4(icmp, new Icmpv4Packet(buf, off, len)), o.src)
    if (packet !== null) this.output(packet, o.via ?? null)
  }

  /** False when the segment could not be built (no route, no address: a `send-failed` event says which). */
  private sendSegment(c: TcpConn, flags: number, payload: Uint8Array, via: string | null = null): boolean {
    const repr: TcpRepr = {srcPort: c.localPort, dstPort: c.remotePort, seqNo: c.sndNxt, ackNo: flags & TCP_ACK_FLAG ? c.rcvNxt : 0, flags, window: TCP_WINDOW, urgent: 0, options: flags & TCP_SYN ? [{kind: 'mss', mss: TCP_MSS}] : [], payload}
    const len = tcpBufferLen(repr)
    const packet = this.packet(c.remote, IPPROTO_TCP, len, undefined, via ?? undefined, (buf, off, src) => emitTcp(repr, new TcpPacket(buf, off, len), src, c.remote), c.local === 0 ? undefined : c.local)
    if (packet === null) return false
    this.output(packet, via)
    return true
  }

  /**
   * A new IPv4 packet from this stack to `dst` (source: `src`, else the egress interface's
   * address); null, with a `send-failed` event, when there is no route or no address.
   */
  private packet(dst: Ipv4Address, protocol: number, l4Len: number, ttl: number | undefined, via: string | undefined, write: (buf: Uint8Array, off: number, src: Ipv4Address) => void, src?: Ipv4Address): Uint8Array | null {
    let source = src ?? 0
    if (source === 0) {
      if (this.isOwnAddress(dst)) source = dst
      else {
        const r = this.routeFor(dst, via ?? null)
        if (r === null) return this.sendFailed('no-route', dst, `${this.options.who} has no route to ${formatIpv4(dst)}${this.routes.list().length === 0 ? ' (no interface has an address yet)' : ''}`)
        source = r.iface.sourceFor(r.nextHop)
        if (source === 0) return this.sendFailed('no-address', dst, `${this.options.who} cannot send to ${formatIpv4(dst)}: ${r.iface.alias} has no IPv4 address`)
      }
    }
    const repr = ipv4Repr({src: source, dst, protocol, ttl: ttl ?? this.defaultTtl, ident: this.nextIdent(), dontFrag: protocol === IPPROTO_TCP || (protocol === IPPROTO_UDP && this.options.os === 'linux'), payloadLen: l4Len})
    const buf = new Uint8Array(IP_MIN_HEADER_LEN + l4Len)
    emitIpv4Header(repr, buf, 0)
    write(buf, IP_MIN_HEADER_LEN, source)
    return buf
  }

  private sendFailed(reason: 'no-route' | 'no-address', dst: Ipv4Address, text: string): null {
    this.drops.count('no-route')
    const iface = this.interfaces[0]
    if (this.rec !== null && iface !== undefined) this.rec.step({timeMs: this.scheduler.now, place: iface.place, action: 'dropped', reason: 'no-route', text, ref: iface.ref, frame: EMPTY})
    this.emit({kind: 'send-failed', timeMs: this.scheduler.now, reason, dst})
    return null
  }

  private nextIdent(): number {
    this.ident = (this.ident + 1) & 0xffff
    return this.ident
  }

  private routeFor(dst: Ipv4Address, via: string | null): {iface: StackInterface; nextHop: Ipv4Address} | null {
    if (via !== null) {
      const iface = this.interface(via)
      if (iface === null) return null
      if (dst === 0xffff_ffff) return {iface, nextHop: dst}
      const r = this.routes.lookup(dst)
      if (r.kind === 'found' && r.route.ifIndex === iface.index) return {iface, nextHop: r.nextHop}
      return {iface, nextHop: iface.gateway !== null && !onLink(iface, dst) ? iface.gateway : dst}
    }
    if (dst === 0xffff_ffff) {
      const iface = this.interfaces.find((i) => i.addresses.length > 0) ?? this.interfaces[0]
      return iface === undefined ? null : {iface, nextHop: dst}
    }
    const r = this.routes.lookup(dst)
    return r.kind === 'found' ? {iface: this.interfaces[r.route.ifIndex], nextHop: r.nextHop} : null
  }

  /** A packet this stack originated: to itself, or routed out (no NAT outbound: its source is the host's own). */
  private output(packet: Uint8Array, via: string | null): void {
    const view = new Ipv4Packet(packet, 0, packet.length)
    const dst = view.dst
    if (this.isOwnAddress(dst)) {
      const iface = this.interfaces.find((i) => i.hasAddress(dst))!
      this.scheduler.after(LATENCY.stackMs, () => this.local(iface, null, packet, true))
      return
    }
    const r = this.routeFor(dst, via)
    if (r === null) {
      this.sendFailed('no-route', dst, `${this.options.who} has no route to ${formatIpv4(dst)}`)
      return
    }
    const buf = new Uint8Array(Math.max(ETH_MIN_FRAME, ETH_HEADER_LEN + packet.length))
    buf.set(packet, ETH_HEADER_LEN)
    this.sendVia(r.iface, r.nextHop, buf, packet.length)
  }

  // -------------------------------------------------------------------------------------------
  // Transmission: ARP resolution and the wire

  /**
   * `buf` holds an IPv4 packet of `ipLen` bytes at offset 14; the Ethernet header is filled here
   * once the next hop's MAC is known (at once, or when the ARP reply comes).
   */
  private sendVia(iface: StackInterface, nextHop: Ipv4Address, buf: Uint8Array, ipLen: number): void {
    const now = this.scheduler.now
    if (nextHop === 0xffff_ffff || iface.isDirectedBroadcast(nextHop)) {
      this.transmitIp(iface, MAC_BROADCAST, buf)
      return
    }
    const l = iface.arp.lookup(nextHop, now)
    if (l.kind === 'found') {
      this.transmitIp(iface, l.value, buf, nextHop)
      return
    }
    if (l.kind === 'pending') {
      const p = iface.arp.pending.get(nextHop)!
      if (p.queue.length >= ARP_QUEUE_MAX) {
        this.drop('arp-unresolved', iface, buf.subarray(0, ETH_HEADER_LEN + ipLen), () => `${this.options.who} already holds ${ARP_QUEUE_MAX} packets waiting for ${formatIpv4(nextHop)}'s MAC address; this one is dropped`, iface.ref)
        return
      }
      p.queue.push(buf)
      return
    }
    iface.arp.pending.set(nextHop, {tries: 1, queue: [buf]})
    this.arpRequest(iface, nextHop, 1)
    this.scheduler.after(ARP_RETRY_MS, () => this.arpRetry(iface, nextHop))
  }

  private arpRetry(iface: StackInterface, target: Ipv4Address): void {
    const p = iface.arp.pending.get(target)
    if (p === undefined) return
    if (p.tries < ARP_TRIES) {
      p.tries++
      this.arpRequest(iface, target, p.tries)
      this.scheduler.after(ARP_RETRY_MS, () => this.arpRetry(iface, target))
      return
    }
    iface.arp.pending.delete(target)
    for (const buf of p.queue) {
      put48(buf, 0, 0)
      put48(buf, 6, iface.mac)
      put16(buf, 12, ETHERTYPE_IPV4)
      this.drop('arp-unresolved', iface, buf, () => `${this.options.who} sent ${ARP_TRIES} ARP requests for ${formatIpv4(target)} one second apart and got no reply, so it drops the packet waiting for it (${formatIpv4(target)} is down, absent, or not reachable from ${iface.alias})`, iface.ref)
    }
    this.emit({kind: 'send-failed', timeMs: this.scheduler.now, reason: 'arp-unresolved', dst: target})
  }

  private arpRequest(iface: StackInterface, target: Ipv4Address, attempt: number): void {
    const frame = new Uint8Array(ETH_MIN_FRAME)
    put48(frame, 0, MAC_BROADCAST)
    put48(frame, 6, iface.mac)
    put16(frame, 12, ETHERTYPE_ARP)
    emitArp({op: ARP_OP_REQUEST, senderMac: iface.mac, senderIp: iface.sourceFor(target), targetMac: 0, targetIp: target}, new ArpPacket(frame, ETH_HEADER_LEN, ARP_LEN))
    this.transmit(iface, frame, 'arp-request', () => `${this.options.who} asks who has ${formatIpv4(target)} (ARP request ${attempt} of ${ARP_TRIES}, broadcast)`)
  }

  /** `cached`: the next hop whose MAC came from the ARP cache (a trace says so), else null. */
  private transmitIp(iface: StackInterface, dstMac: Mac, buf: Uint8Array, cached: Ipv4Address | null = null): void {
    put48(buf, 0, dstMac)
    put48(buf, 6, iface.mac)
    put16(buf, 12, ETHERTYPE_IPV4)
    this.transmit(iface, buf, 'transmitted', null, cached)
  }

  /** Puts a finished frame on the interface's wire after the stack's turnaround time. */
  transmit(iface: StackInterface, frame: Uint8Array, reason: string, text: (() => string) | null, cached: Ipv4Address | null = null): void {
    this.scheduler.after(LATENCY.stackMs, () => {
      if (this.rec !== null) {
        const arp = cached === null ? '' : ` (${formatIpv4(cached)} is-at ${formatMacTrace(new EthernetFrame(frame, 0, frame.length).dst)} from its ARP cache: no ARP needed)`
        const t = text === null ? `${this.options.who} sends ${summarizeFrame(decodeFrame(frame))} out of ${iface.alias}${arp}` : text()
        this.rec.step({timeMs: this.scheduler.now, place: iface.place, action: 'transmitted', reason, text: iface.sink === null ? `${t}; the adapter is not connected, so the frame goes nowhere` : t, ref: iface.ref, frame})
      }
      if (iface.sink !== null) iface.sink.receive(frame)
    })
  }

  // -------------------------------------------------------------------------------------------
  // Reception

  input(iface: StackInterface, frame: Uint8Array): void {
    const rec = this.rec
    if (rec !== null) rec.step({timeMs: this.scheduler.now, place: iface.place, action: 'received', reason: 'received', text: `${this.options.who} receives ${receivedSummary(frame)} on ${iface.alias}`, ref: iface.ref, frame})
    const eth = EthernetFrame.checked(frame, 0, frame.length)
    if (eth instanceof WireError) return this.malformed(iface, frame, eth)
    if (eth.isTagged) return this.drop('not-for-me', iface, frame, () => `the frame carries an 802.1Q tag (VLAN ${eth.vid}) and ${this.options.who} has no VLAN interface for it, so the OS ignores it`, iface.ref)
    const dst = eth.dst
    if (dst !== iface.mac && dst !== MAC_BROADCAST) {
      return this.drop('not-for-me', iface, frame, () => `the frame is addressed to ${formatMacTrace(dst)}, not to ${iface.alias}'s MAC ${formatMacTrace(iface.mac)}, so the adapter ignores it`, iface.ref)
    }
    const type = eth.etherType
    if (type === ETHERTYPE_ARP) return this.arpInput(iface, frame, eth.payloadOffset)
    if (type === ETHERTYPE_IPV4) return this.ipInput(iface, frame, eth.payloadOffset)
    this.drop('not-for-me', iface, frame, () => `${this.options.who} has no protocol for EtherType 0x${type.toString(16).padStart(4, '0')} and ignores the frame`, iface.ref)
  }

  /**
   * FrameSink.discardsFlooded: a well-formed untagged broadcast ARP request for an address not on
   * `iface`, from a sender not in its ARP cache, is what `input` drops `not-for-me` with nothing
   * learned and no answer: counted the same, nothing recorded. Anything else: false (`input` runs).
   */
  discardsFlooded(iface: StackInterface, frame: Uint8Array): boolean {
    const targetIp = floodedArpRequestTarget(frame)
    if (targetIp < 0 || (targetIp !== 0 && iface.hasAddress(targetIp))) return false
    const senderIp = get32(frame, ETH_HEADER_LEN + 14)
    if (senderIp !== 0 && get48(frame, ETH_HEADER_LEN + 8) !== iface.mac && iface.arp.has(senderIp, this.scheduler.now)) return false
    this.drops.count('not-for-me')
    return true
  }

  private arpInput(iface: StackInterface, frame: Uint8Array, off: number): void {
    const a = ArpPacket.checked(frame, off, frame.length - off)
    if (a instanceof WireError) return this.malformed(iface, frame, a)
    const now = this.scheduler.now
    const op = a.op
    const senderIp = a.senderIp
    const senderMac = a.senderMac
    const targetIp = a.targetIp
    const mine = targetIp !== 0 && iface.hasAddress(targetIp)
    // RFC 826's merge: refresh a known sender; learn a new one only when the packet was for us.
    if (senderIp !== 0 && senderMac !== iface.mac && (mine || iface.arp.has(senderIp, now))) {
      const waiting = iface.arp.learn(senderIp, senderMac, now)
      if (this.rec !== null && (op === ARP_OP_REPLY || waiting.length > 0)) {
        this.rec.step({timeMs: now, place: iface.place, action: 'delivered', reason: 'arp-learned', text: `${this.options.who} learns that ${formatIpv4(senderIp)} is at ${formatMacTrace(senderMac)}${waiting.length > 0 ? ` and sends the ${waiting.length} packet${waiting.length === 1 ? '' : 's'} that waited for it` : ''}`, ref: iface.ref, frame})
      }
      for (const buf of waiting) this.transmitIp(iface, senderMac, buf)
    }
    if (op === ARP_OP_REQUEST && mine) {
      const reply = new Uint8Array(ETH_MIN_FRAME)
      put48(reply, 0, senderMac)
      put48(reply, 6, iface.mac)
      put16(reply, 12, ETHERTYPE_ARP)
      emitArp({op: ARP_OP_REPLY, senderMac: iface.mac, senderIp: targetIp, targetMac: senderMac, targetIp: senderIp}, new ArpPacket(reply, ETH_HEADER_LEN, ARP_LEN))
      if (this.rec !== null) this.rec.step({timeMs: now, place: iface.place, action: 'answered', reason: 'arp-reply', text: `${formatIpv4(targetIp)} is ${this.options.who}'s address on ${iface.alias}: it answers ${formatIpv4(senderIp)} with its MAC ${formatMacTrace(iface.mac)}`, ref: iface.ref, frame})
      this.transmit(iface, reply, 'arp-reply', null)
      return
    }
    if (op === ARP_OP_REPLY && mine) return
    if (op === ARP_OP_REQUEST) {
      this.drop('not-for-me', iface, frame, () => `the ARP request asks for ${formatIpv4(targetIp)}, which is not an address of ${this.options.who} on ${iface.alias}, so it does not answer`, iface.ref)
      return
    }
    this.drop('not-for-me', iface, frame, () => `an ARP ${op === ARP_OP_REPLY ? 'reply' : `operation ${op}`} for ${formatIpv4(targetIp)}, not for ${this.options.who}`, iface.ref)
  }

  private ipInput(iface: StackInterface, frame: Uint8Array, off: number): void {
    const ip = Ipv4Packet.checked(frame, off, frame.length - off)
    if (ip instanceof WireError) return this.malformed(iface, frame, ip)
    if (!ip.verifyChecksum()) return this.drop('bad-checksum', iface, frame, () => badChecksumText('IPv4 header', ip.checksum, ip.computeChecksum(), 'packet'), null)
    const dst = ip.dst
    if (ip.protocol === IPPROTO_UDP && ip.payloadLen >= 8 && !ip.moreFrags && ip.fragOffset === 0) {
      const port = get16(frame, ip.payloadOffset + 2)
      if (port === DHCP_CLIENT_PORT && iface.dhcpClient !== null && (dst === 0xffff_ffff || dst === iface.primary || iface.addresses.length === 0 || !this.isOwnAddress(dst))) {
        const u = UdpPacket.checked(frame, ip.payloadOffset, ip.payloadLen)
        if (u instanceof WireError) return this.malformed(iface, frame, u)
        if (!u.verifyChecksum(ip.src, dst)) return this.drop('bad-checksum', iface, frame, () => 'the UDP checksum of a DHCP reply is wrong; the DHCP client discards it', null)
        iface.dhcpClient.input(frame, u.payload())
        return
      }
      if (port === DHCP_SERVER_PORT && iface.dhcpServer !== null && (dst === 0xffff_ffff || iface.hasAddress(dst))) {
        const replies = iface.dhcpServer.handle(frame, this.rec)
        for (const r of replies) this.transmit(iface, r, 'dhcp', null)
        return
      }
    }
    if (this.isOwnAddress(dst) || dst === 0xffff_ffff || iface.isDirectedBroadcast(dst)) {
      const packet = frame.subarray(off, off + ip.totalLen)
      this.local(iface, frame, packet, false)
      return
    }
    if (isMulticastIpv4(dst)) return this.drop('not-for-me', iface, frame, () => `${this.options.who} has joined no multicast group ${formatIpv4(dst)}`, null)
    this.forward(iface, frame, ip)
  }

  // -------------------------------------------------------------------------------------------
  // Forwarding (the host)

  private forward(ingress: StackInterface, frame: Uint8Array, ip: Ipv4Packet): void {
    const who = this.options.who
    const nat = this.options.nat
    const dst = ip.dst
    if (!this.options.router) {
      return this.drop('not-for-me', ingress, frame, () => `the packet is for ${formatIpv4(dst)}, not for ${who} (${ingress.addresses.length === 0 ? 'no address yet' : formatIpv4(ingress.primary)}), and ${who} does not route (IP forwarding is off in the guest), so it is discarded`, ingress.ref)
    }
    const r = this.routeFor(dst, null)
    if (r === null) {
      this.drop('no-route', ingress, frame, () => `${who} has no route to ${formatIpv4(dst)} (no connected network contains it and no interface has a default gateway)`, null)
      return
    }
    const egress = r.iface
    const ipLen = ip.totalLen
    const ttl = ip.ttl
    if (ttl <= 1 && (nat !== null || (ingress.forwarding && egress.forwarding))) {
      this.drop('ttl-exceeded', ingress, frame, () => `the packet's TTL is ${ttl}: ${who} may not route it on, and sends an ICMP time exceeded back to ${formatIpv4(ip.src)} from ${formatIpv4(ingress.sourceFor(ip.src))}`, null)
      this.icmpError(ingress, frame.subarray(ip.off, ip.off + ipLen), ICMP_TIME_EXCEEDED, 0, ingress.sourceFor(ip.src))
      return
    }
    const buf = new Uint8Array(Math.max(ETH_MIN_FRAME, ETH_HEADER_LEN + ipLen))
    buf.set(frame.subarray(ip.off, ip.off + ipLen), ETH_HEADER_LEN)
    const packet = buf.subarray(ETH_HEADER_LEN, ETH_HEADER_LEN + ipLen)
    let verdict: NatVerdict = PASS
    if (nat !== null) {
      const e: NatEgress = {alias: egress.alias, address: egress.sourceFor(r.nextHop)}
      verdict = nat.outbound(packet, ingress.alias, e, this.scheduler.now, this.rec === null ? null : natRecorder(this.rec, frame.slice(0, ip.off), frame.slice(), 'nat-internal'))
    }
    if (verdict.kind === 'drop') return this.drop(verdict.reason, ingress, frame, verdict.text, verdict.ref)
    if (verdict.kind === 'pass') {
      if (!ingress.forwarding || !egress.forwarding) {
        const off = !ingress.forwarding ? ingress : egress
        return this.drop('host-forwarding-disabled', ingress, frame, () => forwardingOffText(who, ingress, egress, dst), `${off.ref}.forwarding`)
      }
      if (ttl <= 1) return // unreachable: handled above
      this.routeOn(ingress, buf, ipLen, egress, r.nextHop, 'forwarded')
      return
    }
    // Translated (or hairpinned): route by the rewritten addresses, whatever the forwarding setting.
    this.routeTranslated(ingress, buf, ipLen)
  }

  /** After a NAT rewrite: look the new destination up and send it on. */
  private routeTranslated(ingress: StackInterface, buf: Uint8Array, ipLen: number): void {
    const view = new Ipv4Packet(buf, ETH_HEADER_LEN, ipLen)
    const r = this.routeFor(view.dst, null)
    if (r === null) {
      this.drop('no-route', ingress, buf, () => `after translation ${this.options.who} has no route to ${formatIpv4(view.dst)}`, null)
      return
    }
    if (view.ttl <= 1) {
      this.drop('ttl-exceeded', ingress, buf, () => `the translated packet's TTL is ${view.ttl}: ${this.options.who} may not route it on`, null)
      return
    }
    this.routeOn(ingress, buf, ipLen, r.iface, r.nextHop, 'translated')
  }

  /** Decrements TTL (RFC 1624 checksum update) and sends the packet to the next hop. */
  private routeOn(ingress: StackInterface, buf: Uint8Array, ipLen: number, egress: StackInterface, nextHop: Ipv4Address, why: string): void {
    const o = ETH_HEADER_LEN
    const ttl = decrementTtl(buf, o)
    if (this.rec !== null) {
      // The frame as it leaves, as far as known now: the destination MAC waits for ARP when not cached.
      const known = egress.arp.lookup(nextHop, this.scheduler.now)
      put48(buf, 0, known.kind === 'found' ? known.value : 0)
      put48(buf, 6, egress.mac)
      put16(buf, 12, ETHERTYPE_IPV4)
      const v = new Ipv4Packet(buf, o, ipLen)
      const via = nextHop === v.dst ? 'directly (on-link)' : `via the gateway ${formatIpv4(nextHop)}`
      const fwd = why === 'translated' ? 'the NAT translated it, so it is routed whatever the Forwarding setting' : `Forwarding is enabled on ${ingress.alias === egress.alias ? ingress.alias : `${ingress.alias} and ${egress.alias}`}`
      this.rec.step({timeMs: this.scheduler.now, place: ingress.place, action: 'forwarded', reason: why === 'translated' ? 'nat-routed' : 'routed', text: `${this.options.who} routes ${formatIpv4(v.src)} → ${formatIpv4(v.dst)} from ${ingress.alias} out of ${egress.alias} ${via}, TTL ${ttl + 1} → ${ttl} (${fwd})`, ref: `${egress.ref}`, frame: buf})
    }
    this.sendVia(egress, nextHop, buf, ipLen)
  }

  // -------------------------------------------------------------------------------------------
  // Local delivery

  /**
   * A packet for this stack. `frame` is the received frame (null when the stack sent the packet
   * to itself); `packet` the IPv4 packet inside it. Nothing here writes to `frame` or `packet`.
   */
  local(iface: StackInterface, frame: Uint8Array | null, packet: Uint8Array, fromSelf: boolean): void {
    const shown = frame ?? packet
    const ip = new Ipv4Packet(packet, 0, packet.length)
    const dst = ip.dst
    const broadcast = dst === 0xffff_ffff || iface.isDirectedBroadcast(dst)
    if (ip.moreFrags || ip.fragOffset !== 0) return this.drop('malformed', iface, shown, () => `${this.options.who} received a fragment of ${formatIpv4(ip.src)}'s packet; hvnet does not reassemble fragments`, null)
    const nat = this.options.nat
    if (nat !== null && !broadcast) {
      const copy = packet.slice()
      const rec = this.rec === null ? null : natRecorder(this.rec, frame === null ? IPV4_HEAD : frame.slice(0, frame.length - packet.length), frame ?? concat(IPV4_HEAD, packet), 'nat-inbound')
      const verdict = nat.inbound(copy, fromSelf ? null : iface.alias, this.scheduler.now, rec)
      if (verdict.kind === 'translated' || verdict.kind === 'hairpin') {
        const buf = new Uint8Array(Math.max(ETH_MIN_FRAME, ETH_HEADER_LEN + copy.length))
        buf.set(copy, ETH_HEADER_LEN)
        this.routeTranslated(iface, buf, copy.length)
        return
      }
      if (verdict.kind === 'drop') {
        this.drop(verdict.reason, iface, shown, verdict.text, verdict.ref)
        // Not forwarded inside: the host answers as Windows does for a closed port (TCP RST, UDP silence).
        if (ip.protocol === IPPROTO_TCP) this.tcpClosed(iface, shown, ip, true)
        return
      }
    }
    const fw = this.options.firewall
    switch (ip.protocol) {
      case IPPROTO_ICMP:
        return this.icmpInput(iface, shown, ip, broadcast, fw)
      case IPPROTO_UDP:
        return this.udpInput(iface, shown, ip, broadcast, fw)
      case IPPROTO_TCP:
        if (broadcast) return this.drop('not-for-me', iface, shown, () => 'TCP is never sent to a broadcast address; ignored', null)
        return this.tcpInput(iface, shown, ip, fw)
      default:
        if (broadcast) return this.drop('not-for-me', iface, shown, () => `IP protocol ${formatIpProtocol(ip.protocol)} to a broadcast address; ignored`, null)
        if (fw !== null) return this.firewallDrop(iface, shown, () => `${formatIpProtocol(ip.protocol)} from ${formatIpv4(ip.src)}`, fw.ref)
        this.drop('closed-port', iface, shown, () => `${this.options.who} has no handler for IP protocol ${formatIpProtocol(ip.protocol)} and answers ICMP protocol unreachable`, null)
        this.icmpError(iface, packet, ICMP_DST_UNREACHABLE, 2, dst)
    }
  }

  private icmpInput(iface: StackInterface, frame: Uint8Array, ip: Ipv4Packet, broadcast: boolean, fw: StackFirewall | null): void {
    const icmp = Icmpv4Packet.checked(ip.buf, ip.payloadOffset, ip.payloadLen)
    if (icmp instanceof WireError) return this.malformed(iface, frame, icmp)
    if (!icmp.verifyChecksum()) return this.drop('bad-checksum', iface, frame, () => badChecksumText('ICMP', icmp.checksum, icmp.computeChecksum(), 'message'), null)
    const now = this.scheduler.now
    const who = this.options.who
    const src = ip.src
    switch (icmp.type) {
      case ICMP_ECHO_REQUEST: {
        if (broadcast) return this.drop('not-for-me', iface, frame, () => `${who} ignores echo requests sent to a broadcast address, as Windows and Linux do by default`, null)
        if (fw !== null && fw.blocksEcho) {
          return this.drop('guest-firewall', iface, frame, () => `Windows Firewall in ${who} drops the echo request from ${formatIpv4(src)}: its default rules block inbound ICMPv4 echo. Fix: inside the guest run \`Enable-NetFirewallRule -Name FPS-ICMP4-ERQ-In\` (File and Printer Sharing (Echo Request - ICMPv4-In)), or \`hvnet vm set-guest VM --firewall off\``, fw.ref)
        }
        const reply: Icmpv4Repr = {kind: 'echo-reply', ident: icmp.ident, seqNo: icmp.seqNo, data: icmp.data().slice()}
        if (this.rec !== null) this.rec.step({timeMs: now, place: iface.place, action: 'answered', reason: 'echo-reply', text: `${who} answers the echo request from ${formatIpv4(src)} (id ${icmp.ident}, seq ${icmp.seqNo}) with an echo reply`, ref: iface.ref, frame})
        this.sendIcmp(src, reply, {src: ip.dst})
        return
      }
      case ICMP_ECHO_REPLY: {
        const key = icmp.ident * 65536 + icmp.seqNo
        const sent = this.pings.get(key)
        this.pings.delete(key)
        const rtt = sent === undefined ? null : now - sent
        if (this.rec !== null) this.rec.step({timeMs: now, place: iface.place, action: 'delivered', reason: 'echo-reply', text: `${who} receives the echo reply from ${formatIpv4(src)} (id ${icmp.ident}, seq ${icmp.seqNo}, TTL ${ip.ttl}${rtt === null ? '' : `, time ${formatMs(rtt)}`})`, ref: iface.ref, frame})
        this.emit({kind: 'echo-reply', timeMs: now, alias: iface.alias, from: src, ident: icmp.ident, seqNo: icmp.seqNo, ttl: ip.ttl, rttMs: rtt})
        return
      }
      case ICMP_DST_UNREACHABLE:
      case ICMP_TIME_EXCEEDED: {
        const q = icmp.quoted()
        if (q instanceof WireError) return this.malformed(iface, frame, q)
        const qd = q.payloadOffset
        const avail = q.off + q.len - qd
        const quoted = {src: q.src, dst: q.dst, protocol: q.protocol, srcPort: avail >= 2 ? get16(q.buf, qd) : 0, dstPort: avail >= 4 ? get16(q.buf, qd + 2) : 0}
        const type = icmp.type === ICMP_TIME_EXCEEDED ? 'time-exceeded' : 'dst-unreachable'
        if (this.rec !== null) this.rec.step({timeMs: now, place: iface.place, action: 'delivered', reason: type, text: `${who} receives ICMP ${type === 'time-exceeded' ? 'time exceeded' : `destination unreachable (${unreachableText(icmp.code)})`} from ${formatIpv4(src)} about its ${formatIpProtocol(q.protocol)} packet to ${formatIpv4(q.dst)}`, ref: iface.ref, frame})
        if (icmp.code === 3 && q.protocol === IPPROTO_TCP) this.conns.delete(connKey(q.dst, quoted.dstPort, quoted.srcPort))
        this.emit({kind: 'icmp-error', timeMs: now, alias: iface.alias, from: src, type, code: icmp.code, quoted})
        return
      }
      default:
        this.drop('not-for-me', iface, frame, () => `${who} ignores ICMP type ${icmp.type}`, null)
    }
  }

  private udpInput(iface: StackInterface, frame: Uint8Array, ip: Ipv4Packet, broadcast: boolean, fw: StackFirewall | null): void {
    const u = UdpPacket.checked(ip.buf, ip.payloadOffset, ip.payloadLen)
    if (u instanceof WireError) return this.malformed(iface, frame, u)
    const src = ip.src
    const dst = ip.dst
    if (!u.verifyChecksum(src, dst)) return this.drop('bad-checksum', iface, frame, () => badChecksumText('UDP', u.checksum, u.computeChecksum(src, dst), 'datagram'), null)
    const now = this.scheduler.now
    const who = this.options.who
    const port = u.dstPort
    const sport = u.srcPort
    if (port === DNS_PORT && !broadcast) {
      const owner = this.ownerOf(dst)
      if (owner !== null && owner.dnsProxy !== null) return this.answerDns(iface, frame, u.payload(), src, sport, dst, owner.dnsProxy, `the DNS proxy on ${owner.alias}`)
    }
    if (this.udpListen.has(port)) {
      // Never echo to the echo port: two echo services would bounce a datagram forever.
      if (port === UDP_ECHO_PORT && !broadcast && sport !== UDP_ECHO_PORT) {
        const payload = u.payload().slice()
        if (this.rec !== null) this.rec.step({timeMs: now, place: iface.place, action: 'answered', reason: 'udp-echo', text: `${who}'s echo service on udp/7 sends the ${payload.length} bytes back to ${formatIpv4(src)}:${sport}`, ref: iface.ref, frame})
        this.sendUdpFrom(dst, port, src, sport, payload)
        return
      }
      if (port === DNS_PORT && !broadcast) return this.answerDns(iface, frame, u.payload(), src, sport, dst, this.options.resolve ?? (() => DEFAULT_DNS_ANSWER), `${who}'s DNS server on udp/53`)
      this.deliverUdp(iface, frame, src, sport, dst, port, u.payload().slice(), `an application listening on udp/${port}`)
      return
    }
    if (this.udpBound.has(port)) {
      this.deliverUdp(iface, frame, src, sport, dst, port, u.payload().slice(), `the socket on udp/${port} that sent to ${formatIpv4(src)}`)
      return
    }
    if (broadcast) return this.drop('closed-port', iface, frame, () => `nothing in ${who} listens on udp/${port}; a broadcast gets no ICMP error (RFC 1122)`, null)
    if (fw !== null) return this.firewallDrop(iface, frame, () => `UDP from ${formatIpv4(src)}:${sport} to the closed port udp/${port}`, fw.ref)
    if (this.options.closedUdp === 'silent') {
      return this.drop('closed-port', iface, frame, () => `nothing on ${who} listens on udp/${port}, and Windows Firewall drops unsolicited inbound UDP without an ICMP port unreachable`, null)
    }
    this.drop('closed-port', iface, frame, () => `nothing in ${who} listens on udp/${port}: it answers ICMP port unreachable to ${formatIpv4(src)}`, null)
    this.icmpError(iface, ip.buf.subarray(ip.off, ip.off + ip.totalLen), ICMP_DST_UNREACHABLE, 3, dst)
  }

  /** A DNS query to udp/53 answered from `resolve` (RFC 1035), by `server` (for the step text). */
  private answerDns(iface: StackInterface, frame: Uint8Array, query: Uint8Array, src: Ipv4Address, sport: number, dst: Ipv4Address, resolve: (name: string) => Ipv4Address | null, server: string): void {
    const q = parseDnsQuery(query)
    if (typeof q === 'string') return this.drop('malformed', iface, frame, () => `${server} cannot read the query: ${q}`, null)
    const address = q.type === 1 && q.cls === 1 ? resolve(q.name) : null
    const nx = q.type === 1 && q.cls === 1 && address === null
    const answer = dnsAnswer(query, q, address, nx)
    if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place: iface.place, action: 'answered', reason: 'dns-answer', text: `${server} answers ${formatIpv4(src)}: ${q.name} ${nx ? 'does not exist (NXDOMAIN)' : address === null ? `has no record of type ${q.type}` : `is ${formatIpv4(address)}`}`, ref: iface.ref, frame})
    this.sendUdpFrom(dst, DNS_PORT, src, sport, answer)
  }

  private deliverUdp(iface: StackInterface, frame: Uint8Array, src: Ipv4Address, sport: number, dst: Ipv4Address, port: number, payload: Uint8Array, to: string): void {
    if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place: iface.place, action: 'delivered', reason: 'udp', text: `${this.options.who} delivers ${payload.length} bytes from ${formatIpv4(src)}:${sport} to ${to}`, ref: iface.ref, frame})
    this.emit({kind: 'udp', timeMs: this.scheduler.now, alias: iface.alias, from: src, srcPort: sport, to: dst, dstPort: port, payload})
  }

  private sendUdpFrom(src: Ipv4Address, srcPort: number, dst: Ipv4Address, dstPort: number, payload: Uint8Array): void {
    const packet = this.packet(dst, IPPROTO_UDP, 8 + payload.length, undefined, undefined, (buf, off) => emitUdp({srcPort, dstPort, payload}, new UdpPacket(buf, off, 8 + payload.length), src, dst), src)
    if (packet !== null) this.output(packet, null)
  }

  private tcpInput(iface: StackInterface, frame: Uint8Array, ip: Ipv4Packet, fw: StackFirewall | null): void {
    const t = TcpPacket.checked(ip.buf, ip.payloadOffset, ip.payloadLen)
    if (t instanceof WireError) return this.malformed(iface, frame, t)
    const src = ip.src
    const dst = ip.dst
    if (!t.verifyChecksum(src, dst)) return this.drop('bad-checksum', iface, frame, () => badChecksumText('TCP', t.checksum, t.computeChecksum(src, dst), 'segment'), null)
    const now = this.scheduler.now
    const who = this.options.who
    const flags = t.flags
    const sport = t.srcPort
    const dport = t.dstPort
    const seq = t.seqNo
    const ack = t.ackNo
    const dataLen = ip.payloadLen - t.headerLen
    const key = connKey(src, sport, dport)
    const c = this.conns.get(key)
    const step = (action: StepAction, reason: string, text: string): void => {
      if (this.rec !== null) this.rec.step({timeMs: now, place: iface.place, action, reason, text, ref: iface.ref, frame})
    }
    const event = (state: 'connected' | 'open' | 'refused' | 'accepted' | 'reset' | 'closed', conn: TcpConn): void => this.emit({kind: 'tcp', timeMs: now, state, local: conn.local, localPort: conn.localPort, remote: conn.remote, remotePort: conn.remotePort})
    if (c !== undefined) {
      if (flags & TCP_RST) {
        this.conns.delete(key)
        const refused = c.state === 'syn-sent'
        step('delivered', refused ? 'tcp-refused' : 'tcp-reset', refused ? `${who}'s connection to ${formatIpv4(src)}:${sport} is refused: the far end answered RST (nothing listens on tcp/${sport})` : `${formatIpv4(src)}:${sport} resets ${who}'s connection`)
        event(refused ? 'refused' : 'reset', c)
        return
      }
      switch (c.state) {
        case 'syn-sent':
          if ((flags & (TCP_SYN | TCP_ACK_FLAG)) === (TCP_SYN | TCP_ACK_FLAG) && ack === c.sndNxt) {
            c.rcvNxt = (seq + 1) >>> 0
            if (c.probe) {
              this.conns.delete(key)
              step('delivered', 'tcp-open', `${formatIpv4(src)} answers SYN-ACK: tcp/${sport} is open; ${who} resets the half-open probe`)
              this.sendSegment(c, TCP_RST, EMPTY)
              event('open', c)
              return
            }
            c.state = 'established'
            step('delivered', 'tcp-connected', `${formatIpv4(src)} answers SYN-ACK: ${who} completes the handshake with an ACK, connected to tcp/${sport}`)
            this.sendSegment(c, TCP_ACK_FLAG, EMPTY)
            event('connected', c)
            return
          }
          break
        case 'syn-received':
          if (flags & TCP_ACK_FLAG && ack === c.sndNxt) {
            c.state = 'established'
            step('delivered', 'tcp-accepted', `the handshake on tcp/${dport} completes: ${who} accepts the connection from ${formatIpv4(src)}:${sport}`)
            event('accepted', c)
            this.tcpData(c, flags, seq, dataLen, iface, frame)
            return
          }
          break
        case 'established':
        case 'fin-wait-1':
        case 'fin-wait-2':
        case 'last-ack':
          if (c.state === 'last-ack' && flags & TCP_ACK_FLAG && ack === c.sndNxt) {
            this.conns.delete(key)
            step('delivered', 'tcp-closed', `${formatIpv4(src)} acknowledges ${who}'s FIN: the connection on tcp/${dport} is closed`)
            event('closed', c)
            return
          }
          if ((c.state === 'fin-wait-1' || c.state === 'fin-wait-2') && flags & TCP_ACK_FLAG && ack === c.sndNxt && !(flags & TCP_FIN)) {
            c.state = 'fin-wait-2'
            step('delivered', 'tcp-fin-acked', `${formatIpv4(src)} acknowledges ${who}'s FIN`)
            return
          }
          this.tcpData(c, flags, seq, dataLen, iface, frame)
          return
      }
      this.drop('tcp-unexpected', iface, frame, () => `a ${formatTcpFlags(flags)} segment that does not fit the connection's state (${c.state}) is ignored`, null)
      return
    }
    if (flags & TCP_RST) {
      this.drop('closed-port', iface, frame, () => `a RST from ${formatIpv4(src)}:${sport} for no connection of ${who} is ignored (a reset is never answered)`, null)
      return
    }
    if ((flags & (TCP_SYN | TCP_ACK_FLAG)) === TCP_SYN && this.tcpListen.has(dport)) {
      const conn: TcpConn = {state: 'syn-received', local: dst, localPort: dport, remote: src, remotePort: sport, sndNxt: isn(dst, dport, src, sport), rcvNxt: (seq + 1) >>> 0, probe: false}
      this.conns.set(key, conn)
      step('answered', 'tcp-syn-ack', `${who} listens on tcp/${dport}: it answers ${formatIpv4(src)}'s SYN with SYN-ACK`)
      this.sendSegment(conn, TCP_SYN | TCP_ACK_FLAG, EMPTY)
      conn.sndNxt = (conn.sndNxt + 1) >>> 0
      return
    }
    if (fw !== null && !this.tcpListen.has(dport)) return this.firewallDrop(iface, frame, () => `TCP ${formatTcpFlags(flags)} from ${formatIpv4(src)}:${sport} to the closed port tcp/${dport}`, fw.ref)
    this.tcpClosed(iface, frame, ip, false)
  }

  /** An established connection's data and FIN: acknowledge, answer a FIN with FIN-ACK. */
  private tcpData(c: TcpConn, flags: number, seq: number, dataLen: number, iface: StackInterface, frame: Uint8Array): void {
    const who = this.options.who
    const fin = (flags & TCP_FIN) !== 0
    if (seq !== c.rcvNxt) {
      if (dataLen > 0 || fin) this.sendSegment(c, TCP_ACK_FLAG, EMPTY)
      return
    }
    if (dataLen === 0 && !fin) return
    c.rcvNxt = (c.rcvNxt + dataLen + (fin ? 1 : 0)) >>> 0
    if (fin && (c.state === 'fin-wait-1' || c.state === 'fin-wait-2')) {
      this.conns.delete(connKey(c.remote, c.remotePort, c.localPort))
      if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place: iface.place, action: 'delivered', reason: 'tcp-closed', text: `${formatIpv4(c.remote)} closes its side too: ${who} acknowledges the FIN and the connection is closed`, ref: iface.ref, frame})
      this.sendSegment(c, TCP_ACK_FLAG, EMPTY)
      this.emit({kind: 'tcp', timeMs: this.scheduler.now, state: 'closed', local: c.local, localPort: c.localPort, remote: c.remote, remotePort: c.remotePort})
      return
    }
    if (fin) {
      c.state = 'last-ack'
      if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place: iface.place, action: 'answered', reason: 'tcp-fin', text: `${formatIpv4(c.remote)} closes the connection${dataLen > 0 ? ` after ${dataLen} bytes` : ''}: ${who} answers FIN-ACK`, ref: iface.ref, frame})
      this.sendSegment(c, TCP_FIN | TCP_ACK_FLAG, EMPTY)
      c.sndNxt = (c.sndNxt + 1) >>> 0
      return
    }
    if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place: iface.place, action: 'delivered', reason: 'tcp-data', text: `${who} receives ${dataLen} bytes on tcp/${c.localPort} and acknowledges them`, ref: iface.ref, frame})
    this.sendSegment(c, TCP_ACK_FLAG, EMPTY)
    this.emit({kind: 'tcp', timeMs: this.scheduler.now, state: 'data', local: c.local, localPort: c.localPort, remote: c.remote, remotePort: c.remotePort, bytes: dataLen})
  }

  /** RFC 9293 3.10.7.1: a closed port answers RST (never to a RST). */
  private tcpClosed(iface: StackInterface, frame: Uint8Array, ip: Ipv4Packet, afterNat: boolean): void {
    const t = TcpPacket.checked(ip.buf, ip.payloadOffset, ip.payloadLen)
    if (t instanceof WireError) return
    const flags = t.flags
    if (flags & TCP_RST) return
    const src = ip.src
    const dst = ip.dst
    const rst = tcpReset(t)
    if (!afterNat) this.drop('closed-port', iface, frame, () => `nothing on ${this.options.who} listens on tcp/${t.dstPort}: it answers ${formatIpv4(src)} with a RST (connection refused)`, null)
    else if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place: iface.place, action: 'answered', reason: 'closed-port', text: `${this.options.who} answers with a RST, as Windows does for a closed port`, ref: iface.ref, frame})
    const packet = this.packet(src, IPPROTO_TCP, TCP_MIN_HEADER_LEN, undefined, undefined, (buf, off) => emitTcp(rst, new TcpPacket(buf, off, TCP_MIN_HEADER_LEN), dst, src), dst)
    if (packet !== null) this.output(packet, null)
  }

  /**
   * An ICMP error about `invoking` (an IPv4 packet) from `from`, when one may be sent
   * (icmpErrorAllowed; a broadcast destination its callers rule out).
   */
  private icmpError(iface: StackInterface, invoking: Uint8Array, type: number, code: number, from: Ipv4Address): void {
    const q = new Ipv4Packet(invoking, 0, invoking.length)
    if (!icmpErrorAllowed(q)) return
    // Windows quotes the 8 bytes RFC 792 asks for; Linux as much as fits in 576 bytes (RFC 1812 4.3.2.3).
    const quoteLen = this.options.os === 'windows' ? Math.min(q.payloadLen, 8) : Math.min(q.payloadLen, ICMP_QUOTE_MAX - q.headerLen)
    const packet = this.packet(q.src, IPPROTO_ICMP, icmpErrorLen(q, quoteLen), undefined, undefined, (buf, off) => emitIcmpError(type, code, q, quoteLen, buf, off), from)
    if (packet === null) return
    if (this.rec !== null) {
      const what = type === ICMP_TIME_EXCEEDED ? 'ICMP time exceeded (TTL exceeded in transit)' : `ICMP destination unreachable (${unreachableText(code)})`
      this.rec.step({timeMs: this.scheduler.now, place: iface.place, action: 'answered', reason: type === ICMP_TIME_EXCEEDED ? 'time-exceeded' : 'dst-unreachable', text: `${this.options.who} sends ${what} from ${formatIpv4(from)} to ${formatIpv4(q.src)}`, ref: iface.ref, frame: packet})
    }
    this.output(packet, null)
  }

  // -------------------------------------------------------------------------------------------
  // Drops and events

  private firewallDrop(iface: StackInterface, frame: Uint8Array, what: () => string, ref: string): void {
    const windows = this.options.os === 'windows'
    this.drop('guest-firewall', iface, frame, () => `${windows ? 'Windows Firewall' : 'the firewall'} in ${this.options.who} silently drops ${what()}: its default rules block unsolicited inbound traffic that no rule allows (no RST, no ICMP). Fix: allow the port inside the guest (${windows ? 'New-NetFirewallRule -Direction Inbound -LocalPort N -Protocol TCP -Action Allow' : 'firewall-cmd --add-port, ufw allow'}) and list it with \`hvnet vm set-guest VM --listen\`, or \`hvnet vm set-guest VM --firewall off\``, ref)
  }

  private malformed(iface: StackInterface, frame: Uint8Array, e: WireError): void {
    this.drop('malformed', iface, frame, () => `${this.options.who} cannot read the frame (${e.layer} ${e.code} at byte ${e.offset}: ${e.message}) and discards it`, null)
  }

  /** Counts the drop and, when recording, reports it; `text` is a thunk so nothing is formatted without a recorder. */
  drop(reason: DropReason, iface: StackInterface, frame: Uint8Array, text: string | (() => string), ref: string | null): void {
    this.drops.count(reason)
    if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place: iface.place, action: 'dropped', reason, text: typeof text === 'string' ? text : text(), ref: ref ?? iface.ref, frame})
  }

  emit(e: StackEvent): void {
    for (const l of this.listeners.slice()) l(e)
  }

  // -------------------------------------------------------------------------------------------
  // State

  exportArp(): Record<string, ReturnType<ArpCache['exportState']>> {
    const out: Record<string, ReturnType<ArpCache['exportState']>> = {}
    for (const i of this.interfaces) out[i.alias] = i.arp.exportState(this.scheduler.now)
    return out
  }

  importArp(state: unknown): void {
    if (state === null || typeof state !== 'object') throw new TypeError(`ARP state of ${this.options.who}: expected an object by interface`)
    for (const [alias, s] of Object.entries(state as Record<string, unknown>)) {
      const i = this.interface(alias)
      if (i !== null) i.arp.importState(s, `${this.options.who} ${alias}`)
    }
  }
}

const PASS: NatVerdict = {kind: 'pass'}

function connKey(remote: Ipv4Address, remotePort: number, localPort: number): string {
  return `${remote}:${remotePort}:${localPort}`
}

/** A deterministic initial sequence number from the connection's four numbers (RFC 6528 in spirit, without the secret). */
export function isn(local: Ipv4Address, localPort: number, remote: Ipv4Address, remotePort: number): number {
  const b = new Uint8Array(12)
  put32(b, 0, local)
  put16(b, 4, localPort)
  put32(b, 6, remote)
  put16(b, 10, remotePort)
  return fnv1aBytes(b)
}

function badChecksumText(what: string, have: number, should: number, unit: string): string {
  return `the ${what} checksum ${hex16(have)} is wrong (should be ${hex16(should)}); the ${unit} is discarded`
}

function onLink(iface: StackInterface, a: Ipv4Address): boolean {
  for (const x of iface.addresses) {
    const m = prefixMask(x.prefixLength)
    if (((x.address & m) >>> 0) === ((a & m) >>> 0)) return true
  }
  return false
}

/**
 * The payload `ping` sends. Windows: `abcdefghijklmnopqrstuvwabcdefghi…`. Linux (iputils, 64-bit):
 * a 16-byte timeval of the send time (little-endian seconds and microseconds), then 0x10, 0x11 …
 */
export function echoData(os: 'linux' | 'windows', size: number, now: TimeMs): Uint8Array {
  const d = new Uint8Array(size)
  if (os === 'windows') {
    for (let i = 0; i < size; i++) d[i] = 0x61 + (i % 23)
    return d
  }
  const sec = Math.floor(now / 1000)
  const usec = Math.floor((now - sec * 1000) * 1000)
  for (let i = 0; i < size; i++) d[i] = (0x10 + i - 16) & 0xff
  if (size >= 16) {
    for (let i = 0; i < 8; i++) d[i] = i < 4 ? (sec >>> (8 * i)) & 0xff : 0
    for (let i = 0; i < 8; i++) d[8 + i] = i < 4 ? (usec >>> (8 * i)) & 0xff : 0
  }
  return d
}

function forwardingOffText(who: string, ingress: StackInterface, egress: StackInterface, dst: Ipv4Address): string {
  const off = [ingress, egress].filter((i, k, all) => !i.forwarding && all.indexOf(i) === k)
  const names = off.map((i) => `"${i.alias}"`).join(' and ')
  const fix = off.map((i) => `hvnet host interface set --interface-alias "${i.alias}" --forwarding enabled`).join(' && ')
  return `${who} would route the packet for ${formatIpv4(dst)} from ${ingress.alias} to ${egress.alias}, but IP forwarding is disabled on ${names} (Windows' default), so it drops it. Fix: ${fix}`
}

function unreachableText(code: number): string {
  switch (code) {
    case 0:
      return 'network unreachable'
    case 1:
      return 'host unreachable'
    case 2:
      return 'protocol unreachable'
    case 3:
      return 'port unreachable'
    case 13:
      return 'administratively prohibited'
    default:
      return `code ${code}`
  }
}

function sourceText(source: 'static' | 'dhcp' | 'apipa' | 'none'): string {
  switch (source) {
    case 'static':
      return 'static configuration'
    case 'dhcp':
      return 'from its DHCP lease'
    case 'apipa':
      return 'APIPA: no DHCP server answered'
    case 'none':
      return 'no address'
  }
}

export function formatMs(ms: number): string {
  return ms < 1 ? `${Math.round(ms * 1000) / 1000} ms` : `${Math.round(ms * 100) / 100} ms`
}

/** The Ethernet header shown in front of a packet the host sent itself, before it has one. */
const IPV4_HEAD = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00)

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/**
 * The NAT hook sees IPv4 packets; a trace shows frames. Only when recording: the NAT's steps get
 * the Ethernet header the packet arrived with, and its first step is preceded by a `received` step
 * with the frame as it reached the NAT (`reason`: nat-internal going out, nat-inbound coming in),
 * so the trace and its pcapng have the frame before and after the translation.
 */
function natRecorder(rec: Recorder, head: Uint8Array, original: Uint8Array, reason: string): Recorder {
  let first = true
  return {
    step(s) {
      if (first) {
        first = false
        const text = reason === 'nat-internal' ? `${s.place.name} takes the packet: its source is inside the NAT's internal prefix and its destination outside it` : `${s.place.name} looks the packet up among its sessions and static mappings`
        rec.step({timeMs: s.timeMs, place: s.place, action: 'received', reason, text, ref: s.ref, frame: original})
      }
      rec.step({...s, frame: concat(head, s.frame)})
    },
  }
}

/**
 * The target address of a well-formed untagged broadcast ARP request (Ethernet/IPv4, 28 bytes or
 * more after the Ethernet header), or -1 for any other frame: the frames a stack may discard
 * outright when flooded to it (IpStack.discardsFlooded). A stack with an empty ARP cache discards
 * such a request unless the target is one of its addresses (RFC 826's merge learns nothing from it).
 */
export function floodedArpRequestTarget(frame: Uint8Array): number {
  const eth = EthernetFrame.checked(frame, 0, frame.length)
  if (eth instanceof WireError || eth.isTagged || eth.dst !== MAC_BROADCAST || eth.etherType !== ETHERTYPE_ARP) return -1
  const off = eth.payloadOffset
  const a = ArpPacket.checked(frame, off, frame.length - off)
  return a instanceof WireError || a.op !== ARP_OP_REQUEST ? -1 : a.targetIp
}
