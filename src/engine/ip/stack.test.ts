import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {LATENCY, Scheduler} from '../clock.js'
import {StepLog} from '../observe.js'
import {TestLink} from '../testing/link.js'
import {arpOf, decoded, ethOf, icmpOf, ip, ipOf, summary, tcpOf, udpOf} from '../testing/stacks.js'
import {MAC_BROADCAST, TCP_ACK_FLAG, TCP_FIN, TCP_RST, TCP_SYN} from '../wire/index.js'
import {ARP_RETRY_MS} from './arp-cache.js'
import {dnsAnswerAddress, dnsQuery} from './dns.js'
import {DEFAULT_DNS_ANSWER, IpStack, isn} from './stack.js'
import type {IpStackOptions, StackEvent} from './stack.js'

const MAC_A = 0x00155d000a01
const MAC_B = 0x00155d000b01

function stack(sched: Scheduler, who: string, over: Partial<IpStackOptions> = {}): IpStack {
  return new IpStack({who, os: 'linux', router: false, listen: [{protocol: 'tcp', port: 22}, {protocol: 'tcp', port: 80}, {protocol: 'udp', port: 7}, {protocol: 'udp', port: 53}], firewall: null, closedUdp: 'port-unreachable', nat: null, ...over}, sched)
}

/** Two stacks A (10.0.0.1) and B (10.0.0.2) on one /24, back to back. */
function pair(over: Partial<IpStackOptions> = {}) {
  const sched = new Scheduler()
  const a = stack(sched, 'a')
  const b = stack(sched, 'b', over)
  const ia = a.addInterface({alias: 'a/eth0', place: {kind: 'vm', name: 'a/Network Adapter'}, ref: 'vm a/Network Adapter', mac: MAC_A, addresses: [{address: ip('10.0.0.1'), prefixLength: 24}], gateway: null, forwarding: false})
  const ib = b.addInterface({alias: 'b/eth0', place: {kind: 'vm', name: 'b/Network Adapter'}, ref: 'vm b/Network Adapter', mac: MAC_B, addresses: [{address: ip('10.0.0.2'), prefixLength: 24}], gateway: null, forwarding: false})
  const link = new TestLink(sched).attach(ia, ib)
  const eventsA: StackEvent[] = []
  const eventsB: StackEvent[] = []
  a.on((e) => eventsA.push(e))
  b.on((e) => eventsB.push(e))
  return {sched, a, b, ia, ib, link, eventsA, eventsB}
}

