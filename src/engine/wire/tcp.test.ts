import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {TCP_ACK_FLAG, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG, TcpPacket, emitTcp, formatTcpFlags, parseTcp, parseTcpOptions, tcpBufferLen, tcpFlagNames, tcpReset, tcpSegLen} from './tcp.js'
import type {TcpRepr} from './tcp.js'
import type {Codec} from './test-support.js'
import {arbTcp, arbU32, assertWireError, checkRoundTrip, hex, ok} from './test-support.js'

// tcp_syn from the shared testdata: 192.168.100.11:40000 -> 10.0.0.1:80, Linux's SYN options.
const SRC = 0xc0a8640b
const DST = 0x0a000001
const GOLDEN = hex('9c400050000003e800000000a002faf04da90000' + '020405b40402080a000030390000000001030307')
const REPR: TcpRepr = {
  srcPort: 40000,
  dstPort: 80,
  seqNo: 1000,
  ackNo: 0,
  flags: TCP_SYN,
  window: 64240,
  urgent: 0,
  options: [{kind: 'mss', mss: 1460}, {kind: 'sack-permitted'}, {kind: 'timestamps', tsVal: 12345, tsEcr: 0}, {kind: 'nop'}, {kind: 'window-scale', shift: 7}],
  payload: new Uint8Array(0),
}

const codec = (src: number, dst: number): Codec<TcpRepr> => ({
  bufferLen: tcpBufferLen,
  emit: (r, buf, off, len) => emitTcp(r, new TcpPacket(buf, off, len), src, dst),
  parse: (buf, off, len) => {
    const p = TcpPacket.checked(buf, off, len)
    return p instanceof TcpPacket ? parseTcp(p, src, dst) : p
  },
})

describe('tcp', () => {
  test('deconstruct', () => {
    const p = ok(TcpPacket.checked(GOLDEN))
    assert.equal(p.srcPort, 40000)
    assert.equal(p.dstPort, 80)
    assert.equal(p.seqNo, 1000)
    assert.equal(p.ackNo, 0)
    assert.equal(p.dataOffset, 10)
    assert.equal(p.headerLen, 40)
    assert.equal(p.flags, TCP_SYN)
    assert.equal(p.window, 64240)
    assert.equal(p.checksum, 0x4da9)
    assert.equal(p.urgent, 0)
    assert.equal(p.verifyChecksum(SRC, DST), true)
    assert.equal(p.payload().length, 0)
  })

  test('parse', () => {
    assert.deepEqual(ok(parseTcp(ok(TcpPacket.checked(GOLDEN)), SRC, DST)), REPR)
  })

  test('construct/emit', () => {
    const buf = new Uint8Array(tcpBufferLen(REPR))
    emitTcp(REPR, new TcpPacket(buf, 0, buf.length), SRC, DST)
    assert.deepEqual(buf, GOLDEN)
  })

  test('flags: all eight bits, tcpdump letters', () => {
    assert.deepEqual([TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK_FLAG, TCP_URG, TCP_ECE, TCP_CWR], [1, 2, 4, 8, 16, 32, 64, 128])
    assert.deepEqual(tcpFlagNames(0xff), ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'])
    assert.equal(formatTcpFlags(TCP_SYN | TCP_ACK_FLAG), 'S.')
    assert.equal(formatTcpFlags(TCP_PSH | TCP_ACK_FLAG), 'P.')
    assert.equal(formatTcpFlags(0), 'none')
  })

  test('options: SACK blocks, EOL, unknown kinds kept raw', () => {
    const b = hex('050a0000000100000002' + '1e03ff' + '00' + '0000')
    assert.deepEqual(ok(parseTcpOptions(b, 20)), [{kind: 'sack', blocks: [[1, 2]]}, {kind: 'unknown', type: 30, data: hex('ff')}, {kind: 'eol'}])
  })

  test('options: malformed lengths', () => {
    assertWireError(parseTcpOptions(hex('0205'), 20), 'tcp', 'malformed', 21)
    assertWireError(parseTcpOptions(hex('020305b4'), 20), 'tcp', 'malformed', 21)
    assertWireError(parseTcpOptions(hex('02'), 20), 'tcp', 'malformed', 20)
    assertWireError(parseTcpOptions(hex('1e01'), 20), 'tcp', 'malformed', 21)
    assertWireError(parseTcpOptions(hex('050b000000010000000200'), 20), 'tcp', 'malformed', 21)
  })

  test('impossible lengths', () => {
    assertWireError(TcpPacket.checked(GOLDEN, 0, 19), 'tcp', 'truncated', 19)
    assertWireError(TcpPacket.checked(GOLDEN, 0, 39), 'tcp', 'truncated', 39)
    const bad = GOLDEN.slice()
    bad[12] = 0x40
    assertWireError(TcpPacket.checked(bad), 'tcp', 'bad-length', 12)
  })

  test('bad checksum', () => {
    const bad = GOLDEN.slice()
    bad[4] ^= 1
    assertWireError(parseTcp(ok(TcpPacket.checked(bad)), SRC, DST), 'tcp', 'bad-checksum', 16)
  })

  test('round trip: golden repr, and with payload', () => {
    assert.deepEqual(checkRoundTrip(codec(SRC, DST), REPR), GOLDEN)
    checkRoundTrip(codec(SRC, DST), {...REPR, flags: TCP_PSH | TCP_ACK_FLAG, ackNo: 77, payload: hex('474554202f20485454502f312e310d0a')})
  })

  /** The reset answering `segment` (SRC -> DST), as sent back (DST -> SRC). */
  function resetBytes(segment: TcpPacket): Uint8Array {
    const rst = tcpReset(segment)
    const buf = new Uint8Array(tcpBufferLen(rst))
    emitTcp(rst, new TcpPacket(buf, 0, buf.length), DST, SRC)
    return buf
  }

  test('tcpReset answers a SYN with RST-ACK <SEQ=0><ACK=SEG.SEQ+SEG.LEN> (RFC 9293 3.10.7.1)', () => {
    const syn = ok(TcpPacket.checked(GOLDEN))
    assert.equal(tcpSegLen(syn), 1)
    // 80 -> 40000, seq 0, ack 1001, data offset 5, RST+ACK, window 0, checksum computed by hand.
    assert.deepEqual(resetBytes(syn), hex('0050 9c40 00000000 000003e9 5014 0000 e0a2 0000'))
  })

  test('tcpReset answers an ACK segment with a bare RST <SEQ=SEG.ACK>, and counts data and FIN in SEG.LEN', () => {
    const seg = ok(TcpPacket.checked(hex('9c40 0050 00000bb8 01020304 5018 faf0 0000 0000 68656c6c6f')))
    assert.equal(tcpSegLen(seg), 5)
    assert.deepEqual(resetBytes(seg), hex('0050 9c40 01020304 00000000 5004 0000 e095 0000'))

    // No ACK, 3 bytes and a FIN at the top of sequence space: the acknowledgment wraps.
    const fin = ok(TcpPacket.checked(hex('9c40 0050 fffffffe 00000000 5001 faf0 0000 0000 616263')))
    assert.equal(tcpSegLen(fin), 4)
    assert.deepEqual(tcpReset(fin), {srcPort: 80, dstPort: 40000, seqNo: 0, ackNo: 2, flags: TCP_RST | TCP_ACK_FLAG, window: 0, urgent: 0, options: [], payload: new Uint8Array(0)})
  })

  test('property: random valid reprs round-trip', () => {
    fc.assert(fc.property(arbTcp, arbU32, arbU32, (r, s, d) => void checkRoundTrip(codec(s, d), r)), {seed: 9293, numRuns: 300})
  })
})
