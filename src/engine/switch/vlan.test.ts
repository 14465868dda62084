// VLANs (reference §3.2): a matrix over every pair of port modes, asserting delivered-or-dropped
// and the exact tag on the egress bytes; private VLANs (isolated, community, promiscuous).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {SwitchLab, arpRequest, got, lastDrop, tagOf, udp} from '../testing/switch.js'
import type {LabPort, VlanSetting} from '../testing/switch.js'
import {popVlan, WireError} from '../wire/index.js'
import {compileVlan} from './vlan.js'

type Mode = 'untagged' | 'access10' | 'access20' | 'trunk' | 'trunk2' | 'external'

const SETTINGS: Record<Exclude<Mode, 'external'>, VlanSetting> = {
  untagged: {mode: 'untagged'},
  access10: {mode: 'access', accessVlanId: 10},
  access20: {mode: 'access', accessVlanId: 20},
  // Set-VMNetworkAdapterVlan -Trunk -AllowedVlanIdList 10,20 -NativeVlanId 10
  trunk: {mode: 'trunk', allowedVlanIds: [[10, 10], [20, 20]], nativeVlanId: 10},
  // -AllowedVlanIdList 20-30 -NativeVlanId 1
  trunk2: {mode: 'trunk', allowedVlanIds: [[20, 30]], nativeVlanId: 1},
}

/**
 * The oracle, written from the reference by hand (not from the code): what each sender's frame is
 * classified into, and how each receiver receives each VID.
 */
const SENDS: {mode: Mode; tag?: number; pcp?: number; expect: number | 'vlan-tagged-on-access' | 'vlan-not-allowed'}[] = [
  {mode: 'untagged', expect: 0},
  {mode: 'untagged', tag: 0, pcp: 5, expect: 0}, // a priority tag is not a VLAN
  {mode: 'untagged', tag: 10, expect: 'vlan-tagged-on-access'},
  {mode: 'access10', expect: 10},
  {mode: 'access10', tag: 10, expect: 'vlan-tagged-on-access'},
  {mode: 'access20', expect: 20},
  {mode: 'trunk', expect: 10},
  {mode: 'trunk', tag: 10, expect: 10},
  {mode: 'trunk', tag: 20, expect: 20},
  {mode: 'trunk', tag: 30, expect: 'vlan-not-allowed'},
  {mode: 'trunk2', expect: 1},
  {mode: 'trunk2', tag: 25, expect: 25},
  {mode: 'trunk2', tag: 10, expect: 'vlan-not-allowed'},
  {mode: 'external', expect: 0},
  {mode: 'external', tag: 10, expect: 10},
  {mode: 'external', tag: 20, expect: 20},
  {mode: 'external', tag: 25, expect: 25},
]

/** VID → how the receiver gets it: 'untagged' or the tag; absent = not a member (vlan-mismatch). */
const RECEIVES: Record<Mode, Record<number, 'untagged' | number>> = {
  untagged: {0: 'untagged'},
  access10: {10: 'untagged'},
  access20: {20: 'untagged'},
  trunk: {10: 'untagged', 20: 20},
  trunk2: {1: 'untagged', 20: 20, 25: 25, 30: 30},
  external: {0: 'untagged', 1: 1, 10: 10, 20: 20, 25: 25, 30: 30},
}

const MODES: Mode[] = ['untagged', 'access10', 'access20', 'trunk', 'trunk2', 'external']

function port(lab: SwitchLab, name: string, mode: Mode): LabPort {
  return mode === 'external' ? lab.external() : lab.vm(name, {vlan: SETTINGS[mode]})
}

/** The frame without any tag, for comparing payloads across tag changes. */
function inner(f: Uint8Array): Uint8Array {
  const r = popVlan(f)
  assert.ok(!(r instanceof WireError))
  return r.frame
}

test('VLAN matrix: every sender mode and tag against every receiver mode', () => {
  let cases = 0
  for (const s of SENDS) {
    for (const rmode of MODES) {
      if (s.mode === 'external' && rmode === 'external') continue
      const lab = new SwitchLab('External')
      const from = port(lab, 'from', s.mode)
      const to = port(lab, 'to', rmode)
      // Keep an external port on the switch in every case (unknown unicast goes there).
      const ext = s.mode === 'external' ? from : rmode === 'external' ? to : lab.external()
      const dstMac = rmode === 'external' ? 0x00155d999999 : to.mac
      const srcMac = s.mode === 'external' ? 0x001122334455 : from.mac
      const f = udp(srcMac, dstMac, 1000, 2000, s.tag === undefined ? {} : {vid: s.tag, pcp: s.pcp})
      from.port.receive(f)
      const label = `${s.mode}${s.tag === undefined ? '' : ` tagged ${s.tag}`} → ${rmode}`
      const drops = lab.sw.drops.toJSON()
      if (typeof s.expect === 'string') {
        assert.deepEqual(drops, {[s.expect]: 1}, label)
        assert.equal(to.sink.frames.length, 0, label)
      } else {
        const how = RECEIVES[rmode][s.expect]
        if (how === undefined) {
          assert.deepEqual(drops, {'vlan-mismatch': 1}, label)
          assert.equal(to.sink.frames.length, 0, label)
          assert.equal(lastDrop(lab, 'vlan-mismatch').ref, `vm to/Network Adapter.vlan`, label)
        } else {
          assert.deepEqual(drops, {}, label)
          assert.equal(to.sink.frames.length, 1, label)
          const out = to.sink.frames[0]
          const tag = tagOf(out)
          if (how === 'untagged') assert.equal(tag, null, `${label}: expected untagged`)
          else {
            assert.equal(tag?.vid, how, `${label}: expected tag ${how}`)
            assert.equal(tag?.pcp, s.pcp ?? 0, `${label}: PCP kept`)
          }
          assert.deepEqual(inner(out), inner(f), `${label}: payload unchanged`)
          if (how === 'untagged' && s.tag === undefined) assert.deepEqual(out, f, `${label}: untouched`)
        }
      }
      if (ext !== to) assert.equal(ext.sink.frames.length, 0, `${label}: nothing leaked to the external port`)
      cases++
    }
  }
  assert.equal(cases, SENDS.length * MODES.length - SENDS.filter((s) => s.mode === 'external').length)
})

