// The LAN beyond one physical adapter: a segment holding the gateway router (at the configured
// gateway address, with a MAC derived from the lab's seed and the adapter's name) and its DHCP
// server, and behind the router "the internet" (./internet.ts). No other host exists on the LAN
// unless a trace or a test attaches one (`attachDevice`): an ARP request for any other address gets
// no answer, and the sender's own ARP gives up.
//
// The router (RFC 1812 in miniature): answers ARP for its address; answers ICMP echo, DNS on
// UDP 53 (as the LAN's resolver), RST on every TCP port and ICMP port unreachable on other UDP
// ports; serves DHCP on UDP 67 (router and DNS = itself); routes everything else by destination:
// the LAN's own prefix is not routed back, TTL 1 gets ICMP time exceeded (RFC 1812 5.3.1),
// addresses nobody routes get no answer, and public addresses go to the internet one hop away
// (internet hosts answer with TTL 64, which the router decrements as it routes the answer back).
//
// Time: a frame reaches the LAN LATENCY.lanMs after it left the adapter; the router answers after
// LATENCY.stackMs; the internet is LATENCY.internetMs away each way; the gateway's resolver adds
// one internet round trip. So `ping 8.8.8.8` from a VM takes about 21 ms, the gateway about 1 ms.
import {LATENCY} from '../clock.js'
import type {Scheduler} from '../clock.js'
import type {Prefix} from '../config.js'
import type {DropCounters, DropReason, FrameSink, Place, Recorder, StepAction} from '../observe.js'
import {seededBytes} from '../seed.js'
import type {DhcpServer} from '../dhcp/server.js'
import {
  ARP_OP_REPLY,
  ARP_OP_REQUEST,
  ArpPacket,
  DHCP_SERVER_PORT,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETH_DST,
  ETH_SRC,
  EthernetFrame,
  IPPROTO_UDP,
  Ipv4Packet,
  UdpPacket,
  WireError,
  decrementTtl,
  cidrContains,
  encodeFrame,
  formatEtherType,
  formatIpv4,
  formatMacTrace,
  isMulticast,
  macFromParts,
  put48,
} from '../wire/index.js'
import type {Ipv4Address, Mac} from '../wire/index.js'
import {answerPacket, icmpError} from './answer.js'
import type {Answer, ResponderProfile} from './answer.js'
import {DNS_PORT} from '../ip/dns.js'
import {reachability} from './internet.js'

/** TTL of the packets the router and internet hosts send. */
export const LAN_TTL = 64

/**
 * Another machine on the LAN, which a trace or a test speaks for (a colleague's laptop reaching a
 * port forwarded to a VM): the LAN answers ARP for its address, as its OS would, and hands it every
 * frame sent to its MAC and every broadcast. It sends with `Lan.sendFrom`.
 */
export interface LanDevice {
  /** How steps name it: `192.168.1.77`, `the printer`. */
  readonly name: string
  readonly address: Ipv4Address
  readonly mac: Mac
  readonly sink: FrameSink
}

/** A locally administered unicast MAC derived from the seed and a label: stable for a lab. */
export function derivedMac(seed: number, label: string): Mac {
  const b = seededBytes(seed, `lan-mac:${label}`, 6)
  return macFromParts((((b[0] & 0xfc) | 0x02) << 8) | b[1], (b[2] << 24) | (b[3] << 16) | (b[4] << 8) | b[5])
}

export interface LanOptions {
  /** The physical adapter's name: `Ethernet`, `Wi-Fi`. */
  readonly adapterName: string
  readonly prefix: Prefix
  readonly gateway: Ipv4Address
  readonly seed: number
  readonly scheduler: Scheduler
  readonly recorder: Recorder | null
  readonly drops: DropCounters
  /** Builds the LAN's DHCP server (null: none runs); called once the gateway's MAC is known. */
  readonly dhcp: ((lan: Lan) => DhcpServer) | null
  /** Where frames for the host side go, when they reach the adapter (the link applies its own rules). */
  readonly toAdapter: (frame: Uint8Array) => void
}

