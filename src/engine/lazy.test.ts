// A trace builds only what its flow reaches (buildNetwork with boot 'none'): the same trace, drop
// counters and saved state as a network that built every stack and port at once (`buildAll`), at
// the cost of the path. Each case runs both ways and compares everything a user can see.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import type {NetworkConfig, VmConfig} from './config.js'
import {buildNetwork} from './network.js'
import type {Network} from './network.js'
import type {RuntimeState} from './runtime.js'
import {arpRequest, echoRequest, ip} from './testing/lan.js'
import {ETH_MAC, externalLab, lanAdapter, portFeatures, vm} from './testing/network.js'
import {TraceRecorder} from './trace/recorder.js'
import {GatedRecorder, runTrace} from './trace/run.js'
import type {TraceInjection, TracePacket, TraceRun} from './trace/run.js'
import {formatMac} from './wire/index.js'

const mac = (n: number): number => 0x0015_5d00_0a00 + n
const DUP = mac(0x77)

/** 14 VMs on the External switch: running and off, static and DHCP, plain and not, two sharing a MAC. */
function lab(): NetworkConfig {
  const vms: VmConfig[] = [vm('web', {mac: mac(1), switchId: 'sw-ext', address: '192.168.1.50'})]
  for (let n = 2; n <= 9; n++) vms.push(vm(`a${n}`, {mac: mac(n), switchId: 'sw-ext', address: `192.168.1.${60 + n}`}))
  vms.push(vm('off1', {mac: mac(10), switchId: 'sw-ext', address: '192.168.1.80', running: false}))
  vms.push(vm('dhcp1', {mac: mac(11), switchId: 'sw-ext'}))
  vms.push(vm('spoof', {mac: mac(12), switchId: 'sw-ext', address: '192.168.1.82', spoofing: true}))
  vms.push(vm('dupA', {mac: DUP, switchId: 'sw-ext', address: '192.168.1.83'}))
  vms.push(vm('loose', {mac: mac(14), switchId: null, address: '192.168.1.84'}))
  const acl = vm('acl', {mac: mac(15), switchId: 'sw-ext', address: '192.168.1.85'})
  const a = acl.adapters[0]
  vms.push({...acl, adapters: [{...a, features: portFeatures(`vm ${a.key}`, {acls: [{action: 'meter', direction: 'inbound', local: null, remote: {kind: 'any-ip'}, ref: `vm ${a.key}.acl[0]`}]})}]})
  vms.push(vm('dupB', {mac: DUP, switchId: 'sw-ext', address: '192.168.1.86'}))
  return externalLab(lanAdapter(), vms)
}

const ping = (to: TracePacket['target'], protocol: TracePacket['protocol'] = 'icmp', dstPort: number | null = null): TracePacket => ({protocol, target: to, dstPort, srcPort: null, size: null, ttl: null})
const at = (address: string): TracePacket['target'] => ({kind: 'address', address: ip(address)})
const fromWeb = (packet: TracePacket): TraceInjection => ({kind: 'guest', adapterKey: 'web/Network Adapter', packet})

function trace(config: NetworkConfig, state: RuntimeState | null, injection: TraceInjection, buildAll: boolean): {network: Network; run: TraceRun} {
  const gate = new GatedRecorder(new TraceRecorder())
  const network = buildNetwork(config, state, {recorder: gate, boot: 'none', buildAll})
  return {network, run: runTrace(network, gate, injection)}
}

/** What a user sees of a trace: its steps (frames as hex), the flow, the drop counters, the state saved. */
function seen(t: {network: Network; run: TraceRun}): string {
  const steps = t.run.steps.map((s) => ({...s, frame: Buffer.from(s.frame).toString('hex')}))
  return JSON.stringify({steps, flow: t.run.flow, stopped: t.run.stopped, openPort: t.run.openPort, drops: t.network.drops(), state: t.network.exportState(), now: t.network.scheduler.now})
}

/** Runs `injection` both ways; they must agree. Returns the on-demand run. */
function same(injection: TraceInjection, state: RuntimeState | null = null, config = lab()): {network: Network; run: TraceRun} {
  const lazy = trace(config, state, injection, false)
  const all = trace(config, state, injection, true)
  assert.equal(seen(lazy), seen(all))
  return lazy
}

