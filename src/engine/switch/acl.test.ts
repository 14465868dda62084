// Port ACL precedence (reference §4, DECISIONS 4): longest prefix, Deny on a tie, MAC entries more
// specific than ANY, a Deny in either family drops, Meter only counts; extended ACLs by weight and
// a stateful session whose return traffic passes until the idle timeout on the virtual clock.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {SwitchLab, arpRequest, got, ip, lastDenial, lastDrop, ping, tcp, udp} from '../testing/switch.js'
import type {ExtendedAcl, PortAcl} from '../testing/switch.js'
import type {AclAddress} from '../config.js'

const WEB = 'vm web/Network Adapter'
const ipA = (a: number, length: number): AclAddress => ({kind: 'ip', prefix: {address: a, length}})
const macA = (mac: number): AclAddress => ({kind: 'mac', mac})
const ANY_IP: AclAddress = {kind: 'any-ip'}
const ANY_MAC: AclAddress = {kind: 'any-mac'}

function acl(i: number, action: PortAcl['action'], direction: PortAcl['direction'], remote: AclAddress | null, local: AclAddress | null = null): PortAcl {
  return {action, direction, local, remote, ref: `${WEB}.acl[${i}]`}
}

/** web (with the ACLs) and db on one Internal switch; db is 10.0.0.2. */
function aclLab(acls: PortAcl[], extendedAcls: ExtendedAcl[] = []) {
  const lab = new SwitchLab('Internal')
  const web = lab.vm('web', {acls, extendedAcls})
  const db = lab.vm('db')
  return {lab, web, db}
}

const toIp = (dst: number) => ({srcIp: ip(10, 0, 0, 1), dstIp: dst})

test('longest prefix wins: a /8 Allow beats an ANY Deny', () => {
  const {lab, web, db} = aclLab([acl(0, 'allow', 'outbound', ipA(ip(10, 0, 0, 0), 8)), acl(1, 'deny', 'outbound', ANY_IP)])
  web.port.receive(udp(web.mac, db.mac, 1, 2, toIp(ip(10, 0, 0, 2))))
  got(db, 1)
  const permitted = lab.steps().find((s) => s.reason === 'acl-allow')!
  assert.equal(permitted.text, 'outbound ACL remote 10.0.0.0/8 Allow is the most specific matching entry for traffic to 10.0.0.2 → allowed')
  assert.equal(permitted.ref, `${WEB}.acl[0]`)
  web.port.receive(udp(web.mac, db.mac, 1, 2, toIp(ip(192, 168, 1, 9))))
  got(db, 1)
  const d = lastDenial(lab, 'acl-deny')
  assert.equal(d.ref, `${WEB}.acl[1]`)
  assert.equal(d.text, 'outbound ACL remote ANY (IP) Deny is the most specific matching entry for traffic to 192.168.1.9 (0 bits)')
  // A more specific Deny inside the allowed /8.
  const more = aclLab([acl(0, 'allow', 'outbound', ipA(ip(10, 0, 0, 0), 8)), acl(1, 'deny', 'outbound', ipA(ip(10, 0, 0, 0), 24))])
  more.web.port.receive(udp(more.web.mac, more.db.mac, 1, 2, toIp(ip(10, 0, 0, 2))))
  assert.equal(lastDrop(more.lab, 'acl-deny').ref, `${WEB}.acl[1]`)
  more.web.port.receive(udp(more.web.mac, more.db.mac, 1, 2, toIp(ip(10, 0, 1, 2))))
  got(more.db, 1)
  // Addresses above 128.0.0.0 (negative as int32) match their prefixes too.
  const high = aclLab([acl(0, 'allow', 'outbound', ipA(ip(192, 168, 0, 0), 16)), acl(1, 'deny', 'outbound', ANY_IP)])
  high.web.port.receive(udp(high.web.mac, high.db.mac, 1, 2, toIp(ip(192, 168, 7, 7))))
  got(high.db, 1)
  high.web.port.receive(udp(high.web.mac, high.db.mac, 1, 2, toIp(ip(192, 169, 7, 7))))
  assert.equal(lastDrop(high.lab, 'acl-deny').ref, `${WEB}.acl[1]`)
})

