// `hvnet trace` end to end: labs built through the commands, real traces through the engine, and
// what a user sees — dispositions, injection modes, detail levels, --explain, --pcap, the JSON
// Schema, runtime state kept (or not), exit codes — plus Microsoft's NAT setup through the real
// binary and `hvnet nat sessions`.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import {Ajv} from 'ajv'

import {readCapture} from '../../src/engine/wire/pcap.js'
import {toHex} from '../../src/engine/wire/bytes.js'
import {WireError} from '../../src/engine/wire/index.js'
import {TSHARK, tsharkFields} from '../../src/engine/wire/test-support.js'
import {runtimePathOf} from '../../src/model/runtime-store.js'
import {DROP_EXPLAIN} from '../../src/render/trace-explain.js'
import {cli, ok, repoRoot, run, snapshot, tempLab} from '../support.js'
import {NAT_SETUP, TRACE_LABS, buildTraceLab, echoFrameHex} from '../trace-labs.js'

interface Step {
  action: string
  reason: string
  text: string
  ref: string | null
  changes: {field: string; before: string; after: string}[]
}

interface Hop {
  index: number
  timeMs: number
  direction: string
  preliminary: string | null
  location: {kind: string; name: string}
  frame: {summary: string; hex: string}
  steps: Step[]
}

interface TraceJson {
  schemaVersion: number
  flow: {protocol: string; src: string; dst: string; srcPort: number | null; dstPort: number | null; from: {kind: string; name: string}}
  hops: Hop[]
  disposition: string
  reason: string | null
  hop: number | null
  rttMs: number | null
  expectation: {disposition: string; reason: string | null; source: string; met: boolean}
}

const lab = (name: string) => {
  const l = TRACE_LABS.find((x) => x.name === name)
  if (l === undefined) throw new Error(`no trace lab ${name}`)
  return buildTraceLab(l)
}

async function trace(file: string, args: string[]): Promise<{json: TraceJson; exitCode: number}> {
  const r = await run<TraceJson>(['trace', ...args, '--json'], file)
  assert.ok(r.result !== undefined, `trace ${args.join(' ')}: ${r.error ?? r.stdout}`)
  return {json: r.result, exitCode: r.exitCode}
}

async function text(file: string, args: string[]): Promise<{stdout: string; exitCode: number}> {
  const r = await run(['trace', ...args], file)
  assert.equal(r.error, undefined, r.error)
  return {stdout: r.stdout, exitCode: r.exitCode}
}

const allSteps = (j: TraceJson) => j.hops.flatMap((h) => h.steps.map((s) => ({...s, hop: h})))

const schema = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas', 'trace.schema.json'), 'utf8')) as object
const validate = new Ajv({allErrors: true, strict: true}).compile(schema)