test('reference §3.2 consequence: Access 121 and Untagged cannot talk; two Access 121 can; a trunk with native 121 talks untagged with them', () => {
  const lab = new SwitchLab('Internal')
  const a = lab.vm('a', {vlan: {mode: 'access', accessVlanId: 121}})
  const b = lab.vm('b', {vlan: {mode: 'access', accessVlanId: 121}})
  const u = lab.vm('u')
  const t = lab.vm('t', {vlan: {mode: 'trunk', allowedVlanIds: [[1, 100]], nativeVlanId: 121}})
  a.port.receive(udp(a.mac, u.mac, 1, 2))
  const d = lastDrop(lab, 'vlan-mismatch')
  assert.equal(d.text, 'dropped: destination MAC 00-15-5D-00-00-03 is vm u/Network Adapter (untagged), but the frame from vm a/Network Adapter (access 121) is in VLAN 121; ports reach each other only inside one VLAN')
  a.port.receive(udp(a.mac, b.mac, 1, 2))
  got(b, 1)
  a.port.receive(udp(a.mac, t.mac, 1, 2))
  assert.equal(tagOf(got(t, 1)[0]), null)
  t.port.receive(udp(t.mac, b.mac, 1, 2))
  got(b, 2)
  // A broadcast stays in its VLAN.
  a.port.receive(arpRequest(a.mac, a.ip, b.ip))
  got(b, 3)
  got(t, 2)
  got(u, 0)
  // Steps: classification and the tag change are recorded with their refs.
  lab.steps()
  t.port.receive(udp(t.mac, 0xffff_ffff_ffff, 1, 2, {vid: 100}))
  const steps = lab.steps()
  const cls = steps.find((s) => s.reason === 'vlan-trunk')!
  assert.equal(cls.text, 'classified into VLAN 100: tagged VLAN 100, allowed on this trunk 1-100 native 121 port')
  assert.equal(cls.ref, 'vm t/Network Adapter.vlan')
})

test('trunk egress adds the tag for an allowed VLAN; an access receiver gets the tag removed', () => {
  const lab = new SwitchLab('Internal')
  const a = lab.vm('a', {vlan: {mode: 'access', accessVlanId: 20}})
  const t = lab.vm('t', {vlan: {mode: 'trunk', allowedVlanIds: [[20, 20]], nativeVlanId: 0}})
  a.port.receive(udp(a.mac, t.mac, 1, 2))
  const out = got(t, 1)[0]
  assert.equal(out.length, 64)
  assert.deepEqual(tagOf(out), {pcp: 0, dei: false, vid: 20})
  const tr = lab.steps().find((s) => s.action === 'transformed')!
  assert.equal(tr.text, 'tag VLAN 20 added: vm t/Network Adapter receives VLAN 20 tagged (trunk 20 native 0)')
  assert.deepEqual(tr.changes, [{field: 'vlan.vid', before: 'untagged', after: '20'}])
  t.port.receive(udp(t.mac, a.mac, 1, 2, {vid: 20}))
  const back = got(a, 1)[0]
  assert.equal(tagOf(back), null)
  assert.equal(back.length, 60)
})

// Private VLANs: primary 10; isolated secondary 200; communities 201 and 202; a promiscuous port.
function pvlanLab(type: 'Internal' | 'External' = 'Internal') {
  const lab = new SwitchLab(type)
  const pv = (mode: 'isolated' | 'community' | 'promiscuous', secondary: number[]): VlanSetting => ({mode: 'private', privateVlanMode: mode, primaryVlanId: 10, secondaryVlanIds: secondary})
  return {
    lab,
    i1: lab.vm('i1', {vlan: pv('isolated', [200])}),
    i2: lab.vm('i2', {vlan: pv('isolated', [200])}),
    c1a: lab.vm('c1a', {vlan: pv('community', [201])}),
    c1b: lab.vm('c1b', {vlan: pv('community', [201])}),
    c2: lab.vm('c2', {vlan: pv('community', [202])}),
    p: lab.vm('p', {vlan: pv('promiscuous', [200, 201, 202])}),
  }
}

