import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {Scheduler} from '../clock.js'
import type {PhysicalAdapterConfig} from '../config.js'
import {StepLog} from '../observe.js'
import {Collector, adapterConfig, arp, arpRequest, dhcpDiscover, dnsQuery, dnsReply, echoRequest, eth, expectFrame, icmp, ip, ipv4, tcp, tcpSyn, udp, udpDatagram, udpPayload} from '../testing/lan.js'
import {ARP_OP_REPLY, ICMP_DST_UNREACHABLE, IPPROTO_ICMP, IPPROTO_TCP, Ipv4Packet, MAC_BROADCAST, emitIcmpError, icmpErrorLen, TCP_ACK_FLAG, TCP_RST, TCP_SYN, formatMacTrace, isLocallyAdministered, ipv4Repr, isUnicast, pushVlan} from '../wire/index.js'
import {ipFrame} from './answer.js'
import {resolveA} from './internet.js'
import {PhysicalLink} from './link.js'

const HOST_MAC = 0x001b_2100_0001
const HOST_IP = ip('192.168.1.40')
const GW = ip('192.168.1.1')
const VM_MAC = 0x0015_5d00_0a01
const VM2_MAC = 0x0015_5d00_0a02

function setup(over: Partial<PhysicalAdapterConfig> = {}, seed = 7) {
  const scheduler = new Scheduler()
  const log = new StepLog()
  const link = new PhysicalLink({adapter: adapterConfig(over), seed, scheduler, recorder: log})
  const host = new Collector(scheduler)
  link.attach(host)
  const lan = link.lan!
  return {scheduler, log, link, host, lan, gwMac: lan.gatewayMac}
}

function only<T>(xs: readonly T[]): T {
  assert.equal(xs.length, 1, `expected exactly one, got ${xs.length}`)
  return xs[0]
}