test('on an equal prefix Deny beats Allow, whatever the order', () => {
  for (const order of [0, 1]) {
    const entries = [acl(0, 'allow', 'outbound', ipA(ip(10, 0, 0, 0), 8)), acl(1, 'deny', 'outbound', ipA(ip(10, 0, 0, 0), 8))]
    const {lab, web, db} = aclLab(order === 0 ? entries : entries.reverse())
    web.port.receive(udp(web.mac, db.mac, 1, 2, toIp(ip(10, 0, 0, 2))))
    got(db, 0)
    const d = lastDenial(lab, 'acl-deny')
    assert.equal(d.ref, `${WEB}.acl[1]`)
    assert.equal(d.text, 'outbound ACL remote 10.0.0.0/8 Deny is the most specific matching entry for traffic to 10.0.0.2 (8 bits); an Allow entry is as specific, and on a tie Deny beats Allow')
  }
})

test('MAC entries: an exact MAC is more specific than ANY; a Deny in either family drops', () => {
  const {lab, web, db} = aclLab([acl(0, 'deny', 'outbound', ANY_MAC), acl(1, 'allow', 'outbound', macA(0x00155d000002))])
  const other = lab.vm('other')
  web.port.receive(udp(web.mac, db.mac, 1, 2))
  got(db, 1)
  web.port.receive(udp(web.mac, other.mac, 1, 2))
  got(other, 0)
  assert.equal(lastDrop(lab, 'acl-deny').ref, `${WEB}.acl[0]`)
  // ARP is judged by MAC entries too: the broadcast is denied by ANY.
  web.port.receive(arpRequest(web.mac, web.ip, db.ip))
  lastDrop(lab, 'acl-deny')

  // IP allows, MAC denies: dropped, and the text says why.
  const both = aclLab([acl(0, 'allow', 'outbound', ipA(ip(10, 0, 0, 0), 8)), acl(1, 'deny', 'outbound', macA(0x00155d000002))])
  both.web.port.receive(udp(both.web.mac, both.db.mac, 1, 2, toIp(ip(10, 0, 0, 2))))
  got(both.db, 0)
  const d = lastDenial(both.lab, 'acl-deny')
  assert.equal(d.ref, `${WEB}.acl[1]`)
  assert.match(d.text, /the best IP entry, remote 10\.0\.0\.0\/8 Allow, is overruled: a Deny in either family drops/)
})

test('a non-IP frame is judged by MAC entries only; IP entries do not stop ARP', () => {
  const {web, db} = aclLab([acl(0, 'deny', 'outbound', ANY_IP)])
  web.port.receive(arpRequest(web.mac, web.ip, db.ip))
  got(db, 1)
  web.port.receive(udp(web.mac, db.mac, 1, 2))
  got(db, 1)
})

test('local and remote follow the direction: inbound ACLs judge the source as remote, at the receiving port', () => {
  const lab = new SwitchLab('Internal')
  const web = lab.vm('web', {acls: [acl(0, 'deny', 'inbound', ipA(ip(10, 0, 0, 2), 32)), acl(1, 'deny', 'outbound', null, ipA(ip(10, 0, 0, 9), 32))]})
  const db = lab.vm('db')
  const third = lab.vm('third')
  db.port.receive(udp(db.mac, web.mac, 1, 2, {srcIp: ip(10, 0, 0, 2), dstIp: ip(10, 0, 0, 1)}))
  got(web, 0)
  const d = lastDenial(lab, 'acl-deny')
  assert.equal(d.ref, `${WEB}.acl[0]`)
  assert.equal(d.text, 'inbound ACL remote 10.0.0.2/32 Deny is the most specific matching entry for traffic from 10.0.0.2 (32 bits)')
  third.port.receive(udp(third.mac, web.mac, 1, 2, {srcIp: ip(10, 0, 0, 3), dstIp: ip(10, 0, 0, 1)}))
  got(web, 1)
  // Outbound: local = the source address.
  web.port.receive(udp(web.mac, db.mac, 1, 2, {srcIp: ip(10, 0, 0, 9), dstIp: ip(10, 0, 0, 2)}))
  assert.equal(lastDrop(lab, 'acl-deny').ref, `${WEB}.acl[1]`)
  web.port.receive(udp(web.mac, db.mac, 1, 2, {srcIp: ip(10, 0, 0, 1), dstIp: ip(10, 0, 0, 2)}))
  got(db, 1)
  // An inbound Deny on one flood member does not stop the others.
  const b = new SwitchLab('Internal')
  const guarded = b.vm('web', {acls: [acl(0, 'deny', 'inbound', ANY_MAC)]})
  const x = b.vm('x')
  const y = b.vm('y')
  x.port.receive(arpRequest(x.mac, x.ip, guarded.ip))
  got(guarded, 0)
  got(y, 1)
})

