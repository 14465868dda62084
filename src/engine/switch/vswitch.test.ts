// The switch's forwarding: VM↔VM, flooding, the unknown-unicast rule per switch type, each ingress
// check, learning, VMs that are Off, port mirroring, malformed frames and determinism.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {SwitchLab, arpRequest, dhcpReply, got, icmp, icmpv6, lastDrop, ping, tcp, udp} from '../testing/switch.js'
import {decodeFrame} from '../wire/index.js'
import type {Step} from '../observe.js'

test('VM to VM on one switch: the frame reaches the destination port only, byte for byte', () => {
  const lab = new SwitchLab('Internal')
  const web = lab.vm('web')
  const db = lab.vm('db')
  const other = lab.vm('other')
  const f = udp(web.mac, db.mac, 49152, 53)
  web.port.receive(f)
  assert.deepEqual(got(db, 1)[0], f)
  got(other, 0)
  got(web, 0)
  const steps = lab.steps()
  assert.deepEqual(
    steps.map((s) => [s.action, s.reason]),
    [
      ['received', 'port-ingress'],
      ['permitted', 'ingress-checks'],
      ['forwarded', 'known-mac'],
    ],
  )
  assert.equal(steps[1].text, "MAC address spoofing is Off and the source is the adapter's own MAC; no outbound ACL")
  assert.equal(steps[2].text, 'destination MAC 00-15-5D-00-00-02 is the port of vm db/Network Adapter → 1 port')
  assert.equal(steps[2].ref, 'vm db/Network Adapter')
  assert.deepEqual(steps[0].place, {kind: 'switch', name: 'NATSwitch'})
  assert.match(steps[0].text, /^received from vm web\/Network Adapter: /)
  // And back.
  db.port.receive(udp(db.mac, web.mac, 53, 49152))
  got(web, 1)
  assert.deepEqual(lab.sw.drops.toJSON(), {})
})

test('a frame that needs no tag change is handed on as the same buffer (no copy on the plain path)', () => {
  const lab = new SwitchLab('Internal', {record: false})
  const web = lab.vm('web')
  let seen: Uint8Array | null = null
  const sink = {receive: (fr: Uint8Array) => (seen = fr)}
  lab.sw.addPort({key: 'db/Network Adapter', kind: 'vm', macAddress: 0x00155d0000aa, features: {...web.port.features!, ref: 'vm db/Network Adapter'}, place: {kind: 'vm', name: 'db/Network Adapter'}, sink})
  const f = udp(web.mac, 0x00155d0000aa, 1, 2)
  web.port.receive(f)
  assert.equal(seen, f)
})

for (const type of ['External', 'Internal', 'Private'] as const) {
  test(`${type} switch: broadcast floods every other port; unknown unicast ${type === 'External' ? 'goes to the external port only' : 'is dropped'}`, () => {
    const lab = new SwitchLab(type)
    const web = lab.vm('web')
    const db = lab.vm('db')
    const host = type === 'Private' ? null : lab.host('vEthernet (NATSwitch)')
    const ext = type === 'External' ? lab.external() : null
    const arp = arpRequest(web.mac, web.ip, db.ip)
    web.port.receive(arp)
    got(web, 0)
    assert.deepEqual(got(db, 1)[0], arp)
    if (host) assert.deepEqual(got(host, 1)[0], arp)
    if (ext) assert.deepEqual(got(ext, 1)[0], arp)
    const flooded = lab.steps().find((s) => s.action === 'flooded')!
    const n = 1 + (host ? 1 : 0) + (ext ? 1 : 0)
    assert.equal(flooded.text, `destination broadcast → every other port in VID 0 (no VLAN): ${n} port${n === 1 ? '' : 's'}`)

    const unknown = udp(web.mac, 0x00155d999999, 1, 2)
    web.port.receive(unknown)
    got(db, 1)
    if (host) got(host, 1)
    if (ext) {
      assert.deepEqual(got(ext, 2)[1], unknown)
      const s = lab.steps()
      assert.equal(s.at(-1)!.text, 'destination MAC 00-15-5D-99-99-99 is no port of this switch → the external port (Ethernet) only (unknown unicast is never flooded to VM ports)')
      assert.equal(s.at(-1)!.ref, 'vswitch External.netAdapterName')
      assert.equal(lab.sw.drops.get('unknown-unicast'), 0)
      // From the wire, an unknown destination is not for this switch.
      ext.port.receive(udp(0x001122334455, 0x00155d999999, 1, 2))
      lastDrop(lab, 'unknown-unicast')
      got(web, 0)
      got(db, 1)
    } else {
      const d = lastDrop(lab, 'unknown-unicast')
      assert.equal(d.text, `dropped: destination MAC 00-15-5D-99-99-99 is no port of this ${type} switch; unknown unicast goes only to an external port, and an ${type} switch has none (it is never flooded to VM ports)`)
      assert.equal(d.ref, `vswitch NATSwitch.switchType`)
      assert.equal(lab.sw.drops.get('unknown-unicast'), 1)
    }
  })
}

