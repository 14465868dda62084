import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {PortPool} from './pool.js'
import {NatTables} from './table.js'

interface Model {
  proto: number
  intAddr: number
  intPort: number
  extPort: number
  rem: number
  remPort: number
}

describe('NAT tables', () => {
  it('find every live session by both 5-tuples and no removed one, through growth and backward-shift deletion (fast-check)', () => {
    const op = fc.oneof(
      fc.record({kind: fc.constant('add' as const), vm: fc.integer({min: 0, max: 40}), port: fc.integer({min: 0, max: 3}), rem: fc.integer({min: 0, max: 5}), proto: fc.constantFrom(1, 6, 17)}),
      fc.record({kind: fc.constant('remove' as const), pick: fc.nat()}),
    )
    fc.assert(
      fc.property(fc.array(op, {maxLength: 400}), (ops) => {
        const t = new NatTables()
        const live = new Map<number, Model>()
        let nextExt = 1
        for (const o of ops) {
          if (o.kind === 'add') {
            const intAddr = 0xc0a80000 + o.vm
            const intPort = 50000 + o.port
            const rem = 0x08080800 + o.rem
            if (t.findSessionInt(o.proto, intAddr, intPort, rem, 53) >= 0) continue
            let m = t.findMappingInt(o.proto, intAddr, intPort)
            if (m < 0) m = t.addMapping(0, o.proto, intAddr, intPort, 0x0a000017, nextExt++, -1)
            const s = t.addSession(m, rem, 53, rem, 53, 0, live.size)
            live.set(s, {proto: o.proto, intAddr, intPort, extPort: t.mExtPort[m], rem, remPort: 53})
          } else if (live.size > 0) {
            const s = [...live.keys()][o.pick % live.size]
            t.removeSession(s)
            live.delete(s)
          }
        }
        assert.equal(t.sLive, live.size)
        for (const [s, x] of live) {
          assert.equal(t.findSessionInt(x.proto, x.intAddr, x.intPort, x.rem, x.remPort), s)
          assert.equal(t.findSessionExt(x.proto, 0x0a000017, x.extPort, x.rem, x.remPort), s)
          assert.equal(t.mappingHasRemote(t.sMap(s), x.rem), true)
        }
        // Mappings live exactly as long as one of their sessions.
        const mappings = new Set([...live.keys()].map((s) => t.sMap(s)))
        assert.equal(t.mLive, mappings.size)
      }),
      {numRuns: 200},
    )
  })
})

describe('NAT port pool', () => {
  it('keeps the wanted port when free, else takes the next free one above it, wrapping, then reports exhaustion', () => {
    const p = new PortPool(1, 17, 100, 103, -1)
    p.setReserved([101])
    assert.equal(p.allocate(100), 100)
    assert.equal(p.allocate(100), 102, 'skips the used 100 and the reserved 101')
    assert.equal(p.allocate(5), 103, 'out of range: the first free from the start')
    assert.equal(p.allocate(103), -1)
    assert.equal(p.usedCount, 3)
    p.release(102)
    assert.equal(p.allocate(103), 102, 'wraps from the end to the start')
    assert.equal(p.reservedInRange, 1)
  })
})