export class Lan {
  readonly gatewayMac: Mac
  /** The router's internet-side MAC and its upstream's: the frames steps show beyond the router. */
  readonly wanMac: Mac
  readonly upstreamMac: Mac
  readonly place: Place
  readonly dhcp: DhcpServer | null
  private readonly gatewayProfile: ResponderProfile
  private readonly scheduler: Scheduler
  private readonly rec: Recorder | null
  private readonly drops: DropCounters
  private readonly toAdapter: (frame: Uint8Array) => void
  private readonly devices: LanDevice[] = []
  private ident = 0

  constructor(private readonly options: LanOptions) {
    const name = options.adapterName
    this.gatewayMac = derivedMac(options.seed, `gateway:${name}`)
    this.wanMac = derivedMac(options.seed, `wan:${name}`)
    this.upstreamMac = derivedMac(options.seed, `upstream:${name}`)
    this.place = {kind: 'lan', name}
    this.scheduler = options.scheduler
    this.rec = options.recorder
    this.drops = options.drops
    this.toAdapter = options.toAdapter
    this.gatewayProfile = {who: `the gateway ${formatIpv4(options.gateway)}`, ttl: LAN_TTL, tcpOpen: () => false, udpClosed: 'port-unreachable'}
    this.dhcp = options.dhcp === null ? null : options.dhcp(this)
  }

  get prefix(): Prefix {
    return this.options.prefix
  }

  get gateway(): Ipv4Address {
    return this.options.gateway
  }

  /** Puts another machine on the LAN. Throws a RangeError for an address off the LAN or taken. */
  attachDevice(d: LanDevice): void {
    if (!this.onLan(d.address) || d.address === this.gateway || this.deviceAt(d.address) !== null || d.mac === this.gatewayMac) {
      throw new RangeError(`LAN ${this.place.name}: ${formatIpv4(d.address)} is off the LAN, the gateway's, or taken`)
    }
    this.devices.push(d)
  }

  /**
   * A frame `device` sends now: LATENCY.lanMs later it reaches the gateway (addressed to it), the
   * adapter (anything else) or both and the other devices (a broadcast). `frame` is not modified.
   */
  sendFrom(device: LanDevice, frame: Uint8Array): void {
    const owned = frame.slice()
    if (this.rec !== null) this.step('transmitted', 'lan-device', `${device.name} sends a frame on the LAN`, this.ref('network'), owned)
    this.scheduler.after(LATENCY.lanMs, () => {
      const eth = EthernetFrame.checked(owned, 0, owned.length)
      if (eth instanceof WireError) return this.drop('malformed', owned, `a malformed frame from ${device.name} (${eth.code}: ${eth.message}) reaches no one`, null)
      const dst = eth.dst
      if (dst === this.gatewayMac) return this.receive(owned)
      const other = this.deviceWith(dst)
      if (other !== null) return this.toDevice(other, owned)
      this.toAdapter(owned)
      if (isMulticast(dst)) {
        for (const d of this.devices) if (d !== device) d.sink.receive(owned)
        this.receive(owned.slice(), device)
      }
    })
  }

