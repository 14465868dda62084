// The JSON Schema shipped in schemas/trace.schema.json validates every result the builder makes,
// refuses what breaks the contract, and the field names of issue 9 are pinned here.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {Ajv} from 'ajv'
import {DROP_REASONS} from '../observe.js'
import {traceScenarios} from '../testing/trace.js'
import {repoRoot} from '../wire/test-support.js'
import {DISPOSITIONS} from './expect.js'
import {PLACE_KINDS, STEP_ACTIONS, buildTraceResult} from './result.js'

const schema = JSON.parse(readFileSync(join(repoRoot(), 'schemas', 'trace.schema.json'), 'utf8')) as {definitions: Record<string, {properties: Record<string, {enum?: unknown[]}>}>; properties: Record<string, {enum?: unknown[]}>; required: string[]}
const validate = new Ajv({allErrors: true, strict: true}).compile(schema)

function errors(): string {
  return JSON.stringify(validate.errors, null, 1)
}

describe('trace.schema.json', () => {
  test('validates every synthetic trace, built and serialised', () => {
    for (const s of traceScenarios()) {
      const json = JSON.parse(JSON.stringify(buildTraceResult(s))) as unknown
      assert.ok(validate(json), `${s.name}: ${errors()}`)
    }
  })

  test('refuses a result that breaks the contract', () => {
    const good = JSON.parse(JSON.stringify(buildTraceResult(traceScenarios()[0]))) as Record<string, unknown> & {hops: Record<string, unknown>[]}
    const bad: [string, unknown][] = [
      ['an unknown disposition', {...good, disposition: 'lost'}],
      ['a missing rttMs', (({rttMs: _r, ...rest}) => rest)(good)],
      ['an extra field', {...good, verdict: 'ok'}],
      ['schemaVersion 2', {...good, schemaVersion: 2}],
      ['an unknown place kind', {...good, hops: [{...good.hops[0], location: {kind: 'router', name: 'r1'}}]}],
      ['an upper-case action', {...good, hops: [{...good.hops[0], steps: [{action: 'DROPPED', reason: 'acl-deny', text: 'x', ref: null, changes: []}]}]}],
      ['odd hex', {...good, hops: [{...good.hops[0], frame: {summary: 's', hex: 'abc'}}]}],
      ['a hop with no steps', {...good, hops: [{...good.hops[0], steps: []}]}],
    ]
    for (const [what, value] of bad) assert.equal(validate(value), false, what)
  })

  test('its enums are the code\'s (dispositions, place kinds, actions); drop reasons are listed', () => {
    assert.deepEqual(schema.definitions.disposition as unknown as {enum: string[]}, {enum: [...DISPOSITIONS]})
    assert.deepEqual(schema.definitions.place.properties.kind.enum, [...PLACE_KINDS])
    assert.deepEqual(schema.definitions.step.properties.action.enum, [...STEP_ACTIONS])
    const text = JSON.stringify(schema)
    for (const r of DROP_REASONS) assert.ok(text.includes(r), r)
  })
})

describe('the JSON contract of issue 9 (names are fixed)', () => {
  test('field names at every level', () => {
    const r = buildTraceResult(traceScenarios()[0])
    assert.deepEqual(Object.keys(r), ['schemaVersion', 'flow', 'hops', 'disposition', 'reason', 'hop', 'rttMs', 'expectation'])
    assert.equal(r.schemaVersion, 1)
    assert.deepEqual(Object.keys(r.flow), ['protocol', 'src', 'dst', 'srcPort', 'dstPort', 'from'])
    assert.deepEqual(Object.keys(r.flow.from), ['kind', 'name'])
    assert.deepEqual(Object.keys(r.hops[0]), ['index', 'timeMs', 'direction', 'preliminary', 'location', 'frame', 'steps'])
    assert.deepEqual(Object.keys(r.hops[0].location), ['kind', 'name'])
    assert.deepEqual(Object.keys(r.hops[0].frame), ['summary', 'hex'])
    assert.deepEqual(Object.keys(r.hops[0].steps[0]), ['action', 'reason', 'text', 'ref', 'changes'])
    const change = r.hops.flatMap((h) => h.steps).find((s) => s.changes.length > 0)!.changes[0]
    assert.deepEqual(Object.keys(change), ['field', 'before', 'after'])
    assert.deepEqual(Object.keys(r.expectation), ['disposition', 'reason', 'source', 'met'])
    assert.deepEqual(schema.required, Object.keys(r))
  })

  test('one whole result, pinned (the ACL drop)', () => {
    const r = buildTraceResult(traceScenarios().find((s) => s.name === 'acl-drop')!)
    assert.deepEqual(JSON.parse(JSON.stringify(r)), {
      schemaVersion: 1,
      flow: {protocol: 'icmp', src: '192.168.0.10', dst: '192.168.0.20', srcPort: null, dstPort: null, from: {kind: 'vm', name: 'web/Network Adapter'}},
      hops: [
        {index: 1, timeMs: 0, direction: 'request', preliminary: null, location: {kind: 'vm', name: 'web/Network Adapter'}, frame: {summary: r.hops[0].frame.summary, hex: r.hops[0].frame.hex}, steps: [
          {action: 'transmitted', reason: 'transmitted', text: 'echo request to 192.168.0.20 on the local subnet (ARP entry cached)', ref: 'vm web/Network Adapter', changes: []},
        ]},
        {index: 2, timeMs: 0.05, direction: 'request', preliminary: null, location: {kind: 'switch', name: 'NATSwitch'}, frame: {summary: r.hops[0].frame.summary, hex: r.hops[0].frame.hex}, steps: [
          {action: 'received', reason: 'ingress', text: 'from port web/Network Adapter', ref: 'vm web/Network Adapter', changes: []},
          {action: 'permitted', reason: 'acl-allow', text: 'MAC address spoofing is Off and the source is the adapter\'s own MAC; no outbound ACL', ref: 'vm web/Network Adapter', changes: []},
          {action: 'denied', reason: 'acl-deny', text: 'inbound ACL of db/Network Adapter: Deny remote 192.168.0.0/24 is the longest match', ref: 'vm db/Network Adapter.acl[2]', changes: []},
          {action: 'dropped', reason: 'acl-deny', text: 'dropped: a port ACL denies 192.168.0.10 inbound on db/Network Adapter', ref: 'vm db/Network Adapter.acl[2]', changes: []},
        ]},
      ],
      disposition: 'dropped',
      reason: 'acl-deny',
      hop: 2,
      rttMs: null,
      expectation: {disposition: 'replied', reason: null, source: 'default', met: false},
    })
    assert.equal(r.hops[0].frame.summary, '00-15-5D-00-17-10 > 00-15-5D-00-17-11 IPv4 192.168.0.10 > 192.168.0.20 ICMP echo request id 7 seq 1 ttl 64')
  })
})
