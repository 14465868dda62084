// What a simulated IP endpoint beyond the host answers: the LAN's gateway router and every
// internet host. One function, driven by a profile, so the two cannot drift apart.
//
//   ICMP echo request -> echo reply (RFC 792: same identifier, sequence number and data).
//   TCP (RFC 9293 3.10.7.1, a host with no connections): a SYN to an open port -> SYN-ACK with
//     a deterministic ISS; a SYN to a closed port -> RST-ACK (seq 0, ack SEG.SEQ+SEG.LEN); any
//     other segment to a closed port -> RST (seq SEG.ACK) unless it carries RST; other segments to
//     an open port are taken in without an answer (the model completes handshakes, it runs no
//     application).
//   UDP 53 with a DNS query -> a DNS answer (../ip/dns.ts, names from ./internet.ts); other UDP ports
//     -> ICMP port unreachable (RFC 1122 3.2.2.1) or nothing, per profile.
// The reply is a whole Ethernet frame between the MACs the caller gives.
import type {DropReason} from '../observe.js'
import {seededInt} from '../seed.js'
import {
  ETHERTYPE_IPV4,
  ICMP_DST_UNREACHABLE,
  ICMP_ECHO_REQUEST,
  ICMP_QUOTED_DATA_MIN,
  ICMP_TIME_EXCEEDED,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  Icmpv4Packet,
  TCP_ACK_FLAG,
  TCP_RST,
  TCP_SYN,
  TcpPacket,
  UdpPacket,
  WireError,
  emitIcmpError,
  icmpErrorAllowed,
  encodeFrame,
  icmpErrorLen,
  ipv4Repr,
  tcpReset,
  tcpSegLen,
  formatIpProtocol,
  formatIpv4,
} from '../wire/index.js'
import type {FrameLayer, Ipv4Address, Ipv4Repr, Mac, TcpRepr,
  Ipv4Packet} from '../wire/index.js'
import {DNS_CLASS_IN, DNS_PORT, DNS_TYPE_A, dnsAnswer, parseDnsQuery} from '../ip/dns.js'
import {resolveA} from './internet.js'

export interface ResponderProfile {
  /** `the gateway 192.168.1.1`, `8.8.8.8`: the subject of the step sentences. */
  readonly who: string
  /** TTL of the packets it sends (64: Linux-based routers and the model's internet hosts). */
  readonly ttl: number
  readonly tcpOpen: (port: number) => boolean
  /** What a UDP datagram to a port other than 53 gets. */
  readonly udpClosed: 'port-unreachable' | 'silent'
}

export const EMPTY = new Uint8Array(0)

export type Answer =
  | {readonly kind: 'reply'; readonly frame: Uint8Array; readonly reason: string; readonly text: string}
  /** Taken in, nothing to say (an ACK to an open port, an RST, an echo reply). */
  | {readonly kind: 'absorbed'; readonly text: string}
  | {readonly kind: 'silent'; readonly reason: DropReason; readonly text: string}


/** An Ethernet + IPv4 frame around one upper layer. */
export function ipFrame(ethSrc: Mac, ethDst: Mac, ip: Ipv4Repr, upper: FrameLayer): Uint8Array {
  return encodeFrame([{layer: 'ethernet', repr: {dst: ethDst, src: ethSrc, etherType: ETHERTYPE_IPV4}}, {layer: 'ipv4', repr: ip}, upper])
}

/**
 * An ICMP error (destination unreachable or time exceeded) about the packet at `ip`, quoting its
 * header and first 8 bytes of data as received (RFC 792; RFC 1812 4.3.2.3). null when no error may
 * be sent about it (icmpErrorAllowed: an ICMP error, a fragment, a source that is no single host)
 * or it has fewer than 8 bytes of data to quote.
 */
