// The text renderings of a trace, from synthetic step sequences: golden files for --detail
// minimal (test/golden/trace/NAME.minimal.txt; UPDATE_GOLDEN=1 rewrites them), then what each
// level, --explain and the colours show.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {Chalk} from 'chalk'
import {DROP_REASONS} from '../../src/engine/observe.js'
import {PLACES, Script, frames, ip, traceScenario, traceScenarios} from '../../src/engine/testing/trace.js'
import {buildTraceResult} from '../../src/engine/trace/index.js'
import type {TraceFlowSpec, TraceResult} from '../../src/engine/trace/index.js'
import {flowLine, formatTrace} from '../../src/render/trace.js'
import type {TraceDetail} from '../../src/render/trace.js'
import {DROP_EXPLAIN, EXCHANGE_EXPLAIN, PLACE_EXPLAIN, REASON_EXPLAIN, explainHop, fixFor, parseVmRef} from '../../src/render/trace-explain.js'
import {repoRoot} from '../support.js'

const plain = new Chalk({level: 0})
const painted = new Chalk({level: 1})
const ESC = '\u001b['

function text(name: string, detail: TraceDetail, explain = false, c = plain): string {
  return formatTrace(buildTraceResult(traceScenario(name)), {detail, explain}, c)
}

describe('--detail minimal (golden files)', () => {
  for (const s of traceScenarios()) {
    test(s.name, () => {
      const file = path.join(repoRoot, 'test', 'golden', 'trace', `${s.name}.minimal.txt`)
      const actual = formatTrace(buildTraceResult(s), {detail: 'minimal', explain: false}, painted)
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual)
      assert.ok(existsSync(file), `${file} is missing (UPDATE_GOLDEN=1 writes it)`)
      assert.equal(actual, readFileSync(file, 'utf8'), `${file} differs (UPDATE_GOLDEN=1 rewrites it after a deliberate change)`)
      assert.ok(!actual.includes(ESC), 'minimal is never coloured')
    })
  }

  test('every golden file belongs to a scenario', () => {
    const names = new Set(traceScenarios().map((s) => `${s.name}.minimal.txt`))
    assert.deepEqual(readdirSync(path.join(repoRoot, 'test', 'golden', 'trace')).filter((f) => !names.has(f)), [])
  })

  test('minimal ignores --explain and carries the outcome on its last line', () => {
    assert.equal(text('acl-drop', 'minimal', true), text('acl-drop', 'minimal'))
    assert.equal(text('acl-drop', 'minimal').trim().split('\n').at(-1), 'dropped acl-deny hop=2 expect=replied not-met')
  })
})

describe('flow line', () => {
  const flow = (over: Partial<TraceFlowSpec>): string => flowLine(buildTraceResult({flow: {protocol: 'icmp', src: ip('192.168.0.10'), dst: ip('8.8.8.8'), srcPort: null, dstPort: null, from: PLACES.web, ...over}, steps: []}).flow)
  test('by protocol, with where it comes from', () => {
    assert.equal(flow({}), 'ICMP echo 192.168.0.10 → 8.8.8.8  from vm web/Network Adapter')
    assert.equal(flow({protocol: 'tcp', srcPort: 49152, dstPort: 80}), 'TCP 192.168.0.10:49152 → 8.8.8.8:80  from vm web/Network Adapter')
    assert.equal(flow({protocol: 'dns', srcPort: 53001, dstPort: 53}), 'DNS 192.168.0.10:53001 → 8.8.8.8:53  from vm web/Network Adapter')
    assert.equal(flow({protocol: 'arp', dst: ip('192.168.0.1')}), 'ARP who-has 192.168.0.1 tell 192.168.0.10  from vm web/Network Adapter')
    assert.equal(flow({from: {kind: 'lan', name: 'Ethernet'}}), 'ICMP echo 192.168.0.10 → 8.8.8.8  from lan Ethernet')
  })
})

