import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import type {Step} from '../observe.js'
import {PLACES, Script, frames, ip, traceScenario, traceScenarios} from '../testing/trace.js'
import {TraceRecorder} from './recorder.js'
import {buildTraceResult, groupHops, traceExitCode} from './result.js'
import type {TraceFlowSpec} from './result.js'

const WEB: TraceFlowSpec = {protocol: 'icmp', src: ip('192.168.0.10'), dst: ip('8.8.8.8'), srcPort: null, dstPort: null, from: PLACES.web}

describe('TraceRecorder', () => {
  test('keeps steps in order with copies of their frames and changes', () => {
    const rec = new TraceRecorder()
    const frame = frames.echo('echo-request', '00-15-5D-00-17-10', '00-15-5D-00-6A-01', '192.168.0.10', '8.8.8.8', 64, 1)
    const changes = [{field: 'ipv4.src', before: '192.168.0.10', after: '10.0.0.23'}]
    rec.step({timeMs: 0, place: PLACES.web, action: 'transmitted', reason: 'guest-send', text: 'x', ref: null, frame})
    rec.step({timeMs: 1, place: PLACES.nat, action: 'transformed', reason: 'nat-outbound', text: 'y', ref: 'nat MyNAT session 1', frame, changes})
    frame[0] = 0xee // the engine reuses its buffer
    changes[0] = {field: 'udp.srcPort', before: '1', after: '2'}
    assert.equal(rec.steps.length, 2)
    assert.equal(rec.steps[0].frame[0], 0x00)
    assert.equal(rec.steps[1].frame[0], 0x00)
    assert.notEqual(rec.steps[0].frame, frame, 'a copy, never the engine\'s buffer')
    assert.equal(rec.steps[1].frame, rec.steps[0].frame, 'consecutive steps about the same bytes share one copy')
    assert.deepEqual(rec.steps[1].changes, [{field: 'ipv4.src', before: '192.168.0.10', after: '10.0.0.23'}])
    rec.clear()
    assert.equal(rec.steps.length, 0)
  })

  test('copies a frame again once its bytes differ from the last copy', () => {
    const rec = new TraceRecorder()
    const frame = frames.echo('echo-request', '00-15-5D-00-17-10', '00-15-5D-00-6A-01', '192.168.0.10', '8.8.8.8', 64, 1)
    rec.step({timeMs: 0, place: PLACES.web, action: 'transmitted', reason: 'guest-send', text: 'x', ref: null, frame})
    frame[0] = 0xee // the engine reuses its buffer for the next frame
    rec.step({timeMs: 1, place: PLACES.web, action: 'transmitted', reason: 'guest-send', text: 'y', ref: null, frame})
    assert.notEqual(rec.steps[1].frame, rec.steps[0].frame)
    assert.equal(rec.steps[0].frame[0], 0x00)
    assert.equal(rec.steps[1].frame[0], 0xee)
    rec.clear()
    rec.step({timeMs: 2, place: PLACES.web, action: 'transmitted', reason: 'guest-send', text: 'z', ref: null, frame})
    frame[0] = 0x00
    assert.equal(rec.steps[0].frame[0], 0xee, 'after clear() a step gets a copy of its own')
  })

  test('stops keeping steps at its limit and counts the rest (a loop guard)', () => {
    const rec = new TraceRecorder(2)
    const frame = new Uint8Array(60)
    for (let i = 0; i < 5; i++) rec.step({timeMs: i, place: PLACES.web, action: 'transmitted', reason: 'guest-send', text: 'x', ref: null, frame})
    assert.equal(rec.steps.length, 2)
    assert.equal(rec.overflow, 3)
  })
})

