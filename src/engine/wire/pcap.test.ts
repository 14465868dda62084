import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {readCapture, readPcap, readPcapng, writePcapng} from './pcap.js'
import type {PcapWriteRecord} from './pcap.js'
import {assertWireError, hex, ok, TSHARK, tsharkFields} from './test-support.js'

const ARP = hex('ffffffffffff00155d64000b0806000108000604000100155d64000bc0a8640b000000000000c0a86401')
const ICMP = hex('00155d64000100155d64000b08004500005404d2400040010723c0a8640b0a0000010800f05910920001000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637')
const RECORDS: PcapWriteRecord[] = [
  {interfaceName: 'vEthernet (LabSwitch)', timestamp: 1_000_001n, bytes: ARP, comment: 'arp from vm1'},
  {interfaceName: 'vm1/eth0', timestamp: 2_500_000, bytes: ICMP, comment: 'hop 1: vm1 -> LabSwitch ✓'},
  {interfaceName: 'vEthernet (LabSwitch)', timestamp: (1n << 40n) + 3n, bytes: ICMP.subarray(0, 61)},
]

/** Byte-order-swapped u32/u16 writers for hand-built files. */
function u32(v: number, le: boolean): number[] {
  const b = [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]
  return le ? b.reverse() : b
}
function u16(v: number, le: boolean): number[] {
  const b = [(v >>> 8) & 255, v & 255]
  return le ? b.reverse() : b
}

function classicPcap(le: boolean, ns: boolean): Uint8Array {
  const out = [...u32(ns ? 0xa1b23c4d : 0xa1b2c3d4, le), ...u16(2, le), ...u16(4, le), ...u32(0, le), ...u32(0, le), ...u32(65535, le), ...u32(1, le)]
  out.push(...u32(1700000000, le), ...u32(ns ? 123456789 : 123456, le), ...u32(ARP.length, le), ...u32(60, le), ...ARP)
  out.push(...u32(1700000001, le), ...u32(7, le), ...u32(ICMP.length, le), ...u32(ICMP.length, le), ...ICMP)
  return Uint8Array.from(out)
}

function blk(type: number, body: number[], le: boolean): number[] {
  while (body.length % 4) body.push(0)
  const total = 12 + body.length
  return [...u32(type, le), ...u32(total, le), ...body, ...u32(total, le)]
}

/** A big- or little-endian pcapng with an unknown block, a nameless IDB at ns resolution and a 2^-10 one. */
function handPcapng(le: boolean): Uint8Array {
  const shb = blk(0x0a0d0d0a, [...u32(0x1a2b3c4d, le), ...u16(1, le), ...u16(0, le), ...Array(8).fill(0xff)], le)
  const idb0 = blk(1, [...u16(1, le), 0, 0, ...u32(0, le), ...u16(9, le), ...u16(1, le), 9, 0, 0, 0, ...u16(0, le), 0, 0], le)
  const unknown = blk(0x00000bad, [1, 2, 3, 4, 5], le)
  const idb1 = blk(1, [...u16(1, le), 0, 0, ...u32(0, le), ...u16(2, le), ...u16(3, le), 0x65, 0x74, 0x68, 0, ...u16(9, le), ...u16(1, le), 0x8a, 0, 0, 0, ...u16(0, le), 0, 0], le)
  const epb0 = blk(6, [...u32(0, le), ...u32(1, le), ...u32(5, le), ...u32(ARP.length, le), ...u32(ARP.length, le), ...ARP, 0, 0, ...u16(1, le), ...u16(2, le), 0x68, 0x69, 0, 0, ...u16(0, le), 0, 0], le)
  const epb1 = blk(6, [...u32(1, le), ...u32(0, le), ...u32(2048, le), ...u32(ICMP.length, le), ...u32(1514, le), ...ICMP], le)
  return Uint8Array.from([...shb, ...idb0, ...unknown, ...idb1, ...epb0, ...epb1])
}

