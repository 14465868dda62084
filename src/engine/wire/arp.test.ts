import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {ArpPacket, arpBufferLen, emitArp, isArpProbe, isGratuitousArp, parseArp} from './arp.js'
import type {ArpRepr} from './arp.js'
import type {Codec} from './test-support.js'
import {arbArp, assertWireError, checkRoundTrip, hex, ok} from './test-support.js'

// arp_request from the shared testdata: who-has 192.168.100.1 tell 192.168.100.11.
const GOLDEN = hex('0001 0800 06 04 0001 00155d64000b c0a8640b 000000000000 c0a86401')
const REPR: ArpRepr = {op: 1, senderMac: 0x00155d64000b, senderIp: 0xc0a8640b, targetMac: 0, targetIp: 0xc0a86401}

const codec: Codec<ArpRepr> = {
  bufferLen: arpBufferLen,
  emit: (r, buf, off, len) => emitArp(r, new ArpPacket(buf, off, len)),
  parse: (buf, off, len) => {
    const p = ArpPacket.checked(buf, off, len)
    return p instanceof ArpPacket ? parseArp(p) : p
  },
}

describe('arp', () => {
  test('deconstruct', () => {
    const p = ok(ArpPacket.checked(GOLDEN))
    assert.equal(p.htype, 1)
    assert.equal(p.ptype, 0x0800)
    assert.equal(p.hlen, 6)
    assert.equal(p.plen, 4)
    assert.equal(p.op, 1)
    assert.equal(p.senderMac, 0x00155d64000b)
    assert.equal(p.senderIp, 0xc0a8640b)
    assert.equal(p.targetMac, 0)
    assert.equal(p.targetIp, 0xc0a86401)
  })

  test('parse / construct', () => {
    assert.deepEqual(parseArp(ok(ArpPacket.checked(GOLDEN))), REPR)
    const buf = new Uint8Array(28)
    emitArp(REPR, new ArpPacket(buf, 0, buf.length))
    assert.deepEqual(buf, GOLDEN)
  })

  test('gratuitous ARP and probes are recognised', () => {
    assert.equal(isGratuitousArp(REPR), false)
    assert.equal(isGratuitousArp({...REPR, targetIp: REPR.senderIp}), true)
    assert.equal(isGratuitousArp({...REPR, op: 2, targetIp: REPR.senderIp}), true)
    assert.equal(isArpProbe({...REPR, senderIp: 0}), true)
    assert.equal(isArpProbe(REPR), false)
  })

  test('impossible lengths and unsupported pairs', () => {
    assertWireError(ArpPacket.checked(GOLDEN, 0, 7), 'arp', 'truncated', 7)
    assertWireError(ArpPacket.checked(GOLDEN, 0, 27), 'arp', 'truncated', 27)
    const ipv6 = GOLDEN.slice()
    ipv6[2] = 0x86
    ipv6[3] = 0xdd
    assertWireError(ArpPacket.checked(ipv6), 'arp', 'unsupported', 0)
    const hlen = GOLDEN.slice()
    hlen[4] = 8
    assertWireError(ArpPacket.checked(hlen), 'arp', 'unsupported', 0)
  })

  test('round trip', () => {
    assert.deepEqual(checkRoundTrip(codec, REPR), GOLDEN)
    fc.assert(fc.property(arbArp, (r) => void checkRoundTrip(codec, r)), {seed: 826, numRuns: 200})
  })
})