describe('hops', () => {
  test('consecutive steps at one place on one frame form a hop; a translation stays in its hop', () => {
    const r = buildTraceResult(traceScenario('nat-ping'))
    assert.equal(r.hops.length, 20)
    const nat = r.hops.find((h) => h.location.kind === 'nat' && h.direction === 'request')
    assert.ok(nat)
    assert.deepEqual(nat.steps.map((s) => s.action), ['received', 'transformed', 'forwarded'])
    assert.equal(nat.frame.summary, '00-15-5D-00-17-10 > 00-15-5D-00-6A-01 IPv4 192.168.0.10 > 8.8.8.8 ICMP echo request id 1 seq 1 ttl 64', 'the frame as it reached the NAT')
    assert.deepEqual(nat.steps[1].changes, [{field: 'ipv4.src', before: '192.168.0.10', after: '10.0.0.23'}, {field: 'icmp.identifier', before: '1', after: '1024'}])
    assert.deepEqual(nat.steps[0].changes, [], 'changes is always an array')
  })

  test('the same place with a new frame is a new hop (the host answers ARP, then sends the reply)', () => {
    const r = buildTraceResult(traceScenario('nat-ping'))
    assert.deepEqual(r.hops.slice(2, 4).map((h) => [h.location.name, h.steps.map((s) => s.action)]), [
      ['vEthernet (NATSwitch)', ['received', 'answered']],
      ['vEthernet (NATSwitch)', ['transmitted']],
    ])
  })

  test('groupHops on nothing is nothing', () => {
    assert.deepEqual(groupHops([]), [])
  })

  test('hop times are virtual milliseconds rounded to the microsecond', () => {
    const r = buildTraceResult(traceScenario('nat-ping'))
    assert.deepEqual(r.hops.map((h) => h.timeMs).slice(0, 8), [0, 0.05, 0.1, 0.12, 0.17, 0.22, 0.24, 0.29])
    for (let i = 1; i < r.hops.length; i++) assert.ok(r.hops[i].timeMs >= r.hops[i - 1].timeMs)
  })
})

describe('direction', () => {
  test('request until the target answers, reply after, through the NAT both ways', () => {
    const r = buildTraceResult(traceScenario('nat-ping'))
    const dirs = r.hops.map((h) => `${h.location.kind}:${h.direction}`)
    assert.deepEqual(dirs.slice(6), [
      'vm:request', 'switch:request', 'host:request', 'nat:request', 'physical:request', 'lan:request', 'internet:request',
      'internet:reply', 'lan:reply', 'physical:reply', 'nat:reply', 'host:reply', 'switch:reply', 'vm:reply',
    ])
  })

  test('a translated source (10.0.0.23) is still the initiator: the answer to it is a reply', () => {
    const r = buildTraceResult(traceScenario('dns-replied'))
    const lanSide = r.hops.filter((h) => h.location.kind === 'physical')
    assert.deepEqual(lanSide.map((h) => h.direction), ['request', 'reply'])
  })

  test('a frame the flow did not address takes the direction of the hop before', () => {
    const s = new Script()
    const req = frames.echo('echo-request', '00-15-5D-00-17-10', '00-15-5D-00-6A-01', '192.168.0.10', '8.8.8.8', 64, 1)
    const other = frames.udp('00-15-5D-00-17-10', '00-15-5D-00-6A-01', '192.168.0.99', '192.168.0.98', 64, 1, 2)
    s.step(PLACES.web, 'transmitted', 'guest-send', 'x', req).step(PLACES.natSwitch, 'forwarded', 'known-mac', 'y', other)
    assert.deepEqual(buildTraceResult({flow: WEB, steps: s.steps}).hops.map((h) => h.direction), ['request', 'request'])
  })

  test('ARP and DHCP before the flow are marked preliminary; an ARP or DHCP flow is not', () => {
    const dhcp = buildTraceResult(traceScenario('default-switch-dhcp'))
    assert.deepEqual([...new Set(dhcp.hops.map((h) => h.preliminary))], ['dhcp', 'arp', null])
    const arpFlow = buildTraceResult({...traceScenario('nat-ping'), flow: {...WEB, protocol: 'arp', dst: ip('192.168.0.1')}})
    assert.equal(arpFlow.hops[0].preliminary, null)
    assert.deepEqual(arpFlow.hops.slice(0, 6).map((h) => h.direction), ['request', 'request', 'request', 'reply', 'reply', 'reply'])
    assert.equal(arpFlow.disposition, 'replied')
  })
})

