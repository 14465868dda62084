import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {Scheduler} from '../clock.js'
import {DHCPACK, DHCPDISCOVER, DHCPOFFER, DHCPREQUEST} from '../wire/index.js'
import {DhcpServer} from '../dhcp/server.js'
import type {DhcpServerConfig} from '../dhcp/server.js'
import {StepLog} from '../observe.js'
import {TestLink} from '../testing/link.js'
import {defaultSwitchScope, dhcpOf, ethOf, hostInterface, icmpOf, ip, ipOf, summary, tcpOf, vmConfig} from '../testing/stacks.js'
import {dhcpMessageType, formatIpv4, isLinkLocal, MAC_BROADCAST} from '../wire/index.js'
import {APIPA_RETRY_MS, apipaAddress} from './dhcp-client.js'
import {dnsAnswerAddress, dnsQuery} from './dns.js'
import {createGuestStack, GuestStack} from './guest.js'
import {HostStack} from './host.js'
import type {StackEvent} from './stack.js'

const HOST_MAC = 0x00155d006a01
const WEB_MAC = 0x00155d001701
const DB_MAC = 0x00155d001702
const DS = 'vEthernet (Default Switch)'

/** The host's Default Switch vNIC (with its DHCP server) and guests on one link. */
function defaultSwitchLab(guests: GuestStack[], scope: Partial<DhcpServerConfig> = {}, o: {server?: boolean} = {}) {
  const sched = guests[0].stack.scheduler
  const host = new HostStack([hostInterface(DS, HOST_MAC, {addresses: [{address: ip('172.20.16.1'), prefixLength: 20}]})], sched)
  const server = new DhcpServer(defaultSwitchScope(scope), sched)
  if (o.server !== false) host.attachDhcpServer(DS, server)
  const link = new TestLink(sched).attach(host.interface(DS), ...guests.map((g) => g.iface))
  return {sched, host, server, link}
}

function guest(sched: Scheduler, name: string, mac: number, over: Parameters<typeof vmConfig>[2] = {}): GuestStack {
  const vm = vmConfig(name, mac, over)
  return new GuestStack(vm, vm.adapters[0], sched)
}

