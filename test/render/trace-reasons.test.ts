// Every reason code a real trace produces has an explanation for --explain: the engine's step
// reasons and the renderer's table agree. Runs real traces across the scenario labs.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {DROP_EXPLAIN, REASON_EXPLAIN} from '../../src/render/trace-explain.js'
import {run} from '../support.js'
import {TRACE_LABS, buildTraceLab} from '../trace-labs.js'

interface TraceJson {
  disposition: string
  hops: {location: {kind: string; name: string}; steps: {action: string; reason: string; text: string}[]}[]
}

describe('trace --explain knows every reason a real trace reports', () => {
  test('the scenario labs: every step reason has an explanation', async () => {
    const seen = new Map<string, string>()
    const triples = new Set<string>()
    for (const lab of TRACE_LABS) {
      const file = await buildTraceLab(lab)
      for (const args of lab.traces) {
        const r = await run<TraceJson>(['trace', ...args, '--json'], file)
        assert.ok(r.exitCode === 0 || r.exitCode === 3, `${lab.name}: trace ${args.join(' ')}: exit ${r.exitCode} ${r.error ?? ''}`)
        const json = JSON.parse(r.stdout) as TraceJson
        for (const hop of json.hops) for (const s of hop.steps) triples.add(`${hop.location.kind} ${s.action} ${s.reason}`)
        for (const hop of json.hops) for (const s of hop.steps) if (!seen.has(s.reason)) seen.set(s.reason, `${lab.name}: ${args.join(' ')}: ${hop.location.kind} ${s.action}: ${s.text}`)
      }
    }
    if (process.env.HVNET_DUMP_REASONS) console.log(JSON.stringify([...triples].sort()))
    if (process.env.HVNET_DUMP_REASONS) console.log(JSON.stringify([...seen].map(([r, w]) => `${r} | ${w}`), null, 1))
    const missing = [...seen].filter(([reason]) => !(reason in DROP_EXPLAIN) && REASON_EXPLAIN[reason] === undefined)
    assert.deepEqual(missing.map(([reason, where]) => `${reason} (${where})`), [])
    // The labs are broad enough to mean something: switch, host, NAT, LAN and guest reasons all appear.
    for (const r of ['known-mac', 'nat-translated', 'mac-spoofing', 'closed-port', 'arp-unresolved', 'vlan-mismatch', 'acl-deny', 'guest-firewall', 'port-security']) assert.ok(seen.has(r), `no trace reported ${r}`)
  })
})
