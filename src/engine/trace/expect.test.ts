import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {DROP_REASONS} from '../observe.js'
import {DISPOSITIONS, defaultExpectation, expectationExitCode, expectationMet, formatExpectation, parseExpectation} from './expect.js'
import type {Disposition} from './expect.js'

describe('parseExpectation', () => {
  test('every disposition, alone', () => {
    for (const d of DISPOSITIONS) assert.deepEqual(parseExpectation(d), {ok: true, value: {disposition: d, reason: null}})
  })

  test('dropped with every drop reason; case and spaces do not matter', () => {
    for (const r of DROP_REASONS) assert.deepEqual(parseExpectation(`dropped:${r}`), {ok: true, value: {disposition: 'dropped', reason: r}})
    assert.deepEqual(parseExpectation(' Dropped:VLAN-Mismatch '), {ok: true, value: {disposition: 'dropped', reason: 'vlan-mismatch'}})
  })

  test('unreachable with a drop reason or an ICMP code name', () => {
    assert.deepEqual(parseExpectation('unreachable:no-route'), {ok: true, value: {disposition: 'unreachable', reason: 'no-route'}})
    assert.deepEqual(parseExpectation('unreachable:host-unreachable'), {ok: true, value: {disposition: 'unreachable', reason: 'host-unreachable'}})
  })

  test('refusals say what is wrong and what to write', () => {
    const cases: [string, RegExp][] = [
      ['answered', /is not a disposition/],
      ['dropped:vlan', /is not a drop reason/],
      ['dropped:', /empty reason/],
      ['replied:fast', /has no reason/],
      ['unreachable:port-unreachable', /not an unreachable reason/],
      ['', /is not a disposition/],
    ]
    for (const [text, message] of cases) {
      const p = parseExpectation(text)
      assert.equal(p.ok, false, text)
      if (!p.ok) {
        assert.match(p.message, message, text)
        assert.ok(p.fix.length > 0)
      }
    }
  })

  test('formatExpectation is the inverse of parsing', () => {
    for (const text of ['replied', 'dropped:acl-deny', 'unreachable:no-route', 'timeout']) {
      const p = parseExpectation(text)
      assert.ok(p.ok)
      if (p.ok) assert.equal(formatExpectation(p.value), text)
    }
  })
})

describe('defaults and verdict', () => {
  test('issue 9 defaults: replied for ICMP, DNS and TCP to an open port; delivered otherwise', () => {
    const d = (p: Parameters<typeof defaultExpectation>[0], openPort = false): Disposition => defaultExpectation(p, {openPort}).disposition
    assert.deepEqual([d('icmp'), d('dns'), d('tcp', true), d('tcp'), d('udp'), d('udp', true), d('dhcp'), d('arp')], ['replied', 'replied', 'replied', 'delivered', 'delivered', 'delivered', 'delivered', 'delivered'])
  })

  test('exit status: 0 when met, 3 when not, for every pair of dispositions', () => {
    for (const expected of DISPOSITIONS) {
      for (const actual of DISPOSITIONS) {
        const met = expected === actual || (expected === 'delivered' && actual === 'replied')
        assert.equal(expectationExitCode({disposition: expected, reason: null}, {disposition: actual, reason: null}), met ? 0 : 3, `${expected} vs ${actual}`)
      }
    }
  })

  test('a reason must match when given; none accepts any', () => {
    assert.equal(expectationMet({disposition: 'dropped', reason: 'acl-deny'}, {disposition: 'dropped', reason: 'acl-deny'}), true)
    assert.equal(expectationMet({disposition: 'dropped', reason: 'acl-deny'}, {disposition: 'dropped', reason: 'vlan-mismatch'}), false)
    assert.equal(expectationMet({disposition: 'dropped', reason: null}, {disposition: 'dropped', reason: 'vlan-mismatch'}), true)
    assert.equal(expectationExitCode({disposition: 'dropped', reason: 'acl-deny'}, {disposition: 'replied', reason: null}), 3)
  })
})