describe('default detail', () => {
  const out = text('nat-ping', 'default')
  const lines = out.split('\n')

  test('starts with the flow line and ends with the verdict and the expectation', () => {
    assert.equal(lines[0], 'ICMP echo 192.168.0.10 → 8.8.8.8  from vm web/Network Adapter')
    assert.deepEqual(lines.slice(-3), ['Verdict: replied: 8.8.8.8 answered, round trip 21.540 ms (virtual)', 'expected by default replied: met (exit 0)', ''])
  })

  test('the ARP exchange before the flow is folded to one line', () => {
    assert.ok(lines.includes('  1-6    0.000 ms  ARP who-has 192.168.0.1 → 192.168.0.1 is-at 00-15-5D-00-6A-01  (6 hops folded; --detail full shows them)'), out)
    assert.ok(!out.includes('ARP who-has 192.168.0.1 tell'), 'no ARP frame line')
  })

  test('numbered hops with virtual time, place in Hyper-V\'s words, the frame, and one line per step', () => {
    const at = lines.indexOf('   10    0.360 ms  NAT MyNAT  (request)')
    assert.ok(at > 0, out)
    assert.deepEqual(lines.slice(at + 1, at + 7), [
      '       00-15-5D-00-17-10 > 00-15-5D-00-6A-01 IPv4 192.168.0.10 > 8.8.8.8 ICMP echo request id 1 seq 1 ttl 64',
      '       RECEIVED    from the internal prefix 192.168.0.0/24 to an outside address  [nat MyNAT]',
      '       TRANSFORMED new session 1: source 192.168.0.10 id 1 → 10.0.0.23 id 1024 (the host\'s address on Ethernet)  [nat MyNAT session 1]',
      '                   ipv4.src         192.168.0.10 → 10.0.0.23',
      '                   icmp.identifier  1 → 1024',
      '       FORWARDED   route 0.0.0.0/0 via 10.0.0.1 on Ethernet  [host Ethernet]',
    ])
    for (const kind of ['VM web/Network Adapter', 'switch NATSwitch', 'host vEthernet (NATSwitch)', 'adapter Ethernet', 'LAN beyond Ethernet', 'internet 8.8.8.8']) assert.ok(out.includes(`ms  ${kind}  (`), kind)
  })

  test('a DHCP exchange folds to its messages and the address leased', () => {
    assert.ok(text('default-switch-dhcp', 'default').includes(' 1-12    0.000 ms  DHCP DISCOVER → OFFER → REQUEST → ACK 172.20.16.5 leased  (12 hops folded; --detail full shows them)'))
  })

  test('a drop: the red DROPPED line, the verdict with hop and reason, exit 3 when not expected', () => {
    const drop = text('acl-drop', 'default')
    assert.ok(drop.includes('       DROPPED     dropped: a port ACL denies 192.168.0.10 inbound on db/Network Adapter  [vm db/Network Adapter.acl[2]]'))
    assert.ok(drop.includes('Verdict: dropped at hop 2 (switch NATSwitch): acl-deny (a port ACL denies 192.168.0.10 inbound on db/Network Adapter)\nexpected by default replied: not met (exit 3)'))
  })

  test('verdict sentences of the other dispositions', () => {
    const verdict = (name: string): string => text(name, 'default').split('\n').find((l) => l.startsWith('Verdict: '))!
    assert.equal(verdict('tcp-closed'), 'Verdict: refused: 192.168.0.20 answered no, round trip 0.220 ms (virtual)')
    assert.equal(verdict('udp-delivered'), 'Verdict: delivered at hop 3 (VM db/Network Adapter); no answer')
    assert.equal(verdict('unreachable'), 'Verdict: unreachable (no-route): an ICMP error came back, round trip 0.220 ms (virtual)')
    assert.equal(verdict('silent'), 'Verdict: timeout: nothing came back')
    assert.equal(verdict('no-gateway'), 'Verdict: timeout: nothing was sent (no-route at hop 1 (VM web/Network Adapter))')
  })
})

