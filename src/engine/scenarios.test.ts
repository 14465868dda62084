// Whole-network scenarios of issues 7 and 8 that the component tests cover only part by part: each
// builds a small lab with buildNetwork, moves real frames through guest stacks, switches, the host
// and the LAN, and checks what arrives (checksums by a full recompute: expectFrame) and why drops
// happen (reason, counter, ref).
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import type {NetworkConfig, VmConfig} from './config.js'
import {buildNetwork} from './network.js'
import {StepLog} from './observe.js'
import {Collector, echoRequest, eth, expectFrame, ip, ipv4, tcp, tcpSyn} from './testing/lan.js'
import {natConfig, staticMapping} from './testing/nat.js'
import {ETH_MAC, events, lanAdapter, portFeatures, vm} from './testing/network.js'

const WEB_MAC = 0x0015_5d00_0a01
const DB_MAC = 0x0015_5d00_0a02
const APP_MAC = 0x0015_5d00_0a03
/** RFC 9293 3.1: the flags byte. */
const SYN = 0x02
const ACK = 0x10
const VNIC_MAC = 0x0015_5d01_0001
const GW = ip('192.168.1.1')
const HOST_LAN = ip('192.168.1.40')

/**
 * Microsoft's NAT walkthrough: the Internal switch NATSwitch, `vEthernet (NATSwitch)` at
 * 192.168.0.1/24, a NAT on 192.168.0.0/24, the host on the wired LAN at 192.168.1.40.
 */
function natLab(vms: VmConfig[], over: Partial<NetworkConfig> = {}): NetworkConfig {
  const sw = {id: 'sw-nat', name: 'NATSwitch', switchType: 'Internal' as const, netAdapterName: null, isDefaultSwitch: false}
  return {
    seed: 1,
    switches: [sw],
    vms,
    hostInterfaces: [
      {alias: 'Ethernet', ifIndex: 12, macAddress: ETH_MAC, attachment: {kind: 'physical', adapterName: 'Ethernet'}, addresses: [{address: HOST_LAN, prefixLength: 24}], defaultGateway: GW, dhcp: false, forwarding: false},
      {alias: 'vEthernet (NATSwitch)', ifIndex: 24, macAddress: VNIC_MAC, attachment: {kind: 'vnic', switchId: sw.id, features: portFeatures('host vEthernet (NATSwitch)')}, addresses: [{address: ip('192.168.0.1'), prefixLength: 24}], defaultGateway: null, dhcp: false, forwarding: false},
    ],
    physicalAdapters: [lanAdapter()],
    nats: [natConfig({staticMappings: [staticMapping(0, 'tcp', 8080, '192.168.0.10', 80)]})],
    dhcpScopes: [],
    ...over,
  }
}

const onNat = (name: string, mac: number, address?: string): VmConfig => vm(name, {mac, switchId: 'sw-nat', address})

function echoReplies(evs: ReturnType<typeof events>): {from: number; ttl: number}[] {
  return evs.flatMap((e) => (e.kind === 'echo-reply' ? [{from: e.from, ttl: e.ttl}] : []))
}

