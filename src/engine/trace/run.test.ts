// The trace driver on small snapshots built directly (no CLI): where it stops, what it boots, and
// the steps it hands back.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {ip} from '../testing/lan.js'
import {externalLab, lanAdapter, vm} from '../testing/network.js'
import {buildTraceResult} from './result.js'
import {FLOW_LIMIT_MS, traceNetwork} from './run.js'
import type {TracePacket} from './run.js'

const ping = (to: string, over: Partial<TracePacket> = {}): TracePacket => ({protocol: 'icmp', target: {kind: 'address', address: ip(to)}, dstPort: null, srcPort: null, size: null, ttl: null, ...over})

describe('runTrace', () => {
  test('a bridged DHCP guest: its lease and ARP first, then the ping; the run stops when the reply arrives', () => {
    const config = externalLab(lanAdapter(), [vm('web', {mac: 0x0015_5d00_0a01, switchId: 'sw-ext'}), vm('idle', {mac: 0x0015_5d00_0a02, switchId: 'sw-ext'})])
    const {network, run} = traceNetwork(config, null, {kind: 'guest', adapterKey: 'web/Network Adapter', packet: ping('8.8.8.8')})
    assert.equal(run.stopped, 'decided')
    const r = buildTraceResult({flow: run.flow, steps: run.steps})
    assert.equal(r.disposition, 'replied')
    assert.equal(r.flow.src, '192.168.1.128', 'the first address of the LAN\'s DHCP server')
    assert.equal(r.hops[0].preliminary, 'dhcp')
    assert.equal(run.steps[0].timeMs >= 0 && run.steps[0].timeMs < 1, true, 'times count from the start of the trace')
    assert.ok(network.scheduler.now < 100, `stopped at the reply, not at the deadline: ${network.scheduler.now}`)
    // The other guest was not booted: no DHCP of its own in the trace, and no state saved for it.
    assert.ok(!run.steps.some((s) => s.place.name === 'idle/Network Adapter'))
    assert.deepEqual(Object.keys(network.exportState().guests), ['web/Network Adapter'])
  })

  test('nothing comes back: the run stops when nothing more can happen, well before the deadline', () => {
    const config = externalLab(lanAdapter(), [vm('web', {mac: 0x0015_5d00_0a01, switchId: 'sw-ext', address: '192.168.1.50'})])
    const {network, run} = traceNetwork(config, null, {kind: 'guest', adapterKey: 'web/Network Adapter', packet: ping('198.51.100.7')})
    assert.equal(run.stopped, 'quiet')
    assert.equal(buildTraceResult({flow: run.flow, steps: run.steps}).disposition, 'timeout')
    assert.ok(network.scheduler.now < FLOW_LIMIT_MS)
  })

  test('saved state is used: the second run sends at once from the ARP cache', () => {
    const config = externalLab(lanAdapter(), [vm('web', {mac: 0x0015_5d00_0a01, switchId: 'sw-ext', address: '192.168.1.50'})])
    const first = traceNetwork(config, null, {kind: 'guest', adapterKey: 'web/Network Adapter', packet: ping('192.168.1.1')})
    const state = JSON.parse(JSON.stringify(first.network.exportState()))
    const second = traceNetwork(config, state, {kind: 'guest', adapterKey: 'web/Network Adapter', packet: ping('192.168.1.1')})
    const hops = buildTraceResult({flow: second.run.flow, steps: second.run.steps}).hops
    assert.ok(buildTraceResult({flow: first.run.flow, steps: first.run.steps}).hops.some((h) => h.preliminary === 'arp'))
    assert.ok(!hops.some((h) => h.preliminary !== null))
    assert.match(hops[0].steps[0].text, /192\.168\.1\.1 is-at .* from its ARP cache/)
    assert.ok(second.network.scheduler.now > first.network.scheduler.now, 'the virtual clock goes on')
  })

  test('raw frames: the flow is read from the first frame, and the first step says it was injected', () => {
    const config = externalLab(lanAdapter(), [vm('web', {mac: 0x0015_5d00_0a01, switchId: 'sw-ext', address: '192.168.1.50'})])
    const arp = Uint8Array.from(Buffer.from('ffffffffffff00155d000a0108060001080006040001' + '00155d000a01c0a80132' + '000000000000c0a80101', 'hex'))
    const {run} = traceNetwork(config, null, {kind: 'frames', at: {kind: 'vm', adapterKey: 'web/Network Adapter'}, frames: [arp]})
    assert.deepEqual([run.flow.protocol, run.flow.src, run.flow.dst], ['arp', ip('192.168.1.50'), ip('192.168.1.1')])
    assert.equal(run.steps[0].reason, 'injected')
    assert.equal(buildTraceResult({flow: run.flow, steps: run.steps}).disposition, 'replied', 'the LAN router answers')
  })
})
