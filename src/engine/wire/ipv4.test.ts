import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {checksumAdjust, checksumAdjust32, internetChecksum} from './checksum.js'
import {IP_CHECKSUM, Ipv4Packet, decrementTtl, emitIpv4, formatIpProtocol, ipv4BufferLen, ipv4Repr, parseIpv4} from './ipv4.js'
import type {Ipv4Repr} from './ipv4.js'
import type {Codec} from './test-support.js'
import {arbIpv4, arbU16, arbU32, assertWireError, checkRoundTrip, hex, ok} from './test-support.js'

// icmp_echo_request's IPv4 header from the shared testdata: DF, ident 1234, TTL 64, checksum 0x0723.
const HEADER = hex('4500005404d2400040010723c0a8640b0a000001')
const REPR: Ipv4Repr = ipv4Repr({src: 0xc0a8640b, dst: 0x0a000001, protocol: 1, ttl: 64, ident: 1234, dontFrag: true, payloadLen: 64})

function packet(header: Uint8Array, payloadLen: number): Uint8Array {
  const b = new Uint8Array(header.length + payloadLen)
  b.set(header)
  return b
}

const codec: Codec<Ipv4Repr> = {
  bufferLen: ipv4BufferLen,
  emit: (r, buf, off, len) => {
    buf.fill(0x11, off + len - r.payloadLen, off + len)
    emitIpv4(r, new Ipv4Packet(buf, off, len))
  },
  parse: (buf, off, len) => {
    const p = Ipv4Packet.checked(buf, off, len)
    return p instanceof Ipv4Packet ? parseIpv4(p) : p
  },
}