describe('GuestStack: DHCP', () => {
  it('a fresh DHCP guest gets a lease in the scope: DISCOVER, OFFER, REQUEST, ACK, with router and DNS', () => {
    const sched = new Scheduler()
    const web = guest(sched, 'web', WEB_MAC)
    const {link, server} = defaultSwitchLab([web])
    const log = new StepLog()
    web.stack.rec = log
    web.start()
    sched.run({untilMs: 60_000})
    const dhcp = link.frames.filter((f) => /DHCP/.test(summary(f.frame))).map((f) => ({from: f.from, m: dhcpOf(f.frame), f: f.frame}))
    assert.deepEqual(dhcp.map((d) => `${d.from} ${dhcpMessageType(d.m)}`), [`web/Network Adapter ${DHCPDISCOVER}`, `${DS} ${DHCPOFFER}`, `web/Network Adapter ${DHCPREQUEST}`, `${DS} ${DHCPACK}`])
    const [discover, , request] = dhcp
    assert.equal(ethOf(discover.f).dst, MAC_BROADCAST)
    assert.equal(ipOf(discover.f).src, 0)
    assert.equal(ipOf(discover.f).dst, 0xffff_ffff)
    assert.equal(discover.m.flags, 0, 'Linux clients leave the BROADCAST flag clear')
    assert.equal(discover.f.length, 14 + 20 + 8 + 300)
    assert.deepEqual(request.m.options.find((o) => o.kind === 'requested-ip'), {kind: 'requested-ip', address: ip('172.20.16.2')})
    assert.deepEqual(request.m.options.find((o) => o.kind === 'server-id'), {kind: 'server-id', address: ip('172.20.16.1')})
    const lease = web.dhcp!.lease()!
    assert.equal(formatIpv4(lease.address), '172.20.16.2')
    assert.equal(lease.prefixLength, 20)
    assert.equal(lease.router, ip('172.20.16.1'))
    assert.deepEqual(lease.dns, [ip('172.20.16.1')])
    assert.deepEqual(web.iface.addresses, [{address: ip('172.20.16.2'), prefixLength: 20}])
    assert.equal(web.iface.gateway, ip('172.20.16.1'))
    assert.equal(server.leaseOf(WEB_MAC)?.address, ip('172.20.16.2'))
    assert.ok(log.steps.some((s) => /web is granted 172\.20\.16\.2\/20 by 172\.20\.16\.1 for 1 day \(gateway 172\.20\.16\.1, DNS 172\.20\.16\.1\)/.test(s.text)))
  })

  it('a Windows guest sets the BROADCAST flag and the server answers by broadcast', () => {
    const sched = new Scheduler()
    const win = guest(sched, 'win', WEB_MAC, {guest: {os: 'windows'}})
    const {link} = defaultSwitchLab([win])
    win.start()
    sched.run({untilMs: 60_000})
    const offer = link.frames.find((f) => f.from === DS && /OFFER/.test(summary(f.frame)))!.frame
    assert.equal(dhcpOf(link.frames[0].frame).flags, 0x8000)
    assert.equal(ethOf(offer).dst, MAC_BROADCAST)
    assert.equal(win.dhcp!.state, 'bound')
  })

  it('two guests get different addresses; a restarted guest gets the same one back', () => {
    const sched = new Scheduler()
    const web = guest(sched, 'web', WEB_MAC)
    const db = guest(sched, 'db', DB_MAC)
    const {server, host} = defaultSwitchLab([web, db])
    web.start()
    db.start()
    sched.run({untilMs: 60_000})
    assert.equal(formatIpv4(web.iface.primary), '172.20.16.2')
    assert.equal(formatIpv4(db.iface.primary), '172.20.16.3')
    // web is switched off and on: a new stack, the server remembers its MAC.
    const web2 = guest(sched, 'web', WEB_MAC)
    new TestLink(sched).attach(host.interface(DS), web2.iface)
    web2.start()
    sched.run({untilMs: sched.now + 60_000})
    assert.equal(formatIpv4(web2.iface.primary), '172.20.16.2')
    assert.equal(server.leases().length, 2)
  })

  it('renews at T1 with a unicast REQUEST, and the lease runs on', () => {
    const sched = new Scheduler()
    const web = guest(sched, 'web', WEB_MAC)
    const {link, server} = defaultSwitchLab([web], {leaseSeconds: 600})
    web.start()
    sched.run({untilMs: 1_000})
    const first = web.dhcp!.lease()!
    assert.equal(first.t1Ms - first.boundAtMs, 300_000)
    link.frames.length = 0
    sched.run({untilMs: first.t1Ms + 1_000})
    const renewal = link.frames.filter((f) => /DHCP/.test(summary(f.frame)))
    assert.equal(renewal.length, 2)
    const req = renewal[0].frame
    assert.equal(dhcpMessageType(dhcpOf(req)), DHCPREQUEST)
    assert.equal(ipOf(req).src, first.address)
    assert.equal(ipOf(req).dst, ip('172.20.16.1'), 'unicast to the server')
    assert.equal(ethOf(req).dst, HOST_MAC)
    assert.equal(dhcpOf(req).ciaddr, first.address)
    assert.equal(web.dhcp!.state, 'bound')
    assert.ok(Math.abs(web.dhcp!.lease()!.expiresAtMs - (first.t1Ms + 600_000)) < 1)
    assert.ok(server.leaseOf(WEB_MAC)!.expiresAtMs > first.expiresAtMs)
  })

  it('a lease nobody renews expires on the virtual clock and the guest starts over', () => {
    const sched = new Scheduler()
    const web = guest(sched, 'web', WEB_MAC)
    const {host} = defaultSwitchLab([web], {leaseSeconds: 600})
    web.start()
    sched.run({untilMs: 1_000})
    const first = web.dhcp!.lease()!
    // The server goes away (the switch is gone): renewals go unanswered.
    host.interface(DS).dhcpServer = null
    const events: StackEvent[] = []
    web.on((e) => events.push(e))
    sched.run({untilMs: first.t2Ms + 1})
    assert.equal(web.dhcp!.state, 'rebinding')
    sched.run({untilMs: first.expiresAtMs + 1})
    assert.deepEqual(web.iface.addresses, [], 'address removed at expiry')
    assert.equal(web.dhcp!.state, 'selecting')
    assert.ok(events.some((e) => e.kind === 'address' && e.source === 'none' && e.timeMs === first.expiresAtMs))
  })

  it('takes the APIPA address derived from its MAC after 3 unanswered DISCOVERs, and leaves it when a server appears', () => {
    const sched = new Scheduler()
    const web = guest(sched, 'web', WEB_MAC)
    const {link, host, server} = defaultSwitchLab([web], {}, {server: false})
    const log = new StepLog()
    web.stack.rec = log
    web.start()
    sched.run({untilMs: 27_000})
    assert.deepEqual(web.iface.addresses, [])
    sched.run({untilMs: 28_000})
    const discovers = link.from('web/Network Adapter')
    assert.deepEqual(discovers.map((f) => f.timeMs), [0.02, 4000.02, 12000.02])
    const apipa = apipaAddress(WEB_MAC)
    assert.ok(isLinkLocal(apipa))
    assert.ok(apipa >= ip('169.254.1.0') && apipa <= ip('169.254.254.255'))
    assert.deepEqual(web.iface.addresses, [{address: apipa, prefixLength: 16}])
    assert.equal(web.iface.gateway, null)
    assert.equal(web.dhcp!.state, 'apipa')
    assert.match(log.steps.find((s) => s.reason === 'no-answer')!.text, /APIPA address 169\.254\.\d+\.\d+\/16, derived from its MAC, as Windows does/)
    assert.equal(apipaAddress(WEB_MAC), apipa, 'deterministic')
    assert.notEqual(apipaAddress(DB_MAC), apipa)
    // Over many MACs, every address lands in RFC 3927's 169.254.1.0-169.254.254.255.
    for (let m = 0; m < 5000; m++) {
      const a = apipaAddress(0x00155d000000 + m * 7919)
      assert.ok(a >= ip('169.254.1.0') && a <= ip('169.254.254.255'), formatIpv4(a))
    }
    // A DHCP server appears; the next DISCOVER (5 minutes on) finds it.
    host.attachDhcpServer(DS, server)
    sched.run({untilMs: 28_000 + APIPA_RETRY_MS + 1_000})
    assert.equal(formatIpv4(web.iface.primary), '172.20.16.2')
    assert.equal(web.dhcp!.state, 'bound')
  })

  it('waits for its lease before sending what a trace injects, then ARPs on its own', () => {
    const sched = new Scheduler()
    const web = guest(sched, 'web', WEB_MAC)
    const {link} = defaultSwitchLab([web])
    const events: StackEvent[] = []
    web.on((e) => events.push(e))
    web.start()
    web.ping(ip('172.20.16.1'))
    sched.run({untilMs: 60_000})
    const order = link.frames.map((f) => summary(f.frame).replace(/^.*? > .*? /, ''))
    assert.match(order[0], /DHCP DISCOVER/)
    assert.match(order[3], /DHCP ACK/)
    assert.match(order[4], /ARP who-has 172\.20\.16\.1 tell 172\.20\.16\.2/)
    assert.match(order[6], /ICMP echo request/)
    assert.match(order[7], /ICMP echo reply/)
    assert.ok(events.some((e) => e.kind === 'echo-reply' && e.from === ip('172.20.16.1')))
  })

  it('a lease from another network is refused with DHCPNAK when rebinding, and the guest starts over', () => {
    const sched = new Scheduler(10_000)
    const web = guest(sched, 'web', WEB_MAC)
    const {link} = defaultSwitchLab([web])
    const log = new StepLog()
    web.stack.rec = log
    // The VM was moved from a network whose server (192.168.50.1) gave it 192.168.50.10; T1 and T2 have passed.
    web.importState({dhcp: {state: 'bound', address: '192.168.50.10', prefixLength: 24, router: null, dns: [], server: '192.168.50.1', leaseSeconds: 86_400, boundAtMs: 0, t1Ms: 5_000, t2Ms: 9_000, expiresAtMs: 86_400_000}, arp: {}})
    assert.equal(formatIpv4(web.iface.primary), '192.168.50.10')
    sched.run({untilMs: 20_000})
    const kinds = link.frames.filter((f) => /DHCP/.test(summary(f.frame))).map((f) => summary(f.frame).replace(/^.*DHCP (\w+).*$/, '$1'))
    assert.deepEqual(kinds.slice(0, 6), ['REQUEST', 'NAK', 'DISCOVER', 'OFFER', 'REQUEST', 'ACK'])
    assert.ok(log.steps.some((s) => s.reason === 'dhcp-nak' && /refuses web's request \(DHCPNAK\)/.test(s.text)))
    assert.equal(formatIpv4(web.iface.primary), '172.20.16.2')
  })

  it('resolves names through the DNS server its lease names when the host runs a DNS proxy there; silence without one', () => {
    const sched = new Scheduler()
    const web = guest(sched, 'web', WEB_MAC)
    const {host, link} = defaultSwitchLab([web])
    host.attachDnsProxy(DS, (name) => (name === 'dns.google' ? ip('8.8.8.8') : null))
    const answers: Uint8Array[] = []
    web.on((e) => {
      if (e.kind === 'udp' && e.srcPort === 53) answers.push(e.payload)
    })
    web.start()
    sched.run({untilMs: 1_000})
    const dns = web.dhcp!.lease()!.dns[0]
    web.sendUdp(dns, 53, dnsQuery(1, 'dns.google'))
    web.sendUdp(dns, 53, dnsQuery(2, 'nowhere.invalid'))
    sched.run({untilMs: 2_000})
    assert.equal(answers.length, 2)
    assert.equal(dnsAnswerAddress(answers[0]), ip('8.8.8.8'))
    assert.equal(answers[1][3] & 0xf, 3, 'NXDOMAIN')
    host.interface(DS).dnsProxy = null
    link.frames.length = 0
    web.sendUdp(dns, 53, dnsQuery(3, 'dns.google'))
    sched.run({untilMs: 3_000})
    assert.equal(answers.length, 2)
    assert.equal(link.from(DS).length, 0, 'the host stays silent on a closed UDP port')
  })

  it('exports and imports its lease: a later command resumes BOUND with the same timers', () => {
    const sched = new Scheduler()
    const web = guest(sched, 'web', WEB_MAC)
    defaultSwitchLab([web])
    web.start()
    sched.run({untilMs: 1_000})
    const saved = JSON.parse(JSON.stringify(web.exportState()))
    assert.equal(saved.dhcp.state, 'bound')
    assert.equal(saved.dhcp.address, '172.20.16.2')
    const sched2 = new Scheduler(1_000)
    const vm = vmConfig('web', WEB_MAC)
    const again = new GuestStack(vm, vm.adapters[0], sched2)
    again.importState(saved)
    assert.equal(again.dhcp!.state, 'bound')
    assert.deepEqual(again.iface.addresses, web.iface.addresses)
    assert.deepEqual(again.dhcp!.lease(), web.dhcp!.lease())
    assert.deepEqual(again.stack.exportArp(), web.stack.exportArp())
  })
})

describe('GuestStack: OS behaviour', () => {
  function pair(os: 'linux' | 'windows', firewall: boolean) {
    const sched = new Scheduler()
    const client = guest(sched, 'client', DB_MAC, {ip: {mode: 'static', address: ip('192.168.0.11'), prefixLength: 24, gateway: null, dns: []}})
    const target = guest(sched, 'target', WEB_MAC, {ip: {mode: 'static', address: ip('192.168.0.10'), prefixLength: 24, gateway: null, dns: []}, guest: {os, firewall, listen: [{protocol: 'tcp', port: 3389}]}})
    const link = new TestLink(sched).attach(client.iface, target.iface)
    const log = new StepLog()
    target.stack.rec = log
    const events: StackEvent[] = []
    client.on((e) => events.push(e))
    return {sched, client, target, link, log, events}
  }

  it('a Windows guest with its firewall on drops inbound echo with guest-firewall, naming the default and the fix', () => {
    const {sched, client, target, link, log, events} = pair('windows', true)
    client.ping(ip('192.168.0.10'))
    sched.run()
    assert.equal(target.stack.drops.get('guest-firewall'), 1)
    assert.equal(link.from('target/Network Adapter').filter((f) => ethOf(f.frame).etherType === 0x0800).length, 0, 'no echo reply')
    const d = log.steps.find((s) => s.action === 'dropped')!
    assert.equal(d.reason, 'guest-firewall')
    assert.equal(d.ref, 'vm target.guest.firewall')
    assert.deepEqual(d.place, {kind: 'vm', name: 'target/Network Adapter'})
    assert.match(d.text, /Windows Firewall in target drops the echo request from 192\.168\.0\.11: its default rules block inbound ICMPv4 echo/)
    assert.match(d.text, /Enable-NetFirewallRule -Name FPS-ICMP4-ERQ-In/)
    assert.match(d.text, /hvnet vm set-guest VM --firewall off/)
    assert.deepEqual(events.filter((e) => e.kind === 'echo-reply'), [])
  })

  it('the same guest answers echo with its firewall off (TTL 128), and its firewall lets a listened port through but stays silent on others', () => {
    const off = pair('windows', false)
    off.client.ping(ip('192.168.0.10'))
    off.sched.run()
    const reply = off.link.from('target/Network Adapter').find((f) => ethOf(f.frame).etherType === 0x0800)!.frame
    assert.equal(icmpOf(reply).kind, 'echo-reply')
    assert.equal(ipOf(reply).ttl, 128)
    const on = pair('windows', true)
    on.client.connectTcp(ip('192.168.0.10'), 3389)
    on.client.connectTcp(ip('192.168.0.10'), 445)
    on.sched.run()
    const fromTarget = on.link.from('target/Network Adapter').filter((f) => ethOf(f.frame).etherType === 0x0800).map((f) => tcpOf(f.frame))
    assert.deepEqual(fromTarget.map((t) => [t.srcPort, t.flags]), [[3389, 0x12]], 'SYN-ACK from 3389; nothing (no RST) from 445')
    assert.equal(on.target.stack.drops.get('guest-firewall'), 1)
    assert.deepEqual(on.events.filter((e) => e.kind === 'tcp').map((e) => e.kind === 'tcp' && e.state), ['connected'])
  })

  it('a Linux guest answers ping, and its default ports are 22 and 80', () => {
    const sched = new Scheduler()
    const vm = vmConfig('web', WEB_MAC, {ip: {mode: 'static', address: ip('10.1.0.5'), prefixLength: 24, gateway: ip('10.1.0.1'), dns: []}})
    const web = createGuestStack(vm, vm.adapters[0], sched)!
    assert.ok(web.stack.listens('tcp', 22) && web.stack.listens('tcp', 80) && !web.stack.listens('tcp', 443))
    assert.equal(web.ready, true)
    assert.equal(web.stack.routes.lookup(ip('8.8.8.8')).kind, 'found')
  })

  it('a stopped VM has no stack', () => {
    const vm = vmConfig('off', WEB_MAC, {running: false})
    assert.equal(createGuestStack(vm, vm.adapters[0], new Scheduler()), null)
    assert.throws(() => new GuestStack(vm, vm.adapters[0], new Scheduler()), /not running/)
  })
})
