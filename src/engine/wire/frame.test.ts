import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {chaddrFromMac} from './dhcp.js'
import type {DhcpRepr} from './dhcp.js'
import {decodeFrame, describeFrame, encodeFrame, frameToJson, summarizeFrame} from './frame.js'
import type {FrameLayer} from './frame.js'
import {ipv4Repr} from './ipv4.js'
import type {Ipv4Repr} from './ipv4.js'
import {TCP_ACK_FLAG, TCP_SYN} from './tcp.js'
import fc from 'fast-check'
import {arbFrameLayers, hex} from './test-support.js'

const VM = 0x00155d000001
const BCAST = 0xffff_ffff_ffff
const GW = 0x00155d0000fe
const ip = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0
const IP: Ipv4Repr = ipv4Repr({src: ip(192, 168, 0, 10), dst: ip(8, 8, 8, 8), protocol: 17, ttl: 64, ident: 1, dontFrag: true})

function roundTrip(layers: FrameLayer[]): {bytes: Uint8Array; summary: string} {
  const bytes = encodeFrame(layers)
  const d = decodeFrame(bytes)
  assert.equal(d.error, null, d.error?.toString())
  assert.deepEqual(d.issues, [])
  assert.deepEqual(encodeFrame(d.layers), bytes, 'decode -> encode')
  return {bytes, summary: summarizeFrame(d)}
}

