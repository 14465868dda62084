// Test support for the world beyond the host (not a test file): a host-like sender's frames, a
// sink that keeps what it gets with the virtual time, and composable checks on decoded frames.
import assert from 'node:assert/strict'
import type {Scheduler} from '../clock.js'
import type {PhysicalAdapterConfig} from '../config.js'
import type {FrameSink} from '../observe.js'
import {
  ARP_OP_REQUEST,
  BOOTREQUEST,
  DHCP_CLIENT_PORT,
  DHCP_SERVER_PORT,
  ETHERTYPE_ARP,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  MAC_BROADCAST,
  TCP_SYN,
  chaddrFromMac,
  decodeFrame,
  encodeFrame,
  ipv4Repr,
  parseIpv4Address,
  WireError,
} from '../wire/index.js'
import type {ArpRepr, DecodedFrame, DecodedLayer, DhcpOption, Icmpv4Repr, Ipv4Address, Ipv4Repr, Mac, TcpRepr, UdpRepr} from '../wire/index.js'
import {ipFrame} from '../lan/answer.js'
import {dnsAnswerAddress, dnsQuery as dnsQueryMessage} from '../ip/dns.js'

export function ip(s: string): Ipv4Address {
  const a = parseIpv4Address(s)
  if (a instanceof WireError) throw new Error(a.message)
  return a
}

/** A wired adapter on 192.168.1.0/24, gateway .1, DHCP on, up, unbound; override what a test needs. */
export function adapterConfig(over: Partial<PhysicalAdapterConfig> = {}): PhysicalAdapterConfig {
  return {
    name: 'Ethernet',
    kind: 'wired',
    macAddress: 0x001b_2100_0001,
    up: true,
    network: {prefix: {address: ip('192.168.1.0'), length: 24}, gateway: ip('192.168.1.1'), dhcp: true},
    portSecurityMaxMacs: null,
    boundSwitchId: null,
    ...over,
  }
}

/** Keeps every frame it receives with the virtual time it arrived. */
export class Collector implements FrameSink {
  readonly got: {readonly atMs: number; readonly frame: Uint8Array}[] = []
  constructor(private readonly scheduler: Scheduler) {}
  receive(frame: Uint8Array): void {
    this.got.push({atMs: this.scheduler.now, frame: frame.slice()})
  }
  get frames(): Uint8Array[] {
    return this.got.map((g) => g.frame)
  }
}

export function arpRequest(srcMac: Mac, srcIp: Ipv4Address, targetIp: Ipv4Address): Uint8Array {
  return encodeFrame([
    {layer: 'ethernet', repr: {dst: MAC_BROADCAST, src: srcMac, etherType: ETHERTYPE_ARP}},
    {layer: 'arp', repr: {op: ARP_OP_REQUEST, senderMac: srcMac, senderIp: srcIp, targetMac: 0, targetIp}},
  ])
}

export interface IpEnds {
  readonly srcMac: Mac
  readonly dstMac: Mac
  readonly src: Ipv4Address
  readonly dst: Ipv4Address
  readonly ttl?: number
}

export function echoRequest(e: IpEnds, ident = 0x1234, seqNo = 1, data = Uint8Array.from([0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68])): Uint8Array {
  return ipFrame(e.srcMac, e.dstMac, ipv4Repr({src: e.src, dst: e.dst, protocol: IPPROTO_ICMP, ttl: e.ttl ?? 128, ident: 0x100}), {layer: 'icmpv4', repr: {kind: 'echo-request', ident, seqNo, data}})
}

export function tcpSyn(e: IpEnds, srcPort: number, dstPort: number, seqNo = 1000): Uint8Array {
  const tcp: TcpRepr = {srcPort, dstPort, seqNo, ackNo: 0, flags: TCP_SYN, window: 64240, urgent: 0, options: [{kind: 'mss', mss: 1460}], payload: new Uint8Array(0)}
  return ipFrame(e.srcMac, e.dstMac, ipv4Repr({src: e.src, dst: e.dst, protocol: IPPROTO_TCP, ttl: e.ttl ?? 128, ident: 0x101}), {layer: 'tcp', repr: tcp})
}

export function udpDatagram(e: IpEnds, srcPort: number, dstPort: number, payload: Uint8Array): Uint8Array {
  return ipFrame(e.srcMac, e.dstMac, ipv4Repr({src: e.src, dst: e.dst, protocol: IPPROTO_UDP, ttl: e.ttl ?? 128, ident: 0x102}), {layer: 'udp', repr: {srcPort, dstPort, payload}})
}

export function dnsQuery(e: IpEnds, id: number, name: string): Uint8Array {
  return udpDatagram(e, 53001, 53, dnsQueryMessage(id, name))
}

