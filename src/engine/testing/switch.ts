// Test support for the switch: a lab of one VSwitch, ports with capturing sinks, real frames built
// with the wire codecs, and small checkers over what a port received.
import assert from 'node:assert/strict'
import {Scheduler} from '../clock.js'
import type {ExtendedAcl, PortAcl, PortFeatures, SwitchConfig, VlanSetting} from '../config.js'
import {StepLog} from '../observe.js'
import type {DropReason, FrameSink, Step} from '../observe.js'
import {VSwitch} from '../switch/index.js'
import type {SwitchPort} from '../switch/index.js'
import {encodeFrame, formatMacTrace, ipv4Repr, readVlanTag, WireError} from '../wire/index.js'
import type {DhcpRepr, EthernetRepr, FrameLayer, Ipv4Repr, VlanTag} from '../wire/index.js'

/** A sink that keeps a copy of every frame it gets. */
export class Capture implements FrameSink {
  readonly frames: Uint8Array[] = []
  receive(frame: Uint8Array): void {
    this.frames.push(frame.slice())
  }
  clear(): void {
    this.frames.length = 0
  }
}

export interface LabPort {
  readonly port: SwitchPort
  readonly sink: Capture
  readonly mac: number
  readonly ip: number
}

export function features(ref: string, over: Partial<Omit<PortFeatures, 'ref'>> = {}): PortFeatures {
  return {macAddressSpoofing: false, dhcpGuard: false, routerGuard: false, portMirroring: 'none', vlan: {mode: 'untagged'}, acls: [], extendedAcls: [], ...over, ref}
}

/** One switch on a fresh virtual clock, recording every step (or none with `record: false`). */
export class SwitchLab {
  readonly scheduler = new Scheduler()
  readonly log = new StepLog()
  readonly sw: VSwitch
  private n = 0

  constructor(switchType: SwitchConfig['switchType'] = 'Internal', opts: {record?: boolean; name?: string} = {}) {
    const name = opts.name ?? (switchType === 'External' ? 'External' : 'NATSwitch')
    this.sw = new VSwitch({id: `id-${name}`, name, switchType, netAdapterName: switchType === 'External' ? 'Ethernet' : null, isDefaultSwitch: false}, this.scheduler, opts.record === false ? null : this.log)
  }

  /** A VM adapter `NAME/Network Adapter` with MAC 00-15-5D-00-00-NN and IP 10.0.0.NN. */
  vm(name: string, over: Partial<Omit<PortFeatures, 'ref'>> & {mac?: number; state?: 'up' | 'vm-off'} = {}): LabPort {
    const i = ++this.n
    const key = `${name}/Network Adapter`
    const mac = over.mac ?? 0x00155d000000 + i
    const sink = new Capture()
    const {mac: _m, state, ...f} = over
    const port = this.sw.addPort({key, kind: 'vm', macAddress: mac, features: features(`vm ${key}`, f), place: {kind: 'vm', name: key}, sink, state})
    return {port, sink, mac, ip: ip(10, 0, 0, i)}
  }

  host(alias: string, over: Partial<Omit<PortFeatures, 'ref'>> & {mac?: number} = {}): LabPort {
    const i = ++this.n
    const mac = over.mac ?? 0x00155d006a00 + i
    const sink = new Capture()
    const {mac: _m, ...f} = over
    const port = this.sw.addPort({key: alias, kind: 'host', macAddress: mac, features: features(`host ${alias}`, f), place: {kind: 'host', name: alias}, sink})
    return {port, sink, mac, ip: ip(10, 0, 0, i)}
  }

  external(adapter = 'Ethernet'): LabPort {
    const sink = new Capture()
    const port = this.sw.addPort({key: 'external', kind: 'external', macAddress: 0, place: {kind: 'physical', name: adapter}, sink})
    return {port, sink, mac: 0, ip: ip(10, 0, 0, 254)}
  }

  /** Steps recorded since the last call. */
  steps(): Step[] {
    const s = this.log.steps.slice()
    this.log.steps.length = 0
    return s
  }
}

export function ip(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0
}

function ipv4(src: number, dst: number, protocol: number): Ipv4Repr {
  return ipv4Repr({src, dst, protocol, ttl: 64, ident: 1, dontFrag: true})
}

function eth(src: number, dst: number, etherType: number, vid?: number, pcp = 0): EthernetRepr {
  return vid === undefined ? {dst, src, etherType} : {dst, src, etherType, vlan: {pcp, dei: false, vid}}
}

export interface FrameOpts {
  /** Send it tagged with this VID (0 = a priority tag). */
  vid?: number
  pcp?: number
  srcIp?: number
  dstIp?: number
}

/** A UDP datagram from `from` to `to` (MACs and IPs of lab ports, or raw numbers). */
export function udp(src: number, dst: number, sport: number, dport: number, o: FrameOpts = {}): Uint8Array {
  return encodeFrame([{layer: 'ethernet', repr: eth(src, dst, 0x0800, o.vid, o.pcp)}, {layer: 'ipv4', repr: ipv4(o.srcIp ?? ip(10, 0, 0, 1), o.dstIp ?? ip(10, 0, 0, 2), 17)}, {layer: 'udp', repr: {srcPort: sport, dstPort: dport, payload: new Uint8Array(18).fill(0x61)}}])
}

