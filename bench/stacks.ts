// IP stack speed (STYLE 7), recorder off: a guest answering ICMP echo (receive, checks, reply
// built and sent through the scheduler) and the host routing 64-byte UDP frames between two
// vEthernet interfaces with Forwarding enabled (TTL decrement, ARP cache hit). Figures only.
import {Scheduler} from '../src/engine/clock.js'
import {GuestStack} from '../src/engine/ip/guest.js'
import {HostStack} from '../src/engine/ip/host.js'
import {hostInterface, ip, vmConfig} from '../src/engine/testing/stacks.js'
import {encodeFrame, ipv4Repr} from '../src/engine/wire/index.js'
import type {Ipv4Repr} from '../src/engine/wire/index.js'
import {rate} from './support.js'

const GUEST = 0x00155d001701
const PEER = 0x00155d001702
const HA = 0x00155d006a01
const HB = 0x00155d006a02

function ipRepr(src: number, dst: number, protocol: number): Ipv4Repr {
  return ipv4Repr({src, dst, protocol, ttl: 64, ident: 1})
}

function fmt(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)} M` : `${(r / 1e3).toFixed(0)} k`
}

const RATE = {warmUp: 20_000, chunk: 10_000, durationMs: 700}

export async function run(print: (line: string) => void): Promise<void> {
  // A guest answering echo requests from a peer whose MAC it has cached.
  {
    const sched = new Scheduler()
    const vm = vmConfig('web', GUEST, {ip: {mode: 'static', address: ip('10.0.0.2'), prefixLength: 24, gateway: null, dns: []}})
    const g = new GuestStack(vm, vm.adapters[0], sched)
    let sent = 0
    g.iface.sink = {receive: () => void sent++}
    g.iface.arp.learn(ip('10.0.0.1'), PEER, 0)
    const echo = encodeFrame([{layer: 'ethernet', repr: {dst: GUEST, src: PEER, etherType: 0x0800}}, {layer: 'ipv4', repr: ipRepr(ip('10.0.0.1'), ip('10.0.0.2'), 1)}, {layer: 'icmpv4', repr: {kind: 'echo-request', ident: 1, seqNo: 1, data: new Uint8Array(18)}}])
    const r = rate(RATE, (n) => {
      for (let i = 0; i < n; i++) g.receive(echo)
      sched.run({untilMs: sched.now + 1_000})
      g.iface.arp.learn(ip('10.0.0.1'), PEER, sched.now)
      return sent
    })
    print(`stacks: guest ICMP echo answered: ${fmt(r.perSecond)} frames/s (one core, recorder off)`)
  }
  // The host routing between two vEthernet interfaces.
  {
    const sched = new Scheduler()
    const host = new HostStack(
      [
        hostInterface('vEthernet (A)', HA, {addresses: [{address: ip('10.1.0.1'), prefixLength: 24}], forwarding: true}),
        hostInterface('vEthernet (B)', HB, {addresses: [{address: ip('10.2.0.1'), prefixLength: 24}], forwarding: true}),
      ],
      sched,
    )
    let sent = 0
    const a = host.interface('vEthernet (A)')
    const b = host.interface('vEthernet (B)')
    b.sink = {receive: () => void sent++}
    b.arp.learn(ip('10.2.0.10'), PEER, 0)
    const udp = encodeFrame([{layer: 'ethernet', repr: {dst: HA, src: GUEST, etherType: 0x0800}}, {layer: 'ipv4', repr: ipRepr(ip('10.1.0.10'), ip('10.2.0.10'), 17)}, {layer: 'udp', repr: {srcPort: 40000, dstPort: 53, payload: new Uint8Array(22)}}])
    const r = rate(RATE, (n) => {
      for (let i = 0; i < n; i++) a.receive(udp)
      sched.run({untilMs: sched.now + 1_000})
      b.arp.learn(ip('10.2.0.10'), PEER, sched.now)
      return sent
    })
    print(`stacks: host routing 64-byte UDP between two vEthernets: ${fmt(r.perSecond)} frames/s (one core, recorder off)`)
  }
}