describe('full and summary', () => {
  test('full: nothing folded, every frame layer by layer', () => {
    const out = text('nat-ping', 'full')
    assert.ok(!out.includes('folded'))
    assert.ok(out.includes('    1    0.000 ms  VM web/Network Adapter  (request, arp)'))
    assert.ok(out.includes('ARP who-has 192.168.0.1 tell 192.168.0.10'))
    assert.equal(out.split('\n').filter((l) => l.trim() === 'Ethernet II (offset 0)').length, 20, 'one layered frame per hop')
    assert.ok(out.includes('\n         ICMPv4 (offset 34)\n'))
  })

  test('summary: one line per hop (exchanges folded), then the verdict', () => {
    const lines = text('nat-ping', 'summary').trim().split('\n')
    assert.equal(lines.length, 1 + 1 + 1 + 14 + 1 + 2)
    assert.equal(lines[3], '    7    0.240 ms  VM web/Network Adapter  (request)  TRANSMITTED')
    assert.equal(lines[6], '   10    0.360 ms  NAT MyNAT  (request)  TRANSFORMED, FORWARDED')
    assert.ok(text('acl-drop', 'summary').includes('    2    0.050 ms  switch NATSwitch  (request)  DROPPED acl-deny'))
  })
})

describe('colours', () => {
  test('plain with a level-0 painter (no TTY, NO_COLOR)', () => {
    for (const d of ['full', 'default', 'summary'] as const) assert.ok(!text('nat-ping', d, true).includes(ESC), d)
  })

  test('on a terminal: verdict green when met, red when not; drops red; translations yellow', () => {
    const ok = text('nat-ping', 'default', false, painted)
    assert.ok(ok.includes(`${ESC}32m${ESC}1mVerdict: replied`), 'green verdict')
    assert.ok(ok.includes(`${ESC}33m       TRANSFORMED`), 'yellow translation')
    assert.ok(ok.includes(`${ESC}33m                   ipv4.src`), 'yellow changed field')
    const bad = text('acl-drop', 'default', false, painted)
    assert.ok(bad.includes(`${ESC}31m${ESC}1mVerdict: dropped`), 'red verdict')
    assert.ok(bad.includes(`${ESC}31m       DROPPED`), 'red drop')
    assert.ok(bad.includes(`${ESC}31m       DENIED`), 'red denial')
  })
})

function dropAt(reason: string, ref: string | null, frame = frames.echo('echo-request', '00-15-5D-00-00-99', '00-15-5D-00-6A-01', '192.168.0.10', '8.8.8.8', 64, 1)): TraceResult {
  const s = new Script().step(PLACES.web, 'transmitted', 'guest-send', 'x', frame, 'vm web/Network Adapter').at(0.05).step(PLACES.natSwitch, 'dropped', reason, `dropped: ${reason}`, frame, ref)
  return buildTraceResult({flow: {protocol: 'icmp', src: ip('192.168.0.10'), dst: ip('8.8.8.8'), srcPort: null, dstPort: null, from: PLACES.web}, steps: s.steps})
}