test('the external port: frames from the wire reach the known port MAC; broadcasts flood the VMs', () => {
  const lab = new SwitchLab('External')
  const web = lab.vm('web')
  const db = lab.vm('db')
  const ext = lab.external()
  ext.port.receive(udp(0x001122334455, web.mac, 53, 5353))
  got(web, 1)
  got(db, 0)
  ext.port.receive(arpRequest(0x001122334455, 0x0a000001, web.ip))
  got(web, 2)
  got(db, 1)
  got(ext, 0)
  // Nothing is learned behind the external port.
  assert.deepEqual(lab.sw.learnedMacs(), [])
})

test('ingress: a malformed frame is dropped and counted, with the wire error code, never thrown', () => {
  const lab = new SwitchLab('Internal')
  const web = lab.vm('web')
  const db = lab.vm('db')
  web.port.receive(new Uint8Array(10))
  let d = lastDrop(lab, 'malformed')
  assert.match(d.text, /^dropped: malformed frame from vm web\/Network Adapter \(truncated: frame of 10 bytes is shorter than the 14-byte header\)$/)
  web.port.receive(new Uint8Array(1600))
  d = lastDrop(lab, 'malformed')
  assert.match(d.text, /bad-length/)
  const tagged = udp(web.mac, db.mac, 1, 2, {vid: 5}).subarray(0, 16)
  web.port.receive(tagged)
  assert.match(lastDrop(lab, 'malformed').text, /\(truncated: tagged frame of 16 bytes/)
  // A group address as source.
  web.port.receive(udp(0x01005e000001, db.mac, 1, 2))
  assert.match(lastDrop(lab, 'malformed').text, /bad-source: source 01-00-5E-00-00-01 is a group address/)
  assert.equal(lab.sw.drops.get('malformed'), 4)
  got(db, 0)
})

test('ingress: a malformed IPv4 header is dropped when a port policy must read it', () => {
  const lab = new SwitchLab('Internal')
  const web = lab.vm('web', {acls: [{action: 'allow', direction: 'outbound', local: null, remote: {kind: 'any-ip'}, ref: 'vm web/Network Adapter.acl[0]'}]})
  const plain = lab.vm('plain')
  const db = lab.vm('db')
  const f = udp(web.mac, db.mac, 1, 2)
  f[14 + 2] = 0xff // total length 0xff.. > the bytes present
  web.port.receive(f)
  assert.match(lastDrop(lab, 'malformed').text, /^dropped: malformed IPv4 packet \(truncated: /)
  // A layer-2 switch without such policies forwards on the Ethernet header alone.
  const g = udp(plain.mac, db.mac, 1, 2)
  g[14 + 2] = 0xff
  plain.port.receive(g)
  got(db, 1)
})

test('ingress: a removed port drops what its endpoint still sends (port-disconnected)', () => {
  const lab = new SwitchLab('Internal')
  const web = lab.vm('web')
  const db = lab.vm('db')
  lab.sw.removePort(web.port)
  assert.equal(web.port.state, 'disconnected')
  web.port.receive(udp(web.mac, db.mac, 1, 2))
  const d = lastDrop(lab, 'port-disconnected')
  assert.equal(d.text, 'dropped: vm web/Network Adapter is no longer connected to this switch (its port was removed)')
  got(db, 0)
  // Its MAC is no longer a port of the switch.
  db.port.receive(udp(db.mac, web.mac, 1, 2))
  lastDrop(lab, 'unknown-unicast')
  assert.deepEqual(lab.sw.findPort('web/Network Adapter'), {kind: 'not-found'})
})

test('ingress: MAC address spoofing Off drops a foreign source MAC; a port with no MAC yet sends nothing', () => {
  const lab = new SwitchLab('Internal')
  const web = lab.vm('web')
  const db = lab.vm('db')
  web.port.receive(udp(0x00155d000099, db.mac, 1, 2))
  const d = lastDrop(lab, 'mac-spoofing')
  assert.equal(d.text, 'dropped: MAC address spoofing is Off on this adapter and source 00-15-5D-00-00-99 is not its own (00-15-5D-00-00-01)')
  assert.equal(d.ref, 'vm web/Network Adapter.macAddressSpoofing')
  got(db, 0)
  const fresh = lab.vm('fresh', {mac: 0})
  fresh.port.receive(udp(0x00155d000077, db.mac, 1, 2))
  assert.match(lastDrop(lab, 'mac-spoofing').text, /has no MAC address yet \(000000000000\)/)
  fresh.port.receive(udp(0, db.mac, 1, 2))
  lastDrop(lab, 'mac-spoofing')
  // Even with spoofing On, a port with no MAC sends nothing (and learns nothing).
  const freshOn = lab.vm('freshOn', {mac: 0, macAddressSpoofing: true})
  freshOn.port.receive(udp(0x00155d000078, db.mac, 1, 2))
  lastDrop(lab, 'mac-spoofing')
  got(db, 0)
  assert.equal(lab.sw.drops.get('mac-spoofing'), 4)
  assert.deepEqual(lab.sw.learnedMacs(), [])
})

test('ingress: DHCP guard drops DHCP server messages from the VM, and only those', () => {
  const lab = new SwitchLab('Internal')
  const rogue = lab.vm('rogue', {dhcpGuard: true})
  const server = lab.vm('server')
  const client = lab.vm('client')
  rogue.port.receive(dhcpReply(rogue.mac, 0xffff_ffff_ffff))
  const d = lastDrop(lab, 'dhcp-guard')
  assert.equal(d.ref, 'vm rogue/Network Adapter.dhcpGuard')
  assert.match(d.text, /^dropped: DHCP guard is On on this adapter and it sent a DHCP server message \(BOOTREPLY from UDP 67 to 68\)/)
  got(client, 0)
  // The same offer from a port without the guard is flooded.
  server.port.receive(dhcpReply(server.mac, 0xffff_ffff_ffff))
  got(client, 1)
  // A guarded VM may still be a DHCP client, and send other UDP.
  lab.steps()
  rogue.port.receive(udp(rogue.mac, 0xffff_ffff_ffff, 68, 67))
  assert.equal(lab.steps().find((s) => s.reason === 'ingress-checks')!.text, "MAC address spoofing is Off and the source is the adapter's own MAC; DHCP guard On: not a DHCP server message; no outbound ACL")
  rogue.port.receive(udp(rogue.mac, client.mac, 67, 5000))
  got(client, 3)
  assert.equal(lab.sw.drops.get('dhcp-guard'), 1)
})

test('ingress: router guard drops ICMP redirects and ICMPv6 router advertisements and redirects', () => {
  const lab = new SwitchLab('Internal')
  const r = lab.vm('router', {routerGuard: true})
  const db = lab.vm('db')
  r.port.receive(icmp(r.mac, db.mac, 5))
  assert.match(lastDrop(lab, 'router-guard').text, /sent an ICMP redirect \(type 5\)/)
  r.port.receive(icmpv6(r.mac, 0x333300000001, 134))
  assert.match(lastDrop(lab, 'router-guard').text, /ICMPv6 Router Advertisement \(type 134\)/)
  r.port.receive(icmpv6(r.mac, db.mac, 137))
  assert.equal(lastDrop(lab, 'router-guard').ref, 'vm router/Network Adapter.routerGuard')
  got(db, 0)
  // Echo requests and other ICMPv6 (a neighbour solicitation, 135) pass.
  r.port.receive(ping(r.mac, db.mac))
  r.port.receive(icmpv6(r.mac, db.mac, 135))
  got(db, 2)
  assert.equal(lab.sw.drops.get('router-guard'), 3)
})

test('ingress checks run in the reference order: spoofing before the guards, the guards before the ACLs', () => {
  const lab = new SwitchLab('Internal')
  const deny = [{action: 'deny' as const, direction: 'outbound' as const, local: null, remote: {kind: 'any-mac' as const}, ref: 'vm x/Network Adapter.acl[0]'}]
  const x = lab.vm('x', {dhcpGuard: true, acls: deny})
  lab.vm('db')
  x.port.receive(dhcpReply(0x00155d000099, 0xffff_ffff_ffff))
  lastDrop(lab, 'mac-spoofing')
  x.port.receive(dhcpReply(x.mac, 0xffff_ffff_ffff))
  lastDrop(lab, 'dhcp-guard')
  x.port.receive(arpRequest(x.mac, x.ip, 1))
  lastDrop(lab, 'acl-deny')
})

test('learning: only behind a port with MAC address spoofing On, and never over a configured MAC', () => {
  const lab = new SwitchLab('Internal')
  const l1 = lab.vm('l1host', {macAddressSpoofing: true})
  const db = lab.vm('db')
  const nested = 0x00155d0a0001
  l1.port.receive(arpRequest(nested, 0x0a000063, db.ip))
  got(db, 1)
  const learnedStep = lab.steps().find((s) => s.reason === 'mac-learned')!
  assert.equal(learnedStep.text, 'MAC address spoofing is On on this adapter: source 00-15-5D-0A-00-01 is accepted and learned behind vm l1host/Network Adapter')
  assert.deepEqual(lab.sw.learnedMacs(), [{mac: nested, portKey: 'l1host/Network Adapter', learnedAtMs: 0}])
  db.port.receive(udp(db.mac, nested, 1, 2))
  got(l1, 1)
  assert.match(lab.steps().find((s) => s.action === 'forwarded')!.text, /was learned behind vm l1host\/Network Adapter \(MAC address spoofing On\) → 1 port/)
  // Claiming db's configured MAC does not move it.
  l1.port.receive(udp(db.mac, 0xffff_ffff_ffff, 1, 2))
  l1.sink.clear()
  lab.vm('x').port.receive(udp(0x00155d000004, db.mac, 1, 2))
  got(db, 2)
  got(l1, 0)
  // A port added later with a learned MAC as its configured MAC takes it over.
  const late = lab.vm('late', {mac: nested})
  db.port.receive(udp(db.mac, nested, 1, 2))
  got(late, 1)
  got(l1, 0)
  assert.deepEqual(lab.sw.learnedMacs(), [])
  l1.port.receive(udp(0x00155d0a0002, db.mac, 1, 2))
  // Spoofing Off: nothing is learned.
  const off = lab.vm('off')
  off.port.receive(udp(0x00155d0b0001, db.mac, 1, 2))
  assert.deepEqual(lab.sw.learnedMacs().map((l) => l.mac), [0x00155d0a0002])
  // Export and import (runtime state), on a fresh switch with the same ports.
  const again = new SwitchLab('Internal')
  const l1b = again.vm('l1host', {macAddressSpoofing: true})
  const dbb = again.vm('db')
  assert.equal(again.sw.importLearnedMacs([...lab.sw.learnedMacs(), {mac: 0x00155d0c0001, portKey: 'db/Network Adapter', learnedAtMs: 0}]), 1)
  dbb.port.receive(udp(dbb.mac, 0x00155d0a0002, 1, 2))
  got(l1b, 1)
  // A VM that stops forgets what was learned behind it.
  again.sw.setPortState(l1b.port, 'vm-off')
  assert.deepEqual(again.sw.learnedMacs(), [])
})

test('a VM that is Off: unicast to it is dropped with vm-off, floods skip it, and it comes back when started', () => {
  const lab = new SwitchLab('Internal')
  const web = lab.vm('web')
  const db = lab.vm('db', {state: 'vm-off'})
  const third = lab.vm('third')
  assert.equal(db.port.state, 'vm-off')
  web.port.receive(udp(web.mac, db.mac, 1, 2))
  const d = lastDrop(lab, 'vm-off')
  assert.equal(d.text, "dropped: destination MAC 00-15-5D-00-00-02 is vm db/Network Adapter, whose VM is Off; a VM's switch port exists only while it runs")
  web.port.receive(arpRequest(web.mac, web.ip, db.ip))
  got(db, 0)
  got(third, 1)
  db.port.receive(udp(db.mac, web.mac, 1, 2))
  lastDrop(lab, 'vm-off')
  lab.sw.setPortState(db.port, 'up')
  web.port.receive(udp(web.mac, db.mac, 1, 2))
  got(db, 1)
  assert.equal(lab.sw.drops.get('vm-off'), 2)
})

test('a frame to a MAC behind its own ingress port is not sent back (same-port)', () => {
  const lab = new SwitchLab('Internal')
  const web = lab.vm('web', {macAddressSpoofing: true})
  web.port.receive(udp(0x00155d0a0001, 0xffff_ffff_ffff, 1, 2))
  web.port.receive(udp(web.mac, 0x00155d0a0001, 1, 2))
  lastDrop(lab, 'same-port')
  got(web, 0)
})

test('port mirroring: a Source port’s sent and received frames are copied to every Destination port', () => {
  const lab = new SwitchLab('Internal')
  const web = lab.vm('web', {portMirroring: 'source'})
  const db = lab.vm('db')
  const ids = lab.vm('ids', {portMirroring: 'destination'})
  const ids2 = lab.vm('ids2', {portMirroring: 'destination'})
  const other = lab.vm('other')
  const out = udp(web.mac, db.mac, 1, 2)
  web.port.receive(out)
  assert.deepEqual(got(db, 1)[0], out)
  assert.deepEqual(got(ids, 1)[0], out)
  assert.deepEqual(got(ids2, 1)[0], out)
  const copy = lab.steps().filter((s) => s.reason === 'port-mirroring')
  assert.equal(copy.length, 2)
  assert.equal(copy[0].text, 'copy to vm ids/Network Adapter: port mirroring is Source on vm web/Network Adapter and Destination on vm ids/Network Adapter (a frame it sent)')
  assert.equal(copy[0].ref, 'vm web/Network Adapter.portMirroring')
  const back = udp(db.mac, web.mac, 2, 1)
  db.port.receive(back)
  assert.deepEqual(got(ids, 2)[1], back)
  assert.match(lab.steps().find((s) => s.reason === 'port-mirroring')!.text, /\(a frame it received\)$/)
  // Traffic not touching the Source port is not copied.
  db.port.receive(udp(db.mac, other.mac, 2, 1))
  got(ids, 2)
  // A broadcast the Destination port receives anyway is not copied twice.
  web.port.receive(arpRequest(web.mac, web.ip, db.ip))
  got(ids, 3)
  got(ids2, 3)
})

test('with no recorder the switch forwards the same and counts its drops', () => {
  const lab = new SwitchLab('Internal', {record: false})
  const web = lab.vm('web')
  const db = lab.vm('db')
  web.port.receive(udp(web.mac, db.mac, 1, 2))
  web.port.receive(udp(0x00155d000099, db.mac, 1, 2))
  web.port.receive(new Uint8Array(3))
  got(db, 1)
  assert.deepEqual(lab.sw.drops.toJSON(), {malformed: 1, 'mac-spoofing': 1})
  assert.equal(lab.log.steps.length, 0)
})

function scenario(): {steps: unknown[]; bytes: string[]} {
  const lab = new SwitchLab('External')
  const web = lab.vm('web', {vlan: {mode: 'access', accessVlanId: 10}, portMirroring: 'source'})
  const db = lab.vm('db', {vlan: {mode: 'trunk', allowedVlanIds: [[10, 20]], nativeVlanId: 1}, portMirroring: 'destination'})
  const ext = lab.external()
  const l1 = lab.vm('l1', {macAddressSpoofing: true, vlan: {mode: 'access', accessVlanId: 10}})
  web.port.receive(arpRequest(web.mac, web.ip, db.ip))
  db.port.receive(udp(db.mac, web.mac, 1, 2, {vid: 10}))
  l1.port.receive(tcp(0x00155d0a0001, web.mac, 4000, 80, 2))
  ext.port.receive(udp(0x001122334455, 0x00155d0a0001, 1, 2, {vid: 10}))
  lab.scheduler.advance(5)
  web.port.receive(udp(web.mac, 0x00155d777777, 1, 2))
  const steps = lab.steps().map((s: Step) => ({...s, frame: Buffer.from(s.frame).toString('hex')}))
  const bytes = [web, db, ext, l1].flatMap((p) => p.sink.frames.map((f) => Buffer.from(f).toString('hex')))
  return {steps, bytes}
}

test('determinism: the same inputs give the same steps, times and bytes', () => {
  const a = scenario()
  const b = scenario()
  assert.ok(a.steps.length > 10)
  assert.deepEqual(a, b)
})

test('every recorded frame decodes; steps name the switch as their place', () => {
  const {steps} = scenario()
  assert.ok(steps.length > 10, 'the scenario recorded steps to check')
  for (const s of steps as {frame: string; place: unknown}[]) {
    assert.equal(decodeFrame(Buffer.from(s.frame, 'hex')).error, null)
    assert.deepEqual(s.place, {kind: 'switch', name: 'External'})
  }
})

test('addPort refuses a duplicate key, a second external port and an external port on an Internal switch', () => {
  const lab = new SwitchLab('External')
  lab.vm('web')
  lab.external()
  assert.throws(() => lab.sw.addPort({...lab.sw.ports[0], macAddress: 1, features: lab.sw.ports[0].features!, sink: {receive() {}}}), /already exists/)
  assert.throws(() => lab.sw.addPort({key: 'external 2', kind: 'external', macAddress: 0, place: {kind: 'physical', name: 'Wi-Fi'}, sink: {receive() {}}}), /already has an external port \(external\)/)
  assert.throws(() => new SwitchLab('Internal').external(), /an Internal switch has no external port/)
})
