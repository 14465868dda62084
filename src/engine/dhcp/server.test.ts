import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {Scheduler} from '../clock.js'
import {StepLog} from '../observe.js'
import {defaultSwitchScope as scope, dhcpClientFrame, dhcpOf, dhcpOption as option, ethOf, ip, ipOf, udpOf} from '../testing/stacks.js'
import {dhcpMessageType, formatIpv4, MAC_BROADCAST} from '../wire/index.js'
import type {DhcpRepr} from '../wire/index.js'
import {DHCPACK, DHCPDECLINE, DHCPDISCOVER, DHCPNAK, DHCPOFFER, DHCPRELEASE, DHCPREQUEST} from '../wire/index.js'
import {DhcpServer, OFFER_HOLD_MS} from './server.js'

const SERVER_MAC = 0x00155d006a01
const A = 0x00155d010203
const B = 0x00155d010204
const C = 0x00155d010205

/** DISCOVER then REQUEST of the offered address; returns the ACK. */
function lease(server: DhcpServer, mac: number, o: {broadcast?: boolean} = {}): DhcpRepr {
  const [offer] = server.handle(dhcpClientFrame(mac, DHCPDISCOVER, o), null)
  const offered = dhcpOf(offer)
  const [ack] = server.handle(dhcpClientFrame(mac, DHCPREQUEST, {...o, requested: offered.yiaddr, serverId: server.config.serverAddress}), null)
  return dhcpOf(ack)
}

