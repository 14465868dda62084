// Frame codec speed (STYLE 7): parse + summary for a 64-byte UDP frame and a 1514-byte TCP
// frame, and the switch/NAT header path (Ethernet + IPv4 + UDP views: checkLen + the fields a
// switch or NAT reads) against the 20 Mfps target. Figures only; nothing is asserted.
import {EthernetFrame, Ipv4Packet, MAC_BROADCAST, UdpPacket, decodeFrame, encodeFrame, ipv4Repr, summarizeFrame} from '../src/engine/wire/index.js'
import type {FrameLayer} from '../src/engine/wire/index.js'
import {rate} from './support.js'

const IP = ipv4Repr({src: 0xc0a8640b, dst: 0x08080808, protocol: 17, ttl: 64, ident: 1, dontFrag: true})

function udp64(): Uint8Array {
  // 14 + 20 + 8 + 22 = 64 bytes: a small datagram, no padding.
  const layers: FrameLayer[] = [{layer: 'ethernet', repr: {dst: 0x00155d640001, src: 0x00155d64000b, etherType: 0x0800}}, {layer: 'ipv4', repr: IP}, {layer: 'udp', repr: {srcPort: 49152, dstPort: 53, payload: new Uint8Array(22).fill(7)}}]
  return encodeFrame(layers)
}

function tcp1514(): Uint8Array {
  const layers: FrameLayer[] = [
    {layer: 'ethernet', repr: {dst: 0x00155d640001, src: 0x00155d64000b, etherType: 0x0800}},
    {layer: 'ipv4', repr: {...IP, protocol: 6}},
    {layer: 'tcp', repr: {srcPort: 49152, dstPort: 443, seqNo: 1, ackNo: 1, flags: 0x18, window: 501, urgent: 0, options: [{kind: 'nop'}, {kind: 'nop'}, {kind: 'timestamps', tsVal: 1, tsEcr: 2}], payload: new Uint8Array(1514 - 14 - 20 - 32).fill(9)}},
  ]
  return encodeFrame(layers)
}

function fmt(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : `${(r / 1e3).toFixed(1)} k`
}

/**
 * The switch/NAT path: checked views, then what a switch reads (dst/src MAC, VLAN, EtherType)
 * and what a NAT reads (IPv4 addresses, protocol, fragment offset, TTL, ports).
 */
function headerPath(buf: Uint8Array): number {
  const eth = new EthernetFrame(buf, 0, buf.length)
  if (eth.checkLen() !== null) return -1
  const dst = eth.dst
  const src = eth.src
  const vid = eth.vid
  if (eth.etherType !== 0x0800) return -2
  const hl = eth.headerLen
  const ip = new Ipv4Packet(buf, hl, buf.length - hl)
  if (ip.checkLen() !== null) return -3
  if (ip.protocol !== 17 || ip.fragOffset !== 0) return -5
  const udp = new UdpPacket(buf, ip.payloadOffset, ip.payloadLen)
  if (udp.checkLen() !== null) return -6
  // A NAT key is ip * 65536 + port, a MAC table key the MAC number itself (STYLE 7). Fold the
  // fields into a small integer: returning a double would box a HeapNumber per call and
  // measure the allocator rather than the parser.
  const key = ip.src * 65536 + udp.srcPort
  const macs = (dst === MAC_BROADCAST ? 1 : 0) + (src === dst ? 2 : 0) + (key === 0 ? 4 : 0)
  return (macs + vid + ((ip.dst ^ udp.dstPort) & 0xff) + ip.ttl) | 0
}

/** The same path with the IPv4 header checksum verified (a router's or a strict NAT's). */
function headerPathVerified(buf: Uint8Array): number {
  const eth = new EthernetFrame(buf, 0, buf.length)
  if (eth.checkLen() !== null || eth.etherType !== 0x0800) return -1
  const hl = eth.headerLen
  const ip = new Ipv4Packet(buf, hl, buf.length - hl)
  if (ip.checkLen() !== null || !ip.verifyChecksum()) return -3
  if (ip.protocol !== 17 || ip.fragOffset !== 0) return -5
  const udp = new UdpPacket(buf, ip.payloadOffset, ip.payloadLen)
  if (udp.checkLen() !== null) return -6
  const key = ip.src * 65536 + udp.srcPort
  const macs = (eth.dst === MAC_BROADCAST ? 1 : 0) + (eth.src === eth.dst ? 2 : 0) + (key === 0 ? 4 : 0)
  return (macs + eth.vid + ((ip.dst ^ udp.dstPort) & 0xff) + ip.ttl) | 0
}

const RATE = {warmUp: 300_000, chunk: 50_000, durationMs: 1000}

export async function run(print: (line: string) => void): Promise<void> {
  const small = udp64()
  const large = tcp1514()
  if (small.length !== 64 || large.length !== 1514) throw new Error(`bench frames are ${small.length} and ${large.length} bytes`)

  const s = rate(RATE, (n) => {
    let x = 0
    for (let i = 0; i < n; i++) x += summarizeFrame(decodeFrame(small)).length
    return x
  })
  print(`wire decodeFrame+summary, 64-byte UDP frame: ${fmt(s.perSecond)}frames/s (checksums verified)`)
  const l = rate(RATE, (n) => {
    let x = 0
    for (let i = 0; i < n; i++) x += summarizeFrame(decodeFrame(large)).length
    return x
  })
  print(`wire decodeFrame+summary, 1514-byte TCP frame: ${fmt(l.perSecond)}frames/s (checksums verified)`)
  const h = rate(RATE, (n) => {
    let x = 0
    for (let i = 0; i < n; i++) x += headerPath(small)
    return x
  })
  print(`wire header parse Ethernet+IPv4+UDP views, 64-byte frame: ${fmt(h.perSecond)}frames/s (target >= 20 M; checkLen + switch/NAT fields, no checksum)`)
  const hc = rate(RATE, (n) => {
    let x = 0
    for (let i = 0; i < n; i++) x += headerPathVerified(small)
    return x
  })
  print(`wire header parse + IPv4 header checksum, 64-byte frame: ${fmt(hc.perSecond)}frames/s`)
  if (s.sink + l.sink + h.sink + hc.sink === 0.5) print('(sink)')
}
