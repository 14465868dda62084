// Test support for the NAT core (not a test file): NAT configurations with Get-NetNat's defaults,
// IPv4 packets built with the wire codecs, and an independent check of every checksum.
import assert from 'node:assert/strict'
import type {NatConfig, NatExternalAddress, NatStaticMapping} from '../config.js'
import {ICMP_DST_UNREACHABLE, ICMP_TIME_EXCEEDED, Ipv4Packet, WireError, decodeFrame, emitIcmpError, encodeFrame, icmpErrorLen, ipv4Repr, parseIpv4Address} from '../wire/index.js'
import type {DecodedFrame, FrameLayer, Ipv4Repr, TcpRepr} from '../wire/index.js'

export function ip(s: string): number {
  const a = parseIpv4Address(s)
  if (a instanceof WireError) throw new Error(a.message)
  return a
}

/** New-NetNat -Name MyNAT -InternalIPInterfaceAddressPrefix 192.168.0.0/24 with Get-NetNat's defaults. */
export function natConfig(over: Partial<NatConfig> = {}): NatConfig {
  const name = over.name ?? 'MyNAT'
  return {
    name,
    ics: false,
    internalPrefix: {address: ip('192.168.0.0'), length: 24},
    icmpQueryTimeoutS: 30,
    tcpEstablishedConnectionTimeoutS: 1800,
    tcpTransientConnectionTimeoutS: 120,
    tcpFilteringBehavior: 'AddressDependentFiltering',
    udpFilteringBehavior: 'AddressDependentFiltering',
    udpIdleSessionTimeoutS: 120,
    udpInboundRefresh: false,
    staticMappings: [],
    externalAddresses: [],
    ref: `nat ${name}`,
    ...over,
  }
}

export function staticMapping(id: number, protocol: 'tcp' | 'udp', externalPort: number, internal: string, internalPort = externalPort, over: Partial<NatStaticMapping> = {}): NatStaticMapping {
  return {id, protocol, remoteExternalPrefix: {address: 0, length: 0}, externalAddress: 0, externalPort, internalAddress: ip(internal), internalPort, ref: `nat MyNAT mapping ${id}`, ...over}
}

export function externalAddress(id: number, address: string, portStart: number, portEnd: number): NatExternalAddress {
  return {id, address: ip(address), portStart, portEnd}
}

const ETH = {dst: 0x00155d000001, src: 0x00155d000002, etherType: 0x0800}

function ipRepr(src: string, dst: string, protocol: number, ident = 0x1234): Ipv4Repr {
  return ipv4Repr({src: ip(src), dst: ip(dst), protocol, ttl: 64, ident, dontFrag: true})
}

/** The IPv4 packet (no Ethernet header, no padding) of encoded layers. */
function packetOf(layers: FrameLayer[]): Uint8Array {
  const f = encodeFrame([{layer: 'ethernet', repr: ETH}, ...layers])
  const total = (f[16] << 8) | f[17]
  return f.slice(14, 14 + total)
}

export function udpPacket(src: string, sport: number, dst: string, dport: number, payload = new Uint8Array([1, 2, 3, 4, 5])): Uint8Array {
  return packetOf([{layer: 'ipv4', repr: ipRepr(src, dst, 17)}, {layer: 'udp', repr: {srcPort: sport, dstPort: dport, payload}}])
}

export function tcpPacket(src: string, sport: number, dst: string, dport: number, flags: number, payload = new Uint8Array(0)): Uint8Array {
  const tcp: TcpRepr = {srcPort: sport, dstPort: dport, seqNo: 1000, ackNo: flags & 0x10 ? 2000 : 0, flags, window: 64240, urgent: 0, options: [], payload}
  return packetOf([{layer: 'ipv4', repr: ipRepr(src, dst, 6)}, {layer: 'tcp', repr: tcp}])
}

export function echoPacket(src: string, dst: string, ident: number, seqNo: number, kind: 'echo-request' | 'echo-reply' = 'echo-request'): Uint8Array {
  return packetOf([{layer: 'ipv4', repr: ipRepr(src, dst, 1)}, {layer: 'icmpv4', repr: {kind, ident, seqNo, data: new Uint8Array([0x61, 0x62, 0x63, 0x64])}}])
}

/** An ICMP error from `from` to `to` quoting `quoted` whole (a router quotes up to 576 bytes, RFC 1812 4.3.2.3). */
export function icmpErrorPacket(kind: 'dst-unreachable' | 'time-exceeded', code: number, from: string, to: string, quoted: Uint8Array): Uint8Array {
  const q = new Ipv4Packet(quoted, 0, quoted.length)
  const icmp = new Uint8Array(icmpErrorLen(q, q.payloadLen))
  emitIcmpError(kind === 'dst-unreachable' ? ICMP_DST_UNREACHABLE : ICMP_TIME_EXCEEDED, code, q, q.payloadLen, icmp, 0)
  return packetOf([{layer: 'ipv4', repr: ipRepr(from, to, 1, 0x4321)}, {layer: 'raw', bytes: icmp}])
}

export function ethernetFrame(packet: Uint8Array): Uint8Array {
  const f = new Uint8Array(14 + packet.length)
  f.set([0, 0x15, 0x5d, 0, 0, 1, 0, 0x15, 0x5d, 0, 0, 2, 8, 0])
  f.set(packet, 14)
  return f
}

/**
 * Decodes a packet and asserts, by an independent full recompute (decodeFrame's verdicts), that
 * every checksum is correct (a UDP checksum of zero stays "none").
 */
export function checked(packet: Uint8Array): DecodedFrame {
  const d = decodeFrame(ethernetFrame(packet))
  assert.equal(d.error, null, `packet does not decode: ${d.error?.toString()}`)
  assert.deepEqual(d.issues.map((i) => i.toString()), [], 'every checksum must be correct')
  return d
}

/** Source and destination of a TCP/UDP packet as `a.b.c.d:port`. */
export function ends(packet: Uint8Array): {src: string; dst: string} {
  const hl = (packet[0] & 15) << 2
  const a = (o: number): string => `${packet[o]}.${packet[o + 1]}.${packet[o + 2]}.${packet[o + 3]}`
  const port = (o: number): number => (packet[hl + o] << 8) | packet[hl + o + 1]
  return {src: `${a(12)}:${port(0)}`, dst: `${a(16)}:${port(2)}`}
}