describe('ipv4', () => {
  test('deconstruct', () => {
    const p = ok(Ipv4Packet.checked(packet(HEADER, 64)))
    assert.equal(p.version, 4)
    assert.equal(p.ihl, 5)
    assert.equal(p.headerLen, 20)
    assert.equal(p.dscp, 0)
    assert.equal(p.ecn, 0)
    assert.equal(p.totalLen, 84)
    assert.equal(p.ident, 1234)
    assert.equal(p.dontFrag, true)
    assert.equal(p.moreFrags, false)
    assert.equal(p.fragOffset, 0)
    assert.equal(p.ttl, 64)
    assert.equal(p.protocol, 1)
    assert.equal(p.checksum, 0x0723)
    assert.equal(p.src, 0xc0a8640b)
    assert.equal(p.dst, 0x0a000001)
    assert.equal(p.verifyChecksum(), true)
    assert.equal(p.payloadLen, 64)
  })

  test('DSCP/ECN, MF and fragment offset', () => {
    const h = hex('46b8002800072066 3f11 0000 0a000001 0a000002 01010000')
    const pb = packet(h, 16)
    const p = new Ipv4Packet(pb, 0, pb.length)
    p.fillChecksum()
    const r = ok(parseIpv4(ok(Ipv4Packet.checked(p.buf))))
    assert.deepEqual({...r, options: Array.from(r.options)}, {src: 0x0a000001, dst: 0x0a000002, protocol: 17, ttl: 63, dscp: 46, ecn: 0, ident: 7, dontFrag: false, moreFrags: true, fragOffset: 0x66, options: [1, 1, 0, 0], payloadLen: 16})
  })

  test('parse / construct', () => {
    assert.deepEqual(ok(parseIpv4(ok(Ipv4Packet.checked(packet(HEADER, 64))))), REPR)
    const buf = new Uint8Array(ipv4BufferLen(REPR))
    emitIpv4(REPR, new Ipv4Packet(buf, 0, buf.length))
    assert.deepEqual(buf.subarray(0, 20), HEADER)
  })

  test('ipv4Repr: an originated header (TOS 0, no DF unless asked, no options, not a fragment)', () => {
    const r = ipv4Repr({src: 0xc0a8640b, dst: 0x0a000001, protocol: 17, ttl: 128, ident: 0x0102, payloadLen: 8})
    const buf = new Uint8Array(ipv4BufferLen(r))
    emitIpv4(r, new Ipv4Packet(buf, 0, buf.length))
    assert.deepEqual(buf.subarray(0, 20), hex('4500001c 0102 0000 80 11 0b1b c0a8640b 0a000001'))
    assert.equal(ipv4Repr({src: 1, dst: 2, protocol: 6, ttl: 64, ident: 0}).payloadLen, 0)
    const df = ipv4Repr({src: 1, dst: 2, protocol: 6, ttl: 64, ident: 0, dontFrag: true, payloadLen: 0})
    const dfBuf = new Uint8Array(20)
    emitIpv4(df, new Ipv4Packet(dfBuf, 0, 20))
    assert.deepEqual(dfBuf.subarray(6, 8), hex('4000'))
  })

  test('decrementTtl: TTL - 1 and the checksum patched as a full recompute would give (RFC 1624)', () => {
    const buf = new Uint8Array(3 + 20)
    buf.set(HEADER, 3)
    assert.equal(decrementTtl(buf, 3), 63)
    assert.deepEqual(buf.subarray(3), hex('4500005404d240003f010823c0a8640b0a000001'))
    assert.ok(new Ipv4Packet(buf, 3, 20).verifyChecksum())
    assert.equal(decrementTtl(buf, 3), 62)
    assert.ok(new Ipv4Packet(buf, 3, 20).verifyChecksum())
  })

  test('bad checksum: a WireError, yet the view still shows every field', () => {
    const bad = packet(HEADER, 64)
    bad[10] = 0x12
    bad[11] = 0x34
    const p = ok(Ipv4Packet.checked(bad))
    assertWireError(parseIpv4(p), 'ipv4', 'bad-checksum', IP_CHECKSUM)
    assert.equal(p.computeChecksum(), 0x0723)
    assert.equal(ok(parseIpv4(p, {verifyChecksum: false})).ident, 1234)
  })

  test('impossible lengths and versions', () => {
    assertWireError(Ipv4Packet.checked(packet(HEADER, 64), 0, 19), 'ipv4', 'truncated', 19)
    assertWireError(Ipv4Packet.checked(packet(HEADER, 63)), 'ipv4', 'truncated', 83)
    const v6 = packet(HEADER, 64)
    v6[0] = 0x65
    assertWireError(Ipv4Packet.checked(v6), 'ipv4', 'bad-version', 0)
    const ihl = packet(HEADER, 64)
    ihl[0] = 0x44
    assertWireError(Ipv4Packet.checked(ihl), 'ipv4', 'bad-length', 0)
    const ihlLong = packet(HEADER, 0)
    ihlLong[0] = 0x46
    assertWireError(Ipv4Packet.checked(ihlLong), 'ipv4', 'truncated', 20)
    const total = packet(HEADER, 64)
    total[2] = 0
    total[3] = 19
    assertWireError(Ipv4Packet.checked(total), 'ipv4', 'bad-length', 2)
  })

  test('padding after totalLen is not payload', () => {
    const p = ok(Ipv4Packet.checked(packet(HEADER, 80)))
    assert.equal(p.payloadLen, 64)
    assert.equal(p.payload().length, 64)
  })

  test('unknown protocols print as numbers', () => {
    assert.equal(formatIpProtocol(47), '0x2f')
    assert.equal(formatIpProtocol(17), 'UDP')
  })

  test('round trip', () => {
    assert.deepEqual(checkRoundTrip(codec, REPR).subarray(0, 20), HEADER)
    fc.assert(fc.property(arbIpv4(), (r) => void checkRoundTrip(codec, r)), {seed: 791, numRuns: 300})
  })

  test('RFC 1624 incremental update equals a full recompute (random headers, TTL and address rewrites)', () => {
    fc.assert(
      fc.property(arbIpv4(0), arbU32, arbU16, (r, newSrc, newWord) => {
        const buf = new Uint8Array(ipv4BufferLen(r))
        emitIpv4(r, new Ipv4Packet(buf, 0, buf.length))
        const p = new Ipv4Packet(buf, 0, buf.length)
        // NAT: rewrite the source address.
        const sum1 = checksumAdjust32(p.checksum, p.src, newSrc)
        p.src = newSrc
        p.fillChecksum()
        assert.equal(sum1, p.checksum)
        // A router: rewrite the TTL/protocol word.
        const oldWord = (buf[8] << 8) | buf[9]
        const sum2 = checksumAdjust(p.checksum, oldWord, newWord)
        buf[8] = newWord >>> 8
        buf[9] = newWord & 0xff
        p.fillChecksum()
        assert.equal(sum2, p.checksum)
        assert.equal(internetChecksum(buf, 0, 20 + r.options.length), 0)
      }),
      {seed: 1624, numRuns: 1000},
    )
  })
})
