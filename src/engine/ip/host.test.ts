import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {Scheduler} from '../clock.js'
import type {TimeMs} from '../clock.js'
import type {NatEgress, NatHook, NatVerdict} from '../nat-hook.js'
import {StepLog} from '../observe.js'
import type {Recorder} from '../observe.js'
import {TestLink} from '../testing/link.js'
import {decoded, ethOf, hostInterface, icmpOf, ip, ipOf, summary, tcpOf, vmConfig} from '../testing/stacks.js'
import {IPPROTO_TCP, Ipv4Packet, TcpPacket, UdpPacket, Icmpv4Packet, formatIpv4, isLinkLocal} from '../wire/index.js'
import {GuestStack} from './guest.js'
import {HostStack} from './host.js'
import {IpStack} from './stack.js'
import type {StackEvent} from './stack.js'

const A_MAC = 0x00155d00aa01
const B_MAC = 0x00155d00bb01
const HA_MAC = 0x00155d006a01
const HB_MAC = 0x00155d006a02
const ETH_MAC = 0x0050b6112233
const ROUTER_MAC = 0x00000c9f0001

function guestOn(sched: Scheduler, name: string, mac: number, address: string, gateway: string): GuestStack {
  const vm = vmConfig(name, mac, {ip: {mode: 'static', address: ip(address), prefixLength: 24, gateway: ip(gateway), dns: []}})
  return new GuestStack(vm, vm.adapters[0], sched)
}

/** Two internal networks behind the host: A 10.1.0.0/24 and B 10.2.0.0/24, one guest on each. */
function routedLab(forwardA: boolean, forwardB: boolean) {
  const sched = new Scheduler()
  const host = new HostStack(
    [
      hostInterface('vEthernet (A)', HA_MAC, {addresses: [{address: ip('10.1.0.1'), prefixLength: 24}], forwarding: forwardA}),
      hostInterface('vEthernet (B)', HB_MAC, {addresses: [{address: ip('10.2.0.1'), prefixLength: 24}], forwarding: forwardB, ifIndex: 25}),
    ],
    sched,
  )
  const a = guestOn(sched, 'a', A_MAC, '10.1.0.10', '10.1.0.1')
  const b = guestOn(sched, 'b', B_MAC, '10.2.0.10', '10.2.0.1')
  const linkA = new TestLink(sched).attach(host.interface('vEthernet (A)'), a.iface)
  const linkB = new TestLink(sched).attach(host.interface('vEthernet (B)'), b.iface)
  const log = new StepLog()
  host.stack.rec = log
  const events: StackEvent[] = []
  a.on((e) => events.push(e))
  return {sched, host, a, b, linkA, linkB, log, events}
}

describe('HostStack: its own addresses', () => {
  it('answers ARP and echo (TTL 128); a closed TCP port answers RST; a closed UDP port stays silent', () => {
    const {sched, host, a, linkA, log, events} = routedLab(false, false)
    a.ping(ip('10.1.0.1'))
    a.connectTcp(ip('10.1.0.1'), 445)
    a.sendUdp(ip('10.1.0.1'), 161, new Uint8Array([0]))
    sched.run()
    const out = linkA.from('vEthernet (A)').map((f) => summary(f.frame).replace(/^.*? > .*? /, ''))
    assert.equal(out.length, 3)
    assert.match(out[0], /ARP reply 10\.1\.0\.1 is-at 00-15-5D-00-6A-01/)
    assert.match(out[1], /ICMP echo reply id 256 seq 1 ttl 128/)
    assert.match(out[2], /TCP 10\.1\.0\.1:445 > 10\.1\.0\.10:32768 \[R\.\]/)
    assert.equal(host.stack.drops.get('closed-port'), 2)
    assert.match(log.steps.filter((s) => s.reason === 'closed-port').at(-1)!.text, /Windows Firewall drops unsolicited inbound UDP without an ICMP port unreachable/)
    assert.deepEqual(events.map((e) => e.kind === 'tcp' ? e.state : e.kind), ['echo-reply', 'refused'])
  })

  it('an interface with DHCP on and no server takes an APIPA address (an Internal switch, reference 1.3)', () => {
    const sched = new Scheduler()
    const host = new HostStack([hostInterface('vEthernet (Lab)', HA_MAC, {dhcp: true})], sched)
    const link = new TestLink(sched).attach(host.interface('vEthernet (Lab)'))
    host.start()
    sched.run({untilMs: 30_000})
    assert.equal(link.frames.length, 3, 'three DISCOVERs')
    assert.equal(dhcpFlags(link.frames[0].frame), 0x8000, 'Windows sets the BROADCAST flag')
    const addr = host.interface('vEthernet (Lab)').primary
    assert.ok(isLinkLocal(addr), formatIpv4(addr))
    assert.deepEqual(host.exportState().dhcp['vEthernet (Lab)'], {state: 'apipa', address: formatIpv4(addr)})
  })
})