describe('the LAN beyond a physical adapter', () => {
  it('resolves the gateway by ARP', () => {
    const {scheduler, link, host, gwMac} = setup()
    link.receive(arpRequest(HOST_MAC, HOST_IP, GW))
    scheduler.run()
    const got = only(host.got)
    expectFrame(got.frame, eth({src: gwMac, dst: HOST_MAC}), arp({op: ARP_OP_REPLY, senderMac: gwMac, senderIp: GW, targetMac: HOST_MAC, targetIp: HOST_IP}))
    assert.equal(got.atMs, 0.5 + 0.02 + 0.5)
    // The gateway MAC is locally administered, and stable for a seed and adapter name.
    assert.ok(isLocallyAdministered(gwMac) && isUnicast(gwMac), formatMacTrace(gwMac))
    assert.equal(setup().gwMac, gwMac)
    assert.notEqual(setup({}, 8).gwMac, gwMac)
  })

  it('answers a ping to the gateway', () => {
    const {scheduler, link, host, gwMac} = setup()
    link.receive(echoRequest({srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: GW}, 0x4242, 3))
    scheduler.run()
    expectFrame(only(host.frames), eth({src: gwMac, dst: HOST_MAC}), ipv4({src: GW, dst: HOST_IP, ttl: 64}), icmp({kind: 'echo-reply', ident: 0x4242, seqNo: 3, data: Uint8Array.from([0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68])}))
  })

  it('routes a ping to 8.8.8.8 to the internet and back, TTL decremented each way', () => {
    const {scheduler, link, host, gwMac, log} = setup()
    const dst = ip('8.8.8.8')
    link.receive(echoRequest({srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst, ttl: 128}, 7, 1))
    scheduler.run()
    const got = only(host.got)
    expectFrame(got.frame, eth({src: gwMac, dst: HOST_MAC}), ipv4({src: dst, dst: HOST_IP, ttl: 63}), icmp({kind: 'echo-reply', ident: 7, seqNo: 1}))
    assert.equal(got.atMs, 0.5 + 10 + 0.02 + 10 + 0.5)
    const out = log.steps.find((s) => s.action === 'forwarded' && s.place.kind === 'lan')!
    expectFrame(out.frame, ipv4({src: HOST_IP, dst, ttl: 127}))
    assert.match(out.text, /TTL 128 → 127/)
    const at = log.steps.find((s) => s.place.kind === 'internet' && s.action === 'answered')!
    assert.deepEqual(at.place, {kind: 'internet', name: '8.8.8.8'})
  })

  it('an internet host answers TCP 80 and 443 with SYN-ACK and other ports with RST', () => {
    const {scheduler, link, host, gwMac} = setup()
    const dst = ip('1.1.1.1')
    const ends = {srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst}
    link.receive(tcpSyn(ends, 50000, 80, 1000))
    link.receive(tcpSyn(ends, 50001, 443, 2000))
    link.receive(tcpSyn(ends, 50002, 22, 3000))
    scheduler.run()
    const [a, b, c] = host.frames
    expectFrame(a, ipv4({src: dst, dst: HOST_IP}), tcp({srcPort: 80, dstPort: 50000, ackNo: 1001, flags: TCP_SYN | TCP_ACK_FLAG}))
    expectFrame(b, tcp({srcPort: 443, dstPort: 50001, ackNo: 2001, flags: TCP_SYN | TCP_ACK_FLAG}))
    expectFrame(c, tcp({srcPort: 22, dstPort: 50002, seqNo: 0, ackNo: 3001, flags: TCP_RST | TCP_ACK_FLAG}))
  })

  it('an internet host takes in segments of open ports and resets those of closed ones (RFC 9293 3.10.7.1)', () => {
    const {scheduler, link, host, gwMac, log} = setup()
    const ends = {srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: ip('1.1.1.1')}
    const segment = (dstPort: number, flags: number, ackNo: number) =>
      ipFrame(HOST_MAC, gwMac, ipv4Repr({src: ends.src, dst: ends.dst, protocol: IPPROTO_TCP, ttl: 64, ident: 9}), {layer: 'tcp', repr: {srcPort: 40000, dstPort, seqNo: 5000, ackNo, flags, window: 1000, urgent: 0, options: [], payload: new Uint8Array(0)}})
    link.receive(segment(80, TCP_ACK_FLAG, 77))
    link.receive(segment(22, TCP_ACK_FLAG, 0x01020304))
    link.receive(segment(22, TCP_RST, 0))
    scheduler.run()
    expectFrame(only(host.frames), tcp({srcPort: 22, seqNo: 0x01020304, flags: TCP_RST}))
    assert.equal(log.steps.filter((s) => s.place.kind === 'internet' && s.action === 'delivered').length, 2)
  })

  it('answers DNS A queries from the internet and from the gateway, NXDOMAIN for .invalid', () => {
    const {scheduler, link, host, gwMac} = setup()
    link.receive(dnsQuery({srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: ip('8.8.8.8')}, 0x1111, 'Example.COM'))
    link.receive(dnsQuery({srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: GW}, 0x2222, 'dns.google'))
    link.receive(dnsQuery({srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: GW}, 0x3333, 'nothing.invalid'))
    scheduler.run()
    assert.equal(host.got.length, 3)
    const byId = new Map(host.got.map((g) => [dnsReply(udpPayload(g.frame)).id, {r: dnsReply(udpPayload(g.frame)), g}] as const))
    const a = byId.get(0x1111)!
    expectFrame(a.g.frame, ipv4({src: ip('8.8.8.8'), dst: HOST_IP}), udp({srcPort: 53, dstPort: 53001}))
    assert.equal(a.r.rcode, 0)
    assert.equal(a.r.address, resolveA('example.com'))
    const b = byId.get(0x2222)!
    expectFrame(b.g.frame, ipv4({src: GW}))
    assert.equal(b.r.address, ip('8.8.8.8'))
    assert.equal(b.g.atMs, 0.5 + 0.02 + 20 + 0.5, 'the gateway resolver asks the internet first')
    assert.equal(byId.get(0x3333)!.r.rcode, 3, 'NXDOMAIN')
  })

  it('the gateway RSTs TCP and answers ICMP port unreachable for other UDP ports', () => {
    const {scheduler, link, host, gwMac} = setup()
    const ends = {srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: GW}
    link.receive(tcpSyn(ends, 40000, 80))
    link.receive(udpDatagram(ends, 40001, 9999, Uint8Array.of(1, 2, 3)))
    scheduler.run()
    expectFrame(host.frames[0], tcp({srcPort: 80, flags: TCP_RST | TCP_ACK_FLAG}))
    expectFrame(host.frames[1], ipv4({src: GW, dst: HOST_IP}), icmp({kind: 'dst-unreachable', code: 3}))
  })

  it('addresses nobody routes do not answer, each with its reason', () => {
    const {scheduler, link, host, gwMac, log} = setup()
    const cases: [string, RegExp][] = [
      ['10.1.2.3', /private address \(RFC 1918\)/],
      ['172.20.0.5', /private address \(RFC 1918\)/],
      ['203.0.113.9', /documentation/],
      ['169.254.10.20', /link-local/],
      ['100.64.1.1', /RFC 6598/],
    ]
    for (const [addr] of cases) link.receive(echoRequest({srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: ip(addr)}))
    scheduler.run()
    assert.equal(host.got.length, 0)
    assert.equal(link.drops.get('no-answer'), cases.length)
    const drops = log.steps.filter((s) => s.action === 'dropped')
    cases.forEach(([addr, why], i) => {
      assert.equal(drops[i].reason, 'no-answer')
      assert.ok(drops[i].text.startsWith(addr), drops[i].text)
      assert.match(drops[i].text, why)
    })
  })

  it('no other host exists on the LAN: an ARP request for one gets no answer', () => {
    const {scheduler, link, host, log} = setup()
    link.receive(arpRequest(HOST_MAC, HOST_IP, ip('192.168.1.77')))
    scheduler.run()
    assert.equal(host.got.length, 0)
    const d = only(log.steps.filter((s) => s.action === 'dropped'))
    assert.equal(d.reason, 'no-answer')
    assert.match(d.text, /no host on the LAN has 192\.168\.1\.77/)
    assert.deepEqual(d.place, {kind: 'lan', name: 'Ethernet'})
  })

  it('a sender off the LAN prefix gets no answer, and a VLAN-tagged frame is dropped by the access port', () => {
    const {scheduler, link, host, gwMac, log} = setup()
    link.receive(echoRequest({srcMac: VM_MAC, dstMac: gwMac, src: ip('10.0.0.5'), dst: ip('8.8.8.8')}))
    link.receive(echoRequest({srcMac: VM_MAC, dstMac: gwMac, src: ip('10.0.0.5'), dst: GW}))
    const tagged = pushVlan(echoRequest({srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: GW}), {pcp: 0, dei: false, vid: 10})
    assert.ok(tagged instanceof Uint8Array)
    link.receive(tagged)
    scheduler.run()
    assert.equal(host.got.length, 0)
    const drops = log.steps.filter((s) => s.action === 'dropped')
    assert.deepEqual(drops.map((d) => d.reason), ['no-answer', 'no-answer', 'vlan-mismatch'])
    assert.match(drops[0].text, /source 10\.0\.0\.5 is not on the LAN 192\.168\.1\.0\/24/)
    assert.match(drops[2].text, /VLAN 10.*trunk port upstream/)
  })

  it('a device a test attaches to the LAN answers ARP, receives its frames and reaches the gateway and the host', () => {
    const {scheduler, link, host, gwMac, lan} = setup()
    const dev = new Collector(scheduler)
    const device = {name: '192.168.1.77', address: ip('192.168.1.77'), mac: 0x0200_0000_0077, sink: dev}
    lan.attachDevice(device)
    assert.throws(() => lan.attachDevice({...device, mac: 1}), /taken/)
    link.receive(arpRequest(HOST_MAC, HOST_IP, device.address))
    link.receive(echoRequest({srcMac: HOST_MAC, dstMac: device.mac, src: HOST_IP, dst: device.address}))
    lan.sendFrom(device, echoRequest({srcMac: device.mac, dstMac: gwMac, src: device.address, dst: GW}))
    lan.sendFrom(device, echoRequest({srcMac: device.mac, dstMac: HOST_MAC, src: device.address, dst: HOST_IP}, 9, 9))
    scheduler.run()
    expectFrame(only(host.frames.filter((f) => f[12] === 0x08 && f[13] === 0x06)), arp({op: ARP_OP_REPLY, senderIp: device.address, senderMac: device.mac}))
    expectFrame(only(host.frames.filter((f) => f[12] === 0x08 && f[13] === 0x00)), eth({src: device.mac, dst: HOST_MAC}), icmp({kind: 'echo-request', ident: 9}))
    assert.equal(dev.got.length, 3)
    expectFrame(dev.frames[0], eth({dst: MAC_BROADCAST, src: HOST_MAC}), arp({targetIp: device.address}))
    expectFrame(dev.frames[1], eth({dst: device.mac, src: HOST_MAC}), icmp({kind: 'echo-request'}))
    expectFrame(dev.frames[2], eth({dst: device.mac, src: gwMac}), ipv4({src: GW}), icmp({kind: 'echo-reply'}))
  })

  it('TTL 1 through the gateway gets ICMP time exceeded from it', () => {
    const {scheduler, link, host, gwMac, log} = setup()
    const req = echoRequest({srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: ip('8.8.8.8'), ttl: 1})
    link.receive(req)
    scheduler.run()
    const d = expectFrame(only(host.frames), eth({src: gwMac, dst: HOST_MAC}), ipv4({src: GW, dst: HOST_IP, ttl: 64}), icmp({kind: 'time-exceeded', code: 0}))
    const l = d.layers.find((x) => x.layer === 'icmpv4')!
    assert.ok(l.layer === 'icmpv4' && l.repr.kind === 'time-exceeded')
    assert.equal(l.repr.quoted.header.dst, ip('8.8.8.8'))
    assert.equal(link.drops.get('ttl-exceeded'), 1)
    assert.equal(log.steps.find((s) => s.action === 'dropped')?.reason, 'ttl-exceeded')
  })

  it('TTL 1 through the gateway on an ICMP error gets no ICMP error back (RFC 1812 4.3.2.7)', () => {
    const {scheduler, link, host, gwMac, log} = setup()
    // An echo request as the invoking packet, and a port unreachable about it that expires at the gateway.
    const invoking = echoRequest({srcMac: HOST_MAC, dstMac: gwMac, src: ip('8.8.8.8'), dst: HOST_IP, ttl: 64}).subarray(14)
    const q = new Ipv4Packet(invoking, 0, invoking.length)
    const message = new Uint8Array(icmpErrorLen(q, 8))
    emitIcmpError(ICMP_DST_UNREACHABLE, 3, q, 8, message, 0)
    link.receive(ipFrame(HOST_MAC, gwMac, ipv4Repr({src: HOST_IP, dst: ip('8.8.8.8'), protocol: IPPROTO_ICMP, ttl: 1, ident: 7}), {layer: 'raw', bytes: message}))
    scheduler.run()
    assert.equal(host.frames.length, 0)
    assert.equal(link.drops.get('ttl-exceeded'), 1)
    const drop = log.steps.find((s) => s.action === 'dropped')
    assert.match(drop?.text ?? '', /sends no ICMP error about it/)
    assert.ok(!log.steps.some((s) => s.action === 'answered'))
  })

  it('malformed frames are dropped, never thrown', () => {
    const {scheduler, link, host, gwMac, log} = setup()
    link.receive(Uint8Array.of(1, 2, 3))
    const bad = echoRequest({srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: GW})
    bad[14] = 0x44 // IPv4 with IHL 4
    link.receive(bad)
    scheduler.run()
    assert.equal(host.got.length, 0)
    assert.equal(link.drops.get('malformed'), 2)
    assert.deepEqual(log.steps.filter((s) => s.action === 'dropped').map((s) => s.place.kind), ['physical', 'lan'])
  })

  it('an adapter that is down drops everything with adapter-down', () => {
    for (const over of [{up: false}, {network: null}] as Partial<PhysicalAdapterConfig>[]) {
      const scheduler = new Scheduler()
      const log = new StepLog()
      const link = new PhysicalLink({adapter: adapterConfig(over), seed: 1, scheduler, recorder: log})
      link.receive(arpRequest(HOST_MAC, HOST_IP, GW))
      scheduler.run()
      assert.equal(link.drops.get('adapter-down'), 1)
      const d = only(log.steps)
      assert.equal(d.reason, 'adapter-down')
      assert.deepEqual(d.place, {kind: 'physical', name: 'Ethernet'})
      assert.equal(d.ref, 'host Ethernet.status')
    }
  })
})