describe('frame summary', () => {
  test('ARP who-has, reply, gratuitous', () => {
    const who = roundTrip([{layer: 'ethernet', repr: {dst: BCAST, src: VM, etherType: 0x0806}}, {layer: 'arp', repr: {op: 1, senderMac: VM, senderIp: ip(192, 168, 0, 10), targetMac: 0, targetIp: ip(192, 168, 0, 1)}}])
    assert.equal(who.bytes.length, 60)
    assert.equal(who.summary, '00-15-5D-00-00-01 > FF-FF-FF-FF-FF-FF ARP who-has 192.168.0.1 tell 192.168.0.10')
    const reply = roundTrip([{layer: 'ethernet', repr: {dst: VM, src: GW, etherType: 0x0806}}, {layer: 'arp', repr: {op: 2, senderMac: GW, senderIp: ip(192, 168, 0, 1), targetMac: VM, targetIp: ip(192, 168, 0, 10)}}])
    assert.equal(reply.summary, '00-15-5D-00-00-FE > 00-15-5D-00-00-01 ARP reply 192.168.0.1 is-at 00-15-5D-00-00-FE')
    const g = roundTrip([{layer: 'ethernet', repr: {dst: BCAST, src: VM, etherType: 0x0806}}, {layer: 'arp', repr: {op: 1, senderMac: VM, senderIp: ip(192, 168, 0, 10), targetMac: 0, targetIp: ip(192, 168, 0, 10)}}])
    assert.equal(g.summary, '00-15-5D-00-00-01 > FF-FF-FF-FF-FF-FF ARP who-has 192.168.0.10 tell 192.168.0.10 (gratuitous)')
  })

  test('ICMP echo, UDP, TCP, DHCP, VLAN', () => {
    const eth = {dst: GW, src: VM, etherType: 0x0800}
    assert.equal(
      roundTrip([{layer: 'ethernet', repr: eth}, {layer: 'ipv4', repr: {...IP, protocol: 1}}, {layer: 'icmpv4', repr: {kind: 'echo-request', ident: 1, seqNo: 1, data: new Uint8Array(8)}}]).summary,
      '00-15-5D-00-00-01 > 00-15-5D-00-00-FE IPv4 192.168.0.10 > 8.8.8.8 ICMP echo request id 1 seq 1 ttl 64',
    )
    assert.equal(
      roundTrip([{layer: 'ethernet', repr: eth}, {layer: 'ipv4', repr: IP}, {layer: 'udp', repr: {srcPort: 49152, dstPort: 53, payload: new Uint8Array(29)}}]).summary,
      '00-15-5D-00-00-01 > 00-15-5D-00-00-FE UDP 192.168.0.10:49152 > 8.8.8.8:53 len 29',
    )
    const tcp = {srcPort: 49152, dstPort: 80, seqNo: 1000, ackNo: 0, flags: TCP_SYN, window: 64240, urgent: 0, options: [{kind: 'mss', mss: 1460} as const], payload: new Uint8Array(0)}
    assert.equal(
      roundTrip([{layer: 'ethernet', repr: eth}, {layer: 'ipv4', repr: {...IP, src: ip(10, 0, 0, 2), dst: ip(1, 2, 3, 4), protocol: 6}}, {layer: 'tcp', repr: tcp}]).summary,
      '00-15-5D-00-00-01 > 00-15-5D-00-00-FE TCP 10.0.0.2:49152 > 1.2.3.4:80 [S] seq 1000 win 64240',
    )
    assert.equal(
      roundTrip([{layer: 'ethernet', repr: {...eth, vlan: {pcp: 0, dei: false, vid: 10}}}, {layer: 'ipv4', repr: {...IP, src: ip(10, 0, 0, 2), dst: ip(1, 2, 3, 4), protocol: 6}}, {layer: 'tcp', repr: {...tcp, flags: TCP_SYN | TCP_ACK_FLAG, ackNo: 5, payload: new Uint8Array(3)}}]).summary,
      '00-15-5D-00-00-01 > 00-15-5D-00-00-FE vlan 10 TCP 10.0.0.2:49152 > 1.2.3.4:80 [S.] seq 1000 ack 5 win 64240 len 3',
    )
    const dhcp: DhcpRepr = {op: 1, htype: 1, hlen: 6, hops: 0, xid: 0x1234abcd, secs: 0, flags: 0x8000, ciaddr: 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: chaddrFromMac(VM), sname: new Uint8Array(64), file: new Uint8Array(128), options: [{kind: 'message-type', messageType: 1}, {kind: 'end'}]}
    const d = roundTrip([{layer: 'ethernet', repr: {dst: BCAST, src: VM, etherType: 0x0800}}, {layer: 'ipv4', repr: {...IP, src: 0, dst: 0xffffffff}}, {layer: 'udp', repr: {srcPort: 68, dstPort: 67, payload: new Uint8Array(0)}}, {layer: 'dhcp', repr: dhcp}])
    assert.equal(d.bytes.length, 14 + 20 + 8 + 300, 'BOOTP padded to 300: a 342-byte frame like udhcpc/dhclient')
    assert.equal(d.summary, '00-15-5D-00-00-01 > FF-FF-FF-FF-FF-FF UDP 0.0.0.0:68 > 255.255.255.255:67 len 300 DHCP DISCOVER xid 0x1234abcd')
  })

  test('unknown EtherType and IP protocol are kept as numbers, not errors', () => {
    const lldp = roundTrip([{layer: 'ethernet', repr: {dst: 0x0180c200000e, src: VM, etherType: 0x88cc}}, {layer: 'raw', bytes: hex('0207040015')}])
    assert.equal(lldp.summary, '00-15-5D-00-00-01 > 01-80-C2-00-00-0E ethertype 0x88cc len 60')
    const gre = roundTrip([{layer: 'ethernet', repr: {dst: GW, src: VM, etherType: 0x0800}}, {layer: 'ipv4', repr: {...IP, protocol: 47}}, {layer: 'raw', bytes: hex('00000800')}])
    assert.equal(gre.summary, '00-15-5D-00-00-01 > 00-15-5D-00-00-FE IPv4 192.168.0.10 > 8.8.8.8 proto 0x2f len 4')
    const j = frameToJson(decodeFrame(lldp.bytes))
    assert.deepEqual(j.layers, [
      {layer: 'ethernet', offset: 0, dst: '01-80-C2-00-00-0E', src: '00-15-5D-00-00-01', vlan: null, etherType: 0x88cc, etherTypeName: '0x88cc'},
      {layer: 'raw', offset: 14, length: 46, data: '0207040015' + '00'.repeat(41)},
    ])
  })

  test('bad checksums are flagged in the summary, the layered form and JSON', () => {
    // ipv4_bad_checksum from the shared testdata.
    const d = decodeFrame(hex('00155d64000100155d64000b08004500002b3333000040011234c0a8640b0a0000010800ee54000100016261642d69702d636865636b73756d'))
    assert.equal(summarizeFrame(d), '00-15-5D-64-00-0B > 00-15-5D-64-00-01 IPv4 192.168.100.11 > 10.0.0.1 ICMP echo request id 1 seq 1 ttl 64 [bad ipv4 checksum 0x1234, should be 0x18eb]')
    const lines = describeFrame(d)
    assert.ok(lines.includes('  checksum 0x1234 [incorrect, should be 0x18eb]'), lines.join('\n'))
    assert.ok(lines.includes('  checksum 0xee54 [correct]'), lines.join('\n'))
    assert.ok(lines.includes('! ipv4: bad-checksum at offset 24: checksum 0x1234 is incorrect, should be 0x18eb'))
    const j = frameToJson(d)
    assert.deepEqual(j.issues, [{layer: 'ipv4', code: 'bad-checksum', offset: 24, message: 'checksum 0x1234 is incorrect, should be 0x18eb'}])
    assert.deepEqual((j.layers as {[k: string]: unknown}[])[1].checksum, {value: 0x1234, expected: 0x18eb, status: 'incorrect'})
    assert.equal(j.error, null)
    assert.deepEqual(JSON.parse(JSON.stringify(j)), j, 'plain JSON values only')
    const fast = decodeFrame(hex('00155d64000100155d64000b08004500002b3333000040011234c0a8640b0a0000010800ee54000100016261642d69702d636865636b73756d'), {verifyChecksums: false})
    assert.deepEqual(fast.issues, [])
    assert.equal(summarizeFrame(fast).includes('bad'), false)
  })

  test('layered form: one block per layer with the codecs\' field names', () => {
    // tcp_syn from the shared testdata.
    const d = decodeFrame(hex('00155d64000100155d64000b08004500003c222240004006e9e5c0a8640b0a0000019c400050000003e800000000a002faf04da90000020405b40402080a000030390000000001030307'))
    assert.deepEqual(describeFrame(d), [
      'Frame: 74 bytes',
      'Ethernet II (offset 0)',
      '  dst 00-15-5D-64-00-01',
      '  src 00-15-5D-64-00-0B',
      '  etherType 0x0800 (IPv4)',
      'IPv4 (offset 14)',
      '  headerLen 20',
      '  dscp 0',
      '  ecn 0',
      '  totalLen 60',
      '  ident 8738 (0x2222)',
      '  flags DF',
      '  fragOffset 0',
      '  ttl 64',
      '  protocol 6 (TCP)',
      '  checksum 0xe9e5 [correct]',
      '  src 192.168.100.11',
      '  dst 10.0.0.1',
      'TCP (offset 34)',
      '  srcPort 40000',
      '  dstPort 80',
      '  seqNo 1000',
      '  ackNo 0',
      '  headerLen 40',
      '  flags 0x02 (SYN)',
      '  window 64240',
      '  checksum 0x4da9 [correct]',
      '  urgent 0',
      '  options MSS 1460, SACK-permitted, TS val 12345 ecr 0, NOP, WS 7',
      '  payload 0 bytes',
    ])
  })

  test('padding is bounded by the IPv4 total length, not mistaken for payload', () => {
    // arp_reply_padded and a 60-byte padded UDP frame.
    const bytes = encodeFrame([{layer: 'ethernet', repr: {dst: GW, src: VM, etherType: 0x0800}}, {layer: 'ipv4', repr: IP}, {layer: 'udp', repr: {srcPort: 1, dstPort: 2, payload: hex('abcd')}}])
    assert.equal(bytes.length, 60)
    const d = decodeFrame(bytes)
    assert.equal(d.padding, 60 - 14 - 20 - 10)
    const udp = d.layers[2]
    assert.ok(udp.layer === 'udp')
    assert.deepEqual(udp.repr.payload, hex('abcd'))
  })

  test('errors stop the walk with layer, code and offset', () => {
    const d = decodeFrame(hex('00155d64000100155d64000b0800450000'))
    assert.equal(d.layers.length, 1)
    assert.deepEqual(d.error?.toJSON(), {layer: 'ipv4', code: 'truncated', offset: 17, message: '3 bytes is shorter than the 20-byte header'})
    assert.equal(summarizeFrame(d), '00-15-5D-64-00-0B > 00-15-5D-64-00-01 [truncated ipv4 at 17: 3 bytes is shorter than the 20-byte header]')
    assert.deepEqual(frameToJson(decodeFrame(new Uint8Array(3))).error, {layer: 'ethernet', code: 'truncated', offset: 3, message: 'frame of 3 bytes is shorter than the 14-byte header'})
  })

  test('encodeFrame refuses impossible layer stacks', () => {
    assert.throws(() => encodeFrame([{layer: 'raw', bytes: new Uint8Array(1)}]), RangeError)
    assert.throws(() => encodeFrame([{layer: 'ethernet', repr: {dst: 0, src: 0, etherType: 0x800}}, {layer: 'udp', repr: {srcPort: 1, dstPort: 2, payload: new Uint8Array(0)}}]), RangeError)
  })

  test('property: random whole frames encode -> decode -> encode to the same bytes, with no issue', () => {
    fc.assert(
      fc.property(arbFrameLayers, (layers) => {
        const bytes = encodeFrame(layers)
        const d = decodeFrame(bytes)
        assert.equal(d.error, null, d.error?.toString())
        assert.deepEqual(d.issues, [])
        assert.deepEqual(d.layers.map((l) => l.layer), layers.map((l) => l.layer))
        assert.deepEqual(encodeFrame(d.layers), bytes)
        assert.equal(bytes.length, Math.max(60, bytes.length - d.padding))
      }),
      {seed: 2024, numRuns: 500},
    )
  })
})
