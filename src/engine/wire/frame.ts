// Whole-frame decoding and encoding: Ethernet II (+ one 802.1Q tag) -> ARP | IPv4 -> ICMPv4 |
// UDP (-> DHCP on ports 67/68) | TCP, with the RFCs of each codec. Renders a tcpdump-style
// one-line summary, a layered multi-line form and a stable JSON form; all pure (no colour, no I/O).
//
// Decoding contract: never throws on any input. Structural errors stop the walk (`error`); bad
// checksums do not (they are reported per layer and collected in `issues`), so tooling can show
// every field of a frame whose checksum is wrong, as tshark does. Fragments (MF set or a
// non-zero offset) are not reassembled: their payload is kept raw.

import {toHex} from './bytes.js'
import {ArpPacket, arpBufferLen, emitArp, isGratuitousArp, parseArp, ARP_OP_REPLY, ARP_OP_REQUEST} from './arp.js'
import type {ArpRepr} from './arp.js'
import {DHCP_CLIENT_PORT, DHCP_SERVER_PORT, DhcpPacket, dhcpBufferLen, dhcpMessageType, dhcpMessageTypeName, emitDhcp, parseDhcp, dhcpOptionCode} from './dhcp.js'
import type {DhcpOption, DhcpRepr} from './dhcp.js'
import {WireError} from './error.js'
import {ETHERTYPE_ARP, ETHERTYPE_IPV4, EthernetFrame, emitEthernet, ethernetBufferLen, ethernetHeaderLen, formatEtherType, parseEthernet} from './ethernet.js'
import type {EthernetOptions, EthernetRepr} from './ethernet.js'
import {Icmpv4Packet, emitIcmpv4, icmpCodeName, icmpv4BufferLen, parseIcmpv4} from './icmpv4.js'
import type {Icmpv4Repr} from './icmpv4.js'
import {formatIpv4} from './ipv4-address.js'
import {IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, Ipv4Packet, emitIpv4, formatIpProtocol, ipv4HeaderLen, parseIpv4} from './ipv4.js'
import type {Ipv4Repr} from './ipv4.js'
import {formatMacTrace} from './mac.js'
import {TcpPacket, emitTcp, formatTcpFlags, parseTcp, tcpBufferLen, tcpFlagNames} from './tcp.js'
import type {TcpOption, TcpRepr} from './tcp.js'
import {UdpPacket, emitUdp, parseUdp, udpBufferLen} from './udp.js'
import type {UdpRepr} from './udp.js'

/** `none`: a UDP checksum of zero, i.e. not computed by the sender (RFC 768). */
export type ChecksumStatus = 'correct' | 'incorrect' | 'none' | 'unverified'

export interface ChecksumVerdict {
  /** As found in the frame. */
  readonly value: number
  /** What it should be (equal to value when correct; 0 when unverified). */
  readonly expected: number
  readonly status: ChecksumStatus
}

export type DecodedLayer =
  | {readonly layer: 'ethernet'; readonly offset: number; readonly repr: EthernetRepr}
  | {readonly layer: 'arp'; readonly offset: number; readonly repr: ArpRepr}
  | {readonly layer: 'ipv4'; readonly offset: number; readonly repr: Ipv4Repr; readonly checksum: ChecksumVerdict}
  | {readonly layer: 'icmpv4'; readonly offset: number; readonly repr: Icmpv4Repr; readonly checksum: ChecksumVerdict}
  | {readonly layer: 'udp'; readonly offset: number; readonly repr: UdpRepr; readonly checksum: ChecksumVerdict}
  | {readonly layer: 'tcp'; readonly offset: number; readonly repr: TcpRepr; readonly checksum: ChecksumVerdict}
  | {readonly layer: 'dhcp'; readonly offset: number; readonly repr: DhcpRepr}
  /** Payload of an unknown EtherType or IP protocol, or of a fragment. */
  | {readonly layer: 'raw'; readonly offset: number; readonly bytes: Uint8Array}

export interface DecodedFrame {
  readonly length: number
  readonly layers: readonly DecodedLayer[]
  /** Trailing bytes after what the upper layers claim (Ethernet padding to 60, or junk). */
  readonly padding: number
  /** Where decoding stopped, or null when every layer parsed. */
  readonly error: WireError | null
  /** Non-fatal findings (bad checksums), in layer order. */
  readonly issues: readonly WireError[]
}

export interface DecodeOptions extends EthernetOptions {
  /** Default true. false skips every checksum (verdicts read `unverified`). */
  verifyChecksums?: boolean
}