test('private VLAN unicast: isolated reach only promiscuous; communities reach their own and promiscuous', () => {
  const pairs: [string, string, 'ok' | 'pvlan-isolated' | 'pvlan-community'][] = [
    ['i1', 'i2', 'pvlan-isolated'],
    ['i1', 'p', 'ok'],
    ['p', 'i1', 'ok'],
    ['i1', 'c1a', 'pvlan-isolated'],
    ['c1a', 'c1b', 'ok'],
    ['c1a', 'c2', 'pvlan-community'],
    ['c1a', 'p', 'ok'],
    ['p', 'c1a', 'ok'],
    ['c1a', 'i1', 'pvlan-community'],
    ['c2', 'p', 'ok'],
    ['p', 'c2', 'ok'],
  ]
  for (const [a, b, expect] of pairs) {
    const ports = pvlanLab()
    const from = ports[a as 'i1'] as LabPort
    const to = ports[b as 'i1'] as LabPort
    from.port.receive(udp(from.mac, to.mac, 1, 2))
    if (expect === 'ok') {
      assert.equal(to.sink.frames.length, 1, `${a} → ${b}`)
      assert.equal(tagOf(to.sink.frames[0]), null, `${a} → ${b} untagged`)
    } else {
      assert.equal(to.sink.frames.length, 0, `${a} → ${b}`)
      const d = lastDrop(ports.lab, expect)
      assert.equal(d.ref, `vm ${b}/Network Adapter.vlan`)
    }
  }
  const {lab, i1, i2} = pvlanLab()
  i1.port.receive(udp(i1.mac, i2.mac, 1, 2))
  assert.equal(lastDrop(lab, 'pvlan-isolated').text, 'dropped: destination MAC 00-15-5D-00-00-02 is vm i2/Network Adapter, but vm i1/Network Adapter is an isolated port of private VLAN 10; isolated ports reach only promiscuous ports')
  const q = pvlanLab()
  q.c1a.port.receive(udp(q.c1a.mac, q.c2.mac, 1, 2))
  assert.equal(lastDrop(q.lab, 'pvlan-community').text, 'dropped: destination MAC 00-15-5D-00-00-05 is vm c2/Network Adapter, but vm c1a/Network Adapter is in community 201 of private VLAN 10 and vm c2/Network Adapter is in community 202; community ports reach their own community and promiscuous ports')
})

test('private VLAN broadcasts and the external port: secondaries leave tagged on the wire', () => {
  const {lab, i1, i2, c1a, c1b, c2, p} = pvlanLab('External')
  const ext = lab.external()
  const all = [i1, i2, c1a, c1b, c2, p, ext]
  const counts = () => all.map((x) => x.sink.frames.length)
  i1.port.receive(arpRequest(i1.mac, i1.ip, p.ip))
  assert.deepEqual(counts(), [0, 0, 0, 0, 0, 1, 1])
  assert.equal(tagOf(ext.sink.frames[0])?.vid, 200)
  assert.match(lab.steps().find((s) => s.action === 'flooded')!.text, /VLAN 200: 2 ports \(isolated ports of the private VLAN are not reached\)$/)
  c1a.port.receive(arpRequest(c1a.mac, c1a.ip, p.ip))
  assert.deepEqual(counts(), [0, 0, 0, 1, 0, 2, 2])
  assert.equal(tagOf(ext.sink.frames[1])?.vid, 201)
  p.port.receive(arpRequest(p.mac, p.ip, i1.ip))
  assert.deepEqual(counts(), [1, 1, 1, 2, 1, 2, 3])
  assert.equal(tagOf(ext.sink.frames[2])?.vid, 10)
  // From the wire: the primary reaches every PVLAN port; community 202 only its community and promiscuous.
  ext.port.receive(arpRequest(0x001122334455, 1, 2, {vid: 202}))
  assert.deepEqual(counts(), [1, 1, 1, 2, 2, 3, 3])
})

test('VLAN ids outside 1-4094 are refused when a port is built; VLAN 4095 from the wire is malformed', () => {
  assert.throws(() => compileVlan({mode: 'access', accessVlanId: 0}), /access VLAN id 0 is outside 1-4094/)
  assert.throws(() => compileVlan({mode: 'trunk', allowedVlanIds: [[1, 4095]], nativeVlanId: 1}), /allowed VLAN id 4095/)
  assert.throws(() => compileVlan({mode: 'private', privateVlanMode: 'isolated', primaryVlanId: 10, secondaryVlanIds: [5000]}), /secondary VLAN id 5000/)
  const lab = new SwitchLab('External')
  const web = lab.vm('web')
  const ext = lab.external()
  ext.port.receive(arpRequest(0x001122334455, 1, 2, {vid: 4095}))
  assert.match(lastDrop(lab, 'malformed').text, /bad-vid: VLAN id 4095 is reserved by 802\.1Q/)
  got(web, 0)
})