  /** A frame from the upstream switch port or access point (or a device's broadcast), arriving now. The LAN owns `frame`. */
  receive(frame: Uint8Array, fromDevice: LanDevice | null = null): void {
    const eth = EthernetFrame.checked(frame, 0, frame.length)
    if (eth instanceof WireError) return this.drop('malformed', frame, `a malformed frame on the LAN (${eth.code}: ${eth.message}) reaches no one`, null)
    if (eth.isTagged) {
      return this.drop('vlan-mismatch', frame, `the frame carries an 802.1Q tag for VLAN ${eth.vid}, but the upstream switch port is an access port for untagged frames, so it is dropped: a VM with a VLAN id on an External switch needs a trunk port upstream`, this.ref('network'))
    }
    const dst = eth.dst
    const group = isMulticast(dst)
    if (this.devices.length > 0 && fromDevice === null) {
      const device = this.deviceWith(dst)
      if (device !== null) return this.toDevice(device, frame)
      if (group) for (const d of this.devices) d.sink.receive(frame)
    }
    const type = eth.etherType
    if (type === ETHERTYPE_ARP) return this.arp(frame, eth)
    if (type !== ETHERTYPE_IPV4) return this.drop('no-answer', frame, `nothing on the LAN speaks EtherType ${formatEtherType(type)}`, null)
    if (!group && dst !== this.gatewayMac) {
      return this.drop('no-answer', frame, `no device on the LAN has MAC ${formatMacTrace(dst)} (only the gateway ${formatMacTrace(this.gatewayMac)} is there): the frame reaches no one`, this.ref('network'))
    }
    const ip = Ipv4Packet.checked(frame, eth.payloadOffset, eth.payloadLen)
    if (ip instanceof WireError) return this.drop('malformed', frame, `the gateway discards a malformed IPv4 packet (${ip.code}: ${ip.message})`, null)
    if (!ip.verifyChecksum()) return this.drop('bad-checksum', frame, `the gateway discards an IPv4 packet whose header checksum is wrong`, null)
    if (isDhcpToServer(ip) && (group || ip.dst === this.gateway)) return this.dhcpRequest(frame, ip)
    if (group) return this.drop('no-answer', frame, `a ${dst === 0xffff_ffff_ffff ? 'broadcast' : 'multicast'} to ${formatIpv4(ip.dst)}: nothing on the LAN answers it`, this.ref('network'))
    if (!this.onLan(ip.src)) {
      return this.drop('no-answer', frame, `the source ${formatIpv4(ip.src)} is not on the LAN ${formatIpv4(this.options.prefix.address)}/${this.options.prefix.length}: the gateway routes answers for it away from the LAN (and translates only LAN addresses to the internet), so no answer can come back; give the sender an address on the LAN`, this.ref('network'))
    }
    if (ip.dst === this.gateway) return this.local(frame, ip, eth.src)
    this.route(frame, ip, eth.src)
  }

  // -------------------------------------------------------------------------------------------
  // The router's own addresses

  private arp(frame: Uint8Array, eth: EthernetFrame): void {
    const arp = ArpPacket.checked(frame, eth.payloadOffset, eth.payloadLen)
    if (arp instanceof WireError) return this.drop('malformed', frame, `a malformed ARP packet on the LAN (${arp.code}: ${arp.message})`, null)
    const gw = this.gateway
    if (arp.op === ARP_OP_REQUEST && arp.targetIp === gw) {
      const reply = encodeFrame([
        {layer: 'ethernet', repr: {dst: eth.src, src: this.gatewayMac, etherType: ETHERTYPE_ARP}},
        {layer: 'arp', repr: {op: ARP_OP_REPLY, senderMac: this.gatewayMac, senderIp: gw, targetMac: arp.senderMac, targetIp: arp.senderIp}},
      ])
      if (this.rec !== null) this.step('received', 'arp-request', `the gateway receives "who has ${formatIpv4(gw)}? tell ${formatIpv4(arp.senderIp)}"`, this.ref('network.gateway'), frame)
      if (this.rec !== null) this.step('answered', 'arp-reply', `the gateway answers: ${formatIpv4(gw)} is at ${formatMacTrace(this.gatewayMac)}`, this.ref('network.gateway'), reply)
      return this.send(reply, LATENCY.stackMs)
    }
    const device = arp.op === ARP_OP_REQUEST ? this.deviceAt(arp.targetIp) : null
    if (device !== null) {
      const reply = encodeFrame([
        {layer: 'ethernet', repr: {dst: eth.src, src: device.mac, etherType: ETHERTYPE_ARP}},
        {layer: 'arp', repr: {op: ARP_OP_REPLY, senderMac: device.mac, senderIp: device.address, targetMac: arp.senderMac, targetIp: arp.senderIp}},
      ])
      if (this.rec !== null) this.step('answered', 'arp-reply', `${device.name} answers: ${formatIpv4(device.address)} is at ${formatMacTrace(device.mac)}`, this.ref('network'), reply)
      return this.send(reply, LATENCY.stackMs)
    }
    if (arp.op === ARP_OP_REQUEST && arp.senderIp !== 0 && arp.senderIp !== arp.targetIp) {
      return this.drop('no-answer', frame, `no host on the LAN has ${formatIpv4(arp.targetIp)} (only the gateway ${formatIpv4(gw)} exists): nobody answers the ARP request`, this.ref('network'))
    }
    if (this.rec === null) return
    const what = arp.op === ARP_OP_REQUEST ? (arp.senderIp === 0 ? `an ARP probe for ${formatIpv4(arp.targetIp)}: no other host has it, so nobody objects` : `a gratuitous ARP for ${formatIpv4(arp.senderIp)}: the gateway notes it`) : `an ARP reply from ${formatIpv4(arp.senderIp)} at ${formatMacTrace(arp.senderMac)}: the gateway notes it`
    this.step('delivered', 'arp', what, this.ref('network'), frame)
  }