test('Meter entries only count: they never change the verdict, and count what passes', () => {
  const {lab, web, db} = aclLab([acl(0, 'meter', 'outbound', ipA(ip(10, 0, 0, 0), 8)), acl(1, 'meter', 'outbound', ipA(ip(10, 0, 0, 0), 16)), acl(2, 'deny', 'outbound', ipA(ip(10, 9, 0, 0), 16))])
  const f = udp(web.mac, db.mac, 1, 2, toIp(ip(10, 0, 0, 2)))
  web.port.receive(f)
  web.port.receive(f)
  got(db, 2)
  web.port.receive(udp(web.mac, db.mac, 1, 2, toIp(ip(10, 9, 0, 2))))
  web.port.receive(udp(web.mac, db.mac, 1, 2, toIp(ip(10, 1, 0, 2))))
  got(db, 3)
  lab.steps()
  assert.deepEqual(web.port.meters(), [
    {ref: `${WEB}.acl[0]`, direction: 'outbound', packets: 1, bytes: f.length},
    {ref: `${WEB}.acl[1]`, direction: 'outbound', packets: 2, bytes: 2 * f.length},
  ])
  assert.equal(lab.sw.drops.get('acl-deny'), 1)
})

function xacl(i: number, action: 'allow' | 'deny', direction: 'inbound' | 'outbound', weight: number, over: Partial<ExtendedAcl> = {}): ExtendedAcl {
  return {action, direction, local: null, remote: null, localPorts: null, remotePorts: null, protocol: null, weight, stateful: false, idleSessionTimeoutS: 255, ref: `${WEB}.extendedAcl[${i}]`, ...over}
}

test('extended ACLs: larger weights apply first and the first match decides', () => {
  // XACL's example: deny everything at weight 1, allow TCP 80 at weight 10.
  const {lab, web, db} = aclLab([], [xacl(0, 'deny', 'outbound', 1), xacl(1, 'allow', 'outbound', 10, {protocol: 6, remotePorts: [80, 80]})])
  web.port.receive(tcp(web.mac, db.mac, 50000, 80, 2))
  got(db, 1)
  assert.equal(lab.steps().find((s) => s.reason === 'extended-acl-allow')!.ref, `${WEB}.extendedAcl[1]`)
  web.port.receive(tcp(web.mac, db.mac, 50000, 22, 2))
  got(db, 1)
  const d = lastDenial(lab, 'extended-acl-deny')
  assert.equal(d.ref, `${WEB}.extendedAcl[0]`)
  assert.equal(d.text, 'outbound extended ACL Deny weight 1 local ANY:ANY remote ANY:ANY protocol ANY is the first match (larger weights apply first)')
  web.port.receive(ping(web.mac, db.mac))
  lastDrop(lab, 'extended-acl-deny')
  // Non-IP frames are not judged by extended ACLs.
  web.port.receive(arpRequest(web.mac, web.ip, db.ip))
  got(db, 2)
  // Equal weights: the configuration order decides; port ranges and protocol numbers match.
  const eq = aclLab([], [xacl(0, 'allow', 'outbound', 5, {protocol: 17, remotePorts: [50, 60]}), xacl(1, 'deny', 'outbound', 5, {protocol: 17})])
  eq.web.port.receive(udp(eq.web.mac, eq.db.mac, 1000, 53))
  got(eq.db, 1)
  eq.web.port.receive(udp(eq.web.mac, eq.db.mac, 1000, 61))
  assert.equal(lastDrop(eq.lab, 'extended-acl-deny').ref, `${WEB}.extendedAcl[1]`)
})