describe('IpStack: ARP', () => {
  it('resolves the next hop, answers for its own address, and uses the cache the second time', () => {
    const {sched, a, b, link, eventsA} = pair()
    a.ping(ip('10.0.0.2'), {ident: 7, seqNo: 1})
    sched.run()
    assert.deepEqual(link.frames.map((f) => `${f.from}: ${summary(f.frame)}`), [
      'a/eth0: 00-15-5D-00-0A-01 > FF-FF-FF-FF-FF-FF ARP who-has 10.0.0.2 tell 10.0.0.1',
      'b/eth0: 00-15-5D-00-0B-01 > 00-15-5D-00-0A-01 ARP reply 10.0.0.2 is-at 00-15-5D-00-0B-01',
      'a/eth0: 00-15-5D-00-0A-01 > 00-15-5D-00-0B-01 IPv4 10.0.0.1 > 10.0.0.2 ICMP echo request id 7 seq 1 ttl 64',
      'b/eth0: 00-15-5D-00-0B-01 > 00-15-5D-00-0A-01 IPv4 10.0.0.2 > 10.0.0.1 ICMP echo reply id 7 seq 1 ttl 64',
    ])
    const req = arpOf(link.frames[0].frame)
    assert.equal(ethOf(link.frames[0].frame).dst, MAC_BROADCAST)
    assert.deepEqual(req, {op: 1, senderMac: MAC_A, senderIp: ip('10.0.0.1'), targetMac: 0, targetIp: ip('10.0.0.2')})
    assert.equal(a.interfaces[0].arp.lookup(ip('10.0.0.2'), sched.now).kind, 'found')
    assert.deepEqual(b.interfaces[0].arp.lookup(ip('10.0.0.1'), sched.now), {kind: 'found', value: MAC_A}, 'B learned A from the request meant for it')
    assert.equal(eventsA.filter((e) => e.kind === 'echo-reply').length, 1)
    link.frames.length = 0
    a.ping(ip('10.0.0.2'), {ident: 7, seqNo: 2})
    sched.run()
    assert.equal(link.frames.length, 2, 'no ARP the second time')
    assert.match(summary(link.frames[0].frame), /echo request id 7 seq 2/)
  })

  it('says pending while a request is outstanding and forgets entries after 30 s', () => {
    const {sched, a} = pair()
    a.ping(ip('10.0.0.2'))
    assert.equal(a.interfaces[0].arp.lookup(ip('10.0.0.2'), sched.now).kind, 'pending')
    sched.run()
    assert.equal(a.interfaces[0].arp.lookup(ip('10.0.0.2'), sched.now).kind, 'found')
    sched.advance(30_000)
    assert.equal(a.interfaces[0].arp.lookup(ip('10.0.0.2'), sched.now).kind, 'not-found')
  })

  it('retries 3 times one second apart, then drops the queued packets with arp-unresolved', () => {
    const {sched, a, link, eventsA} = pair()
    const log = new StepLog()
    a.rec = log
    a.ping(ip('10.0.0.99'), {seqNo: 1})
    a.ping(ip('10.0.0.99'), {seqNo: 2})
    sched.run()
    const arps = link.from('a/eth0')
    assert.deepEqual(arps.map((f) => summary(f.frame)), Array(3).fill('00-15-5D-00-0A-01 > FF-FF-FF-FF-FF-FF ARP who-has 10.0.0.99 tell 10.0.0.1'))
    assert.deepEqual(arps.map((f) => f.timeMs), [LATENCY.stackMs, ARP_RETRY_MS + LATENCY.stackMs, 2 * ARP_RETRY_MS + LATENCY.stackMs])
    assert.equal(a.drops.get('arp-unresolved'), 2)
    const drops = log.steps.filter((s) => s.action === 'dropped')
    assert.equal(drops.length, 2)
    assert.equal(drops[0].timeMs, 3 * ARP_RETRY_MS)
    assert.equal(drops[0].reason, 'arp-unresolved')
    assert.match(drops[0].text, /sent 3 ARP requests for 10\.0\.0\.99 one second apart and got no reply/)
    assert.match(summary(drops[0].frame), /10\.0\.0\.1 > 10\.0\.0\.99 ICMP echo request/)
    assert.deepEqual(eventsA.map((e) => e.kind), ['send-failed'])
    assert.equal(a.interfaces[0].arp.lookup(ip('10.0.0.99'), sched.now).kind, 'not-found')
  })

  it('does not answer ARP for an address that is not its own', () => {
    const {sched, a, b, ib, link} = pair()
    ib.receive(link.frames.length === 0 ? arpRequestFrom(a, ip('10.0.0.77')) : new Uint8Array(0))
    sched.run()
    assert.equal(link.from('b/eth0').length, 0)
    assert.equal(b.drops.get('not-for-me'), 1)
  })
})

function arpRequestFrom(_a: IpStack, target: number): Uint8Array {
  const f = new Uint8Array(60)
  f.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x15, 0x5d, 0x00, 0x0a, 0x01, 0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1, 0x00, 0x15, 0x5d, 0x00, 0x0a, 0x01, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0])
  f.set([target >>> 24, (target >>> 16) & 255, (target >>> 8) & 255, target & 255], 38)
  return f
}

