// The open-addressing MAC table behaves as a Map over random insert/delete/get sequences,
// through growth and backward-shift deletion.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {MacTable, macHi, macLo} from './mac-table.js'

test('MacTable agrees with a Map (random operations, clustered keys)', () => {
  const arbMac = fc.oneof(fc.integer({min: 0x00155d000000, max: 0x00155d00003f}), fc.integer({min: 0, max: 0xffff_ffff_ffff}))
  const arbOp = fc.tuple(fc.constantFrom('set', 'delete', 'get'), arbMac, fc.nat(1000))
  fc.assert(
    fc.property(fc.array(arbOp, {maxLength: 400}), (ops) => {
      const t = new MacTable<number>(4)
      const m = new Map<number, number>()
      for (const [op, mac, v] of ops) {
        const hi = macHi(mac)
        const lo = macLo(mac)
        if (op === 'set') {
          t.set(hi, lo, v)
          m.set(mac, v)
        } else if (op === 'delete') {
          assert.equal(t.delete(hi, lo), m.delete(mac))
        } else {
          assert.equal(t.get(hi, lo), m.get(mac) ?? null)
        }
        assert.equal(t.size, m.size)
      }
      for (const [mac, v] of m) assert.equal(t.get(macHi(mac), macLo(mac)), v)
    }),
    {seed: 48, numRuns: 300},
  )
})

test('macHi/macLo split a MAC as the frame bytes give it', () => {
  assert.equal(macHi(0x00155d0a0b0c), 0x0015)
  assert.equal(macLo(0x00155d0a0b0c), 0x5d0a0b0c)
  assert.equal(macLo(0xffff_ffff_ffff), -1)
  assert.equal(macHi(0xffff_ffff_ffff), 0xffff)
})