describe('DhcpServer', () => {
  it('answers a DISCOVER with an OFFER carrying the mask, router, DNS and lease times, broadcast when asked', () => {
    const s = new DhcpServer(scope(), new Scheduler())
    const log = new StepLog()
    const replies = s.handle(dhcpClientFrame(A, DHCPDISCOVER, {broadcast: true, xid: 0xcafe}), log)
    assert.equal(replies.length, 1)
    const f = replies[0]
    assert.equal(f.length, 14 + 20 + 8 + 300, 'BOOTP padded to 300 bytes')
    assert.equal(ethOf(f).dst, MAC_BROADCAST)
    assert.equal(ethOf(f).src, SERVER_MAC)
    assert.equal(ipOf(f).src, ip('172.20.16.1'))
    assert.equal(ipOf(f).dst, 0xffff_ffff)
    assert.deepEqual([udpOf(f).srcPort, udpOf(f).dstPort], [67, 68])
    const m = dhcpOf(f)
    assert.equal(dhcpMessageType(m), DHCPOFFER)
    assert.equal(m.op, 2)
    assert.equal(m.xid, 0xcafe)
    assert.equal(m.flags, 0x8000)
    assert.equal(formatIpv4(m.yiaddr), '172.20.16.2', 'first free address from rangeStart (the server and router excluded)')
    assert.equal(option(m, 'subnet-mask')?.address, ip('255.255.240.0'))
    assert.deepEqual(option(m, 'router')?.addresses, [ip('172.20.16.1')])
    assert.deepEqual(option(m, 'dns')?.addresses, [ip('172.20.16.1')])
    assert.equal(option(m, 'server-id')?.address, ip('172.20.16.1'))
    assert.equal(option(m, 'lease-time')?.seconds, 86_400)
    assert.equal(option(m, 'renewal-time')?.seconds, 43_200)
    assert.equal(option(m, 'rebinding-time')?.seconds, 75_600)
    assert.deepEqual(log.steps.map((x) => x.action), ['received', 'answered'])
    assert.match(log.steps[1].text, /offers 172\.20\.16\.2 to 00-15-5D-01-02-03 .*router 172\.20\.16\.1.*broadcast, as the client set the BROADCAST flag/)
    assert.equal(log.steps[1].ref, 'vswitch Default Switch.dhcp')
    assert.deepEqual(log.steps[1].place, {kind: 'host', name: 'vEthernet (Default Switch)'})
  })

  it('unicasts to yiaddr and chaddr when the BROADCAST flag is clear (RFC 2131 4.1)', () => {
    const s = new DhcpServer(scope(), new Scheduler())
    const [f] = s.handle(dhcpClientFrame(A, DHCPDISCOVER), null)
    assert.equal(ethOf(f).dst, A)
    assert.equal(formatIpv4(ipOf(f).dst), '172.20.16.2')
  })

  it('accepts a message without the 300-byte BOOTP padding', () => {
    const s = new DhcpServer(scope(), new Scheduler())
    const unpadded = dhcpClientFrame(A, DHCPDISCOVER, {unpadded: true})
    assert.ok(unpadded.length < 14 + 20 + 8 + 300)
    const [f] = s.handle(unpadded, null)
    assert.equal(dhcpMessageType(dhcpOf(f)), DHCPOFFER)
  })

  it('ACKs the offered address, binds it for the lease time, and lists it', () => {
    const sched = new Scheduler()
    const s = new DhcpServer(scope(), sched)
    const ack = lease(s, A)
    assert.equal(dhcpMessageType(ack), DHCPACK)
    assert.equal(formatIpv4(ack.yiaddr), '172.20.16.2')
    assert.deepEqual(s.leases(), [{mac: A, address: ip('172.20.16.2'), state: 'bound', expiresAtMs: 86_400_000}])
    assert.equal(s.leaseOf(A)?.address, ip('172.20.16.2'))
  })

  it('gives distinct clients distinct addresses and each MAC the same address again', () => {
    const s = new DhcpServer(scope(), new Scheduler())
    assert.equal(formatIpv4(lease(s, A).yiaddr), '172.20.16.2')
    assert.equal(formatIpv4(lease(s, B).yiaddr), '172.20.16.3')
    assert.equal(formatIpv4(lease(s, A).yiaddr), '172.20.16.2', 'the same MAC, the same address')
    assert.equal(formatIpv4(lease(s, C).yiaddr), '172.20.16.4')
  })

  it('expires leases on the virtual clock; an expired client gets its address back unless someone needed it', () => {
    const sched = new Scheduler()
    const s = new DhcpServer(scope({rangeEnd: ip('172.20.16.3'), leaseSeconds: 60}), sched)
    lease(s, A)
    lease(s, B)
    assert.equal(s.leases().length, 2)
    // Pool full: C gets nothing while both leases live.
    const log = new StepLog()
    assert.deepEqual(s.handle(dhcpClientFrame(C, DHCPDISCOVER), log), [])
    assert.equal(s.drops.get('no-answer'), 1)
    assert.match(log.steps.at(-1)!.text, /has no free address left/)
    sched.advance(59_999)
    assert.equal(s.leases().length, 2)
    sched.advance(1)
    assert.deepEqual(s.leases(), [], 'both leases ran out at 60 s')
    // A comes back: same address. C takes the oldest expired one not A's (B's).
    assert.equal(formatIpv4(lease(s, A).yiaddr), '172.20.16.2')
    assert.equal(formatIpv4(lease(s, C).yiaddr), '172.20.16.3')
    // B lost its address to C and gets nothing now.
    assert.deepEqual(s.handle(dhcpClientFrame(B, DHCPDISCOVER), null), [])
  })

  it('renews a bound lease (RENEWING: ciaddr, unicast reply) and extends it from now', () => {
    const sched = new Scheduler()
    const s = new DhcpServer(scope({leaseSeconds: 3600}), sched)
    const ack = lease(s, A)
    sched.advance(1_800_000)
    const [f] = s.handle(dhcpClientFrame(A, DHCPREQUEST, {ciaddr: ack.yiaddr, src: ack.yiaddr, dst: ip('172.20.16.1')}), null)
    const m = dhcpOf(f)
    assert.equal(dhcpMessageType(m), DHCPACK)
    assert.equal(m.yiaddr, ack.yiaddr)
    assert.equal(m.ciaddr, ack.yiaddr)
    assert.equal(ipOf(f).dst, ack.yiaddr, 'unicast to ciaddr')
    assert.equal(ethOf(f).dst, A)
    assert.equal(s.leaseOf(A)?.expiresAtMs, 1_800_000 + 3_600_000)
  })

  it('NAKs a request for another client\'s address or another network, always broadcast', () => {
    const s = new DhcpServer(scope(), new Scheduler())
    lease(s, A)
    const log = new StepLog()
    const [f] = s.handle(dhcpClientFrame(B, DHCPREQUEST, {requested: ip('172.20.16.2')}), log)
    assert.equal(dhcpMessageType(dhcpOf(f)), DHCPNAK)
    assert.equal(dhcpOf(f).yiaddr, 0)
    assert.equal(ethOf(f).dst, MAC_BROADCAST)
    assert.equal(ipOf(f).dst, 0xffff_ffff)
    assert.match(log.steps.at(-1)!.text, /172\.20\.16\.2 is leased to 00-15-5D-01-02-03/)
    const [g] = s.handle(dhcpClientFrame(B, DHCPREQUEST, {requested: ip('192.168.1.50')}), log)
    assert.equal(dhcpMessageType(dhcpOf(g)), DHCPNAK)
    assert.match(log.steps.at(-1)!.text, /not on this network/)
    // INIT-REBOOT for a free address in range: the authoritative server ACKs it.
    const [h] = s.handle(dhcpClientFrame(B, DHCPREQUEST, {requested: ip('172.20.16.40')}), null)
    assert.equal(dhcpMessageType(dhcpOf(h)), DHCPACK)
  })

  it('stays silent for a REQUEST that chose another server, and withdraws its offer', () => {
    const s = new DhcpServer(scope(), new Scheduler())
    s.handle(dhcpClientFrame(A, DHCPDISCOVER), null)
    assert.equal(s.leases()[0].state, 'offered')
    assert.deepEqual(s.handle(dhcpClientFrame(A, DHCPREQUEST, {requested: ip('172.20.16.2'), serverId: ip('172.20.16.99')}), null), [])
    assert.deepEqual(s.leases(), [])
  })

  it('holds an offer for two minutes against other clients', () => {
    const sched = new Scheduler()
    const s = new DhcpServer(scope(), sched)
    s.handle(dhcpClientFrame(A, DHCPDISCOVER), null)
    assert.equal(formatIpv4(dhcpOf(s.handle(dhcpClientFrame(B, DHCPDISCOVER), null)[0]).yiaddr), '172.20.16.3')
    sched.advance(OFFER_HOLD_MS)
    assert.equal(formatIpv4(dhcpOf(s.handle(dhcpClientFrame(C, DHCPDISCOVER), null)[0]).yiaddr), '172.20.16.4', 'never-used addresses before expired ones')
  })

  it('RELEASE ends the lease; the client still gets the same address next time', () => {
    const s = new DhcpServer(scope(), new Scheduler())
    const ack = lease(s, A)
    assert.deepEqual(s.handle(dhcpClientFrame(A, DHCPRELEASE, {ciaddr: ack.yiaddr, src: ack.yiaddr, dst: ip('172.20.16.1')}), null), [])
    assert.deepEqual(s.leases(), [])
    assert.equal(lease(s, A).yiaddr, ack.yiaddr)
  })

  it('DECLINE sets the address aside', () => {
    const s = new DhcpServer(scope(), new Scheduler())
    const ack = lease(s, A)
    s.handle(dhcpClientFrame(A, DHCPDECLINE, {requested: ack.yiaddr}), null)
    assert.equal(formatIpv4(lease(s, A).yiaddr), '172.20.16.3')
  })

  it('exports and imports its leases as plain JSON', () => {
    const sched = new Scheduler()
    const s = new DhcpServer(scope(), sched)
    lease(s, A)
    lease(s, B)
    const json = JSON.parse(JSON.stringify(s.exportState()))
    assert.deepEqual(json, {
      leases: [
        {mac: '00155D010203', address: '172.20.16.2', state: 'bound', expiresAtMs: 86_400_000},
        {mac: '00155D010204', address: '172.20.16.3', state: 'bound', expiresAtMs: 86_400_000},
      ],
    })
    const t = new DhcpServer(scope(), sched)
    t.importState(json)
    assert.deepEqual(t.leases(), s.leases())
    assert.equal(formatIpv4(lease(t, B).yiaddr), '172.20.16.3')
    assert.equal(formatIpv4(lease(t, C).yiaddr), '172.20.16.4')
    assert.throws(() => t.importState({leases: [{mac: 'nope', address: '1.2.3.4', state: 'bound', expiresAtMs: 0}]}), /lease 0 is not/)
    assert.throws(() => t.importState([]), TypeError)
  })

  it('ignores frames that are not DHCP requests to it, and counts malformed ones', () => {
    const s = new DhcpServer(scope(), new Scheduler())
    assert.deepEqual(s.handle(new Uint8Array(10), null), [])
    const f = dhcpClientFrame(A, DHCPDISCOVER)
    const cut = f.slice(0, 14 + 20 + 8 + 100)
    // Cut inside BOOTP, lengths left claiming more: not even UDP.
    assert.deepEqual(s.handle(cut, null), [])
    const bad = f.slice()
    bad[14 + 20 + 8 + 236] ^= 0xff // the magic cookie
    const log = new StepLog()
    assert.deepEqual(s.handle(bad, log), [])
    assert.equal(s.drops.get('bad-checksum'), 1, 'the UDP checksum covers the cookie')
    const unchecked = f.slice()
    unchecked[14 + 20 + 8 + 236] ^= 0xff
    unchecked[14 + 20 + 6] = 0 // UDP checksum "none"
    unchecked[14 + 20 + 7] = 0
    assert.deepEqual(s.handle(unchecked, log), [])
    assert.equal(s.drops.get('malformed'), 1)
    assert.match(log.steps.at(-1)!.text, /magic cookie/)
  })

  it('refuses a range outside its prefix', () => {
    assert.throws(() => new DhcpServer(scope({rangeEnd: ip('172.20.32.1')}), new Scheduler()), /not inside 172\.20\.16\.0\/20/)
  })

  it('gives the same bytes for the same inputs', () => {
    const run = (): Uint8Array[] => {
      const s = new DhcpServer(scope(), new Scheduler())
      return [A, B, C].flatMap((m) => [...s.handle(dhcpClientFrame(m, DHCPDISCOVER), null), ...s.handle(dhcpClientFrame(m, DHCPREQUEST, {requested: ip('172.20.16.2')}), null)])
    }
    assert.deepEqual(run(), run())
  })
})
