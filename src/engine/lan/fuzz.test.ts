// Mutated frames from the host side through every kind of link, to the LAN, the gateway, the DHCP
// server and the internet and back: nothing may throw (malformed input is a drop, never a crash).
// Seeded, so a failure reproduces.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {Scheduler} from '../clock.js'
import type {PhysicalAdapterConfig} from '../config.js'
import {StepLog} from '../observe.js'
import {Collector, adapterConfig, arpRequest, dhcpDiscover, dnsQuery, echoRequest, ip, tcpSyn, udpDatagram} from '../testing/lan.js'
import {PhysicalLink} from './link.js'
import {seededBytes} from '../seed.js'

/** Seeded 32-bit values from the project's own deterministic byte stream. */
function prng(seed: number): () => number {
  const bytes = seededBytes(seed, 'lan-fuzz', 4 * 200_000)
  let i = 0
  return () => {
    const o = (i++ % 200_000) * 4
    return ((bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3]) >>> 0
  }
}

const VARIANTS: Partial<PhysicalAdapterConfig>[] = [
  {},
  {portSecurityMaxMacs: 2, boundSwitchId: 'ext'},
  {name: 'Wi-Fi', kind: 'wireless', macAddress: 0x985f_d300_0001, boundSwitchId: 'ext'},
  {name: 'Wi-Fi', kind: 'wireless', macAddress: 0x985f_d300_0001},
]

test('mutated frames through every kind of link never throw', () => {
  const rnd = prng(20261125)
  for (const variant of VARIANTS) {
    for (const record of [false, true]) {
      const scheduler = new Scheduler()
      const link = new PhysicalLink({adapter: adapterConfig(variant), seed: 5, scheduler, recorder: record ? new StepLog() : null})
      const host = new Collector(scheduler)
      link.attach(host)
      const gw = link.lan!.gatewayMac
      const src = variant.macAddress ?? 0x001b_2100_0001
      const me = ip('192.168.1.40')
      const ends = (dst: number) => ({srcMac: rnd() % 2 === 0 ? src : 0x0015_5d00_0a01, dstMac: gw, src: me, dst})
      const seeds = () => [
        arpRequest(src, me, ip('192.168.1.1')),
        echoRequest(ends(ip('8.8.8.8'))),
        echoRequest(ends(ip('192.168.1.1')), 1, 1),
        tcpSyn(ends(ip('1.1.1.1')), 40000, 80),
        tcpSyn(ends(ip('192.168.1.1')), 40000, 22),
        dnsQuery(ends(ip('8.8.8.8')), 7, 'example.com'),
        udpDatagram(ends(ip('192.168.1.1')), 40001, 9, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9)),
        dhcpDiscover(0x0015_5d00_0a01, rnd()),
      ]
      let sent = 0
      for (let round = 0; round < 250; round++) {
        for (const f of seeds()) {
          let b = f
          const n = rnd() % 4
          for (let k = 0; k < n; k++) {
            if (rnd() % 3 === 0) b = b.subarray(0, rnd() % (b.length + 1))
            else if (b.length > 14) b[14 + (rnd() % (b.length - 14))] ^= 1 << (rnd() % 8)
          }
          link.receive(b)
          sent++
        }
        scheduler.run({untilMs: scheduler.now + 50})
      }
      scheduler.run({untilMs: scheduler.now + 60_000})
      assert.equal(sent, 2000)
      // The mutations reach every layer: some frames are still answered, some fail their checks.
      const name = `${variant.kind ?? 'wired'}${variant.boundSwitchId ? ' bound' : ''}`
      assert.ok(host.got.length > 100, `${name}: ${host.got.length} answers`)
      assert.ok(link.drops.get('malformed') + link.drops.get('bad-checksum') > 50, `${name}: ${JSON.stringify(link.drops.toJSON())}`)
    }
  }
})
