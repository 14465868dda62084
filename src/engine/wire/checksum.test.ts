import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {checksumAdjust, internetChecksum, onesSum, pseudoHeaderSum} from './checksum.js'
import {hex} from './test-support.js'

/** Reference implementation: RFC 1071 section 4.1, bigint-free but unchunked. */
function reference(b: Uint8Array): number {
  let sum = 0
  for (let i = 0; i + 1 < b.length; i += 2) sum += (b[i] << 8) | b[i + 1]
  if (b.length % 2) sum += b[b.length - 1] << 8
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000)
  return ~sum & 0xffff
}

describe('checksum', () => {
  test('RFC 1071 example and a known IPv4 header', () => {
    // RFC 1071 3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2.
    assert.equal(onesSum(hex('0001f203f4f5f6f7'), 0, 8), 0xddf2)
    assert.equal(internetChecksum(hex('4500005404d2400040010000c0a8640b0a000001'), 0, 20), 0x0723)
    assert.equal(internetChecksum(hex('4500005404d2400040010723c0a8640b0a000001'), 0, 20), 0)
  })

  test('odd length pads a zero byte; chaining equals one pass', () => {
    // 0x0102 + 0xff00 = 0x10002, end-around carry -> 0x0003, complement -> 0xfffc
    assert.equal(internetChecksum(hex('0102ff'), 0, 3), 0xfffc)
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 10000}), fc.nat(), (b, cut) => {
        const k = b.length === 0 ? 0 : (cut % (b.length + 1)) & ~1
        assert.equal(internetChecksum(b, 0, b.length), reference(b))
        assert.equal(internetChecksum(b, k, b.length, onesSum(b, 0, k)), reference(b))
      }),
      {seed: 1071, numRuns: 300},
    )
  })

  test('pseudo-header sum', () => {
    assert.equal(pseudoHeaderSum(0xc0a8640b, 0xc0a86401, 17, 37), onesSum(hex('c0a8640bc0a864010011' + '0025'), 0, 12))
  })

  test('RFC 1624 adjust equals recompute for a single random word change', () => {
    fc.assert(
      fc.property(fc.uint8Array({minLength: 2, maxLength: 64}).filter((b) => b.length % 2 === 0 && b.some((x) => x !== 0)), fc.nat(), fc.integer({min: 0, max: 0xffff}), (b, at, w) => {
        const i = (at % (b.length / 2)) * 2
        const before = internetChecksum(b, 0, b.length)
        const old = (b[i] << 8) | b[i + 1]
        const c = b.slice()
        c[i] = w >>> 8
        c[i + 1] = w & 0xff
        if (c.every((x) => x === 0)) return
        assert.equal(checksumAdjust(before, old, w), internetChecksum(c, 0, c.length))
      }),
      {seed: 1624, numRuns: 1000},
    )
  })
})