describe('pcap', () => {
  test('pcapng written is read back with the same records (µs resolution)', () => {
    const file = writePcapng(RECORDS)
    const back = ok(readCapture(file))
    assert.deepEqual(
      back.map((r) => ({interfaceName: r.interfaceName, timestamp: r.timestamp, bytes: r.bytes, comment: r.comment, originalLength: r.originalLength, linkType: r.linkType})),
      [
        {interfaceName: 'vEthernet (LabSwitch)', timestamp: 1_000_001_000n, bytes: ARP, comment: 'arp from vm1', originalLength: 42, linkType: 1},
        {interfaceName: 'vm1/eth0', timestamp: 2_500_000_000n, bytes: ICMP, comment: 'hop 1: vm1 -> LabSwitch ✓', originalLength: 98, linkType: 1},
        {interfaceName: 'vEthernet (LabSwitch)', timestamp: ((1n << 40n) + 3n) * 1000n, bytes: ICMP.subarray(0, 61), comment: '', originalLength: 61, linkType: 1},
      ],
    )
  })

  test('nanosecond resolution sets if_tsresol 9 and keeps every digit', () => {
    const file = writePcapng([{interfaceName: 'a', timestamp: 1_700_000_000_123_456_789n, bytes: ARP}], {resolution: 'ns'})
    const back = ok(readPcapng(file))
    assert.equal(back[0].timestamp, 1_700_000_000_123_456_789n)
    // The IDB right after the 44-byte SHB: linktype 1, snaplen 0, if_name 'a', if_tsresol 9.
    assert.deepEqual(file.subarray(44, 84), hex('01000000 28000000 0100 0000 00000000 0200 0100 61000000 0900 0100 09000000 0000 0000 28000000'))
    assert.equal(writePcapng([{interfaceName: 'a', timestamp: 0, bytes: ARP}])[44 + 28], 6, 'µs files say if_tsresol 6')
  })

  test('golden layout: section header block', () => {
    const file = writePcapng([])
    assert.deepEqual(file, hex('0a0d0d0a 2c000000 4d3c2b1a 0100 0000 ffffffffffffffff 0400 0500 6876 6e65 7400 0000 0000 0000 2c000000'))
  })

  test('declared interfaces get an IDB even without packets', () => {
    const file = writePcapng([{interfaceName: 'b', timestamp: 0, bytes: ARP}], {interfaces: ['a', 'b']})
    const back = ok(readPcapng(file))
    assert.equal(back[0].interfaceName, 'b')
  })

  test('hand-built pcapng in both byte orders; unknown blocks skipped; resolutions 10^-9 and 2^-10', () => {
    for (const le of [true, false]) {
      const back = ok(readCapture(handPcapng(le)))
      assert.deepEqual(
        back.map((r) => ({n: r.interfaceName, t: r.timestamp, len: r.bytes.length, c: r.comment, o: r.originalLength})),
        [
          {n: 'if0', t: (1n << 32n) + 5n, len: 42, c: 'hi', o: 42},
          {n: 'eth', t: 2n * 1_000_000_000n, len: 98, c: '', o: 1514},
        ],
        le ? 'little-endian' : 'big-endian',
      )
      assert.deepEqual(back[0].bytes, ARP)
    }
  })

  test('classic pcap: both byte orders, µs and ns magic', () => {
    for (const le of [true, false]) {
      for (const ns of [false, true]) {
        const back = ok(readCapture(classicPcap(le, ns)))
        assert.deepEqual(
          back.map((r) => ({n: r.interfaceName, t: r.timestamp, b: r.bytes, o: r.originalLength, l: r.linkType})),
          [
            {n: '', t: 1_700_000_000n * 1_000_000_000n + (ns ? 123_456_789n : 123_456_000n), b: ARP, o: 60, l: 1},
            {n: '', t: 1_700_000_001n * 1_000_000_000n + (ns ? 7n : 7000n), b: ICMP, o: 98, l: 1},
          ],
          `le=${le} ns=${ns}`,
        )
      }
    }
  })

  test('malformed files give a WireError with an offset', () => {
    assertWireError(readCapture(hex('0a0d')), 'pcap', 'truncated', 2)
    assertWireError(readCapture(hex('deadbeef00000000')), 'pcap', 'malformed', 0)
    const good = writePcapng(RECORDS)
    assertWireError(readCapture(good.subarray(0, good.length - 3)), 'pcapng', 'truncated', good.length - 3)
    const badTrailer = good.slice()
    badTrailer[40] ^= 1 // SHB trailing length
    assertWireError(readCapture(badTrailer), 'pcapng', 'malformed', 40)
    const badLen = good.slice()
    badLen[4] = 13
    assertWireError(readCapture(badLen), 'pcapng', 'bad-length', 4)
    const bom = good.slice()
    bom[8] = 0
    assertWireError(readCapture(bom), 'pcapng', 'malformed', 8)
    const classic = classicPcap(true, false)
    assertWireError(readPcap(classic.subarray(0, 30)), 'pcap', 'truncated', 30)
    assertWireError(readPcap(classic.subarray(0, 50)), 'pcap', 'truncated', 50)
    assertWireError(readPcap(classic.subarray(0, 10)), 'pcap', 'truncated', 10)
    // An EPB naming an interface that was never described.
    const noIdb = new Uint8Array([...good.subarray(0, 44), ...good.subarray(findBlock(good, 6))])
    assertWireError(readCapture(noIdb), 'pcapng', 'malformed', 44 + 8)
  })

  if (TSHARK === null) {
    test.skip('tshark is not on PATH: the written pcapng is not cross-checked with tshark')
  } else {
    test('tshark reads the written pcapng: packet count, timestamps, comments, interface names', () => {
      const dir = mkdtempSync(join(tmpdir(), 'hvnet-pcap-'))
      try {
        for (const resolution of ['us', 'ns'] as const) {
          const f = join(dir, `out-${resolution}.pcapng`)
          const scale = resolution === 'us' ? 1n : 1000n
          writeFileSync(f, writePcapng(RECORDS.map((r) => ({...r, timestamp: BigInt(r.timestamp) * scale})), {resolution}))
          assert.deepEqual(tsharkFields(f, ['frame.number', 'frame.time_epoch', 'frame.comment', 'frame.interface_name', 'frame.len']), [
            '1|1.000001000|arp from vm1|vEthernet (LabSwitch)|42',
            '2|2.500000000|hop 1: vm1 -> LabSwitch ✓|vm1/eth0|98',
            '3|1099511.627779000||vEthernet (LabSwitch)|61',
          ], resolution)
        }
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })
  }
})

/** Offset of the first block of `type` (little-endian file written by writePcapng). */
function findBlock(file: Uint8Array, type: number): number {
  let o = 0
  while (o + 8 <= file.length) {
    const t = file[o] | (file[o + 1] << 8) | (file[o + 2] << 16) | (file[o + 3] << 24)
    if (t === type) return o
    o += file[o + 4] | (file[o + 5] << 8) | (file[o + 6] << 16) | (file[o + 7] << 24)
  }
  return file.length
}