describe('IpStack: ICMP echo', () => {
  it('replies with the same id, seq and data, addresses swapped, checksums right', () => {
    const {sched, a, link, eventsA} = pair()
    a.ping(ip('10.0.0.2'), {ident: 0x1234, seqNo: 9, size: 56})
    sched.run()
    const request = link.from('a/eth0')[1].frame
    const reply = link.from('b/eth0')[1].frame
    decoded(request)
    decoded(reply)
    const q = icmpOf(request)
    const r = icmpOf(reply)
    assert.equal(q.kind, 'echo-request')
    assert.equal(r.kind, 'echo-reply')
    if (q.kind !== 'echo-request' || r.kind !== 'echo-reply') return
    assert.deepEqual([r.ident, r.seqNo], [0x1234, 9])
    assert.deepEqual(r.data, q.data)
    assert.equal(q.data.length, 56)
    assert.equal(q.data[16], 0x10, 'Linux ping pattern after the 16-byte timestamp')
    assert.equal(ipOf(reply).src, ip('10.0.0.2'))
    assert.equal(ipOf(reply).dst, ip('10.0.0.1'))
    assert.equal(reply.length, 14 + 20 + 8 + 56)
    const e = eventsA.find((x) => x.kind === 'echo-reply')
    assert.ok(e?.kind === 'echo-reply')
    assert.ok(Math.abs(e.rttMs! - 4 * (LATENCY.stackMs + LATENCY.switchHopMs)) < 1e-9, 'the first ping waits for ARP: two round trips')
    assert.equal(e.ttl, 64)
    a.ping(ip('10.0.0.2'), {ident: 0x1234, seqNo: 10})
    sched.run()
    const e2 = eventsA.filter((x) => x.kind === 'echo-reply').at(-1)
    assert.ok(e2?.kind === 'echo-reply')
    assert.ok(Math.abs(e2.rttMs! - 2 * (LATENCY.stackMs + LATENCY.switchHopMs)) < 1e-9, 'cached: one round trip')
  })

  it('a Windows stack sends 32 bytes of abc… with TTL 128', () => {
    const sched = new Scheduler()
    const w = stack(sched, 'w', {os: 'windows'})
    const iw = w.addInterface({alias: 'w', place: {kind: 'vm', name: 'w/Network Adapter'}, ref: 'vm w', mac: MAC_A, addresses: [{address: ip('10.0.0.1'), prefixLength: 24}], gateway: null, forwarding: false})
    const b = stack(sched, 'b')
    const ib = b.addInterface({alias: 'b', place: {kind: 'vm', name: 'b/Network Adapter'}, ref: 'vm b', mac: MAC_B, addresses: [{address: ip('10.0.0.2'), prefixLength: 24}], gateway: null, forwarding: false})
    const link = new TestLink(sched).attach(iw, ib)
    w.ping(ip('10.0.0.2'))
    sched.run()
    const req = link.from('w')[1].frame
    const q = icmpOf(req)
    assert.ok(q.kind === 'echo-request')
    assert.equal(new TextDecoder().decode(q.data), 'abcdefghijklmnopqrstuvwabcdefghi')
    assert.equal(ipOf(req).ttl, 128)
  })
})

