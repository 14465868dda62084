import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {get48, put48} from './bytes.js'
import {MAC_BROADCAST, formatMac, formatMacColon, formatMacTrace, isBroadcast, isLocallyAdministered, isMulticast, isUnicast, isZero, macFromParts, parseMac} from './mac.js'
import {arbMac, assertWireError, ok} from './test-support.js'

describe('mac', () => {
  test('numeric form is hi16 * 2**32 + lo32', () => {
    assert.equal(ok(parseMac('00155D010203')), 0x0015 * 2 ** 32 + 0x5d010203)
    assert.equal(macFromParts(0x0015, 0x5d010203), 0x00155d010203)
    assert.equal(MAC_BROADCAST, 2 ** 48 - 1)
  })

  test('parses the three spellings, case-insensitive', () => {
    for (const s of ['00155D010203', '00155d010203', '00-15-5D-01-02-03', '00-15-5d-01-02-03', '00:15:5d:01:02:03', '00:15:5D:01:02:03']) assert.equal(ok(parseMac(s)), 0x00155d010203, s)
  })

  test('rejects everything else with a typed error', () => {
    for (const s of ['', '00155D01020', '00155D0102030', '00-15-5D:01-02-03', '00-15-5D-01-02', 'G0155D010203', ' 00155D010203', '00155D010203 ', '0-15-5D-01-02-03', '00.15.5d.01.02.03', '0x00155D0102']) {
      assertWireError(parseMac(s), 'mac', 'bad-syntax', 0)
    }
  })

  test('formats: Hyper-V table form, trace form, colon form', () => {
    assert.equal(formatMac(0x00155d010203), '00155D010203')
    assert.equal(formatMacTrace(0x00155d010203), '00-15-5D-01-02-03')
    assert.equal(formatMacColon(0x00155d0a0b0c), '00:15:5d:0a:0b:0c')
    assert.equal(formatMacTrace(0), '00-00-00-00-00-00')
    assert.equal(formatMac(MAC_BROADCAST), 'FFFFFFFFFFFF')
  })

  test('classes', () => {
    assert.deepEqual([isUnicast(0x00155d010203), isMulticast(0x00155d010203), isBroadcast(0x00155d010203), isZero(0x00155d010203)], [true, false, false, false])
    assert.deepEqual([isUnicast(0x01005e000001), isMulticast(0x01005e000001), isBroadcast(0x01005e000001)], [false, true, false])
    assert.deepEqual([isUnicast(MAC_BROADCAST), isMulticast(MAC_BROADCAST), isBroadcast(MAC_BROADCAST)], [false, true, true])
    assert.deepEqual([isUnicast(0), isZero(0)], [false, true])
    assert.equal(isLocallyAdministered(0x02155d010203), true)
    assert.equal(isLocallyAdministered(0x00155d010203), false)
  })

  test('property: format/parse and bytes round-trip', () => {
    fc.assert(
      fc.property(arbMac, (m) => {
        assert.equal(ok(parseMac(formatMac(m))), m)
        assert.equal(ok(parseMac(formatMacTrace(m))), m)
        assert.equal(ok(parseMac(formatMacColon(m))), m)
        const b = new Uint8Array(8)
        put48(b, 1, m)
        assert.equal(get48(b, 1), m)
        assert.equal(b[0] | b[7], 0)
      }),
      {seed: 802, numRuns: 500},
    )
  })
})