export function tcp(src: number, dst: number, sport: number, dport: number, flags: number, o: FrameOpts = {}): Uint8Array {
  return encodeFrame([
    {layer: 'ethernet', repr: eth(src, dst, 0x0800, o.vid)},
    {layer: 'ipv4', repr: ipv4(o.srcIp ?? ip(10, 0, 0, 1), o.dstIp ?? ip(10, 0, 0, 2), 6)},
    {layer: 'tcp', repr: {srcPort: sport, dstPort: dport, seqNo: 1000, ackNo: flags & 0x10 ? 2000 : 0, flags, window: 64240, urgent: 0, options: [], payload: new Uint8Array(0)}},
  ])
}

export function ping(src: number, dst: number, o: FrameOpts = {}): Uint8Array {
  return encodeFrame([{layer: 'ethernet', repr: eth(src, dst, 0x0800, o.vid)}, {layer: 'ipv4', repr: ipv4(o.srcIp ?? ip(10, 0, 0, 1), o.dstIp ?? ip(10, 0, 0, 2), 1)}, {layer: 'icmpv4', repr: {kind: 'echo-request', ident: 7, seqNo: 1, data: new Uint8Array(32).fill(0x61)}}])
}

/** An ICMPv4 message of any type (5 = redirect). */
export function icmp(src: number, dst: number, type: number, o: FrameOpts = {}): Uint8Array {
  return encodeFrame([{layer: 'ethernet', repr: eth(src, dst, 0x0800, o.vid)}, {layer: 'ipv4', repr: ipv4(o.srcIp ?? ip(10, 0, 0, 1), o.dstIp ?? ip(10, 0, 0, 2), 1)}, {layer: 'icmpv4', repr: {kind: 'other', type, code: 1, rest: o.dstIp ?? 0, data: new Uint8Array(28)}}])
}

export function arpRequest(src: number, senderIp: number, targetIp: number, o: FrameOpts = {}): Uint8Array {
  return encodeFrame([{layer: 'ethernet', repr: eth(src, 0xffff_ffff_ffff, 0x0806, o.vid)}, {layer: 'arp', repr: {op: 1, senderMac: src, senderIp, targetMac: 0, targetIp}}])
}

/** A DHCP server message (BOOTREPLY, UDP 67 → 68), e.g. an OFFER. */
export function dhcpReply(src: number, dst: number, messageType = 2): Uint8Array {
  const d: DhcpRepr = {
    op: 2,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 0x1234,
    secs: 0,
    flags: 0,
    ciaddr: 0,
    yiaddr: ip(10, 0, 0, 50),
    siaddr: 0,
    giaddr: 0,
    chaddr: new Uint8Array(16),
    sname: new Uint8Array(64),
    file: new Uint8Array(128),
    options: [{kind: 'message-type', messageType}, {kind: 'server-id', address: ip(10, 0, 0, 1)}, {kind: 'end'}],
  }
  const layers: FrameLayer[] = [{layer: 'ethernet', repr: eth(src, dst, 0x0800)}, {layer: 'ipv4', repr: ipv4(ip(10, 0, 0, 1), 0xffffffff, 17)}, {layer: 'udp', repr: {srcPort: 67, dstPort: 68, payload: new Uint8Array(0)}}, {layer: 'dhcp', repr: d}]
  return encodeFrame(layers)
}

/** An IPv6 frame carrying ICMPv6 of `type` (134 = Router Advertisement), checksum not filled. */
export function icmpv6(src: number, dst: number, type: number): Uint8Array {
  const payload = new Uint8Array(40 + 16)
  payload[0] = 0x60
  payload[4] = 0
  payload[5] = 16
  payload[6] = 58
  payload[7] = 255
  payload[8] = 0xfe
  payload[9] = 0x80
  payload[24] = 0xff
  payload[25] = 0x02
  payload[39] = 1
  payload[40] = type
  return encodeFrame([{layer: 'ethernet', repr: eth(src, dst, 0x86dd)}, {layer: 'raw', bytes: payload}])
}

/** The 802.1Q tag of a frame, null when untagged. */
export function tagOf(frame: Uint8Array): VlanTag | null {
  const t = readVlanTag(frame)
  if (t instanceof WireError) throw new Error(`not a frame: ${t}`)
  return t
}

/** Asserts `sink` got exactly `n` frames and returns them. */
export function got(p: LabPort, n: number): Uint8Array[] {
  assert.equal(p.sink.frames.length, n, `${p.port.key} received ${p.sink.frames.length} frames, expected ${n}`)
  return p.sink.frames
}

/** Asserts the last step is a drop for `reason`, and returns it. */
export function lastDrop(lab: SwitchLab, reason: DropReason): Step {
  const steps = lab.steps()
  const last = steps.at(-1)
  assert.ok(last !== undefined, 'no step was recorded')
  assert.equal(last.action, 'dropped', `last step: ${last.action} ${last.reason}: ${last.text}`)
  assert.equal(last.reason, reason, `last step: ${last.reason}: ${last.text}`)
  return last
}

/** Asserts the frame was denied by an ACL and dropped (`denied` then `dropped`); returns the `denied` step. */
export function lastDenial(lab: SwitchLab, reason: 'acl-deny' | 'extended-acl-deny'): Step {
  const steps = lab.steps()
  const [denied, dropped] = steps.slice(-2)
  assert.ok(denied !== undefined && dropped !== undefined, 'fewer than two steps')
  assert.deepEqual([denied.action, denied.reason, dropped.action, dropped.reason], ['denied', reason, 'dropped', reason], `${denied.text} / ${dropped.text}`)
  assert.equal(denied.ref, dropped.ref)
  return denied
}

export const mac = formatMacTrace

export type {PortAcl, ExtendedAcl, VlanSetting}