describe('--explain', () => {
  test('a sentence under each hop, each said once, and the fix under a drop', () => {
    const out = formatTrace(dropAt('mac-spoofing', 'vm web/Network Adapter'), {detail: 'default', explain: true}, plain)
    assert.ok(out.includes(`       » ${DROP_EXPLAIN['mac-spoofing']}`))
    assert.ok(out.includes('       fix: hvnet vm set-nic web --name "Network Adapter" --mac-spoofing on'), out)
    const nat = text('nat-ping', 'default', true)
    for (const key of ['received', 'nat-internal', 'nat-inbound', 'physical'] as const) assert.ok(nat.includes(`» ${REASON_EXPLAIN[key]}`), key)
    assert.equal(nat.split(REASON_EXPLAIN['known-mac']).length - 1, 1, 'said once per trace')
    assert.ok(text('wifi-bridge', 'default', true).includes(REASON_EXPLAIN['wifi-bridge']))
    assert.ok(text('wifi-bridge', 'default', true).includes(REASON_EXPLAIN['unknown-unicast-external']))
    assert.ok(!text('nat-ping', 'default').includes('»'), 'nothing without --explain')
  })

  test('a folded exchange is explained once, with who served it', () => {
    const out = text('default-switch-dhcp', 'default', true)
    assert.ok(out.includes(`(12 hops folded; --detail full shows them)\n       » ${REASON_EXPLAIN.dhcp} ${EXCHANGE_EXPLAIN.icsDhcp}\n`), out)
    assert.ok(out.includes(`(6 hops folded; --detail full shows them)\n       » ${REASON_EXPLAIN['arp-request']}\n`))
  })

  test('summary with --explain too', () => {
    assert.ok(text('port-security', 'summary', true).includes('fix: hvnet host adapter set Ethernet --port-security-max-macs none'))
  })

  test('every drop reason and every place kind has a text', () => {
    for (const r of DROP_REASONS) assert.ok(DROP_EXPLAIN[r].length > 20, r)
    for (const k of ['vm', 'switch', 'host', 'nat', 'physical', 'lan', 'internet'] as const) assert.ok(PLACE_EXPLAIN[k].length > 20, k)
  })

  test('the hop explanation prefers the drop, then a translation, then the last known reason, then the place', () => {
    const r = buildTraceResult(traceScenario('nat-ping'))
    assert.equal(explainHop(r.hops[9]), REASON_EXPLAIN['nat-internal'])
    assert.equal(explainHop({...r.hops[9], steps: [{action: 'received', reason: 'something-new', text: 't', ref: null, changes: []}]}), PLACE_EXPLAIN.nat)
    assert.equal(explainHop(dropAt('vlan-mismatch', null).hops[1]), DROP_EXPLAIN['vlan-mismatch'])
  })

  test('fix commands from the reason and the ref', () => {
    const fix = (reason: string, ref: string | null, frame?: Uint8Array): string | null => {
      const r = dropAt(reason, ref, frame)
      return fixFor(r.hops[1].steps[0], r.hops[1], r.flow)?.command ?? null
    }
    const tcp = frames.tcp('00-0C-29-4F-00-01', '00-1B-78-57-68-AA', '203.0.113.9', '10.0.0.23', 50, 40000, 8080, 2, 1)
    const udp = frames.udp('00-0C-29-4F-00-01', '00-1B-78-57-68-AA', '203.0.113.9', '10.0.0.23', 50, 40000, 5353)
    assert.equal(fix('dhcp-guard', 'vm rogue/Network Adapter'), 'hvnet vm set-nic rogue --name "Network Adapter" --dhcp-guard off')
    assert.equal(fix('acl-deny', 'vm db/Network Adapter.acl[2]'), 'hvnet vm list-acls db --name "Network Adapter"')
    assert.equal(fix('extended-acl-deny', 'vm db/Second.extendedAcl[1]'), 'hvnet vm list-acls db --name Second --extended')
    assert.equal(fix('vm-off', 'vm db'), 'hvnet vm start db')
    assert.equal(fix('port-disconnected', 'vm web/Network Adapter'), 'hvnet vm connect-nic web --name "Network Adapter" --switch SWITCH')
    assert.equal(fix('guest-firewall', 'vm dc1.guest.firewall'), 'hvnet vm set-guest dc1 --firewall off')
    assert.equal(fix('closed-port', 'vm web.guest.listen', tcp), 'hvnet vm set-guest web --listen tcp/8080')
    assert.equal(fix('host-forwarding-disabled', 'host vEthernet (Lab A).forwarding'), 'hvnet host interface set --interface-alias "vEthernet (Lab A)" --forwarding enabled')
    assert.equal(fix('nat-no-mapping', 'nat MyNAT', tcp), 'hvnet nat add-mapping --nat MyNAT --protocol tcp --external-ip 0.0.0.0 --external-port 8080 --internal-ip INTERNAL-IP')
    assert.equal(fix('nat-filtered', 'nat MyNAT session 4', udp), 'hvnet nat set MyNAT --udp-filtering-behavior EndpointIndependentFiltering')
    assert.equal(fix('adapter-down', 'host Wi-Fi'), 'hvnet host adapter set Wi-Fi --status enabled')
    assert.equal(fix('wifi-unassociated-mac', 'host Wi-Fi'), null)
    assert.equal(fix('malformed', null), null)
    assert.equal(fix('mac-spoofing', null), null, 'no VM named: no command to offer')
  })

  test('refs name the VM, the adapter and the field', () => {
    assert.deepEqual(parseVmRef('vm web/Network Adapter.acl[2]'), {vm: 'web', adapter: 'Network Adapter', field: 'acl[2]'})
    assert.deepEqual(parseVmRef('vm web'), {vm: 'web', adapter: null, field: null})
    assert.equal(parseVmRef('nat MyNAT session 3'), null)
  })
})
