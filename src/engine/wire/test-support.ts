// Shared by the codec tests (not a test file): the round-trip check every codec must pass,
// fast-check arbitraries for valid reprs, and the location of the shared testdata.

import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import fc from 'fast-check'
import {fromHex} from './bytes.js'
import {WireError} from './error.js'
import type {ArpRepr} from './arp.js'
import type {DhcpOption, DhcpRepr} from './dhcp.js'
import type {EthernetRepr} from './ethernet.js'
import type {FrameLayer} from './frame.js'
import type {Icmpv4Repr} from './icmpv4.js'
import type {Ipv4Repr} from './ipv4.js'
import type {TcpOption, TcpRepr} from './tcp.js'
import type {UdpRepr} from './udp.js'

/** tshark's path when it is installed (`.ci/run` installs it), else null: the pcapng cross-checks then skip, saying so. */
export const TSHARK: string | null = spawnSync('sh', ['-c', 'command -v tshark'], {encoding: 'utf8'}).stdout.trim() || null

/** What tshark reads in a capture file: per packet, the given fields joined by `|`. */
export function tsharkFields(file: string, fields: readonly string[]): string[] {
  if (TSHARK === null) throw new Error('tshark is not installed')
  const out = execFileSync(TSHARK, ['-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f]), '-E', 'separator=|'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
  return out.trim().split('\n')
}

/** A codec seen whole: emit into buf[off, off + len) where len === bufferLen(repr). */
export interface Codec<R> {
  bufferLen(r: R): number
  emit(r: R, buf: Uint8Array, off: number, len: number): void
  parse(buf: Uint8Array, off: number, len: number): R | WireError
}

/**
 * encode -> decode -> encode gives identical bytes; bufferLen equals the bytes written (emission
 * into a 0xa5-filled buffer equals emission into a zeroed one, so every byte is written and none
 * outside); emitting and parsing at a non-zero offset inside a larger buffer works. Returns the bytes.
 */
export function checkRoundTrip<R>(codec: Codec<R>, repr: R): Uint8Array {
  const n = codec.bufferLen(repr)
  const a = new Uint8Array(n)
  codec.emit(repr, a, 0, n)
  const dirty = new Uint8Array(n).fill(0xa5)
  codec.emit(repr, dirty, 0, n)
  assert.deepEqual(dirty, a, 'emission must write every byte of bufferLen')
  const parsed = codec.parse(a, 0, n)
  if (parsed instanceof WireError) assert.fail(`emitted bytes do not parse: ${parsed.toString()}`)
  assert.equal(codec.bufferLen(parsed), n, 'bufferLen of the parsed repr')
  const b = new Uint8Array(n)
  codec.emit(parsed, b, 0, n)
  assert.deepEqual(b, a, 'encode -> decode -> encode')
  const pre = 7
  const post = 5
  const big = new Uint8Array(pre + n + post).fill(0x5a)
  codec.emit(repr, big, pre, n)
  assert.deepEqual(big.subarray(pre, pre + n), a, 'emission at a non-zero offset')
  assert.ok(big.subarray(0, pre).every((x) => x === 0x5a) && big.subarray(pre + n).every((x) => x === 0x5a), 'no write outside the view')
  const again = codec.parse(big, pre, n)
  if (again instanceof WireError) assert.fail(`parse at a non-zero offset: ${again.toString()}`)
  const c = new Uint8Array(n)
  codec.emit(again, c, 0, n)
  assert.deepEqual(c, a, 'parse at a non-zero offset')
  return a
}

export function hex(s: string): Uint8Array {
  const b = fromHex(s.replace(/\s+/g, ''))
  if (b === null) throw new Error(`bad hex in test: ${s}`)
  return b
}

/** Asserts x is a WireError with this layer, code and offset. */
export function assertWireError(x: unknown, layer: string, code: string, offset?: number): asserts x is WireError {
  if (!(x instanceof WireError)) assert.fail(`expected WireError ${layer}/${code}, got ${JSON.stringify(x, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v))}`)
  assert.equal(x.layer, layer, x.toString())
  assert.equal(x.code, code, x.toString())
  if (offset !== undefined) assert.equal(x.offset, offset, x.toString())
}

export function ok<T>(x: T | WireError): T {
  if (x instanceof WireError) assert.fail(x.toString())
  return x
}

/** The repository root: the nearest ancestor of this file holding package.json. */
export function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d)
    if (up === d) throw new Error('no package.json above ' + fileURLToPath(import.meta.url))
    d = up
  }
  return d
}