describe('hvnet trace: every disposition, from real traces', () => {
  test('replied: a new VM on the Default Switch gets a DHCP lease, then pings 8.8.8.8 through the ICS NAT', async () => {
    const file = await lab('default-switch')
    const {json, exitCode} = await trace(file, ['--from', 'fresh', '--to', '8.8.8.8'])
    assert.equal(json.disposition, 'replied')
    assert.equal(exitCode, 0)
    assert.equal(json.flow.protocol, 'icmp')
    assert.match(json.flow.src, /^172\.\d+\.\d+\.\d+$/, 'the address the lease gave')
    assert.deepEqual(json.flow.from, {kind: 'vm', name: 'fresh/Network Adapter'})
    assert.equal(json.hops[0].preliminary, 'dhcp', 'the DHCP exchange comes first')
    assert.ok(json.hops.some((h) => h.preliminary === 'arp'))
    const nat = json.hops.filter((h) => h.location.kind === 'nat')
    assert.deepEqual(nat.map((h) => [h.location.name, h.direction]), [['ICS (Default Switch)', 'request'], ['ICS (Default Switch)', 'reply']])
    assert.ok(nat[0].steps.some((s) => s.action === 'transformed' && s.changes.some((c) => c.field === 'ipv4.src' && c.after === '10.0.0.23')))
    assert.ok(json.hops.some((h) => h.location.kind === 'internet' && h.location.name === '8.8.8.8'))
    assert.ok(json.rttMs !== null && json.rttMs > 20 && json.rttMs < 25, `rtt ${json.rttMs}`)
    assert.equal(json.hops.at(-1)?.location.name, 'fresh/Network Adapter')
    assert.equal(json.hop, json.hops.length)
  })

  test('refused: TCP to a port db does not listen on gets RST (exit 3 against the default, 0 with --expect refused)', async () => {
    const file = await lab('nat')
    const {json, exitCode} = await trace(file, ['--from', 'web', '--to', 'db', '--protocol', 'tcp', '--dport', '23'])
    assert.equal(json.disposition, 'refused')
    assert.equal(json.flow.dstPort, 23)
    assert.deepEqual(json.expectation, {disposition: 'delivered', reason: null, source: 'default', met: false})
    assert.equal(exitCode, 3)
    assert.equal((await trace(file, ['--from', 'web', '--to', 'db', '--protocol', 'tcp', '--dport', '23', '--expect', 'refused'])).exitCode, 0)
  })

  test('replied for TCP to a listening port; delivered for UDP to a listening port that does not answer', async () => {
    const file = await lab('nat')
    const open = await trace(file, ['--from', 'web', '--to', 'db', '--protocol', 'tcp', '--dport', '22'])
    assert.equal(open.json.disposition, 'replied')
    assert.equal(open.json.expectation.disposition, 'replied', 'db listens on tcp/22: an open port is expected to answer')
    const udp = await trace(file, ['--from', 'web', '--to', 'db', '--protocol', 'udp', '--dport', '514'])
    assert.equal(udp.json.disposition, 'delivered')
    assert.equal(udp.exitCode, 0)
    const at = udp.json.hops[udp.json.hop! - 1]
    assert.deepEqual(at.location, {kind: 'vm', name: 'db/Network Adapter'})
    assert.equal(udp.json.rttMs, null)
  })

  test('replied is expected of TCP to the host\'s address on a port a static mapping publishes from a listening VM', async () => {
    const file = await lab('nat')
    // 2222 → db:22, where db listens: an open port, expected to answer.
    const mapped = await trace(file, ['--from', 'external:Ethernet', '--to', '10.0.0.23', '--protocol', 'tcp', '--dport', '2222', '--stateless'])
    assert.equal(mapped.json.disposition, 'replied')
    assert.deepEqual(mapped.json.expectation, {disposition: 'replied', reason: null, source: 'default', met: true})
    // 2323 → db:23, where nothing listens: db refuses, as any closed port does (exit 3 against the default).
    await ok(['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '0.0.0.0', '--external-port', '2323', '--internal-ip', '192.168.0.20', '--internal-port', '23'], file)
    const closed = await trace(file, ['--from', 'external:Ethernet', '--to', '10.0.0.23', '--protocol', 'tcp', '--dport', '2323', '--stateless'])
    assert.equal(closed.json.disposition, 'refused')
    assert.deepEqual(closed.json.expectation, {disposition: 'delivered', reason: null, source: 'default', met: false})
    assert.equal(closed.exitCode, 3)
  })

  test('dropped: a frame whose source MAC is not the adapter\'s own (mac-spoofing), and one across VLANs (vlan-mismatch)', async () => {
    const nat = await lab('nat')
    const spoof = await trace(nat, ['--frame', echoFrameHex('00155D001799', '00155D001703', '192.168.0.10', '192.168.0.20'), '--at', 'web', '--expect', 'dropped:mac-spoofing'])
    assert.equal(spoof.json.disposition, 'dropped')
    assert.equal(spoof.json.reason, 'mac-spoofing')
    assert.equal(spoof.exitCode, 0)
    const drop = allSteps(spoof.json).find((s) => s.action === 'dropped')!
    assert.equal(drop.hop.location.kind, 'switch')
    assert.match(drop.ref ?? '', /^vm web\/Network Adapter/)
    const policies = await lab('switch-policies')
    const vlan = await trace(policies, ['--frame', echoFrameHex('00155D00AA01', '00155D00AA03', '10.1.0.10', '10.1.0.30'), '--at', 'a'])
    assert.equal(vlan.json.disposition, 'dropped')
    assert.equal(vlan.json.reason, 'vlan-mismatch')
    assert.equal(vlan.exitCode, 3)
  })

  test('dropped by a port ACL and by a Windows guest\'s firewall, with the entry and the firewall named', async () => {
    const file = await lab('switch-policies')
    const acl = await trace(file, ['--from', 'a', '--to', 'b'])
    assert.equal(acl.json.reason, 'acl-deny')
    assert.match(allSteps(acl.json).find((s) => s.action === 'dropped' && s.reason === 'acl-deny')!.ref ?? '', /^vm b\/Network Adapter\.acl\[\d+\]$/)
    const fw = await trace(file, ['--from', 'a', '--to', 'w'])
    assert.equal(fw.json.reason, 'guest-firewall')
  })

  test('unreachable: TTL 1 runs out at the host, which answers ICMP time exceeded', async () => {
    const file = await lab('nat')
    const {json, exitCode} = await trace(file, ['--from', 'web', '--to', '8.8.8.8', '--ttl', '1', '--expect', 'unreachable:ttl-exceeded'])
    assert.equal(json.disposition, 'unreachable')
    assert.equal(json.reason, 'ttl-exceeded')
    assert.equal(exitCode, 0)
    assert.ok(allSteps(json).some((s) => s.action === 'answered' && s.reason === 'time-exceeded' && s.hop.location.name === 'vEthernet (NATSwitch)'))
  })

  test('timeout: a guest with no gateway sends nothing to the internet', async () => {
    const file = await lab('nat')
    const {json, exitCode} = await trace(file, ['--from', 'nogw', '--to', '8.8.8.8'])
    assert.equal(json.disposition, 'timeout')
    assert.equal(json.reason, 'no-route')
    assert.equal(json.hops.length, 1)
    assert.equal(exitCode, 3)
  })

  test('on an Internal switch with no DHCP server, a new guest takes APIPA (28 s of virtual time) before its flow', async () => {
    const file = tempLab()
    for (const args of [['vswitch', 'new', 'Lab', '--type', 'internal'], ['vm', 'new', 'a', '--switch', 'Lab'], ['vm', 'new', 'b', '--switch', 'Lab'], ['vm', 'start', 'a'], ['vm', 'start', 'b']]) await ok(args, file)
    const {json} = await trace(file, ['--from', 'a', '--to', 'b'])
    assert.equal(json.disposition, 'replied')
    assert.match(json.flow.src, /^169\.254\./)
    assert.match(json.flow.dst, /^169\.254\./, 'b booted first, unrecorded, and took its APIPA address')
    const gaveUp = allSteps(json).find((s) => s.reason === 'no-answer')!
    assert.equal(gaveUp.hop.preliminary, 'dhcp')
    assert.equal(gaveUp.hop.timeMs, 28_000)
    const minimal = (await text(file, ['--from', 'b', '--to', 'a', '--stateless', '--detail', 'minimal'])).stdout
    assert.match(minimal, /^1-7 DHCP DISCOVER → no answer: APIPA 169\.254\.\d+\.\d+\/16$/m)
  })

  test('a stopped VM as the target is a trace that shows where the frame stops', async () => {
    const file = await lab('nat')
    await ok(['vm', 'stop', 'db'], file)
    const {json, exitCode} = await trace(file, ['--from', 'web', '--to', 'db'])
    assert.equal(json.disposition, 'dropped')
    assert.equal(json.reason, 'arp-unresolved', 'a stopped VM answers no ARP')
    assert.equal(exitCode, 3)
  })
})

describe('hvnet trace: injection modes', () => {
  test('--from host sends from the host\'s own stack', async () => {
    const file = await lab('nat')
    const {json} = await trace(file, ['--from', 'host', '--to', '8.8.8.8'])
    assert.deepEqual(json.flow.from, {kind: 'host', name: 'Ethernet'})
    assert.equal(json.flow.src, '10.0.0.23')
    assert.equal(json.disposition, 'replied')
    assert.ok(!json.hops.some((h) => h.location.kind === 'nat'), 'the host\'s own traffic is not translated')
  })

  test('--from external:ADAPTER: a machine on the LAN reaches a VM through a static mapping', async () => {
    const file = await lab('nat')
    const {json} = await trace(file, ['--from', 'external:Ethernet', '--src', '10.0.0.77', '--to', '10.0.0.23', '--protocol', 'tcp', '--dport', '2222'])
    assert.deepEqual(json.flow.from, {kind: 'lan', name: 'Ethernet'})
    assert.equal(json.flow.src, '10.0.0.77')
    assert.equal(json.disposition, 'replied')
    const inbound = json.hops.find((h) => h.location.kind === 'nat')!
    assert.deepEqual(inbound.steps.find((s) => s.action === 'transformed')!.changes.filter((c) => !c.field.endsWith('checksum')), [
      {field: 'ipv4.dst', before: '10.0.0.23', after: '192.168.0.20'},
      {field: 'tcp.dstPort', before: '2222', after: '22'},
    ])
    assert.ok(json.hops.some((h) => h.location.name === 'db/Network Adapter' && h.steps.some((s) => s.reason === 'tcp-syn-ack')))
    const none = await trace(file, ['--from', 'external:Ethernet', '--to', '10.0.0.23', '--protocol', 'udp', '--dport', '5000'])
    assert.equal(none.json.flow.src, '10.0.0.254', 'a free address on the LAN by default')
    assert.notEqual(none.json.disposition, 'replied')
  })

  test('--frame HEX --at a host vNIC and at the physical network; --frame-file with hex lines and with a pcapng', async () => {
    const file = await lab('nat')
    const atHost = await trace(file, ['--frame', echoFrameHex('00155D001701', '00155D001702', '192.168.0.1', '192.168.0.10'), '--at', 'host/NATSwitch'])
    assert.deepEqual(atHost.json.flow.from, {kind: 'host', name: 'vEthernet (NATSwitch)'})
    assert.equal(atHost.json.hops[0].steps[0].reason, 'injected')
    assert.ok(allSteps(atHost.json).some((s) => s.hop.location.name === 'web/Network Adapter' && s.action === 'answered'), 'web answers the echo request')
    const arp = 'ffffffffffff02000000007708060001080006040001020000000077' + '0a00004d' + '000000000000' + '0a000017'
    const atLan = await trace(file, ['--frame', arp, '--at', 'external:Ethernet'])
    assert.deepEqual(atLan.json.flow, {protocol: 'arp', src: '10.0.0.77', dst: '10.0.0.23', srcPort: null, dstPort: null, from: {kind: 'lan', name: 'Ethernet'}})
    assert.ok(allSteps(atLan.json).some((s) => s.action === 'answered' && s.reason === 'arp-reply' && s.hop.location.name === 'Ethernet'), 'the host answers ARP for its address')

    const dir = path.dirname(file)
    const lines = path.join(dir, 'frames.txt')
    fs.writeFileSync(lines, `# two frames\n${echoFrameHex('00155D001702', '00155D001703', '192.168.0.10', '192.168.0.20')}\n${echoFrameHex('00155D001702', '00155D001703', '192.168.0.10', '192.168.0.20')}\n`)
    const twice = await trace(file, ['--frame-file', lines, '--at', 'web'])
    assert.equal(twice.json.hops.filter((h) => h.steps.some((s) => s.reason === 'injected')).length, 2)
    const pcap = path.join(dir, 'one.pcapng')
    await run(['trace', '--from', 'web', '--to', 'db', '--pcap', pcap, '--stateless'], file)
    const replay = await trace(file, ['--frame-file', pcap, '--at', 'web', '--stateless'])
    assert.ok(replay.json.hops.length > 0)
  })

  test('--protocol dns, dhcp and arp from a guest', async () => {
    const file = await lab('default-switch')
    const dns = await trace(file, ['--from', 'fresh', '--to', 'gateway', '--protocol', 'dns'])
    assert.equal(dns.json.disposition, 'replied')
    assert.equal(dns.json.flow.dstPort, 53)
    const dhcp = await trace(file, ['--from', 'fresh', '--protocol', 'dhcp'])
    assert.equal(dhcp.json.disposition, 'replied', 'a DHCPACK came back')
    assert.equal(dhcp.json.flow.protocol, 'dhcp')
    const arp = await trace(file, ['--from', 'fresh', '--to', 'gateway', '--protocol', 'arp'])
    assert.equal(arp.json.disposition, 'replied')
  })
})

describe('hvnet trace: detail levels, --explain, JSON, --pcap', () => {
  const GOLDEN = path.join(repoRoot, 'test', 'golden', 'trace-cli')
  const goldens: [string, string, string[]][] = [
    ['default-switch-ping', 'default-switch', ['--from', 'fresh', '--to', '8.8.8.8']],
    ['nat-ping', 'nat', ['--from', 'web', '--to', '8.8.8.8']],
    ['mac-spoofing', 'nat', ['--frame', echoFrameHex('00155D001799', '00155D001703', '192.168.0.10', '192.168.0.20'), '--at', 'web']],
    ['port-security', 'campus', ['--from', 'campus', '--to', '8.8.8.8']],
  ]
  for (const [name, labName, args] of goldens) {
    test(`--detail minimal is pinned: ${name}`, async () => {
      const {stdout} = await text(await lab(labName), [...args, '--detail', 'minimal'])
      const file = path.join(GOLDEN, `${name}.minimal.txt`)
      if (process.env.UPDATE_GOLDEN === '1') {
        fs.mkdirSync(GOLDEN, {recursive: true})
        fs.writeFileSync(file, stdout)
      }
      assert.ok(fs.existsSync(file), `${file} is missing (UPDATE_GOLDEN=1 writes it)`)
      assert.equal(stdout, fs.readFileSync(file, 'utf8'), `${file} differs (UPDATE_GOLDEN=1 rewrites it after a deliberate change)`)
    })
  }

  test('default, summary and full', async () => {
    const file = await lab('nat')
    const def = (await text(file, ['--from', 'web', '--to', '8.8.8.8', '--stateless'])).stdout
    assert.match(def, /^ICMP echo 192\.168\.0\.10 → 8\.8\.8\.8 {2}from vm web\/Network Adapter\n/)
    assert.match(def, /ARP who-has 192\.168\.0\.1 → 192\.168\.0\.1 is-at 00-15-5D-00-17-01 {2}\(\d+ hops folded; --detail full shows them\)/)
    assert.match(def, /TRANSFORMED MyNATnetwork rewrote ICMP echo 192\.168\.0\.10 → 8\.8\.8\.8/)
    assert.match(def, / {19}ipv4\.src +192\.168\.0\.10 → 10\.0\.0\.23\n/)
    assert.match(def, /\[nat MyNATnetwork session 1\]/)
    assert.match(def, /Verdict: replied: 8\.8\.8\.8 answered, round trip 22\.\d+ ms \(virtual\)\nexpected by default replied: met \(exit 0\)\n$/)
    const summary = (await text(file, ['--from', 'web', '--to', '8.8.8.8', '--stateless', '--detail', 'summary'])).stdout
    assert.match(summary, /NAT MyNATnetwork {2}\(request\) {2}TRANSFORMED\n/)
    assert.ok(summary.split('\n').length < def.split('\n').length / 2)
    const full = (await text(file, ['--from', 'web', '--to', '8.8.8.8', '--stateless', '--detail', 'full'])).stdout
    assert.ok(!full.includes('folded'), 'full folds nothing')
    assert.match(full, /ARP \(offset 14\)/)
    assert.match(full, /ICMPv4 \(offset 34\)/)
  })

  test('--explain: the concept under each hop, and under a drop the command that changes it', async () => {
    const file = await lab('nat')
    const {stdout, exitCode} = await text(file, ['--frame', echoFrameHex('00155D001799', '00155D001703', '192.168.0.10', '192.168.0.20'), '--at', 'web', '--explain'])
    assert.equal(exitCode, 3)
    assert.ok(stdout.includes(`» ${DROP_EXPLAIN['mac-spoofing']}`))
    assert.ok(stdout.includes('fix: hvnet vm set-nic web --name "Network Adapter" --mac-spoofing on'))
    const ping = (await text(file, ['--from', 'web', '--to', '8.8.8.8', '--explain'])).stdout
    assert.match(ping, /» NAT is needed because/)
    assert.match(ping, /» An answer from outside matches the session/)
  })

  test('the JSON Schema validates real output of every scenario lab', async () => {
    for (const l of TRACE_LABS) {
      const file = await buildTraceLab(l)
      for (const args of l.traces.slice(0, 4)) {
        const {json} = await trace(file, [...args])
        assert.ok(validate(json), `${l.name} ${args.join(' ')}: ${JSON.stringify(validate.errors)}`)
        assert.equal(json.schemaVersion, 1)
      }
    }
  })

  test('--pcap: every hop\'s frame and every translation, read back by the project\'s reader (and tshark where installed)', async () => {
    const file = await lab('nat')
    const pcap = path.join(path.dirname(file), 'trace.pcapng')
    const {json} = await trace(file, ['--from', 'web', '--to', '8.8.8.8', '--pcap', pcap])
    const back = readCapture(fs.readFileSync(pcap))
    assert.ok(!(back instanceof WireError), String(back))
    const packets = back as Exclude<typeof back, WireError>
    const translations = json.hops.flatMap((h) => h.steps).filter((s) => s.action === 'transformed').length
    assert.equal(packets.length, json.hops.length + translations)
    assert.equal(packets[0].interfaceName, 'vm web/Network Adapter')
    assert.equal(toHex(packets[0].bytes), json.hops[0].frame.hex)
    assert.ok(packets.some((p) => p.interfaceName === 'nat MyNATnetwork' && /transformed nat-translated \[nat MyNATnetwork session 1\] ipv4\.src 192\.168\.0\.10 -> 10\.0\.0\.23/.test(p.comment)))
    if (TSHARK === null) {
      test.skip('tshark is not on PATH: the trace capture is not cross-checked with tshark')
      return
    }
    assert.deepEqual(tsharkFields(pcap, ['frame.interface_name', '_ws.malformed']), packets.map((p) => `${p.interfaceName}|`))
  })
})

describe('hvnet trace: runtime state', () => {
  test('a second trace finds the ARP entry and the NAT session of the first, and says so; nat sessions lists the session', async () => {
    const file = await lab('default-switch')
    const first = await trace(file, ['--from', 'fresh', '--to', '8.8.8.8'])
    assert.ok(first.json.hops.some((h) => h.preliminary === 'dhcp'))
    assert.ok(fs.existsSync(runtimePathOf(file)))
    const second = await trace(file, ['--from', 'fresh', '--to', '8.8.8.8'])
    assert.equal(second.json.disposition, 'replied')
    assert.equal(second.json.flow.src, first.json.flow.src, 'the same lease')
    assert.ok(!second.json.hops.some((h) => h.preliminary !== null), 'no DHCP, no ARP: both were remembered')
    assert.match(second.json.hops[0].steps[0].text, /172\.\d+\.\d+\.1 is-at 00-15-5D-[0-9A-F-]+ from its ARP cache/)
    const natOut = second.json.hops.find((h) => h.location.kind === 'nat')!.steps.find((s) => s.action === 'transformed')!
    assert.match(natOut.text, /\(session 1\)/)
    assert.doesNotMatch(natOut.text, /new session/)
    assert.equal(natOut.ref, 'vswitch Default Switch.icsNat session 1')
    const sessions = await ok<{natName: string; id: number; protocol: number; internalSourceAddress: string; externalSourceAddress: string; externalDestinationAddress: string; state: string; timeLeft: number}[]>(['nat', 'sessions', '--json'], file)
    assert.equal(sessions.length, 1)
    assert.deepEqual([sessions[0].natName, sessions[0].id, sessions[0].protocol, sessions[0].internalSourceAddress, sessions[0].externalSourceAddress, sessions[0].externalDestinationAddress, sessions[0].state], ['ICS (Default Switch)', 1, 1, first.json.flow.src, '10.0.0.23', '8.8.8.8', 'active'])
    assert.ok(sessions[0].timeLeft > 29 && sessions[0].timeLeft <= 30, `IcmpQueryTimeout 30 s: ${sessions[0].timeLeft}`)
  })

  test('a VM that answered a trace through a static mapping remembers, on the second, the gateway it learned answering the first', async () => {
    const file = await lab('nat')
    const args = ['--from', 'external:Ethernet', '--to', '10.0.0.23', '--protocol', 'tcp', '--dport', '2222']
    const first = await trace(file, args)
    assert.equal(first.json.disposition, 'replied')
    // db answers without asking ARP: the host's "who has 192.168.0.20?" told it where 192.168.0.1 is (RFC 826).
    const whoHas = (j: TraceJson, address: string) => j.hops.some((h) => h.frame.summary.includes(`who-has ${address} `))
    assert.ok(whoHas(first.json, '192.168.0.20') && !whoHas(first.json, '192.168.0.1'))
    const saved = JSON.parse(fs.readFileSync(runtimePathOf(file), 'utf8')) as {guests: Record<string, {arp: Record<string, {entries: {address: string}[]}>}>}
    assert.deepEqual(Object.values(saved.guests['db/Network Adapter'].arp).flatMap((c) => c.entries.map((e) => e.address)), ['192.168.0.1'])
    const second = await trace(file, args)
    assert.equal(second.json.disposition, 'replied')
    assert.ok(!whoHas(second.json, '192.168.0.20') && !whoHas(second.json, '192.168.0.1'), 'neither the host nor db asks again')
  })

  test('a VM moved to another switch does not reuse the lease and ARP entries it learned on the first', async () => {
    const file = await lab('default-switch')
    const first = await trace(file, ['--from', 'fresh', '--to', '8.8.8.8'])
    assert.equal(first.json.disposition, 'replied')
    assert.match(first.json.flow.src, /^172\./)
    await ok(['vswitch', 'new', 'Isolated', '--type', 'internal'], file)
    await ok(['vm', 'connect-nic', 'fresh', '--name', 'Network Adapter', '--switch', 'Isolated'], file)
    const saved = JSON.parse(fs.readFileSync(runtimePathOf(file), 'utf8')) as {basis?: unknown}
    assert.ok(saved.basis !== undefined, 'the trace saved the basis its state was learned under')
    const second = await trace(file, ['--from', 'fresh', '--to', '8.8.8.8'])
    assert.ok(second.json.hops.some((h) => h.preliminary === 'dhcp'), 'a new DHCP exchange on the new switch')
    assert.notEqual(second.json.flow.src, first.json.flow.src, 'the Default Switch lease is gone')
    assert.match(second.json.flow.src, /^169\.254\./, 'no DHCP server on an Internal switch: APIPA')
    assert.ok(!second.json.hops.some((h) => h.steps.some((s) => /from its ARP cache/.test(s.text))), 'no ARP entry of the Default Switch reused')
  })

  test('a saved state that does not hold together is store-corrupt naming the file, with the fix runtime reset; the file is left as it is', async () => {
    const file = await lab('nat')
    await trace(file, ['--from', 'web', '--to', '8.8.8.8'])
    const runtimeFile = runtimePathOf(file)
    const state = JSON.parse(fs.readFileSync(runtimeFile, 'utf8')) as {guests: Record<string, {arp: Record<string, {entries: {mac: string}[]}>}>}
    state.guests['web/Network Adapter'].arp['web/Network Adapter'].entries[0].mac = 'nonsense'
    fs.writeFileSync(runtimeFile, JSON.stringify(state))
    const before = snapshot(runtimeFile)
    const r = await run(['trace', '--from', 'web', '--to', '8.8.8.8', '--json'], file)
    const error = JSON.parse(r.stdout).error as {code: string; message: string; fix: string}
    assert.equal(error.code, 'store-corrupt')
    assert.match(error.message, /^The runtime file .*\.runtime\.json does not hold together \(ARP cache of web/)
    assert.match(error.fix, /hvnet runtime reset/)
    assert.deepEqual(snapshot(runtimeFile), before)
    await ok(['runtime', 'reset'], file)
    assert.equal((await trace(file, ['--from', 'web', '--to', '8.8.8.8'])).json.disposition, 'replied')
  })

  test('--stateless starts from nothing and saves nothing', async () => {
    const file = await lab('default-switch')
    await trace(file, ['--from', 'fresh', '--to', '8.8.8.8'])
    const saved = snapshot(runtimePathOf(file))
    const again = await trace(file, ['--from', 'fresh', '--to', '8.8.8.8', '--stateless'])
    assert.ok(again.json.hops.some((h) => h.preliminary === 'dhcp'), 'a fresh DHCP exchange: the saved lease was not used')
    assert.deepEqual(snapshot(runtimePathOf(file)), saved, 'the runtime file is untouched')
    const other = await lab('nat')
    await trace(other, ['--from', 'web', '--to', '8.8.8.8', '--stateless'])
    assert.equal(fs.existsSync(runtimePathOf(other)), false)
  })

  test('input errors leave the lab and the runtime state as they were', async () => {
    const file = await lab('nat')
    await trace(file, ['--from', 'web', '--to', '8.8.8.8'])
    const before = [snapshot(file), snapshot(runtimePathOf(file))]
    await ok(['vm', 'new', 'loose'], file)
    await ok(['vm', 'start', 'loose'], file)
    const labBefore = snapshot(file)
    const cases: [string[], RegExp][] = [
      [['--from', 'loose', '--to', '8.8.8.8'], /not connected to a virtual switch.*hvnet vm connect-nic loose --name "Network Adapter" --switch SWITCH/],
      [['--from', 'wbe', '--to', '8.8.8.8'], /unable to find a virtual machine with name "wbe"\. Did you mean "web"\?/],
      [['--from', 'web', '--to', 'dbb'], /"dbb" is not an IPv4 address, a VM, host or gateway\. Did you mean "db"\?/],
      [['--from', 'external:Ethernett', '--to', '10.0.0.23'], /'Ethernett'.*Did you mean "Ethernet"\?/],
      [['--from', 'web', '--to', '8.8.8.8', '--protocol', 'udp'], /needs a destination port.*--dport/],
      [['--from', 'web', '--to', '8.8.8.8', '--pcap', '/nonexistent/dir/x.pcapng'], /cannot be written/],
    ]
    for (const [args, message] of cases) {
      const r = await run(['trace', ...args], file)
      assert.equal(r.exitCode, 1, `${args.join(' ')}: ${r.error}`)
      assert.match(r.error ?? '', message)
    }
    assert.deepEqual(snapshot(file), labBefore)
    assert.deepEqual(snapshot(runtimePathOf(file)), before[1])
    assert.ok(before[0] !== null)
  })
})

describe('hvnet trace through the real binary', () => {
  test('exit codes: 0 met, 3 not met, 1 input error with the fix, 2 usage error', async () => {
    const file = await lab('nat')
    await ok(['vm', 'stop', 'db'], file)
    const met = await cli(['trace', '--from', 'web', '--to', '8.8.8.8', '--detail', 'summary'], {lab: file})
    assert.equal(met.exitCode, 0, met.stderr)
    assert.match(met.stdout, /Verdict: replied/)
    const notMet = await cli(['trace', '--from', 'web', '--to', '8.8.8.8', '--expect', 'dropped:vlan-mismatch', '--json'], {lab: file})
    assert.equal(notMet.exitCode, 3)
    assert.equal(JSON.parse(notMet.stdout).expectation.met, false)
    const off = await cli(['trace', '--from', 'db', '--to', 'web'], {lab: file})
    assert.equal(off.exitCode, 1)
    assert.equal(off.stderr, 'Error: The virtual machine "db" is Off: a VM that is not running sends nothing. Start it: `hvnet vm start db`.')
    const usage = await cli(['trace', '--from', 'web', '--to', '8.8.8.8', '--expect', 'dropped:vlan'], {lab: file})
    assert.equal(usage.exitCode, 2)
    assert.match(usage.stderr, /"vlan" is not a drop reason/)
    assert.equal(usage.stderr.trim().split('\n').length, 1, 'one line')
  })

  test("Microsoft's documented NAT setup, then a VM with a static address reaches 8.8.8.8 and nat sessions shows the session", async () => {
    const file = tempLab()
    for (const args of NAT_SETUP) {
      const r = await cli([...args], {lab: file})
      assert.equal(r.exitCode, 0, `${args.join(' ')}: ${r.stderr}`)
    }
    const t = await cli(['trace', '--from', 'web', '--to', '8.8.8.8', '--json'], {lab: file})
    assert.equal(t.exitCode, 0, t.stderr)
    const json = JSON.parse(t.stdout) as TraceJson
    assert.equal(json.disposition, 'replied')
    assert.equal(json.flow.src, '192.168.0.10')
    const s = await cli(['nat', 'sessions', '--nat', 'MyNATnetwork', '--json'], {lab: file})
    assert.equal(s.exitCode, 0, s.stderr)
    const sessions = JSON.parse(s.stdout) as {natName: string; protocol: number; internalSourceAddress: string; externalSourceAddress: string; externalDestinationAddress: string}[]
    assert.equal(sessions.length, 1)
    assert.deepEqual([sessions[0].natName, sessions[0].protocol, sessions[0].internalSourceAddress, sessions[0].externalSourceAddress, sessions[0].externalDestinationAddress], ['MyNATnetwork', 1, '192.168.0.10', '10.0.0.23', '8.8.8.8'])
    const table = await cli(['nat', 'sessions'], {lab: file})
    assert.match(table.stdout, /^NatName +Id Protocol InternalSourceAddress/)
    assert.match(table.stdout, /MyNATnetwork +1 +1 192\.168\.0\.10:\d+ +8\.8\.8\.8:0 +10\.0\.0\.23:\d+ +8\.8\.8\.8:0 +0s active +\d+(\.\d+)?s/)
  })
})