function verdict(value: number, expected: number, verify: boolean): ChecksumVerdict {
  if (!verify) return {value, expected: 0, status: 'unverified'}
  return {value, expected, status: value === expected ? 'correct' : 'incorrect'}
}

function hex4(v: number): string {
  return '0x' + v.toString(16).padStart(4, '0')
}

function badChecksum(layer: 'ipv4' | 'icmpv4' | 'udp' | 'tcp', offset: number, v: ChecksumVerdict): WireError {
  return new WireError(layer, 'bad-checksum', offset, `checksum ${hex4(v.value)} is incorrect, should be ${hex4(v.expected)}`)
}

/** Never throws: every failure is a WireError in `error` or `issues`. */
export function decodeFrame(bytes: Uint8Array, opts?: DecodeOptions): DecodedFrame {
  const verify = opts?.verifyChecksums !== false
  const layers: DecodedLayer[] = []
  const issues: WireError[] = []
  let end = bytes.length
  const done = (error: WireError | null): DecodedFrame => ({length: bytes.length, layers, padding: error === null ? bytes.length - end : 0, error, issues})

  const eth = EthernetFrame.checked(bytes, 0, bytes.length, opts)
  if (eth instanceof WireError) return done(eth)
  const ethRepr = parseEthernet(eth)
  layers.push({layer: 'ethernet', offset: 0, repr: ethRepr})
  const po = eth.payloadOffset

  if (ethRepr.etherType === ETHERTYPE_ARP) {
    const arp = ArpPacket.checked(bytes, po, bytes.length - po)
    if (arp instanceof WireError) return done(arp)
    const r = parseArp(arp)
    layers.push({layer: 'arp', offset: po, repr: r})
    end = po + arpBufferLen(r)
    return done(null)
  }
  if (ethRepr.etherType !== ETHERTYPE_IPV4) {
    layers.push({layer: 'raw', offset: po, bytes: bytes.subarray(po)})
    return done(null)
  }

  const ip = new Ipv4Packet(bytes, po, bytes.length - po)
  const headerErr = ip.checkHeaderLen()
  if (headerErr !== null) return done(headerErr)
  const ipRepr = parseIpv4(ip, {verifyChecksum: false}) as Ipv4Repr
  const ipSum = verdict(ip.checksum, verify ? ip.computeChecksum() : 0, verify)
  // The header is all there: show it even when the packet is cut short, then stop.
  const lenErr = ip.checkLen()
  layers.push({layer: 'ipv4', offset: po, repr: lenErr === null ? ipRepr : {...ipRepr, payloadLen: ip.totalLen - ip.headerLen}, checksum: ipSum})
  if (ipSum.status === 'incorrect') issues.push(badChecksum('ipv4', po + 10, ipSum))
  if (lenErr !== null) return done(lenErr)
  end = po + ip.totalLen
  const to = ip.payloadOffset
  const tl = ip.payloadLen

  if (ipRepr.moreFrags || ipRepr.fragOffset !== 0) {
    layers.push({layer: 'raw', offset: to, bytes: bytes.subarray(to, to + tl)})
    return done(null)
  }
  const {src, dst} = ipRepr
  switch (ipRepr.protocol) {
    case IPPROTO_ICMP: {
      const p = Icmpv4Packet.checked(bytes, to, tl)
      if (p instanceof WireError) return done(p)
      const r = parseIcmpv4(p, {verifyChecksum: false})
      if (r instanceof WireError) return done(r)
      const v = verdict(p.checksum, verify ? p.computeChecksum() : 0, verify)
      layers.push({layer: 'icmpv4', offset: to, repr: r, checksum: v})
      if (v.status === 'incorrect') issues.push(badChecksum('icmpv4', to + 2, v))
      return done(null)
    }
    case IPPROTO_UDP: {
      const p = UdpPacket.checked(bytes, to, tl)
      if (p instanceof WireError) return done(p)
      const r = parseUdp(p, src, dst, {checksum: false}) as UdpRepr
      const c = p.checksum
      const v: ChecksumVerdict = c === 0 ? {value: 0, expected: 0, status: 'none'} : verdict(c, verify ? p.computeChecksum(src, dst) : 0, verify)
      layers.push({layer: 'udp', offset: to, repr: r, checksum: v})
      if (v.status === 'incorrect') issues.push(badChecksum('udp', to + 6, v))
      if (r.srcPort === DHCP_SERVER_PORT || r.srcPort === DHCP_CLIENT_PORT || r.dstPort === DHCP_SERVER_PORT || r.dstPort === DHCP_CLIENT_PORT) {
        const d = DhcpPacket.checked(bytes, p.payloadOffset, r.payload.length)
        if (d instanceof WireError) return done(d)
        const dr = parseDhcp(d)
        if (dr instanceof WireError) return done(dr)
        layers.push({layer: 'dhcp', offset: p.payloadOffset, repr: dr})
      }
      // UDP length below the IP payload: the rest of the IP payload is neither UDP nor padding.
      end = po + ip.totalLen
      return done(null)
    }
    case IPPROTO_TCP: {
      const p = TcpPacket.checked(bytes, to, tl)
      if (p instanceof WireError) return done(p)
      const r = parseTcp(p, src, dst, {verifyChecksum: false})
      if (r instanceof WireError) return done(r)
      const v = verdict(p.checksum, verify ? p.computeChecksum(src, dst) : 0, verify)
      layers.push({layer: 'tcp', offset: to, repr: r, checksum: v})
      if (v.status === 'incorrect') issues.push(badChecksum('tcp', to + 16, v))
      return done(null)
    }
    default:
      layers.push({layer: 'raw', offset: to, bytes: bytes.subarray(to, to + tl)})
      return done(null)
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** The layers to emit, outermost first; DecodedLayer[] is accepted as is. */
export type FrameLayer =
  | {readonly layer: 'ethernet'; readonly repr: EthernetRepr}
  | {readonly layer: 'arp'; readonly repr: ArpRepr}
  /** payloadLen is recomputed from the layers that follow. */
  | {readonly layer: 'ipv4'; readonly repr: Ipv4Repr}
  | {readonly layer: 'icmpv4'; readonly repr: Icmpv4Repr}
  /** checksum.status 'none' emits a zero checksum. A following dhcp layer replaces repr.payload. */
  | {readonly layer: 'udp'; readonly repr: UdpRepr; readonly checksum?: {readonly status: ChecksumStatus}}
  | {readonly layer: 'tcp'; readonly repr: TcpRepr}
  | {readonly layer: 'dhcp'; readonly repr: DhcpRepr}
  | {readonly layer: 'raw'; readonly bytes: Uint8Array}

/**
 * Emits a whole frame (padded to 60 bytes, checksums filled). Throws a RangeError for a layer
 * sequence that is not Ethernet -> (ARP | IPv4 -> (ICMPv4 | UDP [-> DHCP] | TCP | raw) | raw).
 */
export function encodeFrame(layers: readonly FrameLayer[], opts?: EthernetOptions): Uint8Array {
  const [l0, l1, l2, l3] = layers
  if (l0?.layer !== 'ethernet') throw new RangeError('encodeFrame: the first layer must be ethernet')
  const eth = l0.repr
  const hl = ethernetHeaderLen(eth)
  let payloadLen = 0
  let write: (buf: Uint8Array, off: number) => void = () => {}
  if (l1 === undefined) {
    // header only
  } else if (l1.layer === 'arp') {
    payloadLen = arpBufferLen(l1.repr)
    write = (buf, off) => emitArp(l1.repr, new ArpPacket(buf, off, payloadLen))
  } else if (l1.layer === 'raw') {
    payloadLen = l1.bytes.length
    write = (buf, off) => buf.set(l1.bytes, off)
  } else if (l1.layer === 'ipv4') {
    let l4Len = 0
    let writeL4: (buf: Uint8Array, off: number, src: number, dst: number) => void = () => {}
    if (l2 === undefined) {
      // header only
    } else if (l2.layer === 'icmpv4') {
      l4Len = icmpv4BufferLen(l2.repr)
      writeL4 = (buf, off) => emitIcmpv4(l2.repr, new Icmpv4Packet(buf, off, l4Len))
    } else if (l2.layer === 'udp') {
      let udp = l2.repr
      if (l3?.layer === 'dhcp') {
        const d = new Uint8Array(dhcpBufferLen(l3.repr))
        emitDhcp(l3.repr, new DhcpPacket(d, 0, d.length))
        udp = {...udp, payload: d}
      }
      l4Len = udpBufferLen(udp)
      const checksum = l2.checksum?.status !== 'none'
      writeL4 = (buf, off, src, dst) => emitUdp(udp, new UdpPacket(buf, off, l4Len), src, dst, {checksum})
    } else if (l2.layer === 'tcp') {
      l4Len = tcpBufferLen(l2.repr)
      writeL4 = (buf, off, src, dst) => emitTcp(l2.repr, new TcpPacket(buf, off, l4Len), src, dst)
    } else if (l2.layer === 'raw') {
      l4Len = l2.bytes.length
      writeL4 = (buf, off) => buf.set(l2.bytes, off)
    } else {
      throw new RangeError(`encodeFrame: ${l2.layer} cannot follow ipv4`)
    }
    const ip: Ipv4Repr = {...l1.repr, payloadLen: l4Len}
    payloadLen = ipv4HeaderLen(ip) + l4Len
    write = (buf, off) => {
      emitIpv4(ip, new Ipv4Packet(buf, off, payloadLen))
      writeL4(buf, off + ipv4HeaderLen(ip), ip.src, ip.dst)
    }
  } else {
    throw new RangeError(`encodeFrame: ${l1.layer} cannot follow ethernet`)
  }
  const out = new Uint8Array(ethernetBufferLen(eth, payloadLen))
  emitEthernet(eth, new EthernetFrame(out, 0, out.length), payloadLen, opts)
  write(out, hl)
  return out
}

// ---------------------------------------------------------------------------------------------
// Rendering

function checksumNote(v: ChecksumVerdict, layer: string): string {
  return v.status === 'incorrect' ? ` [bad ${layer} checksum ${hex4(v.value)}, should be ${hex4(v.expected)}]` : ''
}

function icmpSummary(r: Icmpv4Repr): string {
  switch (r.kind) {
    case 'echo-request':
    case 'echo-reply':
      return `ICMP echo ${r.kind === 'echo-request' ? 'request' : 'reply'} id ${r.ident} seq ${r.seqNo}`
    case 'dst-unreachable':
      return `ICMP unreachable ${icmpCodeName(r)}${r.code === 4 ? ` mtu ${r.nextHopMtu}` : ''} (quoting ${formatIpv4(r.quoted.header.src)} > ${formatIpv4(r.quoted.header.dst)} ${formatIpProtocol(r.quoted.header.protocol)})`
    case 'time-exceeded':
      return `ICMP time exceeded ${icmpCodeName(r)} (quoting ${formatIpv4(r.quoted.header.src)} > ${formatIpv4(r.quoted.header.dst)} ${formatIpProtocol(r.quoted.header.protocol)})`
    case 'other':
      return `ICMP type ${r.type} code ${r.code}`
  }
}

function dhcpSummary(r: DhcpRepr): string {
  const t = dhcpMessageType(r)
  let s = `DHCP ${t === null ? (r.op === 1 ? 'BOOTREQUEST' : 'BOOTREPLY') : dhcpMessageTypeName(t)} xid 0x${r.xid.toString(16).padStart(8, '0')}`
  if (r.yiaddr !== 0) s += ` yiaddr ${formatIpv4(r.yiaddr)}`
  for (const o of r.options) if (o.kind === 'requested-ip') s += ` requested ${formatIpv4(o.address)}`
  return s
}

/** One line in tcpdump's spirit; MACs in Hyper-V trace form. */
export function summarizeFrame(d: DecodedFrame): string {
  const parts: string[] = []
  let ip: Ipv4Repr | undefined
  let ipSum: ChecksumVerdict | undefined
  let udp: {repr: UdpRepr; checksum: ChecksumVerdict} | undefined
  for (const l of d.layers) {
    switch (l.layer) {
      case 'ethernet': {
        parts.push(`${formatMacTrace(l.repr.src)} > ${formatMacTrace(l.repr.dst)}`)
        if (l.repr.vlan) parts.push(`vlan ${l.repr.vlan.vid}${l.repr.vlan.pcp !== 0 ? ` p ${l.repr.vlan.pcp}` : ''}`)
        if (l.repr.etherType !== ETHERTYPE_ARP && l.repr.etherType !== ETHERTYPE_IPV4) parts.push(`ethertype ${formatEtherType(l.repr.etherType)} len ${d.length}`)
        break
      }
      case 'arp': {
        const r = l.repr
        const g = isGratuitousArp(r) ? ' (gratuitous)' : ''
        if (r.op === ARP_OP_REQUEST) parts.push(`ARP who-has ${formatIpv4(r.targetIp)} tell ${formatIpv4(r.senderIp)}${g}`)
        else if (r.op === ARP_OP_REPLY) parts.push(`ARP reply ${formatIpv4(r.senderIp)} is-at ${formatMacTrace(r.senderMac)}${g}`)
        else parts.push(`ARP op ${r.op} ${formatIpv4(r.senderIp)} > ${formatIpv4(r.targetIp)}`)
        break
      }
      case 'ipv4':
        ip = l.repr
        ipSum = l.checksum
        break
      case 'icmpv4':
        if (ip) parts.push(`IPv4 ${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)} ${icmpSummary(l.repr)} ttl ${ip.ttl}`)
        break
      case 'udp':
        udp = l
        if (ip) parts.push(`UDP ${formatIpv4(ip.src)}:${l.repr.srcPort} > ${formatIpv4(ip.dst)}:${l.repr.dstPort} len ${l.repr.payload.length}`)
        break
      case 'tcp':
        if (ip) {
          const r = l.repr
          let s = `TCP ${formatIpv4(ip.src)}:${r.srcPort} > ${formatIpv4(ip.dst)}:${r.dstPort} [${formatTcpFlags(r.flags)}] seq ${r.seqNo}`
          if (r.flags & 0x10) s += ` ack ${r.ackNo}`
          s += ` win ${r.window}`
          if (r.payload.length > 0) s += ` len ${r.payload.length}`
          parts.push(s)
        }
        break
      case 'dhcp':
        parts.push(dhcpSummary(l.repr))
        break
      case 'raw':
        if (ip) {
          const frag = ip.moreFrags || ip.fragOffset !== 0
          parts.push(`IPv4 ${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)} ${frag ? `frag id ${ip.ident} off ${ip.fragOffset * 8}${ip.moreFrags ? '+' : ''} ${formatIpProtocol(ip.protocol)}` : `proto ${formatIpProtocol(ip.protocol)}`} len ${l.bytes.length}`)
        }
        break
    }
  }
  const last = d.layers[d.layers.length - 1]
  if (ip && last?.layer === 'ipv4') parts.push(`IPv4 ${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)} proto ${formatIpProtocol(ip.protocol)} ttl ${ip.ttl}`)
  if (ipSum) parts.push(checksumNote(ipSum, 'ipv4').trim())
  if (udp) parts.push(checksumNote(udp.checksum, 'udp').trim())
  for (const l of d.layers) if ((l.layer === 'icmpv4' || l.layer === 'tcp') && l.checksum.status === 'incorrect') parts.push(checksumNote(l.checksum, l.layer).trim())
  if (d.error) parts.push(`[${d.error.code} ${d.error.layer} at ${d.error.offset}: ${d.error.message}]`)
  return parts.filter((p) => p !== '').join(' ')
}

function bool(b: boolean): string {
  return b ? '1' : '0'
}

function checksumLine(v: ChecksumVerdict): string {
  switch (v.status) {
    case 'correct':
      return `checksum ${hex4(v.value)} [correct]`
    case 'incorrect':
      return `checksum ${hex4(v.value)} [incorrect, should be ${hex4(v.expected)}]`
    case 'none':
      return 'checksum 0x0000 [none]'
    case 'unverified':
      return `checksum ${hex4(v.value)} [unverified]`
  }
}

function tcpOptionText(o: TcpOption): string {
  switch (o.kind) {
    case 'eol':
      return 'EOL'
    case 'nop':
      return 'NOP'
    case 'mss':
      return `MSS ${o.mss}`
    case 'window-scale':
      return `WS ${o.shift}`
    case 'sack-permitted':
      return 'SACK-permitted'
    case 'sack':
      return `SACK ${o.blocks.map(([a, b]) => `${a}-${b}`).join(' ')}`
    case 'timestamps':
      return `TS val ${o.tsVal} ecr ${o.tsEcr}`
    case 'unknown':
      return `option ${o.type} ${toHex(o.data)}`
  }
}

function dhcpOptionText(o: DhcpOption): string {
  const code = dhcpOptionCode(o)
  switch (o.kind) {
    case 'pad':
    case 'end':
      return `${o.kind} (${code})`
    case 'message-type':
      return `message-type (53) ${dhcpMessageTypeName(o.messageType)}`
    case 'subnet-mask':
    case 'requested-ip':
    case 'server-id':
      return `${o.kind} (${code}) ${formatIpv4(o.address)}`
    case 'router':
    case 'dns':
      return `${o.kind} (${code}) ${o.addresses.map(formatIpv4).join(', ')}`
    case 'hostname':
    case 'domain-name':
      return `${o.kind} (${code}) ${JSON.stringify(o.name)}`
    case 'lease-time':
    case 'renewal-time':
    case 'rebinding-time':
      return `${o.kind} (${code}) ${o.seconds}s`
    case 'parameter-request-list':
      return `parameter-request-list (55) ${o.codes.join(', ')}`
    case 'client-id':
      return `client-id (61) ${toHex(o.data)}`
    case 'unknown':
      return `option (${o.code}) ${toHex(o.data)}`
  }
}

/** One block per layer: a title line, then `  field value` lines named as the codecs name them. */
export function describeFrame(d: DecodedFrame): string[] {
  const out: string[] = [`Frame: ${d.length} bytes${d.padding > 0 ? `, ${d.padding} bytes of padding` : ''}`]
  const f = (name: string, value: string | number): void => {
    out.push(`  ${name} ${value}`)
  }
  for (const l of d.layers) {
    switch (l.layer) {
      case 'ethernet':
        out.push(`Ethernet II (offset ${l.offset})`)
        f('dst', formatMacTrace(l.repr.dst))
        f('src', formatMacTrace(l.repr.src))
        if (l.repr.vlan) {
          out.push(`802.1Q (offset 12)`)
          f('pcp', l.repr.vlan.pcp)
          f('dei', bool(l.repr.vlan.dei))
          f('vid', l.repr.vlan.vid)
        }
        f('etherType', `${hex4(l.repr.etherType)} (${formatEtherType(l.repr.etherType)})`)
        break
      case 'arp':
        out.push(`ARP (offset ${l.offset})`)
        f('op', `${l.repr.op} (${l.repr.op === 1 ? 'request' : l.repr.op === 2 ? 'reply' : 'unknown'})${isGratuitousArp(l.repr) ? ' gratuitous' : ''}`)
        f('senderMac', formatMacTrace(l.repr.senderMac))
        f('senderIp', formatIpv4(l.repr.senderIp))
        f('targetMac', formatMacTrace(l.repr.targetMac))
        f('targetIp', formatIpv4(l.repr.targetIp))
        break
      case 'ipv4': {
        const r = l.repr
        out.push(`IPv4 (offset ${l.offset})`)
        f('headerLen', ipv4HeaderLen(r))
        f('dscp', r.dscp)
        f('ecn', r.ecn)
        f('totalLen', ipv4HeaderLen(r) + r.payloadLen)
        f('ident', `${r.ident} (${hex4(r.ident)})`)
        f('flags', [r.dontFrag ? 'DF' : '', r.moreFrags ? 'MF' : ''].filter(Boolean).join(' ') || 'none')
        f('fragOffset', r.fragOffset)
        f('ttl', r.ttl)
        f('protocol', `${r.protocol} (${formatIpProtocol(r.protocol)})`)
        out.push(`  ${checksumLine(l.checksum)}`)
        f('src', formatIpv4(r.src))
        f('dst', formatIpv4(r.dst))
        if (r.options.length > 0) f('options', toHex(r.options))
        break
      }
      case 'icmpv4': {
        const r = l.repr
        out.push(`ICMPv4 (offset ${l.offset})`)
        if (r.kind === 'echo-request' || r.kind === 'echo-reply') {
          f('type', `${r.kind === 'echo-request' ? 8 : 0} (${r.kind})`)
          f('code', 0)
          out.push(`  ${checksumLine(l.checksum)}`)
          f('ident', r.ident)
          f('seqNo', r.seqNo)
          f('data', `${r.data.length} bytes`)
        } else if (r.kind === 'other') {
          f('type', r.type)
          f('code', r.code)
          out.push(`  ${checksumLine(l.checksum)}`)
          f('rest', '0x' + r.rest.toString(16).padStart(8, '0'))
          f('data', `${r.data.length} bytes`)
        } else if (r.kind === 'dst-unreachable' || r.kind === 'time-exceeded') {
          f('type', `${r.kind === 'dst-unreachable' ? 3 : 11} (${r.kind})`)
          f('code', `${r.code} (${icmpCodeName(r)})`)
          out.push(`  ${checksumLine(l.checksum)}`)
          if (r.kind === 'dst-unreachable' && r.code === 4) f('nextHopMtu', r.nextHopMtu)
          const q = r.quoted.header
          f('quoted', `IPv4 ${formatIpv4(q.src)} > ${formatIpv4(q.dst)} protocol ${formatIpProtocol(q.protocol)} ttl ${q.ttl} ident ${q.ident} totalLen ${ipv4HeaderLen(q) + q.payloadLen}`)
          f('quotedData', toHex(r.quoted.data))
        }
        break
      }
      case 'udp':
        out.push(`UDP (offset ${l.offset})`)
        f('srcPort', l.repr.srcPort)
        f('dstPort', l.repr.dstPort)
        f('length', 8 + l.repr.payload.length)
        out.push(`  ${checksumLine(l.checksum)}`)
        break
      case 'tcp': {
        const r = l.repr
        out.push(`TCP (offset ${l.offset})`)
        f('srcPort', r.srcPort)
        f('dstPort', r.dstPort)
        f('seqNo', r.seqNo)
        f('ackNo', r.ackNo)
        f('headerLen', tcpBufferLen(r) - r.payload.length)
        f('flags', `0x${r.flags.toString(16).padStart(2, '0')} (${tcpFlagNames(r.flags).join(' ') || 'none'})`)
        f('window', r.window)
        out.push(`  ${checksumLine(l.checksum)}`)
        f('urgent', r.urgent)
        if (r.options.length > 0) f('options', r.options.map(tcpOptionText).join(', '))
        f('payload', `${r.payload.length} bytes`)
        break
      }
      case 'dhcp': {
        const r = l.repr
        out.push(`DHCP (offset ${l.offset})`)
        f('op', `${r.op} (${r.op === 1 ? 'BOOTREQUEST' : r.op === 2 ? 'BOOTREPLY' : 'unknown'})`)
        f('htype', r.htype)
        f('hlen', r.hlen)
        f('hops', r.hops)
        f('xid', '0x' + r.xid.toString(16).padStart(8, '0'))
        f('secs', r.secs)
        f('flags', `${hex4(r.flags)}${r.flags & 0x8000 ? ' (broadcast)' : ''}`)
        f('ciaddr', formatIpv4(r.ciaddr))
        f('yiaddr', formatIpv4(r.yiaddr))
        f('siaddr', formatIpv4(r.siaddr))
        f('giaddr', formatIpv4(r.giaddr))
        f('chaddr', toHex(r.chaddr))
        for (const o of r.options) out.push(`  option ${dhcpOptionText(o)}`)
        break
      }
      case 'raw':
        out.push(`Data (offset ${l.offset})`)
        f('length', l.bytes.length)
        break
    }
  }
  for (const e of d.issues) out.push(`! ${e.layer}: ${e.code} at offset ${e.offset}: ${e.message}`)
  if (d.error) out.push(`! stopped: ${d.error.layer}: ${d.error.code} at offset ${d.error.offset}: ${d.error.message}`)
  return out
}

// ---------------------------------------------------------------------------------------------
// JSON: plain values only (numbers, strings, booleans, null, arrays, objects); MACs in trace form,
// IPv4 addresses dotted, bytes as lowercase hex. Field names follow the codecs' repr fields.

export type Json = string | number | boolean | null | Json[] | {[key: string]: Json}

function checksumJson(v: ChecksumVerdict): Json {
  return {value: v.value, expected: v.expected, status: v.status}
}

function errorJson(e: WireError): Json {
  return {layer: e.layer, code: e.code, offset: e.offset, message: e.message}
}

function tcpOptionJson(o: TcpOption): Json {
  switch (o.kind) {
    case 'sack':
      return {kind: o.kind, blocks: o.blocks.map(([a, b]) => [a, b])}
    case 'unknown':
      return {kind: o.kind, type: o.type, data: toHex(o.data)}
    default:
      return {...o}
  }
}

function dhcpOptionJson(o: DhcpOption): Json {
  const code = dhcpOptionCode(o)
  switch (o.kind) {
    case 'subnet-mask':
    case 'requested-ip':
    case 'server-id':
      return {code, kind: o.kind, address: formatIpv4(o.address)}
    case 'router':
    case 'dns':
      return {code, kind: o.kind, addresses: o.addresses.map(formatIpv4)}
    case 'parameter-request-list':
      return {code, kind: o.kind, codes: [...o.codes]}
    case 'client-id':
    case 'unknown':
      return {code, kind: o.kind, data: toHex(o.data)}
    case 'message-type':
      return {code, kind: o.kind, messageType: o.messageType, messageTypeName: dhcpMessageTypeName(o.messageType)}
    default:
      return {code, ...o}
  }
}

function ipv4Json(r: Ipv4Repr): {[key: string]: Json} {
  return {
    headerLen: ipv4HeaderLen(r),
    dscp: r.dscp,
    ecn: r.ecn,
    totalLen: ipv4HeaderLen(r) + r.payloadLen,
    ident: r.ident,
    dontFrag: r.dontFrag,
    moreFrags: r.moreFrags,
    fragOffset: r.fragOffset,
    ttl: r.ttl,
    protocol: r.protocol,
    protocolName: formatIpProtocol(r.protocol),
    src: formatIpv4(r.src),
    dst: formatIpv4(r.dst),
    options: toHex(r.options),
  }
}

function layerJson(l: DecodedLayer): Json {
  switch (l.layer) {
    case 'ethernet':
      return {layer: l.layer, offset: l.offset, dst: formatMacTrace(l.repr.dst), src: formatMacTrace(l.repr.src), vlan: l.repr.vlan ? {pcp: l.repr.vlan.pcp, dei: l.repr.vlan.dei, vid: l.repr.vlan.vid} : null, etherType: l.repr.etherType, etherTypeName: formatEtherType(l.repr.etherType)}
    case 'arp':
      return {layer: l.layer, offset: l.offset, op: l.repr.op, senderMac: formatMacTrace(l.repr.senderMac), senderIp: formatIpv4(l.repr.senderIp), targetMac: formatMacTrace(l.repr.targetMac), targetIp: formatIpv4(l.repr.targetIp), gratuitous: isGratuitousArp(l.repr)}
    case 'ipv4':
      return {layer: l.layer, offset: l.offset, ...ipv4Json(l.repr), checksum: checksumJson(l.checksum)}
    case 'icmpv4': {
      const r = l.repr
      const base = {layer: l.layer, offset: l.offset, kind: r.kind, checksum: checksumJson(l.checksum)}
      switch (r.kind) {
        case 'echo-request':
        case 'echo-reply':
          return {...base, type: r.kind === 'echo-request' ? 8 : 0, code: 0, ident: r.ident, seqNo: r.seqNo, data: toHex(r.data)}
        case 'dst-unreachable':
        case 'time-exceeded':
          return {...base, type: r.kind === 'dst-unreachable' ? 3 : 11, code: r.code, codeName: icmpCodeName(r), nextHopMtu: r.kind === 'dst-unreachable' ? r.nextHopMtu : 0, quoted: {...ipv4Json(r.quoted.header), data: toHex(r.quoted.data)}}
        case 'other':
          return {...base, type: r.type, code: r.code, rest: r.rest, data: toHex(r.data)}
      }
      break
    }
    case 'udp':
      return {layer: l.layer, offset: l.offset, srcPort: l.repr.srcPort, dstPort: l.repr.dstPort, length: 8 + l.repr.payload.length, checksum: checksumJson(l.checksum), payloadLen: l.repr.payload.length}
    case 'tcp': {
      const r = l.repr
      return {layer: l.layer, offset: l.offset, srcPort: r.srcPort, dstPort: r.dstPort, seqNo: r.seqNo, ackNo: r.ackNo, headerLen: tcpBufferLen(r) - r.payload.length, flags: r.flags, flagNames: tcpFlagNames(r.flags), window: r.window, checksum: checksumJson(l.checksum), urgent: r.urgent, options: r.options.map(tcpOptionJson), payloadLen: r.payload.length}
    }
    case 'dhcp': {
      const r = l.repr
      const t = dhcpMessageType(r)
      return {
        layer: l.layer,
        offset: l.offset,
        op: r.op,
        htype: r.htype,
        hlen: r.hlen,
        hops: r.hops,
        xid: r.xid,
        secs: r.secs,
        flags: r.flags,
        broadcast: (r.flags & 0x8000) !== 0,
        ciaddr: formatIpv4(r.ciaddr),
        yiaddr: formatIpv4(r.yiaddr),
        siaddr: formatIpv4(r.siaddr),
        giaddr: formatIpv4(r.giaddr),
        chaddr: toHex(r.chaddr),
        sname: toHex(r.sname),
        file: toHex(r.file),
        messageType: t,
        messageTypeName: t === null ? null : dhcpMessageTypeName(t),
        options: r.options.map(dhcpOptionJson),
      }
    }
    case 'raw':
      return {layer: l.layer, offset: l.offset, length: l.bytes.length, data: toHex(l.bytes)}
  }
}

/** The `hvnet frame decode --json` form. Stable field names; safe for JSON.stringify. */
export function frameToJson(d: DecodedFrame): {[key: string]: Json} {
  return {
    length: d.length,
    padding: d.padding,
    summary: summarizeFrame(d),
    layers: d.layers.map(layerJson),
    issues: d.issues.map(errorJson),
    error: d.error === null ? null : errorJson(d.error),
  }
}