describe('scenarios through buildNetwork', () => {
  it('VM ↔ VM on one switch: the echo reaches the other VM only, and the reply comes back', () => {
    const log = new StepLog()
    const net = buildNetwork(natLab([onNat('web', WEB_MAC, '192.168.0.10'), onNat('db', DB_MAC, '192.168.0.11'), onNat('app', APP_MAC, '192.168.0.12')]), null, {recorder: log})
    const web = net.guest('web/Network Adapter')!
    const evs = events(web)
    web.ping(ip('192.168.0.11'))
    net.scheduler.run({untilMs: 1000})
    assert.deepEqual(echoReplies(evs), [{from: ip('192.168.0.11'), ttl: 64}])
    const delivered = log.steps.filter((s) => s.action === 'forwarded' && s.place.kind === 'switch' && s.frame[12] === 0x08 && s.frame[13] === 0x00)
    assert.ok(delivered.length >= 2)
    // The unicast echo request went to db's port only: app's stack never saw an IPv4 frame.
    const appGot = log.steps.filter((s) => s.place.kind === 'vm' && s.place.name === 'app/Network Adapter' && s.action === 'received' && s.frame[12] === 0x08 && s.frame[13] === 0x00)
    assert.deepEqual(appGot, [])
    const request = log.steps.find((s) => s.place.kind === 'vm' && s.place.name === 'db/Network Adapter' && s.action === 'received' && s.frame[12] === 0x08 && s.frame[13] === 0x00)!
    expectFrame(request.frame, eth({src: WEB_MAC, dst: DB_MAC}), ipv4({src: ip('192.168.0.10'), dst: ip('192.168.0.11'), ttl: 64}))
  })

  it('VM → host vNIC: the host answers the ping from its vEthernet address (TTL 128)', () => {
    const net = buildNetwork(natLab([onNat('web', WEB_MAC, '192.168.0.10')]), null, {recorder: null})
    const web = net.guest('web/Network Adapter')!
    const evs = events(web)
    web.ping(ip('192.168.0.1'))
    net.scheduler.run({untilMs: 1000})
    assert.deepEqual(echoReplies(evs), [{from: ip('192.168.0.1'), ttl: 128}])
  })

  it('APIPA on an Internal switch with no DHCP server: 169.254.x.x/16 after the unanswered DISCOVERs', () => {
    const net = buildNetwork(natLab([onNat('web', WEB_MAC)]), null, {recorder: null})
    const web = net.guest('web/Network Adapter')!
    net.scheduler.run({untilMs: 20_000})
    assert.equal(web.iface.addresses.length, 0, 'still discovering at 20 s')
    net.scheduler.run({untilMs: 30_000})
    assert.equal(web.iface.addresses.length, 1)
    assert.equal(web.iface.addresses[0].prefixLength, 16)
    assert.equal(web.iface.addresses[0].address >>> 16, 0xa9fe, '169.254.0.0/16')
    assert.equal(web.iface.gateway, null)
  })

  it('a Windows guest with its firewall on refuses a ping from another VM (guest-firewall), and answers with it off', () => {
    const windows = (firewall: boolean): VmConfig => ({...onNat('dc', DB_MAC, '192.168.0.11'), guest: {os: 'windows', firewall, listen: []}})
    for (const firewall of [true, false]) {
      const log = new StepLog()
      const net = buildNetwork(natLab([onNat('web', WEB_MAC, '192.168.0.10'), windows(firewall)]), null, {recorder: log})
      const web = net.guest('web/Network Adapter')!
      const evs = events(web)
      web.ping(ip('192.168.0.11'))
      net.scheduler.run({untilMs: 1000})
      if (firewall) {
        assert.deepEqual(echoReplies(evs), [])
        assert.equal(net.drops()['guest-firewall'], 1)
        const drop = log.steps.find((s) => s.action === 'dropped' && s.reason === 'guest-firewall')!
        assert.equal(drop.ref, 'vm dc.guest.firewall')
      } else {
        assert.deepEqual(echoReplies(evs), [{from: ip('192.168.0.11'), ttl: 128}])
      }
    }
  })

  it('a stopped VM receives nothing: ARP for it goes unanswered, a frame to its MAC is dropped with vm-off', () => {
    const net = buildNetwork(natLab([onNat('web', WEB_MAC, '192.168.0.10'), {...onNat('db', DB_MAC, '192.168.0.11'), running: false}]), null, {recorder: null})
    // The switch knows db's port MAC: the host's ARP request floods past it, a unicast to it is dropped.
    const web = net.guest('web/Network Adapter')!
    const evs = events(web)
    web.ping(ip('192.168.0.11'))
    net.scheduler.run({untilMs: 5000})
    assert.deepEqual(echoReplies(evs), [])
    assert.ok(evs.some((e) => e.kind === 'send-failed' && e.reason === 'arp-unresolved'), 'nobody answers ARP for a stopped VM')
    assert.equal(net.drops()['vm-off'], undefined, 'the ARP broadcasts skipped its port')
    net.vmPorts.get('web/Network Adapter')!.receive(echoRequest({srcMac: WEB_MAC, dstMac: DB_MAC, src: ip('192.168.0.10'), dst: ip('192.168.0.11')}))
    net.scheduler.run({untilMs: 6000})
    assert.equal(net.drops()['vm-off'], 1)
  })

  it('the virtual clock expires a Default Switch lease nobody renews (the VM stopped)', () => {
    const sw = {id: 'ds', name: 'Default Switch', switchType: 'Internal' as const, netAdapterName: null, isDefaultSwitch: true}
    const config = (running: boolean): NetworkConfig => ({
      seed: 1,
      switches: [sw],
      vms: [{...vm('web', {mac: WEB_MAC, switchId: sw.id}), running}],
      hostInterfaces: [{alias: 'vEthernet (Default Switch)', ifIndex: 21, macAddress: VNIC_MAC, attachment: {kind: 'vnic', switchId: sw.id, features: portFeatures('host vEthernet (Default Switch)')}, addresses: [{address: ip('172.20.16.1'), prefixLength: 20}], defaultGateway: null, dhcp: false, forwarding: false}],
      physicalAdapters: [],
      nats: [],
      dhcpScopes: [{switchId: sw.id, prefix: {address: ip('172.20.16.0'), length: 20}, serverAddress: ip('172.20.16.1'), rangeStart: ip('172.20.16.2'), rangeEnd: ip('172.20.31.254'), leaseSeconds: 86_400}],
    })
    const a = buildNetwork(config(true), null, {recorder: null})
    a.advance(10_000)
    const state = JSON.parse(JSON.stringify(a.exportState()))
    const b = buildNetwork(config(false), state, {recorder: null})
    const scope = b.dhcpServers.get(sw.id)!
    assert.deepEqual(scope.leases().map((l) => l.address), [ip('172.20.16.2')])
    b.advance(86_400_000 - 10_000 - 1)
    assert.equal(scope.leases().length, 1, 'one millisecond short of a day')
    b.advance(10)
    assert.deepEqual(scope.leases(), [])
  })

  it('a static mapping reached from the physical network: a LAN machine connects to the host\'s 8080 and the mapped VM answers', () => {
    const log = new StepLog()
    const net = buildNetwork(natLab([onNat('web', WEB_MAC, '192.168.0.10')]), null, {recorder: log})
    const lan = net.link('Ethernet')!.lan!
    const dev = new Collector(net.scheduler)
    const device = {name: '192.168.1.77', address: ip('192.168.1.77'), mac: 0x0200_0000_0077, sink: dev}
    lan.attachDevice(device)
    lan.sendFrom(device, tcpSyn({srcMac: device.mac, dstMac: ETH_MAC, src: device.address, dst: HOST_LAN}, 50_000, 8080))
    net.scheduler.run({untilMs: 1000})
    const ipFrames = dev.frames.filter((f) => f[12] === 0x08 && f[13] === 0x00)
    assert.equal(ipFrames.length, 1, JSON.stringify(net.drops()))
    expectFrame(ipFrames[0], eth({src: ETH_MAC, dst: device.mac}), ipv4({src: HOST_LAN, dst: device.address, ttl: 63}), tcp({srcPort: 8080, dstPort: 50_000, flags: SYN | ACK}))
    const inside = log.steps.find((s) => s.place.kind === 'vm' && s.place.name === 'web/Network Adapter' && s.action === 'received' && s.frame[12] === 0x08 && s.frame[13] === 0x00)!
    expectFrame(inside.frame, eth({src: VNIC_MAC, dst: WEB_MAC}), ipv4({src: device.address, dst: ip('192.168.0.10')}), tcp({srcPort: 50_000, dstPort: 80}))
    const mapped = log.steps.find((s) => s.action === 'transformed' && s.ref === 'nat MyNAT mapping 0')
    assert.ok(mapped !== undefined, 'the translation names the static mapping')
  })
})
