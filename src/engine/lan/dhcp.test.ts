import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {Scheduler} from '../clock.js'
import type {PhysicalAdapterConfig} from '../config.js'
import {StepLog} from '../observe.js'
import {Collector, adapterConfig, dhcpDiscover, dhcpRequest, dhcpRequestFrame, eth, expectFrame, ip, ipv4} from '../testing/lan.js'
import {dhcpOf, dhcpOption as option} from '../testing/stacks.js'
import {BOOTP_FLAG_BROADCAST, MAC_BROADCAST, dhcpMessageType} from '../wire/index.js'
import {LAN_LEASE_SECONDS, PhysicalLink, lanDhcpRange} from './link.js'

const GW = ip('192.168.1.1')
const HOST_MAC = 0x001b_2100_0001
const VM_MAC = 0x0015_5d00_0a01
const WIFI_MAC = 0x985f_d300_0001

function setup(over: Partial<PhysicalAdapterConfig> = {}) {
  const scheduler = new Scheduler()
  const log = new StepLog()
  const link = new PhysicalLink({adapter: adapterConfig(over), seed: 3, scheduler, recorder: log})
  const host = new Collector(scheduler)
  link.attach(host)
  return {scheduler, log, link, host}
}

describe("the LAN's DHCP server", () => {
  it('leases an address of the upper half of the prefix, router and DNS = the gateway', () => {
    const {scheduler, link, host} = setup()
    const gwMac = link.lan!.gatewayMac
    link.receive(dhcpDiscover(HOST_MAC, 0x11))
    scheduler.run()
    const offer = dhcpOf(host.frames[0])
    expectFrame(host.frames[0], eth({src: gwMac, dst: HOST_MAC}), ipv4({src: GW}))
    assert.equal(dhcpMessageType(offer), 2)
    assert.equal(offer.yiaddr, ip('192.168.1.128'))
    link.receive(dhcpRequest(HOST_MAC, 0x12, offer.yiaddr, GW))
    scheduler.run()
    const ack = dhcpOf(host.frames[1])
    assert.equal(dhcpMessageType(ack), 5)
    assert.equal(ack.yiaddr, ip('192.168.1.128'))
    assert.deepEqual(option(ack, 'router')?.addresses, [GW])
    assert.deepEqual(option(ack, 'dns')?.addresses, [GW])
    assert.equal(option(ack, 'lease-time')?.seconds, LAN_LEASE_SECONDS)
    assert.deepEqual(lanDhcpRange({address: ip('10.0.0.0'), length: 24}), {rangeStart: ip('10.0.0.128'), rangeEnd: ip('10.0.0.254')})
  })

  it('keeps its leases across export and import', () => {
    const a = setup()
    a.link.receive(dhcpDiscover(HOST_MAC, 1))
    a.scheduler.run()
    a.link.receive(dhcpRequest(HOST_MAC, 2, ip('192.168.1.128'), GW))
    a.scheduler.run()
    const state = JSON.parse(JSON.stringify(a.link.exportState()))
    assert.equal(state.dhcpServer.leases[0].address, '192.168.1.128')

    const b = setup()
    b.link.importState(state)
    b.link.receive(dhcpRequest(0x001b_2100_0002, 3, ip('192.168.1.128'), GW))
    b.link.receive(dhcpDiscover(0x001b_2100_0002, 4))
    b.scheduler.run()
    assert.equal(dhcpMessageType(dhcpOf(b.host.frames[0])), 6, 'the address is leased: DHCPNAK')
    assert.equal(dhcpOf(b.host.frames[1]).yiaddr, ip('192.168.1.129'))
  })

  it('serves a VM behind a Wi-Fi bridge: broadcast answers, and a renewal comes back to the VM', () => {
    const {scheduler, link, host} = setup({name: 'Wi-Fi', kind: 'wireless', macAddress: WIFI_MAC, boundSwitchId: 'ext'})
    link.receive(dhcpDiscover(VM_MAC, 0x21))
    scheduler.run()
    const offer = dhcpOf(host.frames[0])
    expectFrame(host.frames[0], eth({dst: MAC_BROADCAST}))
    assert.equal(offer.flags & BOOTP_FLAG_BROADCAST, BOOTP_FLAG_BROADCAST)
    assert.deepEqual([...offer.chaddr.subarray(0, 6)], [0x00, 0x15, 0x5d, 0x00, 0x0a, 0x01], 'leased to the VM, not the adapter')
    link.receive(dhcpRequest(VM_MAC, 0x22, offer.yiaddr, GW))
    scheduler.run()
    assert.equal(dhcpMessageType(dhcpOf(host.frames[1])), 5)
    // RENEWING: unicast from the leased address to the server; the answer is unicast to it.
    const gwMac = link.lan!.gatewayMac
    link.receive(dhcpRequestFrame(VM_MAC, 0x23, [{kind: 'message-type', messageType: 3}], offer.yiaddr, offer.yiaddr, 0, gwMac, GW))
    scheduler.run()
    const renew = host.frames[2]
    expectFrame(renew, eth({src: gwMac, dst: VM_MAC}), ipv4({dst: offer.yiaddr}))
    assert.equal(dhcpMessageType(dhcpOf(renew)), 5)
  })

  it('a LAN without DHCP leaves a request unanswered', () => {
    const {scheduler, link, host, log} = setup({network: {...adapterConfig().network!, dhcp: false}})
    link.receive(dhcpDiscover(HOST_MAC, 1))
    scheduler.run()
    assert.equal(host.got.length, 0)
    assert.equal(log.steps.find((s) => s.action === 'dropped')?.reason, 'no-answer')
  })
})
