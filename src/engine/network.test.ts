import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {NetworkConfig} from './config.js'
import {buildNetwork} from './network.js'
import {StepLog} from './observe.js'
import {checkRuntimeState, invalidatedBy} from './runtime.js'
import {Collector, arp, arpRequest, echoRequest, eth, expectFrame, icmp, ip, ipv4} from './testing/lan.js'
import {natConfig} from './testing/nat.js'
import {dnsAnswerAddress, dnsQuery as dnsQueryMessage} from './ip/dns.js'
import {ARP_TRIES} from './ip/arp-cache.js'
import {resolveA} from './lan/internet.js'
import {decodeFrame} from './wire/index.js'
import {WIFI_MAC, ETH_MAC, events, externalLab, lanAdapter, portFeatures, vm} from './testing/network.js'
import {EngineInputError} from './errors.js'

const WEB_MAC = 0x0015_5d00_0a01
const GW = ip('192.168.1.1')

function replies(evs: ReturnType<typeof events>) {
  return evs.filter((e) => e.kind === 'echo-reply').map((e) => (e.kind === 'echo-reply' ? {from: e.from, ttl: e.ttl, rttMs: e.rttMs} : null))
}

describe('buildNetwork', () => {
  it('a VM on an External switch reaches the LAN gateway and 8.8.8.8', () => {
    const net = buildNetwork(externalLab(lanAdapter(), [vm('web', {mac: WEB_MAC, switchId: 'sw-ext', address: '192.168.1.50'})]), null, {recorder: null})
    const web = net.guest('web/Network Adapter')!
    const evs = events(web.stack)
    web.stack.ping(GW, {seqNo: 1})
    net.scheduler.run()
    web.stack.ping(ip('8.8.8.8'), {seqNo: 2})
    net.scheduler.run()
    const r = replies(evs)
    assert.equal(r.length, 2, JSON.stringify(evs))
    assert.equal(r[0]!.from, GW)
    assert.equal(r[0]!.ttl, 64)
    assert.equal(r[1]!.from, ip('8.8.8.8'))
    assert.equal(r[1]!.ttl, 63)
    assert.ok(r[1]!.rttMs! > 20 && r[1]!.rttMs! < 22, `rtt ${r[1]!.rttMs}`)
  })

  it("a DHCP VM bridged onto the LAN, wired or Wi-Fi, gets a lease from the LAN's server", () => {
    for (const adapter of [lanAdapter(), lanAdapter({name: 'Wi-Fi', kind: 'wireless', macAddress: WIFI_MAC})]) {
      const config = externalLab(adapter, [vm('web', {mac: WEB_MAC, switchId: 'sw-ext'})])
      const net = buildNetwork(config, null, {recorder: null})
      net.scheduler.run({untilMs: 10_000})
      const web = net.guest('web/Network Adapter')!
      assert.deepEqual(web.iface.addresses, [{address: ip('192.168.1.128'), prefixLength: 24}], adapter.name)
      assert.equal(web.iface.gateway, GW)
      const evs = events(web)
      web.ping(ip('8.8.8.8'))
      net.scheduler.run({untilMs: 11_000})
      assert.equal(replies(evs).length, 1, adapter.name)
    }
  })

  it("a host address from the LAN's DHCP server is never handed to a VM", () => {
    const config = externalLab(lanAdapter(), [vm('web', {mac: WEB_MAC, switchId: 'sw-ext'})])
    const hostOnLease = {...config, hostInterfaces: [{...config.hostInterfaces[0], dhcp: true, addresses: [{address: ip('192.168.1.128'), prefixLength: 24}]}]}
    const net = buildNetwork(hostOnLease, null, {recorder: null})
    net.scheduler.run({untilMs: 10_000})
    assert.deepEqual(net.guest('web/Network Adapter')!.iface.addresses, [{address: ip('192.168.1.129'), prefixLength: 24}])
  })

  it('port security with 1 MAC: the bridged VM is dropped, the host is not', () => {
    const log = new StepLog()
    const net = buildNetwork(externalLab(lanAdapter({portSecurityMaxMacs: 1}), [vm('web', {mac: WEB_MAC, switchId: 'sw-ext', address: '192.168.1.50'})]), null, {recorder: log})
    const web = net.guest('web/Network Adapter')!
    const vmEvents = events(web.stack)
    const hostEvents = events(net.host.stack)
    web.stack.ping(ip('8.8.8.8'))
    net.host.ping(ip('8.8.8.8'))
    net.scheduler.run()
    assert.equal(replies(hostEvents).length, 1)
    assert.equal(replies(vmEvents).length, 0)
    assert.ok(vmEvents.some((e) => e.kind === 'send-failed' && e.reason === 'arp-unresolved'), JSON.stringify(vmEvents))
    assert.ok(net.link('Ethernet')!.drops.get('port-security') >= 1)
    const drops = net.drops()
    assert.equal(drops['port-security'], net.link('Ethernet')!.drops.get('port-security'))
    assert.equal(drops['arp-unresolved'], 1, JSON.stringify(drops))
    const d = log.steps.find((s) => s.reason === 'port-security' && s.action === 'dropped')!
    expectFrame(d.frame, eth({src: WEB_MAC}))
  })

  it('port security with 1 MAC: NAT is the fix — a VM behind the Default Switch gets out where a bridged VM cannot', () => {
    const base = externalLab(lanAdapter({portSecurityMaxMacs: 1}), [vm('web', {mac: WEB_MAC, switchId: 'sw-ext', address: '192.168.1.50'}), vm('app', {mac: WEB_MAC + 1, switchId: 'def'})])
    const config: NetworkConfig = {
      ...base,
      switches: [...base.switches, {id: 'def', name: 'Default Switch', switchType: 'Internal', netAdapterName: null, isDefaultSwitch: true}],
      hostInterfaces: [
        ...base.hostInterfaces,
        {alias: 'vEthernet (Default Switch)', ifIndex: 21, macAddress: 0x0015_5d01_0001, attachment: {kind: 'vnic', switchId: 'def', features: portFeatures('host vEthernet (Default Switch)')}, addresses: [{address: ip('172.20.16.1'), prefixLength: 20}], defaultGateway: null, dhcp: false, forwarding: false},
      ],
      nats: [natConfig({name: 'ICS', ics: true, internalPrefix: {address: ip('172.20.16.0'), length: 20}, ref: 'vswitch Default Switch.nat'})],
      dhcpScopes: [{switchId: 'def', prefix: {address: ip('172.20.16.0'), length: 20}, serverAddress: ip('172.20.16.1'), rangeStart: ip('172.20.16.2'), rangeEnd: ip('172.20.31.254'), leaseSeconds: 86400}],
    }
    const net = buildNetwork(config, null, {recorder: null})
    const web = events(net.guest('web/Network Adapter')!)
    const app = events(net.guest('app/Network Adapter')!)
    net.guest('web/Network Adapter')!.ping(ip('8.8.8.8'))
    net.guest('app/Network Adapter')!.ping(ip('8.8.8.8'))
    net.scheduler.run({untilMs: 10_000})
    assert.equal(replies(web).length, 0)
    assert.equal(replies(app).length, 1, JSON.stringify(net.drops()))
    assert.ok((net.drops()['port-security'] ?? 0) >= 1)
  })

  it("a VM on a Wi-Fi External switch reaches the internet, its frames leaving with the adapter's MAC", () => {
    const log = new StepLog()
    const net = buildNetwork(externalLab(lanAdapter({name: 'Wi-Fi', kind: 'wireless', macAddress: WIFI_MAC}), [vm('web', {mac: WEB_MAC, switchId: 'sw-ext', address: '192.168.1.50'})]), null, {recorder: log})
    const web = net.guest('web/Network Adapter')!
    const evs = events(web.stack)
    web.stack.ping(ip('8.8.8.8'))
    net.scheduler.run()
    assert.equal(replies(evs).length, 1, JSON.stringify(evs))
    const sent = log.steps.filter((s) => s.place.kind === 'physical' && s.action === 'transmitted')
    assert.ok(sent.length >= 2)
    for (const s of sent) expectFrame(s.frame, eth({src: WIFI_MAC}))
    assert.ok(log.steps.some((s) => s.action === 'transformed' && s.changes?.some((c) => c.field === 'ethernet.dst' && c.after === '00-15-5D-00-0A-01')))
  })

  it('a machine on the LAN reaches a VM bridged onto it, through a wired or a Wi-Fi External switch', () => {
    for (const adapter of [lanAdapter(), lanAdapter({name: 'Wi-Fi', kind: 'wireless', macAddress: WIFI_MAC})]) {
      const net = buildNetwork(externalLab(adapter, [vm('web', {mac: WEB_MAC, switchId: 'sw-ext', address: '192.168.1.50'})]), null, {recorder: null})
      const lan = net.link(adapter.name)!.lan!
      const got = new Collector(net.scheduler)
      const laptop = {name: 'a laptop', address: ip('192.168.1.77'), mac: 0x0200_0000_0077, sink: got}
      lan.attachDevice(laptop)
      lan.sendFrom(laptop, arpRequest(laptop.mac, laptop.address, ip('192.168.1.50')))
      net.scheduler.run({untilMs: 5})
      const reply = got.frames.find((f) => f[12] === 0x08 && f[13] === 0x06)!
      // Through the Wi-Fi bridge the VM's address resolves to the adapter's MAC (ARP proxying).
      const vmMac = adapter.kind === 'wireless' ? WIFI_MAC : WEB_MAC
      expectFrame(reply, arp({op: 2, senderIp: ip('192.168.1.50'), senderMac: vmMac}))
      lan.sendFrom(laptop, echoRequest({srcMac: laptop.mac, dstMac: vmMac, src: laptop.address, dst: ip('192.168.1.50')}, 5, 1))
      net.scheduler.run({untilMs: 10})
      expectFrame(got.frames[got.frames.length - 1], eth({dst: laptop.mac, src: vmMac}), ipv4({src: ip('192.168.1.50'), ttl: 64}), icmp({kind: 'echo-reply', ident: 5}))
    }
  })

  it('a stopped VM has a vm-off port and no stack; a host interface on an unbound adapter talks to the LAN directly', () => {
    const config: NetworkConfig = {
      seed: 1,
      switches: [{id: 'sw-int', name: 'Lab', switchType: 'Private', netAdapterName: null, isDefaultSwitch: false}],
      vms: [vm('db', {mac: WEB_MAC, switchId: 'sw-int', running: false})],
      hostInterfaces: [{alias: 'Ethernet', ifIndex: 12, macAddress: ETH_MAC, attachment: {kind: 'physical', adapterName: 'Ethernet'}, addresses: [{address: ip('192.168.1.40'), prefixLength: 24}], defaultGateway: GW, dhcp: false, forwarding: false}],
      physicalAdapters: [lanAdapter()],
      nats: [],
      dhcpScopes: [],
    }
    const net = buildNetwork(config, null, {recorder: null})
    assert.equal(net.guest('db/Network Adapter'), null)
    assert.equal(net.vmPorts.get('db/Network Adapter')!.state, 'vm-off')
    const evs = events(net.host.stack)
    net.host.ping(ip('1.1.1.1'))
    net.scheduler.run()
    assert.equal(replies(evs).length, 1)
  })

  it('a flooded ARP request a guest ignores outright is counted, not recorded; a guest that knows the sender takes it', () => {
    const config: NetworkConfig = {
      seed: 1,
      switches: [{id: 'sw-int', name: 'Lab', switchType: 'Private', netAdapterName: null, isDefaultSwitch: false}],
      vms: [vm('a', {mac: WEB_MAC, switchId: 'sw-int', address: '10.0.0.1'}), vm('b', {mac: WEB_MAC + 1, switchId: 'sw-int', address: '10.0.0.2'}), vm('c', {mac: WEB_MAC + 2, switchId: 'sw-int', address: '10.0.0.3'})],
      hostInterfaces: [],
      physicalAdapters: [],
      nats: [],
      dhcpScopes: [],
    }
    const log = new StepLog()
    const net = buildNetwork(config, null, {recorder: log})
    const [a, b, c] = ['a', 'b', 'c'].map((n) => net.guest(`${n}/Network Adapter`)!)
    const atC = (): string[] => log.steps.filter((s) => s.place.name === 'c/Network Adapter' || s.text.startsWith('copy to vm c/')).map((s) => `${s.action} ${s.reason}`)
    const evs = events(a.stack)
    a.stack.ping(ip('10.0.0.2'))
    net.scheduler.run()
    assert.equal(replies(evs).length, 1)
    assert.equal(log.steps.find((s) => s.action === 'flooded')!.text, 'destination broadcast → every other port in VID 0 (no VLAN): 2 ports')
    assert.deepEqual(atC(), [], 'c ignores the request for 10.0.0.2 from a sender it does not know: no copy recorded')
    assert.equal(c.stack.drops.get('not-for-me'), 1, 'and counted as if it had received it')
    assert.ok(log.steps.some((s) => s.text.startsWith('copy to vm b/')), 'b, whose address is asked for, gets its copy')
    // c learns a (it pings a); a's next request for another address refreshes c's entry: c takes the copy.
    c.stack.ping(ip('10.0.0.1'))
    net.scheduler.run()
    log.steps.length = 0
    a.stack.ping(ip('10.0.0.9'))
    net.scheduler.run()
    // ARP tries ARP_TRIES times for 10.0.0.9; c takes every copy, and so does b (it learned a when it answered).
    assert.deepEqual(atC(), Array.from({length: ARP_TRIES}, () => ['forwarded broadcast', 'received received', 'dropped not-for-me']).flat())
    assert.equal(c.stack.drops.get('not-for-me'), 1 + ARP_TRIES)
    // b: c's request for a (c unknown to b: ignored outright), then a's ARP_TRIES requests.
    assert.equal(b.stack.drops.get('not-for-me'), 1 + ARP_TRIES)
  })

  it('a DHCP VM on the Default Switch reaches 8.8.8.8 through the ICS NAT and the wired LAN', () => {
    const sw = {id: 'c08cb7b8', name: 'Default Switch', switchType: 'Internal' as const, netAdapterName: null, isDefaultSwitch: true}
    const ics = natConfig({name: 'ICS', ics: true, internalPrefix: {address: ip('172.20.16.0'), length: 20}, ref: 'vswitch Default Switch.nat'})
    const config: NetworkConfig = {
      seed: 1,
      switches: [sw],
      vms: [vm('web', {mac: WEB_MAC, switchId: sw.id})],
      hostInterfaces: [
        {alias: 'Ethernet', ifIndex: 12, macAddress: ETH_MAC, attachment: {kind: 'physical', adapterName: 'Ethernet'}, addresses: [{address: ip('192.168.1.40'), prefixLength: 24}], defaultGateway: GW, dhcp: false, forwarding: false},
        {alias: 'vEthernet (Default Switch)', ifIndex: 21, macAddress: 0x0015_5d01_0001, attachment: {kind: 'vnic', switchId: sw.id, features: portFeatures('host vEthernet (Default Switch)')}, addresses: [{address: ip('172.20.16.1'), prefixLength: 20}], defaultGateway: null, dhcp: false, forwarding: false},
      ],
      physicalAdapters: [lanAdapter()],
      nats: [ics],
      dhcpScopes: [{switchId: sw.id, prefix: {address: ip('172.20.16.0'), length: 20}, serverAddress: ip('172.20.16.1'), rangeStart: ip('172.20.16.2'), rangeEnd: ip('172.20.31.254'), leaseSeconds: 86400}],
    }
    const log = new StepLog()
    const net = buildNetwork(config, null, {recorder: log})
    const web = net.guest('web/Network Adapter')!
    const evs = events(web)
    web.ping(ip('8.8.8.8'))
    net.scheduler.run({untilMs: 10_000})
    assert.equal(web.iface.gateway, ip('172.20.16.1'))
    const r = replies(evs)
    assert.equal(r.length, 1, JSON.stringify(net.drops()))
    assert.equal(r[0]!.from, ip('8.8.8.8'))
    // On the LAN the packet comes from the host: its address and its MAC.
    const out = log.steps.find((s) => s.place.kind === 'physical' && s.action === 'transmitted' && s.text.includes('onto the wire') && decodeFrame(s.frame).layers.some((l) => l.layer === 'icmpv4'))!
    expectFrame(out.frame, eth({src: ETH_MAC}), ipv4({src: ip('192.168.1.40'), dst: ip('8.8.8.8')}))
    // The ICS DNS proxy on the host vNIC answers from the internet's resolver.
    web.sendUdp(ip('172.20.16.1'), 53, dnsQueryMessage(0x42, 'example.com'))
    net.scheduler.run({untilMs: 11_000})
    const dns = evs.find((e) => e.kind === 'udp' && e.srcPort === 53)
    assert.ok(dns !== undefined && dns.kind === 'udp' && dnsAnswerAddress(dns.payload) === resolveA('example.com'), JSON.stringify(dns))
    const state = JSON.parse(JSON.stringify(net.exportState()))
    assert.ok(state.nat !== null, 'the NAT session is in the runtime state')
    assert.deepEqual(JSON.parse(JSON.stringify(buildNetwork(config, state, {recorder: null}).exportState().nat)), state.nat, 'and is restored')
  })

  it('names the object of a configuration that cannot run', () => {
    const bad = externalLab(lanAdapter(), [vm('web', {mac: WEB_MAC, switchId: 'sw-gone', address: '192.168.1.50'})])
    assert.throws(() => buildNetwork(bad, null, {recorder: null}), (e: unknown) => e instanceof EngineInputError && e.kind === 'configuration' && /"Network Adapter" of VM "web".*sw-gone/.test(e.message))
    const good = externalLab(lanAdapter(), [])
    const twice = {...good, hostInterfaces: [...good.hostInterfaces, {...good.hostInterfaces[0], alias: 'Ethernet', attachment: {kind: 'physical' as const, adapterName: 'Ethernet'}}]}
    assert.throws(() => buildNetwork(twice, null, {recorder: null}), (e: unknown) => e instanceof EngineInputError && /"Ethernet" uses the physical adapter "Ethernet", which is already bound/.test(e.message))
  })

  it('serves the Default Switch scope from the host vNIC', () => {
    const sw = {id: 'c08cb7b8', name: 'Default Switch', switchType: 'Internal' as const, netAdapterName: null, isDefaultSwitch: true}
    const config: NetworkConfig = {
      seed: 1,
      switches: [sw],
      vms: [vm('web', {mac: WEB_MAC, switchId: sw.id})],
      hostInterfaces: [{alias: 'vEthernet (Default Switch)', ifIndex: 21, macAddress: 0x0015_5d01_0001, attachment: {kind: 'vnic', switchId: sw.id, features: portFeatures('host vEthernet (Default Switch)')}, addresses: [{address: ip('172.20.16.1'), prefixLength: 20}], defaultGateway: null, dhcp: false, forwarding: true}],
      physicalAdapters: [],
      nats: [],
      dhcpScopes: [{switchId: sw.id, prefix: {address: ip('172.20.16.0'), length: 20}, serverAddress: ip('172.20.16.1'), rangeStart: ip('172.20.16.2'), rangeEnd: ip('172.20.31.254'), leaseSeconds: 86400}],
    }
    const log = new StepLog()
    const net = buildNetwork(config, null, {recorder: log})
    const web = net.guest('web/Network Adapter')!
    net.scheduler.run({untilMs: 10_000})
    assert.deepEqual(web.iface.addresses, [{address: ip('172.20.16.2'), prefixLength: 20}])
    assert.equal(web.iface.gateway, ip('172.20.16.1'))
    const ack = log.steps.find((s) => s.action === 'answered' && s.reason === 'dhcp' && /DHCPACK/.test(s.text))!
    assert.deepEqual(ack.place, {kind: 'host', name: 'vEthernet (Default Switch)'})
    assert.equal(ack.ref, 'vswitch Default Switch.dhcp')
    const state = net.exportState()
    assert.equal((state.dhcpServers[sw.id] as {leases: {address: string}[]}).leases[0].address, '172.20.16.2')
    // The lease outlives the command: a rebuilt network resumes it without a new DISCOVER.
    const again = buildNetwork(config, JSON.parse(JSON.stringify(state)), {recorder: null})
    assert.deepEqual(again.guest('web/Network Adapter')!.iface.addresses, [{address: ip('172.20.16.2'), prefixLength: 20}])
  })
})