describe('disposition', () => {
  const cases: [string, string, string | null, number | null, number | null][] = [
    // scenario, disposition, reason, hop, rttMs
    ['nat-ping', 'replied', null, 20, 21.54],
    ['wifi-bridge', 'replied', null, 8, 1.22],
    ['tcp-open', 'replied', null, 6, 0.22],
    ['dns-replied', 'replied', null, 9, 21.24],
    ['tcp-closed', 'refused', null, 6, 0.22],
    ['udp-delivered', 'delivered', null, 3, null],
    ['acl-drop', 'dropped', 'acl-deny', 2, null],
    ['port-security', 'dropped', 'port-security', 4, null],
    ['unreachable', 'unreachable', 'no-route', 6, 0.22],
    ['no-gateway', 'timeout', 'no-route', 1, null],
    ['silent', 'timeout', null, null, null],
  ]
  for (const [name, disposition, reason, hop, rtt] of cases) {
    test(`${name}: ${disposition}${reason ? `:${reason}` : ''}`, () => {
      const r = buildTraceResult(traceScenario(name))
      assert.deepEqual({disposition: r.disposition, reason: r.reason, hop: r.hop, rttMs: r.rttMs}, {disposition, reason, hop, rttMs: rtt})
    })
  }

  test('every synthetic scenario has a disposition test', () => {
    assert.deepEqual(traceScenarios().map((s) => s.name).filter((n) => !cases.some((c) => c[0] === n)), ['default-switch-dhcp'])
  })

  test('the round trip leaves out a DHCP exchange before the flow but counts its ARP', () => {
    const r = buildTraceResult(traceScenario('default-switch-dhcp'))
    assert.equal(r.disposition, 'replied')
    const firstArp = r.hops.find((h) => h.preliminary === 'arp')
    assert.equal(r.rttMs, Math.round((r.hops[r.hops.length - 1].timeMs - firstArp!.timeMs) * 1000) / 1000)
  })

  test('an ICMP error with no drop before it: the reason is the ICMP code name', () => {
    const req = frames.echo('echo-request', '00-15-5D-00-17-10', '00-15-5D-00-6A-01', '192.168.0.10', '8.8.8.8', 1, 1)
    const err = frames.icmpError('time-exceeded', 0, '00-15-5D-00-6A-01', '00-15-5D-00-17-10', '10.0.0.1', '192.168.0.10', 64, req)
    const s = new Script().step(PLACES.web, 'transmitted', 'guest-send', 'ttl 1', req).at(1).step(PLACES.web, 'delivered', 'guest-receive', 'time exceeded', err)
    const r = buildTraceResult({flow: WEB, steps: s.steps})
    assert.deepEqual([r.disposition, r.reason, r.hop], ['unreachable', 'ttl-exceeded', 2])
  })

  test('port unreachable from the destination is refused; from a router it is unreachable', () => {
    const udp: TraceFlowSpec = {protocol: 'udp', src: ip('192.168.0.10'), dst: ip('192.168.0.20'), srcPort: 5000, dstPort: 9, from: PLACES.web}
    const req = frames.udp('00-15-5D-00-17-10', '00-15-5D-00-17-11', '192.168.0.10', '192.168.0.20', 64, 5000, 9)
    const from = (src: string): Step[] => new Script().step(PLACES.web, 'transmitted', 'guest-send', 'x', req).at(1).step(PLACES.web, 'delivered', 'guest-receive', 'y', frames.icmpError('dst-unreachable', 3, '00-15-5D-00-17-11', '00-15-5D-00-17-10', src, '192.168.0.10', 64, req)).steps
    assert.equal(buildTraceResult({flow: udp, steps: from('192.168.0.20')}).disposition, 'refused')
    assert.deepEqual([buildTraceResult({flow: udp, steps: from('192.168.0.1')}).disposition, buildTraceResult({flow: udp, steps: from('192.168.0.1')}).reason], ['unreachable', 'port-unreachable'])
  })

  test('a drop on the way back beats the delivery of the request', () => {
    const s = new Script()
    const req = frames.udp('00-15-5D-00-17-10', '00-15-5D-00-17-11', '192.168.0.10', '192.168.0.20', 64, 5000, 7)
    const rep = frames.udp('00-15-5D-00-17-11', '00-15-5D-00-17-10', '192.168.0.20', '192.168.0.10', 64, 7, 5000)
    s.step(PLACES.web, 'transmitted', 'guest-send', 'x', req).at(1).step(PLACES.db, 'delivered', 'udp-listener', 'echo', req)
      .at(2).step(PLACES.db, 'transmitted', 'udp-listener', 'echo back', rep).at(3).step(PLACES.natSwitch, 'dropped', 'acl-deny', 'dropped', rep, 'vm web/Network Adapter.acl[1]')
    const r = buildTraceResult({flow: {protocol: 'udp', src: ip('192.168.0.10'), dst: ip('192.168.0.20'), srcPort: 5000, dstPort: 7, from: PLACES.web}, steps: s.steps})
    assert.deepEqual([r.disposition, r.reason, r.hop], ['dropped', 'acl-deny', 4])
  })

  test('a preliminary drop decides only when the flow got nowhere; a dropped flooded copy does not spoil a delivery', () => {
    const s = new Script()
    const arp = frames.arp(1, '00-15-5D-00-17-10', 'broadcast', '00-15-5D-00-17-10', '192.168.0.10', '', '192.168.0.20')
    const req = frames.udp('00-15-5D-00-17-10', '00-15-5D-00-17-11', '192.168.0.10', '192.168.0.20', 64, 5000, 514)
    s.step(PLACES.web, 'transmitted', 'arp-request', 'who-has', arp).at(1).step(PLACES.natSwitch, 'dropped', 'vlan-mismatch', 'not on port x', arp, 'vm x/Network Adapter.vlan')
    const onlyArp = buildTraceResult({flow: {protocol: 'udp', src: ip('192.168.0.10'), dst: ip('192.168.0.20'), srcPort: 5000, dstPort: 514, from: PLACES.web}, steps: s.steps})
    assert.deepEqual([onlyArp.disposition, onlyArp.reason, onlyArp.hop], ['dropped', 'vlan-mismatch', 2])
    s.at(2).step(PLACES.web, 'transmitted', 'guest-send', 'x', req).at(3).step(PLACES.db, 'delivered', 'udp-listener', 'y', req)
    const delivered = buildTraceResult({flow: {protocol: 'udp', src: ip('192.168.0.10'), dst: ip('192.168.0.20'), srcPort: 5000, dstPort: 514, from: PLACES.web}, steps: s.steps})
    assert.deepEqual([delivered.disposition, delivered.hop], ['delivered', 4])
  })

  test('no steps at all: timeout', () => {
    const r = buildTraceResult({flow: WEB, steps: []})
    assert.deepEqual([r.disposition, r.reason, r.hop, r.rttMs, r.hops], ['timeout', null, null, null, []])
  })

  test('a DHCP flow: ACK replied, NAK refused', () => {
    const flow: TraceFlowSpec = {protocol: 'dhcp', src: ip('0.0.0.0'), dst: ip('255.255.255.255'), srcPort: 68, dstPort: 67, from: PLACES.fresh}
    const dhcp = traceScenario('default-switch-dhcp').steps.filter((s) => s.reason.startsWith('dhcp') || s.reason === 'port-ingress' || s.reason === 'broadcast' || s.reason === 'known-mac').slice(0, 16)
    const r = buildTraceResult({flow, steps: dhcp})
    assert.equal(r.hops[0].preliminary, null)
    assert.equal(r.disposition, 'replied')
    const nak = frames.dhcp(6, '00-15-5D-3C-91-07', '00-15-5D-00-17-20', '172.20.16.1', '255.255.255.255', '00-15-5D-00-17-20', 1, '0.0.0.0')
    const refused = buildTraceResult({flow, steps: new Script().step(PLACES.fresh, 'delivered', 'dhcp-nak', 'NAK', nak).steps})
    assert.equal(refused.disposition, 'refused')
  })
})

