// Switch forwarding speed (STYLE 7, issue 7): 64-byte frames VM→VM through one Hyper-V switch
// with 1,024 ports, one core, recorder off: plain (untagged, no ACLs), and with VLANs (access) and
// port ACLs (four entries per port) on. Printed beside Open vSwitch's published userspace figure.
// Also the MAC table lookup against a Map keyed by the 48-bit MAC number. Figures only.
import {Scheduler} from '../src/engine/clock.js'
import type {PortAcl, PortFeatures, SwitchConfig} from '../src/engine/config.js'
import type {FrameSink} from '../src/engine/observe.js'
import {VSwitch} from '../src/engine/switch/index.js'
import type {SwitchPort} from '../src/engine/switch/index.js'
import {MacTable, macHi, macLo} from '../src/engine/switch/mac-table.js'
import {encodeFrame, ipv4Repr} from '../src/engine/wire/index.js'
import {rate} from './support.js'

const PORTS = 1024
const OVS = 'OVS userspace datapath: 12–15 Mpps per core with its exact-match cache'

class CountingSink implements FrameSink {
  n = 0
  receive(frame: Uint8Array): void {
    this.n += frame.length
  }
}

const macOf = (i: number): number => 0x00155d000000 + 0x10000 + i
const ipOf = (i: number): number => (10 << 24) + (1 << 16) + i + 1

function frame(from: number, to: number): Uint8Array {
  // 14 + 20 + 8 + 22 = 64 bytes.
  return encodeFrame([
    {layer: 'ethernet', repr: {dst: macOf(to), src: macOf(from), etherType: 0x0800}},
    {layer: 'ipv4', repr: ipv4Repr({src: ipOf(from), dst: ipOf(to), protocol: 17, ttl: 64, ident: 1, dontFrag: true})},
    {layer: 'udp', repr: {srcPort: 49152, dstPort: 7, payload: new Uint8Array(22).fill(7)}},
  ])
}

function acls(ref: string): PortAcl[] {
  const ip = (a: number, length: number) => ({kind: 'ip' as const, prefix: {address: a, length}})
  return [
    {action: 'allow', direction: 'outbound', local: null, remote: ip(10 << 24, 8), ref: `${ref}.acl[0]`},
    {action: 'deny', direction: 'outbound', local: null, remote: {kind: 'any-ip'}, ref: `${ref}.acl[1]`},
    {action: 'meter', direction: 'outbound', local: null, remote: ip((10 << 24) + (1 << 16), 16), ref: `${ref}.acl[2]`},
    {action: 'allow', direction: 'inbound', local: null, remote: ip(10 << 24, 8), ref: `${ref}.acl[3]`},
  ]
}

function build(withPolicies: boolean): {ports: SwitchPort[]; frames: Uint8Array[]; sinks: CountingSink[]} {
  const config: SwitchConfig = {id: 'bench', name: 'Bench', switchType: 'Internal', netAdapterName: null, isDefaultSwitch: false}
  const sw = new VSwitch(config, new Scheduler(), null)
  const ports: SwitchPort[] = []
  const sinks: CountingSink[] = []
  for (let i = 0; i < PORTS; i++) {
    const ref = `vm vm${i}/Network Adapter`
    const features: PortFeatures = {
      macAddressSpoofing: false,
      dhcpGuard: false,
      routerGuard: false,
      portMirroring: 'none',
      vlan: withPolicies ? {mode: 'access', accessVlanId: 10 + (i % 4)} : {mode: 'untagged'},
      acls: withPolicies ? acls(ref) : [],
      extendedAcls: [],
      ref,
    }
    const sink = new CountingSink()
    sinks.push(sink)
    ports.push(sw.addPort({key: `vm${i}/Network Adapter`, kind: 'vm', macAddress: macOf(i), features, place: {kind: 'vm', name: `vm${i}/Network Adapter`}, sink}))
  }
  // Port i sends to port i + 4: the same access VLAN when VLANs are on.
  const frames = ports.map((_, i) => frame(i, (i + 4) % PORTS))
  return {ports, frames, sinks}
}

function fmt(r: number): string {
  return `${(r / 1e6).toFixed(2)} M`
}

const RATE = {warmUp: 200_000, chunk: PORTS * 64, durationMs: 1500}
const LOOKUP_RATE = {...RATE, durationMs: 700}

export function forwarding(withPolicies: boolean): number {
  const {ports, frames, sinks} = build(withPolicies)
  const r = rate(RATE, (n) => {
    for (let i = 0; i < n; i++) ports[i & (PORTS - 1)].receive(frames[i & (PORTS - 1)])
    return n
  }).perSecond
  const delivered = sinks.reduce((a, s) => a + s.n, 0)
  if (delivered === 0) throw new Error('bench: no frame was delivered')
  return r
}

function lookups(): {table: number; map: number} {
  const t = new MacTable<number>()
  const m = new Map<number, number>()
  const his = new Int32Array(PORTS)
  const los = new Int32Array(PORTS)
  const bufs = Array.from({length: PORTS}, (_, i) => frame(i, (i + 1) % PORTS))
  for (let i = 0; i < PORTS; i++) {
    t.set(macHi(macOf(i)), macLo(macOf(i)), i)
    m.set(macOf(i), i)
    his[i] = macHi(macOf(i))
    los[i] = macLo(macOf(i))
  }
  let sink = 0
  const table = rate(LOOKUP_RATE, (n) => {
    for (let i = 0; i < n; i++) {
      const f = bufs[i & (PORTS - 1)]
      sink += t.get((f[0] << 8) | f[1], (f[2] << 24) | (f[3] << 16) | (f[4] << 8) | f[5]) ?? 0
    }
    return n
  }).perSecond
  const map = rate(LOOKUP_RATE, (n) => {
    for (let i = 0; i < n; i++) {
      const f = bufs[i & (PORTS - 1)]
      sink += m.get(((f[0] << 8) | f[1]) * 0x1_0000_0000 + (((f[2] << 24) | (f[3] << 16) | (f[4] << 8) | f[5]) >>> 0)) ?? 0
    }
    return n
  }).perSecond
  if (sink === 0.5) console.log('(sink)')
  return {table, map}
}

export async function run(print: (line: string) => void): Promise<void> {
  const plain = forwarding(false)
  print(`switch forwarding, 64-byte frames VM→VM, 1,024 ports, plain: ${fmt(plain)}frames/s (one core, recorder off; target >= 15 M; ${OVS})`)
  const full = forwarding(true)
  print(`switch forwarding, 64-byte frames VM→VM, 1,024 ports, access VLANs + 4 ACL entries per port: ${fmt(full)}frames/s (${OVS})`)
  const l = lookups()
  print(`switch MAC lookup, 1,024 MACs: open-addressing table ${fmt(l.table)}lookups/s, Map keyed by the 48-bit number ${fmt(l.map)}lookups/s`)
}

// `node dist/bench/switch.js` runs this module alone.
if (import.meta.url === `file://${process.argv[1]}`) await run((line) => console.log(line))