describe('runtime state', () => {
  const lab = () => externalLab(lanAdapter({portSecurityMaxMacs: 2}), [vm('web', {mac: WEB_MAC, switchId: 'sw-ext', address: '192.168.1.50'})])

  it('is gathered as JSON and restored: clock, ARP caches, port-security MACs', () => {
    const a = buildNetwork(lab(), null, {recorder: null})
    a.guest('web/Network Adapter')!.stack.ping(GW)
    a.scheduler.run()
    const state = checkRuntimeState(JSON.parse(JSON.stringify(a.exportState())))
    assert.ok(state.clockMs > 1)
    assert.deepEqual(state.guests['web/Network Adapter'].arp['web/Network Adapter'].entries.map((e) => e.address), ['192.168.1.1'])
    assert.deepEqual(state.physical.Ethernet.portSecurityMacs, ['001B21000001', '00155D000A01'])

    const log = new StepLog()
    const b = buildNetwork(lab(), state, {recorder: log})
    assert.equal(b.scheduler.now, state.clockMs)
    const evs = events(b.guest('web/Network Adapter')!.stack)
    b.guest('web/Network Adapter')!.stack.ping(GW)
    b.scheduler.run()
    assert.equal(replies(evs).length, 1)
    assert.ok(!log.steps.some((s) => s.place.kind === 'vm' && s.action === 'transmitted' && s.frame[12] === 0x08 && s.frame[13] === 0x06), 'the ARP cache was restored: no ARP request')
    assert.ok(log.steps.some((s) => s.place.kind === 'vm' && s.action === 'transmitted' && /192\.168\.1\.1 is-at .* from its ARP cache/.test(s.text)), 'and the trace says where the MAC came from')
    assert.deepEqual(b.exportState().physical.Ethernet.portSecurityMacs, ['001B21000001', '00155D000A01'])
    assert.deepEqual(JSON.parse(JSON.stringify(buildNetwork(lab(), state, {recorder: null}).exportState())), state, 'restore then export gives the same state')
  })

  it("drops the state a VM's new MAC invalidated, and keeps the rest", () => {
    const a = buildNetwork(lab(), null, {recorder: null})
    a.guest('web/Network Adapter')!.stack.ping(GW)
    a.host.ping(ip('192.168.1.50'))
    a.host.ping(GW)
    a.scheduler.run()
    const state = a.exportState()
    assert.ok(state.host.arp['vEthernet (External)'].entries.some((e) => e.mac === '00155D000A01'))
    const moved = externalLab(lanAdapter({portSecurityMaxMacs: 2}), [vm('web', {mac: WEB_MAC + 1, switchId: 'sw-ext', address: '192.168.1.50'})])
    const kept = invalidatedBy(state, lab(), moved)
    assert.equal(kept.guests['web/Network Adapter'], undefined)
    assert.ok(!kept.host.arp['vEthernet (External)'].entries.some((e) => e.mac === '00155D000A01'))
    assert.ok(kept.host.arp['vEthernet (External)'].entries.some((e) => e.address === '192.168.1.1'), 'the gateway entry stays')
    assert.deepEqual(kept.physical, state.physical)
    assert.deepEqual(invalidatedBy(state, lab(), lab()), state, 'no change, nothing dropped')
  })

  it("keeps the NAT's sessions: restored into a NAT that takes them, passed through when none is plugged in", () => {
    const taken: unknown[] = []
    const ticks: number[] = []
    const nat = {outbound: () => ({kind: 'pass'}) as const, inbound: () => ({kind: 'pass'}) as const, tick: (now: number) => void ticks.push(now), exportState: () => ({sessions: ['s1']}), importState: (x: unknown) => void taken.push(x)}
    const a = buildNetwork(lab(), null, {recorder: null, nat})
    a.advance(7_200_000)
    assert.deepEqual(ticks, [7_200_000], 'advance moves the clock and expires NAT sessions')
    assert.equal(a.scheduler.now, 7_200_000)
    const state = JSON.parse(JSON.stringify(a.exportState()))
    assert.deepEqual(state.nat, {sessions: ['s1']})
    buildNetwork(lab(), state, {recorder: null, nat})
    assert.deepEqual(taken, [{sessions: ['s1']}])
    assert.deepEqual(buildNetwork(lab(), state, {recorder: null}).exportState().nat, {sessions: ['s1']})
  })

  it('refuses a runtime file of another shape, naming the problem', () => {
    assert.throws(() => checkRuntimeState({schemaVersion: 2}), /schemaVersion 2/)
    assert.throws(() => checkRuntimeState({schemaVersion: 1, clockMs: -1}), /clockMs/)
    assert.throws(() => checkRuntimeState([]), /JSON object/)
  })

  it('the same inputs give the same bytes and times', () => {
    const runOnce = () => {
      const log = new StepLog()
      const net = buildNetwork(lab(), null, {recorder: log})
      net.guest('web/Network Adapter')!.stack.ping(ip('8.8.8.8'))
      net.guest('web/Network Adapter')!.stack.connectTcp(ip('151.101.1.1'), 443)
      net.host.ping(GW)
      net.scheduler.run()
      return JSON.stringify(log.steps.map((s) => [s.timeMs, s.place, s.action, s.reason, s.text, Buffer.from(s.frame).toString('hex')]))
    }
    assert.equal(runOnce(), runOnce())
  })
})