export function icmpError(ethSrc: Mac, ethDst: Mac, from: Ipv4Address, ip: Ipv4Packet, kind: 'dst-unreachable' | 'time-exceeded', code: number, ttl: number, ident: number): Uint8Array | null {
  if (!icmpErrorAllowed(ip) || ip.payloadLen < ICMP_QUOTED_DATA_MIN) return null
  const icmp = new Uint8Array(icmpErrorLen(ip, ICMP_QUOTED_DATA_MIN))
  emitIcmpError(kind === 'dst-unreachable' ? ICMP_DST_UNREACHABLE : ICMP_TIME_EXCEEDED, code, ip, ICMP_QUOTED_DATA_MIN, icmp, 0)
  return ipFrame(ethSrc, ethDst, ipv4Repr({src: from, dst: ip.src, protocol: IPPROTO_ICMP, ttl, ident}), {layer: 'raw', bytes: icmp})
}

/**
 * The answer of `profile` to the IPv4 packet `ip` (checked, checksum verified by the caller),
 * addressed to it. The reply goes from `ethSrc` to `ethDst`.
 */
export function answerPacket(profile: ResponderProfile, ip: Ipv4Packet, ethSrc: Mac, ethDst: Mac, ident: number): Answer {
  const me = ip.dst
  const peer = ip.src
  const buf = ip.buf
  const po = ip.payloadOffset
  const pl = ip.payloadLen
  if (ip.moreFrags || ip.fragOffset !== 0) return {kind: 'silent', reason: 'no-answer', text: `${profile.who} receives a fragment; the model does not reassemble, so nothing answers`}
  switch (ip.protocol) {
    case IPPROTO_ICMP: {
      const icmp = Icmpv4Packet.checked(buf, po, pl)
      if (icmp instanceof WireError) return {kind: 'silent', reason: 'malformed', text: `${profile.who} discards a malformed ICMP message (${icmp.code}: ${icmp.message})`}
      if (!icmp.verifyChecksum()) return {kind: 'silent', reason: 'bad-checksum', text: `${profile.who} discards an ICMP message with a bad checksum`}
      if (icmp.type !== ICMP_ECHO_REQUEST) return {kind: 'absorbed', text: `${profile.who} takes in an ICMP type ${icmp.type} message; only echo requests get an answer`}
      const frame = ipFrame(ethSrc, ethDst, ipv4Repr({src: me, dst: peer, protocol: IPPROTO_ICMP, ttl: profile.ttl, ident}), {layer: 'icmpv4', repr: {kind: 'echo-reply', ident: icmp.ident, seqNo: icmp.seqNo, data: icmp.data()}})
      return {kind: 'reply', frame, reason: 'echo-reply', text: `${profile.who} answers the echo request (id ${icmp.ident}, seq ${icmp.seqNo}) with an echo reply`}
    }
    case IPPROTO_TCP: {
      const tcp = TcpPacket.checked(buf, po, pl)
      if (tcp instanceof WireError) return {kind: 'silent', reason: 'malformed', text: `${profile.who} discards a malformed TCP segment (${tcp.code}: ${tcp.message})`}
      if (!tcp.verifyChecksum(peer, me)) return {kind: 'silent', reason: 'bad-checksum', text: `${profile.who} discards a TCP segment with a bad checksum`}
      return answerTcp(profile, ip, tcp, ethSrc, ethDst, ident)
    }
    case IPPROTO_UDP: {
      const udp = UdpPacket.checked(buf, po, pl)
      if (udp instanceof WireError) return {kind: 'silent', reason: 'malformed', text: `${profile.who} discards a malformed UDP datagram (${udp.code}: ${udp.message})`}
      if (!udp.verifyChecksum(peer, me)) return {kind: 'silent', reason: 'bad-checksum', text: `${profile.who} discards a UDP datagram with a bad checksum`}
      if (udp.dstPort === DNS_PORT) return answerDns(profile, ip, udp, ethSrc, ethDst, ident)
      if (profile.udpClosed === 'silent') return {kind: 'silent', reason: 'no-answer', text: `${profile.who} filters UDP port ${udp.dstPort}: nothing answers (only DNS on 53 does)`}
      const frame = icmpError(ethSrc, ethDst, me, ip, 'dst-unreachable', 3, profile.ttl, ident)
      if (frame === null) return {kind: 'silent', reason: 'malformed', text: `${profile.who} discards a UDP datagram too short to quote`}
      return {kind: 'reply', frame, reason: 'closed-port', text: `nothing listens on UDP port ${udp.dstPort} at ${profile.who}: it answers ICMP port unreachable`}
    }
    default:
      return {kind: 'silent', reason: 'no-answer', text: `${profile.who} does not speak IP protocol ${formatIpProtocol(ip.protocol)}: nothing answers`}
  }
}

