import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {UdpPacket, emitUdp, parseUdp, udpBufferLen} from './udp.js'
import type {UdpRepr} from './udp.js'
import type {Codec} from './test-support.js'
import {arbU32, arbUdp, assertWireError, checkRoundTrip, hex, ok} from './test-support.js'

// udp_dns_query from the shared testdata: 192.168.100.11:53000 -> 192.168.100.1:53, checksum 0xfd6f.
const SRC = 0xc0a8640b
const DST = 0xc0a86401
const DNS = hex('1a2b01000001000000000000076578616d706c6503636f6d0000010001')
const GOLDEN = hex('cf0800350025fd6f' + '1a2b01000001000000000000076578616d706c6503636f6d0000010001')
const REPR: UdpRepr = {srcPort: 53000, dstPort: 53, payload: DNS}

const codec = (src: number, dst: number): Codec<UdpRepr> => ({
  bufferLen: udpBufferLen,
  emit: (r, buf, off, len) => emitUdp(r, new UdpPacket(buf, off, len), src, dst),
  parse: (buf, off, len) => {
    const p = UdpPacket.checked(buf, off, len)
    return p instanceof UdpPacket ? parseUdp(p, src, dst) : p
  },
})

describe('udp', () => {
  test('deconstruct: view getters on golden bytes', () => {
    const p = ok(UdpPacket.checked(GOLDEN))
    assert.equal(p.srcPort, 53000)
    assert.equal(p.dstPort, 53)
    assert.equal(p.length, 37)
    assert.equal(p.checksum, 0xfd6f)
    assert.equal(p.computeChecksum(SRC, DST), 0xfd6f)
    assert.equal(p.verifyChecksum(SRC, DST), true)
    assert.deepEqual(p.payload(), DNS)
  })

  test('parse: repr equals the expected value', () => {
    assert.deepEqual(ok(parseUdp(ok(UdpPacket.checked(GOLDEN)), SRC, DST)), REPR)
  })

  test('construct/emit: golden bytes', () => {
    const buf = new Uint8Array(udpBufferLen(REPR))
    emitUdp(REPR, new UdpPacket(buf, 0, buf.length), SRC, DST)
    assert.deepEqual(buf, GOLDEN)
  })

  test('bad checksum is a WireError with the offset of the field', () => {
    const bad = GOLDEN.slice()
    bad[6] = 0xbe
    bad[7] = 0xef
    assertWireError(parseUdp(ok(UdpPacket.checked(bad)), SRC, DST), 'udp', 'bad-checksum', 6)
    assert.deepEqual(ok(parseUdp(ok(UdpPacket.checked(bad)), SRC, DST, {checksum: false})).srcPort, 53000)
  })

  test('zero checksum means none (RFC 768); emitting without checksum sends 0', () => {
    const none = GOLDEN.slice()
    none[6] = 0
    none[7] = 0
    assert.deepEqual(ok(parseUdp(ok(UdpPacket.checked(none)), SRC, DST)), REPR)
    const buf = new Uint8Array(udpBufferLen(REPR))
    emitUdp(REPR, new UdpPacket(buf, 0, buf.length), SRC, DST, {checksum: false})
    assert.deepEqual(buf, none)
  })

  test('a computed checksum of 0 is sent as 0xffff (RFC 768)', () => {
    // Find a payload word that makes the sum 0xffff: take the checksum c of a 2-byte payload
    // of zeros, then put c in the payload; the new sum complements to 0.
    const base: UdpRepr = {srcPort: 1, dstPort: 2, payload: new Uint8Array(2)}
    const a = new Uint8Array(10)
    emitUdp(base, new UdpPacket(a, 0, a.length), SRC, DST)
    const c = (a[6] << 8) | a[7]
    const r: UdpRepr = {...base, payload: new Uint8Array([c >>> 8, c & 0xff])}
    const b = new Uint8Array(10)
    emitUdp(r, new UdpPacket(b, 0, b.length), SRC, DST)
    assert.deepEqual(Array.from(b.subarray(6, 8)), [0xff, 0xff])
    assert.equal(new UdpPacket(b, 0, b.length).verifyChecksum(SRC, DST), true)
  })

  test('impossible lengths', () => {
    assertWireError(UdpPacket.checked(GOLDEN, 0, 7), 'udp', 'truncated', 7)
    const short = GOLDEN.slice()
    short[5] = 7
    assertWireError(UdpPacket.checked(short), 'udp', 'bad-length', 4)
    const long = GOLDEN.slice()
    long[5] = 38
    assertWireError(UdpPacket.checked(long), 'udp', 'bad-length', 4)
    assertWireError(UdpPacket.checked(GOLDEN, 30, 10), 'udp', 'truncated', 30)
  })

  test('emit needs a buffer of exactly bufferLen', () => {
    assert.throws(() => emitUdp(REPR, new UdpPacket(new Uint8Array(46), 0, 46), SRC, DST), RangeError)
  })

  test('round trip: golden repr', () => {
    assert.deepEqual(checkRoundTrip(codec(SRC, DST), REPR), GOLDEN)
  })

  test('property: random valid reprs round-trip', () => {
    fc.assert(fc.property(arbUdp, arbU32, arbU32, (r, s, d) => void checkRoundTrip(codec(s, d), r)), {seed: 768, numRuns: 300})
  })
})
