// Bad input never crashes a stack: valid frames of every kind aimed at a guest and at the host
// (their MAC or broadcast, their addresses or others'), then cut short or with a byte flipped.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {Scheduler} from '../clock.js'
import {DhcpServer} from '../dhcp/server.js'
import {StepLog} from '../observe.js'
import {TestLink} from '../testing/link.js'
import {defaultSwitchScope, hostInterface, ip, vmConfig} from '../testing/stacks.js'
import {arbFrameLayers} from '../wire/test-support.js'
import {MAC_BROADCAST, encodeFrame} from '../wire/index.js'
import type {FrameLayer} from '../wire/index.js'
import {GuestStack} from './guest.js'
import {HostStack} from './host.js'

const GUEST_MAC = 0x00155d001701
const HOST_MAC = 0x00155d006a01

function lab() {
  const sched = new Scheduler()
  const vm = vmConfig('web', GUEST_MAC, {guest: {listen: [{protocol: 'tcp', port: 22}, {protocol: 'udp', port: 7}, {protocol: 'udp', port: 53}]}})
  const guest = new GuestStack(vm, vm.adapters[0], sched)
  const host = new HostStack([hostInterface('vEthernet (Default Switch)', HOST_MAC, {addresses: [{address: ip('172.20.16.1'), prefixLength: 20}], forwarding: true}), hostInterface('vEthernet (B)', 0x00155d006a02, {addresses: [{address: ip('10.2.0.1'), prefixLength: 24}], forwarding: true})], sched)
  host.attachDhcpServer('vEthernet (Default Switch)', new DhcpServer(defaultSwitchScope(), sched))
  new TestLink(sched).attach(host.interface('vEthernet (Default Switch)'), guest.iface)
  new TestLink(sched).attach(host.interface('vEthernet (B)'))
  guest.start()
  sched.run({untilMs: 1_000})
  return {sched, guest, host}
}

const arbAimed = fc.tuple(arbFrameLayers, fc.constantFrom(GUEST_MAC, HOST_MAC, MAC_BROADCAST), fc.constantFrom(ip('172.20.16.1'), ip('172.20.16.2'), ip('10.2.0.9'), 0xffff_ffff, ip('8.8.8.8')), fc.boolean()).map(([layers, mac, dst, fromInside]): FrameLayer[] =>
  layers.map((l): FrameLayer => {
    if (l.layer === 'ethernet') return {layer: 'ethernet', repr: {...l.repr, dst: mac, vlan: undefined}}
    if (l.layer === 'ipv4') return {layer: 'ipv4', repr: {...l.repr, dst, src: fromInside ? ip('172.20.16.77') : l.repr.src, options: new Uint8Array(0)}}
    return l
  }),
)

describe('stacks under arbitrary frames', () => {
  it('valid, truncated and corrupted frames are handled or dropped with a reason, never thrown', () => {
    const {sched, guest, host} = lab()
    const log = new StepLog()
    guest.stack.rec = log
    host.stack.rec = log
    fc.assert(
      fc.property(arbAimed, fc.nat(), fc.nat(), (layers, cut, flip) => {
        let frame: Uint8Array
        try {
          frame = encodeFrame(layers)
        } catch {
          return true
        }
        const variants = [frame, frame.slice(0, cut % (frame.length + 1)), frame.slice()]
        variants[2][flip % frame.length] ^= 0x5a
        for (const f of variants) {
          guest.receive(f)
          host.interface('vEthernet (Default Switch)').receive(f)
        }
        sched.run({untilMs: sched.now + 5_000})
        return true
      }),
      {numRuns: 400, seed: 2017},
    )
    assert.ok(log.steps.length > 1000)
    for (const s of log.steps) if (s.action === 'dropped') assert.ok(s.text.length > 10 && s.reason.length > 0)
    assert.ok(host.stack.drops.get('malformed') + guest.stack.drops.get('malformed') > 0)
  })
})