function dhcpFlags(frame: Uint8Array): number {
  return (frame[14 + 20 + 8 + 10] << 8) | frame[14 + 20 + 8 + 11]
}

describe('HostStack: routing between interfaces', () => {
  it('with Forwarding disabled (the default) drops with host-forwarding-disabled and names the fix', () => {
    const {sched, host, a, linkB, log, events} = routedLab(false, false)
    a.ping(ip('10.2.0.10'))
    sched.run()
    assert.equal(linkB.frames.length, 0, 'nothing reaches B')
    assert.equal(host.stack.drops.get('host-forwarding-disabled'), 1)
    const d = log.steps.find((s) => s.action === 'dropped')!
    assert.equal(d.reason, 'host-forwarding-disabled')
    assert.equal(d.ref, 'host vEthernet (A).forwarding')
    assert.deepEqual(d.place, {kind: 'host', name: 'vEthernet (A)'})
    assert.match(d.text, /IP forwarding is disabled on "vEthernet \(A\)" and "vEthernet \(B\)" \(Windows' default\)/)
    assert.match(d.text, /Fix: hvnet host interface set --interface-alias "vEthernet \(A\)" --forwarding enabled && hvnet host interface set --interface-alias "vEthernet \(B\)" --forwarding enabled/)
    assert.deepEqual(events, [])
  })

  it('enabled on one side only still drops, naming the other', () => {
    const {sched, host, a, log} = routedLab(true, false)
    a.ping(ip('10.2.0.10'))
    sched.run()
    const d = log.steps.find((s) => s.action === 'dropped')!
    assert.equal(d.ref, 'host vEthernet (B).forwarding')
    assert.match(d.text, /disabled on "vEthernet \(B\)"/)
    assert.doesNotMatch(d.text, /"vEthernet \(A\)" --forwarding/)
    assert.equal(host.stack.drops.get('host-forwarding-disabled'), 1)
  })

  it('enabled on both routes the packet, decrementing TTL with a correct checksum, and the reply comes back', () => {
    const {sched, a, linkA, linkB, log, events} = routedLab(true, true)
    a.ping(ip('10.2.0.10'), {ident: 5, seqNo: 1})
    sched.run()
    const sentByA = linkA.from('a/Network Adapter').find((f) => /echo request/.test(summary(f.frame)))!.frame
    const onB = linkB.from('vEthernet (B)').find((f) => /echo request/.test(summary(f.frame)))!.frame
    decoded(onB)
    assert.equal(ipOf(sentByA).ttl, 64)
    assert.equal(ipOf(onB).ttl, 63)
    assert.equal(ethOf(onB).src, HB_MAC)
    assert.equal(ethOf(onB).dst, B_MAC)
    assert.deepEqual(onB.subarray(14 + 20), sentByA.subarray(14 + 20), 'payload untouched')
    const reply = events.find((e) => e.kind === 'echo-reply')
    assert.ok(reply?.kind === 'echo-reply')
    assert.equal(reply.ttl, 63)
    const fwd = log.steps.find((s) => s.action === 'forwarded')!
    assert.match(fwd.text, /the host routes 10\.1\.0\.10 → 10\.2\.0\.10 from vEthernet \(A\) out of vEthernet \(B\) directly \(on-link\), TTL 64 → 63/)
  })

  it('TTL 1: drops with ttl-exceeded and sends ICMP time exceeded from the ingress address, quoting the packet', () => {
    const {sched, host, a, linkA, linkB, events} = routedLab(true, true)
    a.ping(ip('10.2.0.10'), {ttl: 1})
    sched.run()
    assert.equal(linkB.frames.length, 0)
    assert.equal(host.stack.drops.get('ttl-exceeded'), 1)
    const sent = linkA.from('a/Network Adapter').find((f) => /echo request/.test(summary(f.frame)))!.frame
    const te = linkA.from('vEthernet (A)').find((f) => /time exceeded/.test(summary(f.frame)))!.frame
    decoded(te)
    assert.equal(formatIpv4(ipOf(te).src), '10.1.0.1')
    assert.equal(formatIpv4(ipOf(te).dst), '10.1.0.10')
    assert.equal(ipOf(te).ttl, 128)
    const r = icmpOf(te)
    assert.ok(r.kind === 'time-exceeded')
    assert.equal(r.code, 0)
    // Windows quotes the invoking header and 8 bytes of its data, byte for byte.
    assert.equal(te.length, 14 + 20 + 8 + 20 + 8)
    assert.deepEqual(te.subarray(14 + 20 + 8), sent.subarray(14, 14 + 28))
    const e = events.find((x) => x.kind === 'icmp-error')
    assert.ok(e?.kind === 'icmp-error')
    assert.equal(e.type, 'time-exceeded')
    assert.equal(e.from, ip('10.1.0.1'))
  })

  it('no route: dropped with no-route', () => {
    const {sched, host, a} = routedLab(true, true)
    a.ping(ip('10.9.0.1'))
    sched.run()
    assert.equal(host.stack.drops.get('no-route'), 1)
  })
})

// ---------------------------------------------------------------------------------------------
// The NAT hook

interface Call {
  readonly point: 'outbound' | 'inbound'
  readonly timeMs: TimeMs
  readonly ingress: string | null
  readonly egress?: NatEgress
  readonly summary: string
  readonly ttl: number
}

/** A one-session NAT for the test: rewrites the source on the way out and the destination on the way back. */
class FakeNat implements NatHook {
  readonly calls: Call[] = []
  inboundVerdict: ((p: Ipv4Packet) => NatVerdict) | null = null
  private inside: {address: number; external: number} | null = null

  constructor(private readonly internal: {address: number; length: number}) {}

  outbound(packet: Uint8Array, ingressAlias: string, egress: NatEgress, now: TimeMs, _rec: Recorder | null): NatVerdict {
    const p = new Ipv4Packet(packet, 0, packet.length)
    this.calls.push({point: 'outbound', timeMs: now, ingress: ingressAlias, egress, summary: `${formatIpv4(p.src)} > ${formatIpv4(p.dst)}`, ttl: p.ttl})
    const m = (0xffff_ffff << (32 - this.internal.length)) >>> 0
    if (((p.src & m) >>> 0) !== this.internal.address) return {kind: 'pass'}
    this.inside = {address: p.src, external: egress.address}
    p.src = egress.address
    refill(p)
    return {kind: 'translated'}
  }

  inbound(packet: Uint8Array, ingressAlias: string | null, now: TimeMs, _rec: Recorder | null): NatVerdict {
    const p = new Ipv4Packet(packet, 0, packet.length)
    this.calls.push({point: 'inbound', timeMs: now, ingress: ingressAlias, summary: `${formatIpv4(p.src)} > ${formatIpv4(p.dst)}`, ttl: p.ttl})
    if (this.inboundVerdict !== null) return this.inboundVerdict(p)
    if (this.inside === null || p.dst !== this.inside.external || p.protocol !== 1) return {kind: 'pass'}
    p.dst = this.inside.address
    refill(p)
    return {kind: 'translated'}
  }

  tick(): void {}
}

/** Full recompute of the IPv4 and transport checksums (the fake NAT is not the code under test). */
function refill(p: Ipv4Packet): void {
  p.fillChecksum()
  const o = p.payloadOffset
  if (p.protocol === 1) new Icmpv4Packet(p.buf, o, p.payloadLen).fillChecksum()
  else if (p.protocol === 6) new TcpPacket(p.buf, o, p.payloadLen).fillChecksum(p.src, p.dst)
  else if (p.protocol === 17) new UdpPacket(p.buf, o, p.payloadLen).fillChecksum(p.src, p.dst)
}

/** Microsoft's NAT setup: an Internal switch with 192.168.0.1/24, the host's Ethernet 10.0.0.23/24 to a router 10.0.0.1. */
function natLab() {
  const sched = new Scheduler()
  const nat = new FakeNat({address: ip('192.168.0.0'), length: 24})
  const host = new HostStack(
    [
      hostInterface('vEthernet (NATSwitch)', HA_MAC, {addresses: [{address: ip('192.168.0.1'), prefixLength: 24}]}),
      {...hostInterface('Ethernet', ETH_MAC, {addresses: [{address: ip('10.0.0.23'), prefixLength: 24}], gateway: ip('10.0.0.1'), ifIndex: 12}), attachment: {kind: 'physical', adapterName: 'Ethernet'}},
    ],
    sched,
    {nat},
  )
  const vm = guestOn(sched, 'web', A_MAC, '192.168.0.10', '192.168.0.1')
  const router = new IpStack({who: 'the LAN router', os: 'linux', router: false, listen: [], firewall: null, closedUdp: 'port-unreachable', nat: null}, sched)
  const ri = router.addInterface({alias: 'router', place: {kind: 'lan', name: 'Ethernet'}, ref: 'host Ethernet.network', mac: ROUTER_MAC, addresses: [{address: ip('10.0.0.1'), prefixLength: 24}], gateway: null, forwarding: false})
  const inside = new TestLink(sched).attach(host.interface('vEthernet (NATSwitch)'), vm.iface)
  const outside = new TestLink(sched).attach(host.interface('Ethernet'), ri)
  const log = new StepLog()
  host.stack.rec = log
  const events: StackEvent[] = []
  vm.on((e) => events.push(e))
  return {sched, nat, host, vm, router, inside, outside, log, events}
}

describe('HostStack: the NAT hook', () => {
  it('calls outbound before routing out (before the TTL decrement) and inbound before local delivery; translated packets route with Forwarding off', () => {
    const {sched, nat, host, vm, outside, events} = natLab()
    assert.equal(host.interface('vEthernet (NATSwitch)').forwarding, false)
    vm.ping(ip('10.0.0.1'), {ident: 9, seqNo: 1})
    sched.run()
    assert.deepEqual(
      nat.calls.map((c) => ({point: c.point, ingress: c.ingress, egress: c.egress, summary: c.summary, ttl: c.ttl})),
      [
        {point: 'outbound', ingress: 'vEthernet (NATSwitch)', egress: {alias: 'Ethernet', address: ip('10.0.0.23')}, summary: '192.168.0.10 > 10.0.0.1', ttl: 64},
        {point: 'inbound', ingress: 'Ethernet', egress: undefined, summary: '10.0.0.1 > 10.0.0.23', ttl: 64},
      ],
    )
    const out = outside.from('Ethernet').find((f) => /echo request/.test(summary(f.frame)))!.frame
    decoded(out)
    assert.equal(formatIpv4(ipOf(out).src), '10.0.0.23')
    assert.equal(ipOf(out).ttl, 63)
    assert.equal(ethOf(out).src, ETH_MAC)
    assert.equal(ethOf(out).dst, ROUTER_MAC)
    const reply = events.find((e) => e.kind === 'echo-reply')
    assert.ok(reply?.kind === 'echo-reply', 'the reply reached the VM')
    assert.equal(reply.from, ip('10.0.0.1'))
    assert.equal(reply.ttl, 63)
    assert.equal(host.stack.drops.get('host-forwarding-disabled'), 0)
  })

  it('a packet the NAT passes is subject to Forwarding', () => {
    const {sched, nat, host, vm} = natLab()
    // Not from the internal prefix: the NAT passes; Forwarding is off.
    vm.stack.configure(vm.iface, [{address: ip('192.168.0.10'), prefixLength: 24}, {address: ip('172.30.0.10'), prefixLength: 24}], ip('192.168.0.1'), 'static')
    const packet = new Uint8Array(28)
    packet.set([0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0, 172, 30, 0, 10, 10, 0, 0, 1, 8, 0, 0xf7, 0xfe, 0, 1, 0, 0])
    new Ipv4Packet(packet, 0, 28).fillChecksum()
    vm.sendIp(packet)
    sched.run()
    assert.equal(nat.calls.length, 1)
    assert.equal(host.stack.drops.get('host-forwarding-disabled'), 1)
  })

  it('a NAT drop is recorded with its reason and ref; for TCP the host answers RST as for a closed port', () => {
    const {sched, nat, host, vm, router, outside, log} = natLab()
    nat.inboundVerdict = () => ({kind: 'drop', reason: 'nat-no-mapping', text: 'no session or static mapping for TCP 10.0.0.23:8080', ref: 'nat MyNAT'})
    router.connectTcp(ip('10.0.0.23'), 8080)
    sched.run()
    assert.equal(host.stack.drops.get('nat-no-mapping'), 1)
    const d = log.steps.find((s) => s.reason === 'nat-no-mapping')!
    assert.equal(d.action, 'dropped')
    assert.equal(d.ref, 'nat MyNAT')
    const rst = outside.from('Ethernet').find((f) => ethOf(f.frame).etherType === 0x0800)!.frame
    assert.equal(tcpOf(rst).flags & 0x04, 0x04)
    void vm
  })

  it('an inbound packet the NAT rewrites (a static mapping, or a hairpin) is routed to its new destination with TTL decremented', () => {
    const {sched, nat, router, inside, events} = natLab()
    nat.inboundVerdict = (p) => {
      if (p.protocol !== 17) return {kind: 'pass'}
      p.dst = ip('192.168.0.10')
      new UdpPacket(p.buf, p.payloadOffset, p.payloadLen).dstPort = 5353
      refill(p)
      return {kind: 'hairpin'}
    }
    router.sendUdp(ip('10.0.0.23'), 8053, new Uint8Array([1, 2, 3]), {srcPort: 4000})
    sched.run()
    const delivered = inside.from('vEthernet (NATSwitch)').find((f) => /UDP/.test(summary(f.frame)))!.frame
    decoded(delivered)
    assert.equal(formatIpv4(ipOf(delivered).dst), '192.168.0.10')
    assert.equal(ipOf(delivered).ttl, 63)
    // The VM does not listen on udp/5353: it answers port unreachable, which the host routes back out.
    assert.ok(events.length === 0 || events.every((e) => e.kind !== 'udp'))
    assert.ok(inside.from('web/Network Adapter').some((f) => /unreachable/.test(summary(f.frame))))
  })

  it('the host sending to its own address reaches inbound with ingress null', () => {
    const {sched, nat, host} = natLab()
    host.connectTcp(ip('10.0.0.23'), 80)
    sched.run()
    assert.deepEqual(nat.calls.map((c) => [c.point, c.ingress]), [['inbound', null], ['inbound', null]])
    assert.equal(nat.calls[0].summary, '10.0.0.23 > 10.0.0.23')
    void IPPROTO_TCP
  })

  it('TTL 1 from the VM: time exceeded from the gateway address, and the NAT is not asked', () => {
    const {sched, nat, vm, inside, events} = natLab()
    vm.ping(ip('10.0.0.1'), {ttl: 1})
    sched.run()
    assert.equal(nat.calls.length, 0)
    const te = inside.from('vEthernet (NATSwitch)').find((f) => /time exceeded/.test(summary(f.frame)))!.frame
    assert.equal(formatIpv4(ipOf(te).src), '192.168.0.1')
    assert.ok(events.some((e) => e.kind === 'icmp-error' && e.type === 'time-exceeded'))
  })
})

describe('HostStack: determinism', () => {
  it('the same inputs give the same bytes and times', () => {
    const run = (record = true) => {
      const {sched, vm, host, inside, outside} = natLab()
      if (!record) host.stack.rec = null
      vm.ping(ip('10.0.0.1'))
      vm.connectTcp(ip('10.0.0.1'), 80)
      vm.ping(ip('10.0.0.1'), {ttl: 1, seqNo: 2})
      sched.run()
      return [...inside.frames, ...outside.frames].map((f) => `${f.timeMs} ${f.from} ${Buffer.from(f.frame).toString('hex')}`)
    }
    const one = run()
    assert.ok(one.length > 8)
    assert.deepEqual(run(), one)
    assert.deepEqual(run(false), one, 'recording changes nothing on the wire')
  })
})
