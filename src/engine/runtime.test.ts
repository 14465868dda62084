import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {NetworkConfig} from './config.js'
import {buildNetwork} from './network.js'
import {checkRuntimeState, invalidatedBy, invalidatedSince, runtimeBasisOf} from './runtime.js'
import {ip} from './testing/lan.js'
import {externalLab, lanAdapter, vm} from './testing/network.js'

const WEB_MAC = 0x0015_5d00_0a01
const DB_MAC = 0x0015_5d00_0a02
const GW = ip('192.168.1.1')

const lab = (over: {webMac?: number; webSwitch?: string | null} = {}): NetworkConfig =>
  externalLab(lanAdapter(), [
    vm('web', {mac: over.webMac ?? WEB_MAC, switchId: over.webSwitch === undefined ? 'sw-ext' : over.webSwitch, address: '192.168.1.50'}),
    vm('db', {mac: DB_MAC, switchId: 'sw-ext', address: '192.168.1.51'}),
  ])

/** The state after both VMs pinged the gateway and the host pinged both. */
function learned() {
  const net = buildNetwork(lab(), null, {recorder: null})
  net.guest('web/Network Adapter')!.stack.ping(GW)
  net.guest('db/Network Adapter')!.stack.ping(GW)
  net.host.ping(ip('192.168.1.50'))
  net.scheduler.run({untilMs: 5000})
  return checkRuntimeState(JSON.parse(JSON.stringify({...net.exportState(), basis: runtimeBasisOf(lab())})))
}

describe('the runtime basis', () => {
  it('records each adapter\'s MAC and switch and each physical adapter\'s network, as text', () => {
    const b = runtimeBasisOf(lab())
    assert.deepEqual(b.adapters['web/Network Adapter'], {mac: '00155D000A01', switchId: 'sw-ext'})
    assert.deepEqual(b.physical.Ethernet, {mac: '001B21000001', network: {prefix: '192.168.1.0/24', gateway: '192.168.1.1', dhcp: true}})
  })

  it('invalidatedSince(state, basis, after) drops what invalidatedBy(state, before, after) drops', () => {
    const state = learned()
    for (const after of [lab(), lab({webMac: WEB_MAC + 7}), lab({webSwitch: null}), externalLab(lanAdapter({network: null}), [])]) {
      assert.deepEqual(invalidatedSince(state, state.basis!, after), invalidatedBy(state, lab(), after))
    }
  })

  it('a VM moved off its switch loses its guest state; with a new MAC every entry pointing at the old one goes too; the other VM keeps its own', () => {
    const state = learned()
    assert.ok(state.guests['web/Network Adapter'].arp['web/Network Adapter'].entries.length > 0)
    const off = invalidatedSince(state, state.basis!, lab({webSwitch: null}))
    assert.equal(off.guests['web/Network Adapter'], undefined)
    assert.deepEqual(off.guests['db/Network Adapter'], state.guests['db/Network Adapter'])
    const kept = invalidatedSince(state, state.basis!, lab({webMac: WEB_MAC + 7}))
    assert.equal(kept.guests['web/Network Adapter'], undefined)
    const everyArp = [...Object.values(kept.host.arp), ...Object.values(kept.guests).flatMap((g) => Object.values(g.arp))].flatMap((c) => c.entries)
    assert.ok(!everyArp.some((e) => e.mac === '00155D000A01'), 'nobody points at web\'s MAC any more')
    assert.ok(everyArp.some((e) => e.address === '192.168.1.1'), 'other entries stay')
    assert.deepEqual(invalidatedSince(state, state.basis!, lab()), state, 'no change, nothing dropped')
  })

  it('a basis of the wrong shape is refused with a TypeError naming it', () => {
    const base = {schemaVersion: 1, clockMs: 0, host: {arp: {}, dhcp: {}}, guests: {}, dhcpServers: {}, learnedMacs: {}, physical: {}, nat: null}
    assert.throws(() => checkRuntimeState({...base, basis: {adapters: []}}), TypeError)
    assert.throws(() => checkRuntimeState({...base, basis: {adapters: {a: {mac: 1, switchId: null}}, physical: {}}}), /basis of adapter a/)
    assert.throws(() => checkRuntimeState({...base, basis: {adapters: {}, physical: {Ethernet: {mac: 'x', network: {prefix: 1}}}}}), /basis of physical adapter Ethernet/)
    assert.doesNotThrow(() => checkRuntimeState({...base, basis: runtimeBasisOf(lab())}))
  })
})

describe("the host's lease on its LAN's DHCP server", () => {
  it('is renewed at T1 like any client: it never expires while the host holds the address', () => {
    const config = lab()
    const withDhcp: NetworkConfig = {...config, hostInterfaces: config.hostInterfaces.map((h) => ({...h, dhcp: true}))}
    const net = buildNetwork(withDhcp, null, {recorder: null})
    const server = net.link('Ethernet')!.lan!.dhcp!
    assert.deepEqual(server.leases().map((l) => [l.address, l.state]), [[ip('192.168.1.40'), 'bound']])
    net.advance(10 * 86_400_000)
    assert.deepEqual(server.leases().map((l) => [l.address, l.state, l.expiresAtMs > net.scheduler.now]), [[ip('192.168.1.40'), 'bound', true]])
    // Restored after the clock passed its end (a file saved before renewals existed): renewed again.
    const state = net.exportState()
    const stale = {...state, physical: {...state.physical, Ethernet: {...state.physical.Ethernet, dhcpServer: {leases: [{mac: '001B21000001', address: '192.168.1.40', state: 'bound', expiresAtMs: 1}]}}}}
    const again = buildNetwork(withDhcp, stale, {recorder: null})
    assert.equal(again.link('Ethernet')!.lan!.dhcp!.leases().length, 1)
  })
})
