import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {BOOTP_MIN_LEN, DhcpPacket, chaddrFromMac, dhcpBufferLen, dhcpClientMac, dhcpMessageType, dhcpMessageTypeName, emitDhcp, parseDhcp, parseDhcpOptions} from './dhcp.js'
import type {DhcpRepr} from './dhcp.js'
import type {Codec} from './test-support.js'
import {arbDhcp, assertWireError, checkRoundTrip, hex, ok} from './test-support.js'

const zeros = (n: number): string => '00'.repeat(n)
// dhcp_offer's BOOTP message from the shared testdata (unpadded, as scapy builds it).
const OFFER_OPTIONS = '3501023604c0a864013304000151800104ffffff000304c0a864010604c0a864010f0c6c61622e696e7465726e616cff'
const OFFER = hex('020106003903f326 0000 8000 00000000 c0a86432 c0a86401 00000000' + '00155d640032' + zeros(10) + zeros(64) + zeros(128) + '63825363' + OFFER_OPTIONS)
const OFFER_REPR: DhcpRepr = {
  op: 2,
  htype: 1,
  hlen: 6,
  hops: 0,
  xid: 0x3903f326,
  secs: 0,
  flags: 0x8000,
  ciaddr: 0,
  yiaddr: 0xc0a86432,
  siaddr: 0xc0a86401,
  giaddr: 0,
  chaddr: chaddrFromMac(0x00155d640032),
  sname: new Uint8Array(64),
  file: new Uint8Array(128),
  options: [
    {kind: 'message-type', messageType: 2},
    {kind: 'server-id', address: 0xc0a86401},
    {kind: 'lease-time', seconds: 86400},
    {kind: 'subnet-mask', address: 0xffffff00},
    {kind: 'router', addresses: [0xc0a86401]},
    {kind: 'dns', addresses: [0xc0a86401]},
    {kind: 'domain-name', name: 'lab.internal'},
    {kind: 'end'},
  ],
}

const codec: Codec<DhcpRepr> = {
  bufferLen: dhcpBufferLen,
  emit: (r, buf, off, len) => emitDhcp(r, new DhcpPacket(buf, off, len)),
  parse: (buf, off, len) => {
    const p = DhcpPacket.checked(buf, off, len)
    return p instanceof DhcpPacket ? parseDhcp(p) : p
  },
}

describe('dhcp', () => {
  test('deconstruct', () => {
    const p = ok(DhcpPacket.checked(OFFER))
    assert.equal(p.op, 2)
    assert.equal(p.xid, 0x3903f326)
    assert.equal(p.flags, 0x8000)
    assert.equal(p.broadcast, true)
    assert.equal(p.giaddr, 0)
    assert.equal(p.clientMac, 0x00155d640032)
    assert.equal(p.messageType, 2)
  })

  test('parse: unpadded message (scapy)', () => {
    const r = ok(parseDhcp(ok(DhcpPacket.checked(OFFER))))
    assert.deepEqual(r, OFFER_REPR)
    assert.equal(dhcpMessageType(r), 2)
    assert.equal(dhcpMessageTypeName(2), 'OFFER')
    assert.equal(dhcpClientMac(r), 0x00155d640032)
  })

  test('construct: emit pads the BOOTP message to 300 bytes (RFC 951 / RFC 1542)', () => {
    assert.equal(OFFER.length, 288)
    const buf = new Uint8Array(dhcpBufferLen(OFFER_REPR))
    assert.equal(buf.length, BOOTP_MIN_LEN)
    emitDhcp(OFFER_REPR, new DhcpPacket(buf, 0, buf.length))
    assert.deepEqual(buf.subarray(0, OFFER.length), OFFER)
    assert.ok(buf.subarray(OFFER.length).every((x) => x === 0))
    // and the padded form parses back to the same repr
    assert.deepEqual(ok(parseDhcp(ok(DhcpPacket.checked(buf)))), OFFER_REPR)
  })

  test('every option of RFC 2132 the brief lists; unknown kept raw', () => {
    const opts = hex('3501 01 0104ffffff00 0308 0a000001 0a000002 0604 08080808 0c03 766d31 0f03 6c6162 3204 c0a80002 3304 00000e10 3604 c0a80001 3703 01030f 3a04 00000708 3b04 00000c4e 3d07 0100155d010203 5202 0102 00 ff 0000')
    assert.deepEqual(ok(parseDhcpOptions(opts, 0, opts.length)), [
      {kind: 'message-type', messageType: 1},
      {kind: 'subnet-mask', address: 0xffffff00},
      {kind: 'router', addresses: [0x0a000001, 0x0a000002]},
      {kind: 'dns', addresses: [0x08080808]},
      {kind: 'hostname', name: 'vm1'},
      {kind: 'domain-name', name: 'lab'},
      {kind: 'requested-ip', address: 0xc0a80002},
      {kind: 'lease-time', seconds: 3600},
      {kind: 'server-id', address: 0xc0a80001},
      {kind: 'parameter-request-list', codes: [1, 3, 15]},
      {kind: 'renewal-time', seconds: 1800},
      {kind: 'rebinding-time', seconds: 3150},
      {kind: 'client-id', data: hex('0100155d010203')},
      {kind: 'unknown', code: 82, data: hex('0102')},
      {kind: 'pad'},
      {kind: 'end'},
    ])
    assert.deepEqual(['DISCOVER', 'OFFER', 'REQUEST', 'DECLINE', 'ACK', 'NAK', 'RELEASE', 'INFORM'], [1, 2, 3, 4, 5, 6, 7, 8].map(dhcpMessageTypeName))
  })

  test('impossible lengths and malformed options', () => {
    assertWireError(DhcpPacket.checked(OFFER, 0, 239), 'dhcp', 'truncated', 239)
    const noCookie = OFFER.slice()
    noCookie[236] = 0
    assertWireError(DhcpPacket.checked(noCookie), 'dhcp', 'malformed', 236)
    assertWireError(parseDhcpOptions(hex('3304000151'), 0, 5), 'dhcp', 'truncated', 5)
    assertWireError(parseDhcpOptions(hex('350201'), 0, 3), 'dhcp', 'truncated', 3)
    assertWireError(parseDhcpOptions(hex('35020101'), 0, 4), 'dhcp', 'malformed', 1)
    assertWireError(parseDhcpOptions(hex('030500000000ff'), 0, 7), 'dhcp', 'malformed', 1)
    assertWireError(parseDhcpOptions(hex('33'), 0, 1), 'dhcp', 'truncated', 1)
  })

  test('round trip', () => {
    const bytes = checkRoundTrip(codec, OFFER_REPR)
    assert.deepEqual(bytes.subarray(0, OFFER.length), OFFER)
    fc.assert(fc.property(arbDhcp, (r) => void checkRoundTrip(codec, r)), {seed: 2131, numRuns: 200})
  })
})