function answerTcp(profile: ResponderProfile, ip: Ipv4Packet, tcp: TcpPacket, ethSrc: Mac, ethDst: Mac, ident: number): Answer {
  const flags = tcp.flags
  const port = tcp.dstPort
  if (flags & TCP_RST) return {kind: 'absorbed', text: `${profile.who} takes in a reset for port ${port}`}
  const open = profile.tcpOpen(port)
  const reply = (repr: TcpRepr): Uint8Array => ipFrame(ethSrc, ethDst, ipv4Repr({src: ip.dst, dst: ip.src, protocol: IPPROTO_TCP, ttl: profile.ttl, ident}), {layer: 'tcp', repr})
  if ((flags & TCP_SYN) !== 0 && (flags & TCP_ACK_FLAG) === 0) {
    if (open) {
      const iss = seededInt(0, `iss:${ip.dst}:${port}:${ip.src}:${tcp.srcPort}:${tcp.seqNo}`)
      const frame = reply({srcPort: port, dstPort: tcp.srcPort, seqNo: iss, ackNo: (tcp.seqNo + tcpSegLen(tcp)) >>> 0, flags: TCP_SYN | TCP_ACK_FLAG, window: 65535, urgent: 0, options: MSS_OPTIONS, payload: EMPTY})
      return {kind: 'reply', frame, reason: 'syn-ack', text: `TCP port ${port} is open at ${profile.who}: it answers the SYN with SYN-ACK`}
    }
    return {kind: 'reply', frame: reply(tcpReset(tcp)), reason: 'closed-port', text: `nothing listens on TCP port ${port} at ${profile.who}: it answers the SYN with RST`}
  }
  if (open) return {kind: 'absorbed', text: `${profile.who} takes in the segment on TCP port ${port}`}
  return {kind: 'reply', frame: reply(tcpReset(tcp)), reason: 'closed-port', text: `no connection on TCP port ${port} at ${profile.who}: it answers with RST`}
}

const MSS_OPTIONS = [{kind: 'mss', mss: 1460}] as const

function answerDns(profile: ResponderProfile, ip: Ipv4Packet, udp: UdpPacket, ethSrc: Mac, ethDst: Mac, ident: number): Answer {
  const query = udp.payload()
  const q = parseDnsQuery(query)
  if (typeof q === 'string') return {kind: 'silent', reason: 'malformed', text: `${profile.who} discards a datagram to port 53 that it cannot answer (${q})`}
  const a = q.cls === DNS_CLASS_IN ? resolveA(q.name) : null
  let what: string
  if (a === null) what = `answers that ${q.name} does not exist (NXDOMAIN)`
  else if (q.type !== DNS_TYPE_A) what = `answers ${q.name} type ${q.type} with no records (the model's internet has IPv4 addresses only)`
  else what = `answers ${q.name} A ${formatIpv4(a)}`
  const payload = dnsAnswer(query, q, q.type === DNS_TYPE_A ? a : null, a === null)
  const frame = ipFrame(ethSrc, ethDst, ipv4Repr({src: ip.dst, dst: ip.src, protocol: IPPROTO_UDP, ttl: profile.ttl, ident}), {layer: 'udp', repr: {srcPort: DNS_PORT, dstPort: udp.srcPort, payload}})
  return {kind: 'reply', frame, reason: 'dns-answer', text: `${profile.who} ${what}`}
}