/** A DNS response's id, rcode and first A record (null when none). */
export function dnsReply(message: Uint8Array): {id: number; rcode: number; address: Ipv4Address | null} {
  return {id: (message[0] << 8) | message[1], rcode: message[3] & 0xf, address: dnsAnswerAddress(message)}
}

/** A DHCPDISCOVER (broadcast flag clear, as Windows and Linux clients send it). */
export function dhcpDiscover(mac: Mac, xid: number, flags = 0): Uint8Array {
  return dhcpRequestFrame(mac, xid, [{kind: 'message-type', messageType: 1}], 0, 0, flags)
}

/** A DHCPREQUEST in SELECTING state: option 50 and option 54. */
export function dhcpRequest(mac: Mac, xid: number, address: Ipv4Address, server: Ipv4Address): Uint8Array {
  return dhcpRequestFrame(mac, xid, [{kind: 'message-type', messageType: 3}, {kind: 'requested-ip', address}, {kind: 'server-id', address: server}], 0, 0, 0)
}

export function dhcpRequestFrame(mac: Mac, xid: number, options: DhcpOption[], ciaddr: Ipv4Address, src: Ipv4Address, flags: number, dstMac: Mac = MAC_BROADCAST, dst: Ipv4Address = 0xffff_ffff): Uint8Array {
  return encodeFrame([
    {layer: 'ethernet', repr: {dst: dstMac, src: mac, etherType: 0x0800}},
    {layer: 'ipv4', repr: ipv4Repr({src: src, dst: dst, protocol: IPPROTO_UDP, ttl: 128, ident: 0x103})},
    {layer: 'udp', repr: {srcPort: DHCP_CLIENT_PORT, dstPort: DHCP_SERVER_PORT, payload: new Uint8Array(0)}},
    {
      layer: 'dhcp',
      repr: {op: BOOTREQUEST, htype: 1, hlen: 6, hops: 0, xid, secs: 0, flags, ciaddr, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: chaddrFromMac(mac), sname: new Uint8Array(64), file: new Uint8Array(128), options: [...options, {kind: 'end'}]},
    },
  ])
}

// ---------------------------------------------------------------------------------------------
// Checks: `expectFrame(frame, eth({src}), ipv4({ttl: 63}), icmp({kind: 'echo-reply'}))`.

export type FrameCheck = (d: DecodedFrame) => void

/** Decodes (checksums verified: any bad checksum fails) and runs every check. */
export function expectFrame(frame: Uint8Array, ...checks: FrameCheck[]): DecodedFrame {
  const d = decodeFrame(frame)
  assert.equal(d.error, null, `frame does not decode: ${d.error?.toString()}`)
  assert.deepEqual(d.issues.map((i) => i.toString()), [], 'every checksum is correct')
  for (const c of checks) c(d)
  return d
}

function layer<K extends DecodedLayer['layer']>(d: DecodedFrame, k: K): Extract<DecodedLayer, {layer: K}> {
  const l = d.layers.find((x) => x.layer === k)
  if (l === undefined) assert.fail(`no ${k} layer in ${d.layers.map((x) => x.layer).join('/')}`)
  return l as Extract<DecodedLayer, {layer: K}>
}

function subset(actual: object, expected: object, what: string): void {
  for (const [k, v] of Object.entries(expected)) assert.deepEqual((actual as Record<string, unknown>)[k], v, `${what}.${k}`)
}

export const eth = (e: Partial<{src: Mac; dst: Mac; etherType: number}>): FrameCheck => (d) => subset(layer(d, 'ethernet').repr, e, 'ethernet')
export const arp = (e: Partial<ArpRepr>): FrameCheck => (d) => subset(layer(d, 'arp').repr, e, 'arp')
export const ipv4 = (e: Partial<Ipv4Repr>): FrameCheck => (d) => subset(layer(d, 'ipv4').repr, e, 'ipv4')
export const icmp = (e: Partial<{kind: Icmpv4Repr['kind']; ident: number; seqNo: number; data: Uint8Array; code: number}>): FrameCheck => (d) => subset(layer(d, 'icmpv4').repr, e, 'icmpv4')
export const tcp = (e: Partial<TcpRepr>): FrameCheck => (d) => subset(layer(d, 'tcp').repr, e, 'tcp')
export const udp = (e: Partial<UdpRepr>): FrameCheck => (d) => subset(layer(d, 'udp').repr, e, 'udp')

/** The payload of the frame's UDP layer. */
export function udpPayload(frame: Uint8Array): Uint8Array {
  return layer(decodeFrame(frame), 'udp').repr.payload
}