describe('IpStack: TCP', () => {
  it('a listening port answers SYN with SYN-ACK; the handshake completes; FIN gets FIN-ACK', () => {
    const {sched, a, link, eventsA, eventsB} = pair()
    const sport = a.connectTcp(ip('10.0.0.2'), 22)
    assert.equal(sport, 32768, 'first Linux ephemeral port')
    sched.run()
    const segs = link.frames.filter((f) => ethOf(f.frame).etherType === 0x0800).map((f) => ({from: f.from, tcp: tcpOf(f.frame)}))
    assert.deepEqual(segs.map((s) => `${s.from} ${s.tcp.flags}`), [`a/eth0 ${TCP_SYN}`, `b/eth0 ${TCP_SYN | TCP_ACK_FLAG}`, `a/eth0 ${TCP_ACK_FLAG}`])
    const [syn, synAck, ack] = segs.map((s) => s.tcp)
    assert.equal(syn.seqNo, isn(ip('10.0.0.1'), 32768, ip('10.0.0.2'), 22))
    assert.equal(synAck.ackNo, (syn.seqNo + 1) >>> 0)
    assert.equal(synAck.seqNo, isn(ip('10.0.0.2'), 22, ip('10.0.0.1'), 32768))
    assert.deepEqual(synAck.options, [{kind: 'mss', mss: 1460}])
    assert.equal(ack.ackNo, (synAck.seqNo + 1) >>> 0)
    assert.deepEqual(eventsA.map((e) => e.kind === 'tcp' && e.state), ['connected'])
    assert.deepEqual(eventsB.map((e) => e.kind === 'tcp' && e.state), ['accepted'])
    link.frames.length = 0
    assert.equal(a.sendTcpData(ip('10.0.0.2'), 22, sport, new TextEncoder().encode('SSH-2.0-hvnet\r\n')), true)
    sched.run()
    const data = link.frames.map((f) => ({from: f.from, tcp: tcpOf(f.frame)}))
    assert.deepEqual(data.map((s) => `${s.from} ${s.tcp.flags} ${s.tcp.payload.length}`), [`a/eth0 ${0x08 | TCP_ACK_FLAG} 15`, `b/eth0 ${TCP_ACK_FLAG} 0`])
    assert.equal(data[1].tcp.ackNo, (data[0].tcp.seqNo + 15) >>> 0)
    assert.deepEqual({...eventsB.at(-1)!, timeMs: 0}, {kind: 'tcp', timeMs: 0, state: 'data', local: ip('10.0.0.2'), localPort: 22, remote: ip('10.0.0.1'), remotePort: sport, bytes: 15})
    eventsB.splice(1)
    link.frames.length = 0
    a.closeTcp(ip('10.0.0.2'), 22, sport)
    sched.run()
    const close = link.frames.map((f) => ({from: f.from, tcp: tcpOf(f.frame)}))
    assert.deepEqual(close.map((s) => `${s.from} ${s.tcp.flags}`), [`a/eth0 ${TCP_FIN | TCP_ACK_FLAG}`, `b/eth0 ${TCP_FIN | TCP_ACK_FLAG}`, `a/eth0 ${TCP_ACK_FLAG}`])
    assert.equal(close[1].tcp.ackNo, (close[0].tcp.seqNo + 1) >>> 0)
    assert.equal(close[2].tcp.ackNo, (close[1].tcp.seqNo + 1) >>> 0)
    assert.deepEqual(eventsA.map((e) => e.kind === 'tcp' && e.state), ['connected', 'closed'])
    assert.deepEqual(eventsB.map((e) => e.kind === 'tcp' && e.state), ['accepted', 'closed'])
  })

  it('a closed port answers RST+ACK acknowledging the SYN (RFC 9293 3.10.7.1)', () => {
    const {sched, a, b, link, eventsA} = pair()
    const log = new StepLog()
    b.rec = log
    a.connectTcp(ip('10.0.0.2'), 81)
    sched.run()
    const [syn, rst] = link.frames.filter((f) => ethOf(f.frame).etherType === 0x0800).map((f) => tcpOf(f.frame))
    assert.equal(rst.flags, TCP_RST | TCP_ACK_FLAG)
    assert.equal(rst.seqNo, 0)
    assert.equal(rst.ackNo, (syn.seqNo + 1) >>> 0)
    assert.deepEqual([rst.srcPort, rst.dstPort], [81, syn.srcPort])
    assert.deepEqual(eventsA.map((e) => e.kind === 'tcp' && e.state), ['refused'])
    assert.equal(b.drops.get('closed-port'), 1)
    assert.match(log.steps.find((s) => s.reason === 'closed-port')!.text, /nothing on b listens on tcp\/81: it answers 10\.0\.0\.1 with a RST/)
  })

  it('a SYN probe reports open and resets the half-open connection', () => {
    const {sched, a, link, eventsA} = pair()
    a.sendTcpSyn(ip('10.0.0.2'), 80, {srcPort: 40000})
    sched.run()
    const segs = link.frames.filter((f) => ethOf(f.frame).etherType === 0x0800).map((f) => tcpOf(f.frame).flags)
    assert.deepEqual(segs, [TCP_SYN, TCP_SYN | TCP_ACK_FLAG, TCP_RST])
    assert.deepEqual(eventsA.map((e) => e.kind === 'tcp' && e.state), ['open'])
  })
})