test('a stateful extended ACL admits the return traffic of its session until the idle timeout', () => {
  const {lab, web, db} = aclLab(
    [],
    [
      xacl(0, 'allow', 'outbound', 10, {protocol: 6, remotePorts: [80, 80], stateful: true, idleSessionTimeoutS: 60}),
      xacl(1, 'deny', 'inbound', 1),
      xacl(2, 'deny', 'outbound', 1),
    ],
  )
  const webIp = ip(10, 0, 0, 1)
  const dbIp = ip(10, 0, 0, 2)
  const synAck = () => tcp(db.mac, web.mac, 80, 50000, 0x12, {srcIp: dbIp, dstIp: webIp})
  // Unsolicited: dropped.
  db.port.receive(synAck())
  lastDrop(lab, 'extended-acl-deny')
  web.port.receive(tcp(web.mac, db.mac, 50000, 80, 2, {srcIp: webIp, dstIp: dbIp}))
  got(db, 1)
  assert.match(lab.steps().find((s) => s.reason === 'extended-acl-allow')!.text, /the session is recorded, so its return traffic passes$/)
  assert.deepEqual(
    web.port.statefulFlows().map((f) => [f.localIp, f.localPort, f.remoteIp, f.remotePort, f.protocol, f.expiresAtMs]),
    [[webIp, 50000, dbIp, 80, 6, 60_000]],
  )
  lab.scheduler.advance(59_000)
  db.port.receive(synAck())
  got(web, 1)
  const s = lab.steps().find((x) => x.reason === 'stateful-flow')!
  assert.equal(s.ref, `${WEB}.extendedAcl[0]`)
  assert.equal(s.timeMs, 59_000)
  // Another session (a different client port) is not admitted by this one.
  db.port.receive(tcp(db.mac, web.mac, 80, 50001, 0x12, {srcIp: dbIp, dstIp: webIp}))
  lastDrop(lab, 'extended-acl-deny')
  // The return packet restarted the idle timer: 60 s after it, the session has expired.
  lab.scheduler.advance(59_999)
  db.port.receive(synAck())
  got(web, 2)
  lab.scheduler.advance(60_000)
  assert.equal(lab.scheduler.now, 178_999)
  db.port.receive(synAck())
  got(web, 2)
  lastDrop(lab, 'extended-acl-deny')
  assert.deepEqual(web.port.statefulFlows(), [])
  // No timer event was scheduled: running the clock to idle does not move it.
  assert.equal(lab.scheduler.pending, 0)
})

test('a sender that reuses its buffer between frames is judged on the new bytes', () => {
  const lab = new SwitchLab('Internal')
  const deny = [acl(0, 'deny', 'inbound', ipA(ip(192, 168, 0, 0), 16))]
  const web = lab.vm('web', {acls: [acl(0, 'allow', 'outbound', ipA(ip(10, 0, 0, 0), 8))]})
  const db = lab.vm('db', {acls: deny.map((a) => ({...a, ref: 'vm db/Network Adapter.acl[0]'}))})
  const buf = udp(web.mac, db.mac, 1, 2, {srcIp: ip(10, 0, 0, 1), dstIp: ip(10, 0, 0, 2)})
  web.port.receive(buf)
  got(db, 1)
  // Same buffer, now from 192.168.0.1 (IPv4 header checksum left stale: the switch does not check it).
  buf[14 + 12] = 192
  buf[14 + 13] = 168
  web.port.receive(buf)
  got(db, 1)
  assert.equal(lastDrop(lab, 'acl-deny').ref, 'vm db/Network Adapter.acl[0]')
})