  private local(frame: Uint8Array, ip: Ipv4Packet, from: Mac): void {
    if (this.rec !== null) this.step('received', 'to-gateway', `the gateway ${formatIpv4(this.gateway)} receives a packet for itself from ${formatIpv4(ip.src)}`, this.ref('network.gateway'), frame)
    // The gateway is the LAN's DNS server: it asks the internet and answers one round trip later.
    const extra = isUdpTo(ip, DNS_PORT) ? 2 * LATENCY.internetMs : 0
    this.respond(answerPacket(this.gatewayProfile, ip, this.gatewayMac, from, this.nextIdent()), frame, this.place, this.ref('network.gateway'), (reply) => this.send(reply, LATENCY.stackMs + extra))
  }

  private dhcpRequest(frame: Uint8Array, ip: Ipv4Packet): void {
    const ref = this.ref('network.dhcp')
    if (this.dhcp === null) return this.drop('no-answer', frame, `no DHCP server runs on this LAN: the request gets no answer`, ref)
    const requesterIp = ip.src
    const requesterMac = new EthernetFrame(frame, 0, frame.length).src
    for (const reply of this.dhcp.handle(frame, this.rec)) {
      // A reply unicast to the client's address goes where that address's frames came from, as
      // the server's ARP would find it (through a Wi-Fi bridge: the adapter's MAC).
      const r = new EthernetFrame(reply, 0, reply.length)
      const rip = new Ipv4Packet(reply, r.payloadOffset, r.payloadLen)
      if (!isMulticast(r.dst) && requesterIp !== 0 && rip.dst === requesterIp) put48(reply, ETH_DST, requesterMac)
      this.send(reply, LATENCY.stackMs)
    }
  }

  // -------------------------------------------------------------------------------------------
  // Routing

  private route(frame: Uint8Array, ip: Ipv4Packet, from: Mac): void {
    const dst = ip.dst
    const gwRef = this.ref('network.gateway')
    if (this.onLan(dst)) {
      return this.drop('no-answer', frame, `the gateway would hand ${formatIpv4(dst)} back to the LAN, but no host there has that address: nothing answers`, this.ref('network'))
    }
    if (ip.ttl <= 1) {
      const err = icmpError(this.gatewayMac, from, this.gateway, ip, 'time-exceeded', 0, LAN_TTL, this.nextIdent())
      const answer = err !== null ? 'answers ICMP time exceeded' : 'sends no ICMP error about it (never about an ICMP error, a fragment or a packet from no single host: RFC 1812 4.3.2.7)'
      this.drop('ttl-exceeded', frame, `the packet reaches the gateway with TTL ${ip.ttl}: forwarding would take it to 0, so the gateway discards it and ${answer}`, gwRef)
      if (err !== null) {
        if (this.rec !== null) this.step('answered', 'time-exceeded', `the gateway ${formatIpv4(this.gateway)} sends ICMP time exceeded to ${formatIpv4(ip.src)}`, gwRef, err)
        this.send(err, LATENCY.stackMs)
      }
      return
    }
    const reach = reachability(dst, this.options.prefix)
    if (reach.kind === 'silent') return this.drop('no-answer', frame, `${formatIpv4(dst)} ${reach.why}`, null)
    const out = frame.slice()
    put48(out, ETH_DST, this.upstreamMac)
    put48(out, ETH_SRC, this.wanMac)
    const ttl = decrementTtl(out, ip.off)
    if (this.rec !== null) this.step('forwarded', 'routed', `the gateway routes ${formatIpv4(dst)} to the internet (TTL ${ttl + 1} → ${ttl})`, gwRef, out)
    this.scheduler.after(LATENCY.internetMs, () => this.atInternetHost(out, from))
  }

