import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {checksumAdjust, checksumAdjust32} from './checksum.js'
import {ICMP_DST_UNREACHABLE, ICMP_TIME_EXCEEDED, Icmpv4Packet, emitIcmpError, emitIcmpv4, icmpCodeName, icmpErrorAllowed, icmpErrorLen, icmpv4BufferLen, parseIcmpv4} from './icmpv4.js'
import type {Icmpv4Repr} from './icmpv4.js'
import {Ipv4Packet, ipv4Repr} from './ipv4.js'
import type {Ipv4Repr} from './ipv4.js'
import {UdpPacket} from './udp.js'
import type {Codec} from './test-support.js'
import {arbIcmpv4, assertWireError, checkRoundTrip, hex, ok} from './test-support.js'

// icmp_echo_request from the shared testdata: id 4242 seq 1, 56 bytes 00..37, checksum 0xf059.
const DATA = Uint8Array.from({length: 56}, (_, i) => i)
const ECHO = hex('0800f05910920001' + Buffer.from(DATA).toString('hex'))
const ECHO_REPR: Icmpv4Repr = {kind: 'echo-request', ident: 4242, seqNo: 1, data: DATA}

// A port-unreachable quoting udp_bad_checksum's header and first 8 bytes (hand-built; ICMP checksum
// 0x2a66 computed independently by hand per RFC 1071).
const QUOTED_HDR: Ipv4Repr = ipv4Repr({src: 0xc0a8640b, dst: 0x0a000001, protocol: 17, ttl: 64, ident: 8, payloadLen: 24})
const UNREACH_REPR: Icmpv4Repr = {kind: 'dst-unreachable', code: 3, nextHopMtu: 0, quoted: {header: QUOTED_HDR, data: hex('138800070018beef')}}
const UNREACH = hex('03032a66' + '00000000' + '4500002c0008000040114c05c0a8640b0a000001' + '138800070018beef')

const codec: Codec<Icmpv4Repr> = {
  bufferLen: icmpv4BufferLen,
  emit: (r, buf, off, len) => emitIcmpv4(r, new Icmpv4Packet(buf, off, len)),
  parse: (buf, off, len) => {
    const p = Icmpv4Packet.checked(buf, off, len)
    return p instanceof Icmpv4Packet ? parseIcmpv4(p) : p
  },
}

function withChecksum(template: Uint8Array): Uint8Array {
  const b = template.slice()
  new Icmpv4Packet(b, 0, b.length).fillChecksum()
  return b
}