describe('IpStack: UDP', () => {
  it('echoes on udp/7', () => {
    const {sched, a, link, eventsA} = pair()
    const payload = new TextEncoder().encode('hello, hvnet')
    const sport = a.sendUdp(ip('10.0.0.2'), 7, payload)
    sched.run()
    const back = link.from('b/eth0').at(-1)!.frame
    assert.deepEqual(udpOf(back), {srcPort: 7, dstPort: sport, payload})
    const e = eventsA.find((x) => x.kind === 'udp')
    assert.ok(e?.kind === 'udp')
    assert.deepEqual(e.payload, payload)
  })

  it('answers ICMP port unreachable for a closed port, quoting the datagram', () => {
    const {sched, a, link, eventsA} = pair()
    a.sendUdp(ip('10.0.0.2'), 9999, new Uint8Array([1, 2, 3, 4]), {srcPort: 5000})
    sched.run()
    const sent = link.from('a/eth0').at(-1)!.frame
    const back = link.from('b/eth0').at(-1)!.frame
    const r = icmpOf(back)
    assert.ok(r.kind === 'dst-unreachable')
    assert.equal(r.code, 3)
    assert.equal(ipOf(back).src, ip('10.0.0.2'))
    // The quote is the invoking datagram byte for byte (Linux quotes all of it up to 576 bytes).
    assert.deepEqual(back.subarray(14 + 20 + 8, 14 + 20 + 8 + 20 + 12), sent.subarray(14, 14 + 20 + 12))
    const e = eventsA.find((x) => x.kind === 'icmp-error')
    assert.ok(e?.kind === 'icmp-error')
    assert.deepEqual(e.quoted, {src: ip('10.0.0.1'), dst: ip('10.0.0.2'), protocol: 17, srcPort: 5000, dstPort: 9999})
  })

  it('answers a DNS A query on udp/53 with the documentation address, or what resolve says', () => {
    const {sched, a, link} = pair({resolve: (n) => (n === 'web.lab' ? ip('10.0.0.80') : null)})
    a.sendUdp(ip('10.0.0.2'), 53, dnsQuery(0x4242, 'web.lab'))
    a.sendUdp(ip('10.0.0.2'), 53, dnsQuery(0x4343, 'nowhere.lab'))
    sched.run()
    const answers = link.from('b/eth0').filter((f) => ethOf(f.frame).etherType === 0x0800).map((f) => udpOf(f.frame).payload)
    assert.equal(dnsAnswerAddress(answers[0]), ip('10.0.0.80'))
    assert.equal(answers[0][0] * 256 + answers[0][1], 0x4242)
    assert.equal(answers[1][3] & 0xf, 3, 'NXDOMAIN')
    const d = pair()
    d.a.sendUdp(ip('10.0.0.2'), 53, dnsQuery(1, 'example.com'))
    d.sched.run()
    assert.equal(dnsAnswerAddress(udpOf(d.link.from('b/eth0').at(-1)!.frame).payload), DEFAULT_DNS_ANSWER)
  })
})

describe('IpStack: robustness and determinism', () => {
  it('drops malformed frames and bad checksums with their reason, never throwing', () => {
    const {sched, a, b, ib, link} = pair()
    ib.receive(new Uint8Array(5))
    a.ping(ip('10.0.0.2'))
    sched.run()
    const good = link.from('a/eth0')[1].frame.slice()
    good[14 + 20 + 8] ^= 1
    ib.receive(good)
    const cut = link.from('a/eth0')[1].frame.slice(0, 30)
    ib.receive(cut)
    assert.equal(b.drops.get('malformed'), 2)
    assert.equal(b.drops.get('bad-checksum'), 1)
  })

  it('a guest drops a packet for another address: it does not route', () => {
    const {sched, a, b, link} = pair()
    const log = new StepLog()
    b.rec = log
    a.interfaces[0].arp.learn(ip('10.0.0.50'), MAC_B, 0)
    a.ping(ip('10.0.0.50'))
    sched.run()
    assert.equal(b.drops.get('not-for-me'), 1)
    assert.equal(link.from('b/eth0').length, 0)
    assert.match(log.steps.at(-1)!.text, /does not route/)
  })

  it('the same inputs give the same frames at the same times', () => {
    const run = () => {
      const {sched, a, link} = pair()
      a.ping(ip('10.0.0.2'))
      a.connectTcp(ip('10.0.0.2'), 80)
      a.sendUdp(ip('10.0.0.2'), 7, new Uint8Array([9, 9]))
      a.sendUdp(ip('10.0.0.2'), 1234, new Uint8Array([1]))
      a.ping(ip('10.0.0.77'))
      sched.run()
      return link.frames.map((f) => ({t: f.timeMs, from: f.from, bytes: Buffer.from(f.frame).toString('hex')}))
    }
    const one = run()
    assert.ok(one.length >= 10)
    assert.deepEqual(run(), one)
  })
})