  private atInternetHost(frame: Uint8Array, requester: Mac): void {
    const ip = new Ipv4Packet(frame, 14, frame.length - 14)
    const who = formatIpv4(ip.dst)
    const place: Place = {kind: 'internet', name: who}
    const profile: ResponderProfile = {who, ttl: LAN_TTL, tcpOpen: isWebPort, udpClosed: 'silent'}
    if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place, action: 'received', reason: 'internet', text: `${who} receives the packet from ${formatIpv4(ip.src)}`, ref: null, frame})
    this.respond(answerPacket(profile, ip, this.upstreamMac, this.wanMac, this.nextIdent()), frame, place, null, (reply) => {
      this.scheduler.after(LATENCY.stackMs + LATENCY.internetMs, () => this.fromInternet(reply, requester))
    })
  }

  /** An internet host's answer reaches the router: routed back onto the LAN to the requester. */
  private fromInternet(frame: Uint8Array, requester: Mac): void {
    const ip = new Ipv4Packet(frame, 14, frame.length - 14)
    put48(frame, ETH_DST, requester)
    put48(frame, ETH_SRC, this.gatewayMac)
    const ttl = decrementTtl(frame, ip.off)
    if (this.rec !== null) this.step('forwarded', 'routed', `the gateway routes the answer from ${formatIpv4(ip.src)} onto the LAN to ${formatIpv4(ip.dst)} (TTL ${ttl + 1} → ${ttl})`, this.ref('network.gateway'), frame)
    this.send(frame, 0)
  }

  // -------------------------------------------------------------------------------------------

  private respond(a: Answer, frame: Uint8Array, place: Place, ref: string | null, send: (reply: Uint8Array) => void): void {
    switch (a.kind) {
      case 'reply':
        if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place, action: 'answered', reason: a.reason, text: a.text, ref, frame: a.frame})
        send(a.frame)
        return
      case 'absorbed':
        if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place, action: 'delivered', reason: 'absorbed', text: a.text, ref, frame})
        return
      case 'silent':
        this.drops.count(a.reason)
        if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place, action: 'dropped', reason: a.reason, text: a.text, ref, frame})
    }
  }

  /** Onto the LAN: `delayMs` of processing, then the LAN's one-way latency to a device or the adapter. */
  private send(frame: Uint8Array, delayMs: number): void {
    this.scheduler.after(delayMs + LATENCY.lanMs, () => {
      const device = this.devices.length === 0 ? null : this.deviceWith(new EthernetFrame(frame, 0, frame.length).dst)
      if (device !== null) this.toDevice(device, frame)
      else this.toAdapter(frame)
    })
  }

  private toDevice(device: LanDevice, frame: Uint8Array): void {
    if (this.rec !== null) this.step('delivered', 'lan-device', `${device.name} receives the frame`, this.ref('network'), frame)
    device.sink.receive(frame)
  }

  private deviceAt(address: Ipv4Address): LanDevice | null {
    for (const d of this.devices) if (d.address === address) return d
    return null
  }

  private deviceWith(mac: Mac): LanDevice | null {
    for (const d of this.devices) if (d.mac === mac) return d
    return null
  }

  private onLan(a: Ipv4Address): boolean {
    return cidrContains({address: this.options.prefix.address, prefix: this.options.prefix.length}, a)
  }

  private ref(field: string): string {
    return `host ${this.options.adapterName}.${field}`
  }

  private nextIdent(): number {
    this.ident = (this.ident + 1) & 0xffff
    return this.ident
  }

  /** Callers check `this.rec !== null` first, so no sentence is built when nothing records. */
  private step(action: StepAction, reason: string, text: string, ref: string | null, frame: Uint8Array): void {
    if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place: this.place, action, reason, text, ref, frame})
  }

  private drop(reason: DropReason, frame: Uint8Array, text: string, ref: string | null): void {
    this.drops.count(reason)
    if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place: this.place, action: 'dropped', reason, text, ref, frame})
  }
}

function isWebPort(port: number): boolean {
  return port === 80 || port === 443
}

function isUdpTo(ip: Ipv4Packet, port: number): boolean {
  if (ip.protocol !== IPPROTO_UDP) return false
  const udp = UdpPacket.checked(ip.buf, ip.payloadOffset, ip.payloadLen)
  return !(udp instanceof WireError) && udp.dstPort === port
}

function isDhcpToServer(ip: Ipv4Packet): boolean {
  return ip.fragOffset === 0 && isUdpTo(ip, DHCP_SERVER_PORT)
}