describe('icmpv4', () => {
  test('deconstruct echo request', () => {
    const p = ok(Icmpv4Packet.checked(ECHO))
    assert.equal(p.type, 8)
    assert.equal(p.code, 0)
    assert.equal(p.checksum, 0xf059)
    assert.equal(p.ident, 4242)
    assert.equal(p.seqNo, 1)
    assert.equal(p.verifyChecksum(), true)
    assert.deepEqual(p.data(), DATA)
  })

  test('parse / construct echo', () => {
    assert.deepEqual(ok(parseIcmpv4(ok(Icmpv4Packet.checked(ECHO)))), ECHO_REPR)
    const buf = new Uint8Array(icmpv4BufferLen(ECHO_REPR))
    emitIcmpv4(ECHO_REPR, new Icmpv4Packet(buf, 0, buf.length))
    assert.deepEqual(buf, ECHO)
  })

  test('destination unreachable quotes the invoking header + 8 bytes; codes are named', () => {
    const golden = UNREACH.slice()
    const r = ok(parseIcmpv4(ok(Icmpv4Packet.checked(golden))))
    assert.deepEqual(r, UNREACH_REPR)
    assert.equal(icmpCodeName(r), 'port-unreachable')
    const buf = new Uint8Array(icmpv4BufferLen(UNREACH_REPR))
    emitIcmpv4(UNREACH_REPR, new Icmpv4Packet(buf, 0, buf.length))
    assert.deepEqual(buf, golden)
    assert.equal(buf[8 + 10], 0x4c, 'quoted header checksum is the original 0x4c05')
    assert.equal(buf[8 + 11], 0x05)
  })

  test('emitIcmpError quotes the invoking header as received + 8 bytes of its data', () => {
    const header = hex('4500002c0008000040114c05c0a8640b0a000001')
    const invoking = new Uint8Array(44).fill(0x77)
    invoking.set(header)
    invoking.set(hex('138800070018beef'), 20)
    const q = new Ipv4Packet(invoking, 0, invoking.length)
    assert.equal(icmpErrorLen(q, 8), UNREACH.length)
    const buf = new Uint8Array(UNREACH.length).fill(0xee)
    emitIcmpError(ICMP_DST_UNREACHABLE, 3, q, 8, buf, 0)
    assert.deepEqual(buf, UNREACH)

    // Byte for byte, not re-encoded: a reserved flag bit and a wrong header checksum are kept.
    const odd = invoking.slice()
    odd[6] = 0x80
    odd.set(hex('dead'), 10)
    const err = new Uint8Array(icmpErrorLen(new Ipv4Packet(odd, 0, odd.length), 8))
    emitIcmpError(ICMP_DST_UNREACHABLE, 3, new Ipv4Packet(odd, 0, odd.length), 8, err, 0)
    assert.deepEqual(err.subarray(8, 28), odd.subarray(0, 20))
    assert.ok(new Icmpv4Packet(err, 0, err.length).verifyChecksum())
  })

  test('icmpErrorAllowed: a query or any other protocol from a host, never an ICMP error, a later fragment or a source that is no single host', () => {
    // UDP 192.168.100.11 → 10.0.0.1 (the quoted header above), then the same with one field changed.
    const udp = hex('4500002c0008000040114c05c0a8640b0a000001' + '138800070018beef' + '00'.repeat(16))
    const allowed = (bytes: Uint8Array) => icmpErrorAllowed(new Ipv4Packet(bytes, 0, bytes.length))
    const edited = (at: number, value: string) => {
      const b = udp.slice()
      b.set(hex(value), at)
      return b
    }
    assert.equal(allowed(udp), true)
    assert.equal(allowed(edited(6, '0001')), false, 'fragment offset 8: not the first fragment')
    assert.equal(allowed(edited(6, '2000')), true, 'more fragments, offset 0: the first fragment')
    assert.equal(allowed(edited(12, '00000000')), false, 'from 0.0.0.0')
    assert.equal(allowed(edited(12, 'ffffffff')), false, 'from the limited broadcast')
    assert.equal(allowed(edited(12, 'e0000001')), false, 'from a multicast group')
    const icmpOf = (type: number) => {
      const b = edited(9, '01')
      b[20] = type
      return b
    }
    for (const type of [0, 8, 13, 14]) assert.equal(allowed(icmpOf(type)), true, `ICMP type ${type}, a query`)
    for (const type of [3, 4, 5, 11, 12]) assert.equal(allowed(icmpOf(type)), false, `ICMP type ${type}, an error`)
    const bare = edited(9, '01')
    bare.set(hex('0014'), 2)
    assert.equal(allowed(bare.subarray(0, 20)), true, 'an ICMP packet with no message to judge (total length 20)')
  })

  test('emitIcmpError pads a short quote to 8 bytes and quotes more when asked (RFC 1812 4.3.2.3)', () => {
    const short = hex('45000018000100004011' + '0000' + '0a000001 0a000002' + 'a1a2a3a4')
    const sq = new Ipv4Packet(short, 0, short.length)
    const buf = new Uint8Array(icmpErrorLen(sq, 4)).fill(0xee)
    assert.equal(buf.length, 8 + 20 + 8)
    emitIcmpError(ICMP_DST_UNREACHABLE, 2, sq, 4, buf, 0)
    assert.deepEqual(buf.subarray(0, 2), hex('0302'))
    assert.deepEqual(buf.subarray(4, 8), hex('00000000'))
    assert.deepEqual(buf.subarray(28), hex('a1a2a3a4 00000000'))
    assert.ok(new Icmpv4Packet(buf, 0, buf.length).verifyChecksum())

    // Time exceeded quoting all 24 data bytes, written at a non-zero offset.
    const whole = new Uint8Array(44)
    whole.set(hex('4500002c0008000040114c05c0a8640b0a000001'))
    for (let i = 20; i < 44; i++) whole[i] = i
    const wq = new Ipv4Packet(whole, 0, whole.length)
    const out = new Uint8Array(3 + icmpErrorLen(wq, 24) + 2).fill(0xee)
    emitIcmpError(ICMP_TIME_EXCEEDED, 0, wq, 24, out, 3)
    const msg = out.subarray(3, 3 + 8 + 44)
    assert.deepEqual(msg.subarray(0, 2), hex('0b00'))
    assert.deepEqual(msg.subarray(8), whole)
    assert.deepEqual(out.subarray(0, 3), hex('eeeeee'))
    assert.deepEqual(out.subarray(55), hex('eeee'))
    const r = ok(parseIcmpv4(ok(Icmpv4Packet.checked(msg))))
    assert.equal(r.kind, 'time-exceeded')
  })

  test('frag-needed carries the next-hop MTU (RFC 1191); time exceeded codes', () => {
    const r: Icmpv4Repr = {...UNREACH_REPR, code: 4, nextHopMtu: 1400} as Icmpv4Repr
    const bytes = checkRoundTrip(codec, r)
    assert.deepEqual(Array.from(bytes.subarray(4, 8)), [0, 0, 0x05, 0x78])
    assert.equal(icmpCodeName(r), 'frag-needed')
    assert.equal(icmpCodeName({kind: 'dst-unreachable', code: 13, nextHopMtu: 0, quoted: UNREACH_REPR.kind === 'dst-unreachable' ? UNREACH_REPR.quoted : (undefined as never)}), 'admin-prohibited')
    const te: Icmpv4Repr = {kind: 'time-exceeded', code: 0, quoted: {header: QUOTED_HDR, data: hex('138800070018beef')}}
    assert.equal(checkRoundTrip(codec, te)[0], 11)
    assert.equal(icmpCodeName(te), 'ttl-exceeded')
    assert.equal(icmpCodeName({...te, code: 1}), 'frag-reassembly-exceeded')
  })

  test('NAT can rewrite the quoted header in place through the view', () => {
    const b = UNREACH.slice()
    const p = ok(Icmpv4Packet.checked(b))
    const q = ok(p.quoted())
    const oldSrc = q.src
    const newSrc = 0xc0000201
    const oldIcmp = p.checksum
    q.src = newSrc
    q.checksum = checksumAdjust32(q.checksum, oldSrc, newSrc)
    assert.equal(q.verifyChecksum(), true)
    const u = new UdpPacket(b, q.payloadOffset, 8)
    const oldPort = u.srcPort
    u.srcPort = 61000
    // The ICMP checksum covers the quote: patch it for the address, the header checksum and the port.
    let c = checksumAdjust32(oldIcmp, oldSrc, newSrc)
    c = checksumAdjust(c, 0x4c05, q.checksum)
    c = checksumAdjust(c, oldPort, 61000)
    p.checksum = c
    assert.equal(p.verifyChecksum(), true)
    const r = ok(parseIcmpv4(p))
    assert.equal(r.kind === 'dst-unreachable' && r.quoted.header.src, newSrc)
  })

  test('impossible lengths', () => {
    assertWireError(Icmpv4Packet.checked(ECHO, 0, 7), 'icmpv4', 'truncated', 7)
    const short = withChecksum(UNREACH.subarray(0, 8 + 20 + 7))
    assertWireError(parseIcmpv4(ok(Icmpv4Packet.checked(short))), 'icmpv4', 'truncated', 35)
    const noHeader = withChecksum(UNREACH.subarray(0, 8 + 12))
    assertWireError(parseIcmpv4(ok(Icmpv4Packet.checked(noHeader))), 'icmpv4', 'truncated', 20)
    const bad = ECHO.slice()
    bad[3] ^= 0xff
    assertWireError(parseIcmpv4(ok(Icmpv4Packet.checked(bad))), 'icmpv4', 'bad-checksum', 2)
  })

  test('round trip', () => {
    assert.deepEqual(checkRoundTrip(codec, ECHO_REPR), ECHO)
    fc.assert(fc.property(arbIcmpv4, (r) => void checkRoundTrip(codec, r)), {seed: 792, numRuns: 300})
  })
})
