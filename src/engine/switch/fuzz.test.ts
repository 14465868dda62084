// No frame makes the switch throw: random bytes, and valid frames of every kind (then mutated)
// sent from ports with every feature on, recorder on and off; every drop is counted once and
// recorded once. Seeded, so a failure reproduces.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {SwitchLab} from '../testing/switch.js'
import type {LabPort} from '../testing/switch.js'
import {arbFrameLayers} from '../wire/test-support.js'
import {encodeFrame, pushVlan, WireError} from '../wire/index.js'
import {put48} from '../wire/bytes.js'
import {DROP_REASONS} from '../observe.js'

function lab(record: boolean): {lab: SwitchLab; ports: LabPort[]} {
  const l = new SwitchLab('External', {record})
  const ref = 'vm busy/Network Adapter'
  const ports = [
    l.vm('plain'),
    l.vm('busy', {
      macAddressSpoofing: true,
      dhcpGuard: true,
      routerGuard: true,
      portMirroring: 'source',
      vlan: {mode: 'trunk', allowedVlanIds: [[1, 100]], nativeVlanId: 5},
      acls: [
        {action: 'allow', direction: 'outbound', local: null, remote: {kind: 'ip', prefix: {address: 0x0a000000, length: 8}}, ref: `${ref}.acl[0]`},
        {action: 'meter', direction: 'inbound', local: null, remote: {kind: 'any-ip'}, ref: `${ref}.acl[1]`},
        {action: 'deny', direction: 'inbound', local: {kind: 'mac', mac: 0x00155d000002}, remote: {kind: 'any-mac'}, ref: `${ref}.acl[2]`},
      ],
      extendedAcls: [
        {action: 'allow', direction: 'outbound', local: null, remote: null, localPorts: null, remotePorts: [1, 1024], protocol: 6, weight: 10, stateful: true, idleSessionTimeoutS: 5, ref: `${ref}.extendedAcl[0]`},
        {action: 'deny', direction: 'inbound', local: null, remote: null, localPorts: null, remotePorts: null, protocol: null, weight: 1, stateful: false, idleSessionTimeoutS: 255, ref: `${ref}.extendedAcl[1]`},
      ],
    }),
    l.vm('iso', {vlan: {mode: 'private', privateVlanMode: 'isolated', primaryVlanId: 5, secondaryVlanIds: [6]}}),
    l.vm('prom', {vlan: {mode: 'private', privateVlanMode: 'promiscuous', primaryVlanId: 5, secondaryVlanIds: [6, 7]}, portMirroring: 'destination'}),
    l.vm('off', {state: 'vm-off'}),
    l.host('vEthernet (External)', {vlan: {mode: 'access', accessVlanId: 5}}),
    l.external(),
  ]
  return {lab: l, ports}
}

const MACS = [0x00155d000001, 0x00155d000002, 0x00155d000003, 0x00155d000004, 0x00155d000005, 0x00155d006a06, 0xffff_ffff_ffff, 0x01005e000001, 0x00155d0a0001, 0]

/** A valid frame from `src` to `dst`, maybe tagged, maybe with a few bytes flipped. */
const arbSwitchFrame = fc
  .tuple(arbFrameLayers, fc.constantFrom(...MACS), fc.constantFrom(...MACS), fc.option(fc.integer({min: 0, max: 4095})), fc.array(fc.tuple(fc.nat(80), fc.integer({min: 0, max: 255})), {maxLength: 3}), fc.nat(1600))
  .map(([layers, src, dst, vid, flips, cut]) => {
    let f = encodeFrame(layers)
    put48(f, 0, dst)
    put48(f, 6, src)
    if (vid !== null) {
      const t = pushVlan(f, {pcp: 0, dei: false, vid})
      if (!(t instanceof WireError)) f = t
    }
    for (const [at, v] of flips) if (at < f.length) f[at] = v
    return cut < f.length && cut % 7 === 0 ? f.subarray(0, cut) : f
  })

const arbAnyBytes = fc.uint8Array({maxLength: 1600})

for (const record of [false, true]) {
  test(`no frame makes the switch throw (fast-check, recorder ${record ? 'on' : 'off'})`, () => {
    const {lab: l, ports} = lab(record)
    let sent = 0
    const dropSteps: Record<string, number> = {}
    fc.assert(
      fc.property(fc.nat(ports.length - 1), fc.oneof(arbSwitchFrame, arbSwitchFrame, arbAnyBytes), fc.nat(10_000), (i, frame, dt) => {
        l.scheduler.advance(dt)
        ports[i].port.receive(frame)
        sent++
        if (record) {
          for (const st of l.steps()) {
            if (st.action !== 'dropped') continue
            assert.match(st.text, /^dropped: /)
            dropSteps[st.reason] = (dropSteps[st.reason] ?? 0) + 1
          }
        }
      }),
      {seed: 0x5717c4, numRuns: record ? 3000 : 10_000},
    )
    // Every drop was counted under a known reason; frames did flow.
    const drops = l.sw.drops.toJSON()
    for (const r of Object.keys(drops)) assert.ok(DROP_REASONS.includes(r as (typeof DROP_REASONS)[number]), r)
    // Every drop is one counter and, when recording, one `dropped` step.
    if (record) assert.deepEqual(dropSteps, drops)
    const delivered = ports.reduce((a, p) => a + p.sink.frames.length, 0)
    assert.ok(sent > 0 && delivered > 0 && (drops.malformed ?? 0) > 0, JSON.stringify({sent, delivered, drops}))
  })
}