export interface TestFrame {
  name: string
  description: string
  length: number
  hex: string
  scapy: {layers: {layer: string; class: string; fields: Record<string, unknown>}[]; checksums: {layer: string; in_frame: number; computed: number; ok: boolean}[]}
  tshark: {protocols: string; expert: string[]; malformed: boolean}
}

/**
 * `shared/testdata/frames.json` beside the clone (`<repo>/../shared`), or beside a folder of git
 * worktrees (`<repo>/../../shared`); the first that exists, else the first (tests then skip, saying so).
 */
export function testdataPath(): string {
  const candidates = [join(repoRoot(), '..', 'shared', 'testdata', 'frames.json'), join(repoRoot(), '..', '..', 'shared', 'testdata', 'frames.json')]
  return candidates.find((p) => existsSync(p)) ?? candidates[0]
}

export function loadTestFrames(): TestFrame[] | null {
  const p = testdataPath()
  if (!existsSync(p)) return null
  return (JSON.parse(readFileSync(p, 'utf8')) as {frames: TestFrame[]}).frames
}

// ---------------------------------------------------------------------------------------------
// Arbitraries for valid reprs

export const arbU8 = fc.integer({min: 0, max: 0xff})
export const arbU16 = fc.integer({min: 0, max: 0xffff})
export const arbU32 = fc.integer({min: 0, max: 0xffff_ffff})
export const arbMac = fc.integer({min: 0, max: 0xffff_ffff_ffff})
export const arbBytes = (max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({maxLength: max})

export const arbEthernet: fc.Arbitrary<EthernetRepr> = fc.record(
  {dst: arbMac, src: arbMac, etherType: arbU16.filter((t) => t !== 0x8100), vlan: fc.record({pcp: fc.integer({min: 0, max: 7}), dei: fc.boolean(), vid: fc.integer({min: 0, max: 4095})})},
  {requiredKeys: ['dst', 'src', 'etherType']},
)

export const arbArp: fc.Arbitrary<ArpRepr> = fc.record({op: fc.constantFrom(1, 2, 3, 4), senderMac: arbMac, senderIp: arbU32, targetMac: arbMac, targetIp: arbU32})

export const arbIpv4 = (payloadMax = 64): fc.Arbitrary<Ipv4Repr> =>
  fc.record({
    src: arbU32,
    dst: arbU32,
    protocol: arbU8,
    ttl: arbU8,
    dscp: fc.integer({min: 0, max: 63}),
    ecn: fc.integer({min: 0, max: 3}),
    ident: arbU16,
    dontFrag: fc.boolean(),
    moreFrags: fc.boolean(),
    fragOffset: fc.integer({min: 0, max: 0x1fff}),
    options: fc.integer({min: 0, max: 10}).chain((w) => fc.uint8Array({minLength: 4 * w, maxLength: 4 * w})),
    payloadLen: fc.integer({min: 0, max: payloadMax}),
  })

export const arbUdp: fc.Arbitrary<UdpRepr> = fc.record({srcPort: arbU16, dstPort: arbU16, payload: arbBytes(64)})

export const arbTcpOption: fc.Arbitrary<TcpOption> = fc.oneof(
  fc.constant({kind: 'nop'} as const),
  fc.record({kind: fc.constant('mss' as const), mss: arbU16}),
  fc.record({kind: fc.constant('window-scale' as const), shift: fc.integer({min: 0, max: 14})}),
  fc.constant({kind: 'sack-permitted'} as const),
  fc.record({kind: fc.constant('sack' as const), blocks: fc.array(fc.tuple(arbU32, arbU32), {minLength: 1, maxLength: 3})}),
  fc.record({kind: fc.constant('timestamps' as const), tsVal: arbU32, tsEcr: arbU32}),
  fc.record({kind: fc.constant('unknown' as const), type: fc.integer({min: 6, max: 255}).filter((k) => k !== 8), data: arbBytes(6)}),
)

/** Options that fit in 40 bytes; optionally closed by EOL (the rest of the word is padding). */
export const arbTcpOptions: fc.Arbitrary<TcpOption[]> = fc
  .tuple(fc.array(arbTcpOption, {maxLength: 6}), fc.boolean())
  .map(([os, eol]) => {
    const out: TcpOption[] = []
    let n = 0
    for (const o of os) {
      const l = o.kind === 'sack' ? 2 + 8 * o.blocks.length : o.kind === 'unknown' ? 2 + o.data.length : o.kind === 'timestamps' ? 10 : o.kind === 'mss' ? 4 : o.kind === 'window-scale' ? 3 : o.kind === 'sack-permitted' ? 2 : 1
      if (n + l > 39) break
      out.push(o)
      n += l
    }
    if (eol) out.push({kind: 'eol'})
    return out
  })

export const arbTcp: fc.Arbitrary<TcpRepr> = fc.record({
  srcPort: arbU16,
  dstPort: arbU16,
  seqNo: arbU32,
  ackNo: arbU32,
  flags: arbU8,
  window: arbU16,
  urgent: arbU16,
  options: arbTcpOptions,
  payload: arbBytes(64),
})

export const arbIcmpv4: fc.Arbitrary<Icmpv4Repr> = fc.oneof(
  fc.record({kind: fc.constantFrom('echo-request' as const, 'echo-reply' as const), ident: arbU16, seqNo: arbU16, data: arbBytes(64)}),
  fc.record({
    kind: fc.constant('dst-unreachable' as const),
    code: fc.integer({min: 0, max: 15}),
    nextHopMtu: arbU16,
    quoted: fc.record({header: arbIpv4(1400), data: fc.uint8Array({minLength: 8, maxLength: 28})}),
  }).map((r) => ({...r, nextHopMtu: r.code === 4 ? r.nextHopMtu : 0})),
  fc.record({kind: fc.constant('time-exceeded' as const), code: fc.integer({min: 0, max: 1}), quoted: fc.record({header: arbIpv4(1400), data: fc.uint8Array({minLength: 8, maxLength: 28})})}),
  fc.record({kind: fc.constant('other' as const), type: fc.constantFrom(5, 9, 10, 13, 14, 42), code: arbU8, rest: arbU32, data: arbBytes(32)}),
)

const arbLatin1 = fc.uint8Array({minLength: 1, maxLength: 32}).map((b) => String.fromCharCode(...b))

export const arbDhcpOption: fc.Arbitrary<DhcpOption> = fc.oneof(
  fc.constant({kind: 'pad'} as const),
  fc.record({kind: fc.constant('message-type' as const), messageType: fc.integer({min: 1, max: 8})}),
  fc.record({kind: fc.constantFrom('subnet-mask' as const, 'requested-ip' as const, 'server-id' as const), address: arbU32}),
  fc.record({kind: fc.constantFrom('router' as const, 'dns' as const), addresses: fc.array(arbU32, {minLength: 1, maxLength: 4})}),
  fc.record({kind: fc.constantFrom('hostname' as const, 'domain-name' as const), name: arbLatin1}),
  fc.record({kind: fc.constantFrom('lease-time' as const, 'renewal-time' as const, 'rebinding-time' as const), seconds: arbU32}),
  fc.record({kind: fc.constant('parameter-request-list' as const), codes: fc.array(fc.integer({min: 1, max: 254}), {maxLength: 12})}),
  fc.record({kind: fc.constant('client-id' as const), data: fc.uint8Array({minLength: 2, maxLength: 16})}),
  fc.record({kind: fc.constant('unknown' as const), code: fc.constantFrom(2, 4, 7, 42, 43, 60, 81, 82, 119, 252), data: arbBytes(20)}),
)

export const arbDhcp: fc.Arbitrary<DhcpRepr> = fc.record({
  op: fc.constantFrom(1, 2),
  htype: fc.constant(1),
  hlen: fc.constant(6),
  hops: arbU8,
  xid: arbU32,
  secs: arbU16,
  flags: fc.constantFrom(0, 0x8000),
  ciaddr: arbU32,
  yiaddr: arbU32,
  siaddr: arbU32,
  giaddr: arbU32,
  chaddr: fc.uint8Array({minLength: 16, maxLength: 16}),
  sname: fc.uint8Array({minLength: 64, maxLength: 64}),
  file: fc.uint8Array({minLength: 128, maxLength: 128}),
  options: fc.array(arbDhcpOption, {maxLength: 8}).map((os) => [...os, {kind: 'end'} as const]),
})

const ethWith = (etherType: number): fc.Arbitrary<EthernetRepr> => arbEthernet.map((e) => ({...e, etherType}))
const unfragmented = (protocol: number): fc.Arbitrary<Ipv4Repr> => arbIpv4(0).map((i) => ({...i, protocol, moreFrags: false, fragOffset: 0}))

/** Whole valid frames as layer stacks: ARP, ICMPv4, UDP, TCP, DHCP, unknown EtherType/protocol. */
export const arbFrameLayers: fc.Arbitrary<FrameLayer[]> = fc.oneof(
  fc.tuple(ethWith(0x0806), arbArp).map(([e, a]): FrameLayer[] => [{layer: 'ethernet', repr: e}, {layer: 'arp', repr: a}]),
  fc.tuple(ethWith(0x0800), unfragmented(1), arbIcmpv4).map(([e, i, c]): FrameLayer[] => [{layer: 'ethernet', repr: e}, {layer: 'ipv4', repr: i}, {layer: 'icmpv4', repr: c}]),
  fc.tuple(ethWith(0x0800), unfragmented(17), arbUdp.filter((u) => ![67, 68].includes(u.srcPort) && ![67, 68].includes(u.dstPort))).map(([e, i, u]): FrameLayer[] => [{layer: 'ethernet', repr: e}, {layer: 'ipv4', repr: i}, {layer: 'udp', repr: u}]),
  fc.tuple(ethWith(0x0800), unfragmented(6), arbTcp).map(([e, i, t]): FrameLayer[] => [{layer: 'ethernet', repr: e}, {layer: 'ipv4', repr: i}, {layer: 'tcp', repr: t}]),
  fc.tuple(ethWith(0x0800), unfragmented(17), arbDhcp).map(([e, i, d]): FrameLayer[] => [{layer: 'ethernet', repr: e}, {layer: 'ipv4', repr: i}, {layer: 'udp', repr: {srcPort: 68, dstPort: 67, payload: new Uint8Array(0)}}, {layer: 'dhcp', repr: d}]),
  fc.tuple(ethWith(0x0800), unfragmented(47), arbBytes(64)).map(([e, i, b]): FrameLayer[] => [{layer: 'ethernet', repr: e}, {layer: 'ipv4', repr: i}, {layer: 'raw', bytes: b}]),
  fc.tuple(arbEthernet.filter((e) => e.etherType !== 0x0800 && e.etherType !== 0x0806), arbBytes(64)).map(([e, b]): FrameLayer[] => [{layer: 'ethernet', repr: e}, {layer: 'raw', bytes: b}]),
)
