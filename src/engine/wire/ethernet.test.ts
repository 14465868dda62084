import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {ETHERTYPE_VLAN, EthernetFrame, emitEthernet, ethernetBufferLen, ethernetHeaderLen, formatEtherType, parseEthernet, popVlan, pushVlan, readVlanTag} from './ethernet.js'
import type {EthernetRepr} from './ethernet.js'
import type {Codec} from './test-support.js'
import {arbEthernet, assertWireError, checkRoundTrip, hex, ok} from './test-support.js'

// vlan_tagged_icmp from the shared testdata (header only) and its untagged twin.
const TAGGED_HDR = hex('00155d640001 00155d64000b 8100 600a 0800')
const UNTAGGED_HDR = hex('00155d640001 00155d64000b 0800')
const REPR: EthernetRepr = {dst: 0x00155d640001, src: 0x00155d64000b, etherType: 0x0800}
const TAGGED: EthernetRepr = {...REPR, vlan: {pcp: 3, dei: false, vid: 10}}

/** The Ethernet header codec with a fixed 46-byte payload region (zero padded on emit). */
const codec: Codec<EthernetRepr> = {
  bufferLen: (r) => ethernetBufferLen(r, 0),
  emit: (r, buf, off, len) => emitEthernet(r, new EthernetFrame(buf, off, len), 0),
  parse: (buf, off, len) => {
    const f = EthernetFrame.checked(buf, off, len)
    return f instanceof EthernetFrame ? parseEthernet(f) : f
  },
}

describe('ethernet', () => {
  test('deconstruct: untagged', () => {
    const f = ok(EthernetFrame.checked(UNTAGGED_HDR))
    assert.equal(f.dst, 0x00155d640001)
    assert.equal(f.src, 0x00155d64000b)
    assert.equal(f.isTagged, false)
    assert.equal(f.etherType, 0x0800)
    assert.equal(f.headerLen, 14)
    assert.equal(f.vid, 0)
    assert.equal(f.payloadOffset, 14)
  })

  test('deconstruct: 802.1Q tag PCP 3 VID 10', () => {
    const f = ok(EthernetFrame.checked(TAGGED_HDR))
    assert.equal(f.isTagged, true)
    assert.equal(f.tci, 0x600a)
    assert.equal(f.pcp, 3)
    assert.equal(f.dei, false)
    assert.equal(f.vid, 10)
    assert.equal(f.etherType, 0x0800)
    assert.equal(f.headerLen, 18)
    assert.deepEqual(parseEthernet(f), TAGGED)
  })

  test('construct: emit pads to 60 bytes with zeros', () => {
    const buf = new Uint8Array(ethernetBufferLen(TAGGED, 0)).fill(0xee)
    emitEthernet(TAGGED, new EthernetFrame(buf, 0, buf.length), 0)
    assert.equal(buf.length, 60)
    assert.deepEqual(buf.subarray(0, 18), TAGGED_HDR)
    assert.ok(buf.subarray(18).every((x) => x === 0))
    assert.equal(ethernetBufferLen(REPR, 100), 114)
    assert.equal(ethernetHeaderLen(TAGGED), 18)
  })

  test('impossible lengths: short header, short tag, over the MTU unless jumbo allowed', () => {
    assertWireError(EthernetFrame.checked(UNTAGGED_HDR.subarray(0, 13)), 'ethernet', 'truncated', 13)
    assertWireError(EthernetFrame.checked(TAGGED_HDR.subarray(0, 17)), 'vlan', 'truncated', 17)
    const big = new Uint8Array(1515)
    big.set(UNTAGGED_HDR)
    assertWireError(EthernetFrame.checked(big), 'ethernet', 'bad-length', 1514)
    ok(EthernetFrame.checked(big.subarray(0, 1514)))
    ok(EthernetFrame.checked(big, 0, big.length, {maxFrameLen: 9014}))
    const bigTagged = new Uint8Array(1518)
    bigTagged.set(TAGGED_HDR)
    ok(EthernetFrame.checked(bigTagged))
    const tooBigTagged = new Uint8Array(1519)
    tooBigTagged.set(TAGGED_HDR)
    assertWireError(EthernetFrame.checked(tooBigTagged), 'ethernet', 'bad-length', 1518)
    assert.throws(() => emitEthernet(REPR, new EthernetFrame(new Uint8Array(1515), 0, 1515), 1501), RangeError)
  })

  test('push/pop 802.1Q', () => {
    const frame = new Uint8Array(60)
    frame.set(UNTAGGED_HDR)
    frame[14] = 0x45
    const tagged = ok(pushVlan(frame, {pcp: 3, dei: false, vid: 10}))
    assert.equal(tagged.length, 64)
    assert.deepEqual(tagged.subarray(0, 18), TAGGED_HDR)
    assert.equal(tagged[18], 0x45)
    assert.deepEqual(readVlanTag(tagged), {pcp: 3, dei: false, vid: 10})
    const popped = ok(popVlan(tagged))
    assert.deepEqual(popped.tag, {pcp: 3, dei: false, vid: 10})
    assert.deepEqual(popped.frame, frame)
    // Re-tagging replaces the tag rather than stacking a second one.
    const retagged = ok(pushVlan(tagged, {pcp: 0, dei: true, vid: 20}))
    assert.equal(retagged.length, 64)
    assert.deepEqual(Array.from(retagged.subarray(12, 16)), [0x81, 0x00, 0x10, 0x14])
    assert.equal(ok(popVlan(frame)).tag, null)
    assertWireError(popVlan(TAGGED_HDR.subarray(0, 15)), 'vlan', 'truncated', 15)
    assert.equal(readVlanTag(UNTAGGED_HDR), null)
    assert.equal(ETHERTYPE_VLAN, 0x8100)
  })

  test('popping the tag of a minimum-size tagged frame re-pads to 60', () => {
    const t = new Uint8Array(60)
    t.set(TAGGED_HDR)
    const p = ok(popVlan(t))
    assert.equal(p.frame.length, 60)
  })

  test('unknown EtherTypes print as numbers', () => {
    assert.equal(formatEtherType(0x88cc), '0x88cc')
    assert.equal(formatEtherType(0x0800), 'IPv4')
    assert.equal(formatEtherType(0x0806), 'ARP')
  })

  test('round trip: golden reprs', () => {
    assert.deepEqual(checkRoundTrip(codec, TAGGED).subarray(0, 18), TAGGED_HDR)
    assert.deepEqual(checkRoundTrip(codec, REPR).subarray(0, 14), UNTAGGED_HDR)
  })

  test('property: random valid reprs round-trip', () => {
    fc.assert(fc.property(arbEthernet, (r) => void checkRoundTrip(codec, r)), {seed: 8023, numRuns: 300})
  })
})