describe('a trace builds only what its flow reaches, and sees and saves what a network built whole would', () => {
  test('a ping to the internet: the gateway ARP is flooded to every port; only the sender\'s stack is built, and the ports that are not plain', () => {
    const {network, run} = same(fromWeb(ping(at('8.8.8.8'))))
    assert.deepEqual([...network.guests.keys()], ['web/Network Adapter'])
    assert.equal(network.builtGuests, 1)
    // spoof (MAC address spoofing On) and acl (an inbound ACL) are judged by their port, so their
    // ports are built; their stacks are not (the copy is one a fresh stack ignores).
    assert.deepEqual([...network.vmPorts.keys()].sort(), ['acl/Network Adapter', 'spoof/Network Adapter', 'web/Network Adapter'])
    // The flooded ARP request: the 13 other guests up on the switch and the host ignored it, once each.
    assert.equal(network.drops()['not-for-me'], 14, JSON.stringify(network.drops()))
    assert.ok(run.steps.some((s) => s.action === 'flooded'))
  })

  test('an ARP request for a VM whose stack is not built: that stack is built and answers', () => {
    const {network, run} = same(fromWeb(ping(at('192.168.1.65'))))
    assert.deepEqual([...network.guests.keys()].sort(), ['a5/Network Adapter', 'web/Network Adapter'])
    assert.ok(run.steps.some((s) => s.action === 'answered' && s.place.name === 'a5/Network Adapter'))
    assert.ok(run.steps.some((s) => s.reason === 'echo-reply' || s.text.includes('echo reply')))
  })

  test("an off VM's port: a flood skips it, a unicast to it drops vm-off", () => {
    const {network} = same(fromWeb(ping(at('192.168.1.80'))))
    assert.equal(network.drops()['vm-off'], undefined)
    const frame = echoRequest({srcMac: mac(1), dstMac: mac(10), src: ip('192.168.1.50'), dst: ip('192.168.1.80')})
    const direct = same({kind: 'frames', at: {kind: 'vm', adapterKey: 'web/Network Adapter'}, frames: [frame]})
    assert.equal(direct.network.drops()['vm-off'], 1)
    assert.equal(direct.network.builtGuests, 0, 'frames injected at a port need no stack behind it, and an off VM has none')
  })

  test('two adapters with one MAC: the first keeps it, though the second woke first', () => {
    const {network, run} = same(fromWeb(ping(at('192.168.1.86'))))
    assert.ok(run.steps.some((s) => s.action === 'answered' && s.place.name === 'dupB/Network Adapter'))
    // The echo request goes to dupA, the first port configured with the MAC, which drops it.
    assert.ok(network.guests.has('dupA/Network Adapter'))
    assert.ok(run.steps.some((s) => s.action === 'dropped' && s.place.name === 'dupA/Network Adapter'), formatMac(DUP))
  })

  test('a VM with the host vNIC\'s MAC before it in the port order takes that MAC', () => {
    const config = lab()
    const thief = vm('thief', {mac: ETH_MAC, switchId: 'sw-ext', address: '192.168.1.90'})
    same(fromWeb(ping(at('192.168.1.40'))), null, {...config, vms: [thief, ...config.vms]})
  })

  test('ports that are not plain, a target by DHCP, TCP, ARP, the host, raw broadcasts: all agree', () => {
    same(fromWeb(ping(at('192.168.1.82'))))
    same(fromWeb(ping(at('192.168.1.85'))))
    same(fromWeb(ping({kind: 'vm', adapterKey: 'dhcp1/Network Adapter'})))
    same(fromWeb(ping({kind: 'vm', adapterKey: 'a2/Network Adapter'}, 'tcp', 22)))
    same(fromWeb(ping(at('192.168.1.63'), 'arp')))
    same(fromWeb(ping(at('192.168.1.84'))))
    same({kind: 'host', packet: ping(at('192.168.1.64'))})
    same({kind: 'frames', at: {kind: 'vm', adapterKey: 'web/Network Adapter'}, frames: [arpRequest(mac(1), 0, ip('192.168.1.67')), arpRequest(mac(1), ip('192.168.1.50'), 0)]})
    same({kind: 'external', adapter: 'Ethernet', src: ip('192.168.1.200'), packet: ping(at('192.168.1.68'))})
  })

  test('with saved state: the guests that have it are built and resume it; the others stay as they were', () => {
    const first = same(fromWeb(ping(at('192.168.1.65'))))
    const state = first.network.exportState()
    // A trace boots only the sender; a5 answered without booting, but with a static address a boot
    // starts nothing, so what it learned answering (web's ARP entry) is saved as a booted guest's.
    assert.deepEqual(Object.keys(state.guests), ['a5/Network Adapter', 'web/Network Adapter'])
    assert.deepEqual(state.guests['a5/Network Adapter'].arp['a5/Network Adapter'].entries.map((e) => e.address), ['192.168.1.50'])
    const saved: RuntimeState = {...state, guests: {'a6/Network Adapter': {arp: {'a6/Network Adapter': {entries: [{address: '192.168.1.50', mac: formatMac(mac(1)), expiresAtMs: 600_000}]}}, dhcp: null}}}
    const second = same(fromWeb(ping(at('192.168.1.8'))), saved)
    // a6 knows web, so web's flooded ARP request refreshes its entry (RFC 826's merge): a6's stack
    // was built from its saved state, not skipped as a fresh one.
    assert.ok(second.network.guests.has('a6/Network Adapter'))
    const entries = second.network.exportState().guests['a6/Network Adapter'].arp['a6/Network Adapter'].entries
    assert.deepEqual(entries.map((e) => [e.address, e.mac]), [['192.168.1.50', formatMac(mac(1))]])
    assert.notEqual(entries[0].expiresAtMs, 600_000)
  })
})