describe('expectation in the result', () => {
  test('defaults by protocol, met or not', () => {
    assert.deepEqual(buildTraceResult(traceScenario('nat-ping')).expectation, {disposition: 'replied', reason: null, source: 'default', met: true})
    assert.deepEqual(buildTraceResult(traceScenario('acl-drop')).expectation, {disposition: 'replied', reason: null, source: 'default', met: false})
    assert.deepEqual(buildTraceResult(traceScenario('udp-delivered')).expectation, {disposition: 'delivered', reason: null, source: 'default', met: true})
    assert.deepEqual(buildTraceResult(traceScenario('tcp-open')).expectation, {disposition: 'replied', reason: null, source: 'default', met: true}, 'TCP to an open port')
    assert.deepEqual(buildTraceResult(traceScenario('tcp-closed')).expectation, {disposition: 'delivered', reason: null, source: 'default', met: false}, 'TCP to a port that is not open: delivered')
  })

  test('a given expectation', () => {
    const r = buildTraceResult({...traceScenario('acl-drop'), expectation: {disposition: 'dropped', reason: 'acl-deny'}})
    assert.deepEqual(r.expectation, {disposition: 'dropped', reason: 'acl-deny', source: 'given', met: true})
    const wrong = buildTraceResult({...traceScenario('acl-drop'), expectation: {disposition: 'dropped', reason: 'vlan-mismatch'}})
    assert.equal(wrong.expectation.met, false)
  })
})

describe('exit status', () => {
  test('0 when the outcome met the expectation, 3 when not', () => {
    assert.equal(traceExitCode(buildTraceResult(traceScenario('nat-ping'))), 0)
    assert.equal(traceExitCode(buildTraceResult(traceScenario('acl-drop'))), 3)
    assert.equal(traceExitCode(buildTraceResult({...traceScenario('acl-drop'), expectation: {disposition: 'dropped', reason: 'acl-deny'}})), 0)
  })
})

describe('determinism', () => {
  test('the same steps give the same JSON', () => {
    for (const s of traceScenarios()) assert.equal(JSON.stringify(buildTraceResult(s)), JSON.stringify(buildTraceResult(traceScenario(s.name))))
  })
})