describe('port security on the upstream switch port', () => {
  it('with 1 MAC the host passes and a bridged VM is dropped', () => {
    const {scheduler, link, host, gwMac, log} = setup({portSecurityMaxMacs: 1, boundSwitchId: 'ext'})
    link.receive(echoRequest({srcMac: VM_MAC, dstMac: gwMac, src: ip('192.168.1.150'), dst: GW}))
    link.receive(echoRequest({srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: GW}))
    scheduler.run()
    expectFrame(only(host.frames), eth({dst: HOST_MAC}), icmp({kind: 'echo-reply'}))
    assert.equal(link.drops.get('port-security'), 1)
    const d = log.steps.find((s) => s.action === 'dropped')!
    assert.equal(d.reason, 'port-security')
    assert.equal(d.ref, 'host Ethernet.portSecurityMaxMacs')
    assert.deepEqual(d.place, {kind: 'lan', name: 'Ethernet'})
    assert.match(d.text, /allows 1 source MAC and already holds 00-1B-21-00-00-01/)
    assert.match(d.text, /NAT/)
    assert.deepEqual(link.exportState().portSecurityMacs, ['001B21000001'])
  })

  it('learns the first MACs it sees up to the limit, and keeps them across export and import', () => {
    const a = setup({portSecurityMaxMacs: 2})
    a.link.receive(arpRequest(VM_MAC, ip('192.168.1.150'), GW))
    a.link.receive(arpRequest(VM2_MAC, ip('192.168.1.151'), GW))
    a.scheduler.run()
    assert.equal(a.host.got.length, 1)
    const state = JSON.parse(JSON.stringify(a.link.exportState()))
    assert.deepEqual(state.portSecurityMacs, ['001B21000001', '00155D000A01'])

    const b = setup({portSecurityMaxMacs: 2})
    b.link.importState(state)
    b.link.receive(arpRequest(VM2_MAC, ip('192.168.1.151'), GW))
    b.link.receive(arpRequest(VM_MAC, ip('192.168.1.150'), GW))
    b.scheduler.run()
    expectFrame(only(b.host.frames), eth({dst: VM_MAC}))
    assert.equal(b.link.drops.get('port-security'), 1)
  })
})

describe('an External switch on a Wi-Fi adapter (the Microsoft bridge)', () => {
  const WIFI_MAC = 0x985f_d300_0001
  const wifi = {name: 'Wi-Fi', kind: 'wireless', macAddress: WIFI_MAC, boundSwitchId: 'ext'} as const
  const VM_IP = ip('192.168.1.150')

  it("a VM's frames leave with the adapter's MAC and the answers come back to the VM's MAC", () => {
    const {scheduler, link, host, gwMac, log} = setup(wifi)
    link.receive(arpRequest(VM_MAC, VM_IP, GW))
    link.receive(echoRequest({srcMac: VM_MAC, dstMac: gwMac, src: VM_IP, dst: ip('8.8.8.8')}))
    scheduler.run()
    const t = log.steps.filter((s) => s.action === 'transformed' && s.place.kind === 'physical' && s.changes?.some((c) => c.field === 'ethernet.src'))
    assert.equal(t.length, 2)
    assert.deepEqual(t[0].changes, [
      {field: 'ethernet.src', before: '00-15-5D-00-0A-01', after: '98-5F-D3-00-00-01'},
      {field: 'arp.senderMac', before: '00-15-5D-00-0A-01', after: '98-5F-D3-00-00-01'},
    ])
    for (const s of log.steps.filter((x) => x.action === 'transmitted')) expectFrame(s.frame, eth({src: WIFI_MAC}))
    const [arpReply, echoReply] = host.frames
    expectFrame(arpReply, eth({src: gwMac, dst: VM_MAC}), arp({op: ARP_OP_REPLY, senderIp: GW, targetMac: VM_MAC, targetIp: VM_IP}))
    expectFrame(echoReply, eth({dst: VM_MAC}), ipv4({src: ip('8.8.8.8'), dst: VM_IP, ttl: 63}), icmp({kind: 'echo-reply'}))
    assert.deepEqual(link.exportState().wifiBridge, [{ip: '192.168.1.150', mac: '00155D000A01'}])
  })

  it('the host itself passes unchanged, and a frame with any other source MAC is dropped by the access point', () => {
    const bound = setup(wifi)
    bound.link.receive(echoRequest({srcMac: WIFI_MAC, dstMac: bound.gwMac, src: HOST_IP, dst: GW}))
    bound.scheduler.run()
    assert.equal(bound.log.steps.filter((s) => s.action === 'transformed').length, 0)
    expectFrame(only(bound.host.frames), eth({dst: WIFI_MAC}))

    // Without the bridge (the adapter is not bound to a switch) nothing rewrites the MAC.
    const plain = setup({...wifi, boundSwitchId: null})
    plain.link.receive(echoRequest({srcMac: VM_MAC, dstMac: plain.gwMac, src: VM_IP, dst: GW}))
    plain.scheduler.run()
    assert.equal(plain.host.got.length, 0)
    assert.equal(plain.link.drops.get('wifi-unassociated-mac'), 1)
    const d = only(plain.log.steps)
    assert.equal(d.reason, 'wifi-unassociated-mac')
    assert.deepEqual(d.place, {kind: 'lan', name: 'Wi-Fi'})
    assert.match(d.text, /associated station 98-5F-D3-00-00-01/)
  })

  it('sets the DHCP BROADCAST flag on a VM request so the answer reaches the bridge', () => {
    const {scheduler, link, log} = setup({...wifi, network: {...adapterConfig().network!, dhcp: false}})
    link.receive(dhcpDiscover(VM_MAC, 0xabcd))
    scheduler.run()
    const t = log.steps.find((s) => s.action === 'transformed')!
    assert.deepEqual(t.changes?.map((c) => c.field), ['ethernet.src', 'dhcp.flags'])
    const sent = log.steps.find((s) => s.action === 'transmitted')!
    const d = expectFrame(sent.frame, eth({src: WIFI_MAC}))
    const u = d.layers.find((l) => l.layer === 'udp')!
    assert.ok(u.layer === 'udp')
    assert.equal((u.repr.payload[10] << 8) | u.repr.payload[11], 0x8000)
  })
})

describe('determinism', () => {
  it('the same inputs give the same steps, bytes and times', () => {
    const runOnce = () => {
      const {scheduler, link, gwMac, log, host} = setup({portSecurityMaxMacs: 2})
      link.receive(arpRequest(HOST_MAC, HOST_IP, GW))
      link.receive(echoRequest({srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: ip('8.8.4.4')}))
      link.receive(tcpSyn({srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: ip('151.101.1.1')}, 50000, 443))
      link.receive(dnsQuery({srcMac: HOST_MAC, dstMac: gwMac, src: HOST_IP, dst: GW}, 9, 'hvnet.example'))
      link.receive(echoRequest({srcMac: VM_MAC, dstMac: gwMac, src: ip('192.168.1.150'), dst: ip('10.0.0.1')}))
      scheduler.run()
      return JSON.stringify({steps: log.steps.map((s) => ({...s, frame: Buffer.from(s.frame).toString('hex')})), got: host.got.map((g) => [g.atMs, Buffer.from(g.frame).toString('hex')])})
    }
    const a = runOnce()
    assert.equal(runOnce(), a)
  })
})
