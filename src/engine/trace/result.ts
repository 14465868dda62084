// From the steps the engine reported to the object `hvnet trace --json` prints (issue 9's
// contract, schemas/trace.schema.json, the README's "`hvnet trace` output"). Pure: the same steps
// give the same object, byte for byte once serialised.
//
// - Hops: consecutive steps at one place on one frame form a hop. A `transformed` step (NAT, a
//   Wi-Fi uplink rewriting the MAC) carries the frame after the change and stays in its hop; a
//   component that translates reports `received` with the frame before it first, so that the
//   hop's frame (its first step's) is the frame as it reached the place and the pcapng has both.
// - Direction: a frame is `request` when its IPv4 source is one of the initiator's addresses and
//   its destination one of the target's, `reply` when the reverse. Both sets start with the flow's
//   addresses and grow with every address a `transformed` step writes (`ipv4.src` / `ipv4.dst`
//   changes), so translated forms keep their direction through a NAT and back; a frame from a
//   third address to the initiator (an ICMP error from a router) is a reply. ARP and DHCP
//   frames of the flow's preliminaries, and any frame that matches neither way, take the
//   direction of the hop before (request at the start). An ARP or DHCP flow goes by the message:
//   requests are `request`, answers `reply`.
// - Disposition, in this order of precedence: an answer delivered back to the flow's source
//   (replied, refused, or unreachable for an ICMP error); a frame of the flow dropped (the last
//   such drop decides); the request delivered to its destination (delivered); a preliminary
//   exchange dropped (an ARP that no one answered, a DHCP offer stopped by DHCP guard); else
//   timeout. A packet dropped `arp-unresolved` because a policy dropped its ARP (port security,
//   an ACL, a VLAN) takes that drop's reason and hop: it is the cause. A `no-answer` drop (a host beyond the LAN that does not exist) is a timeout, and so
//   is a `no-route` drop at the source itself (a guest with no gateway sends nothing; the reason
//   is kept).
import type {TimeMs} from '../clock.js'
import type {FieldChange, Place, PlaceKind, Step, StepAction} from '../observe.js'
import {toHex} from '../wire/bytes.js'
import {DHCP_CLIENT_PORT, DHCP_SERVER_PORT, dhcpMessageType} from '../wire/dhcp.js'
import {decodeFrame, summarizeFrame} from '../wire/frame.js'
import type {DecodedFrame} from '../wire/frame.js'
import {DST_UNREACHABLE_CODES, TIME_EXCEEDED_CODES} from '../wire/icmpv4.js'
import {formatIpv4, parseIpv4Address} from '../wire/ipv4-address.js'
import type {Ipv4Address} from '../wire/ipv4-address.js'
import {TCP_RST} from '../wire/tcp.js'
import {defaultExpectation, expectationMet} from './expect.js'
import type {Disposition, Expectation, TraceProtocol} from './expect.js'

export const TRACE_SCHEMA_VERSION = 1


export type Direction = 'request' | 'reply'

/** A hop of an exchange the flow needed first, which renderers fold to one line. */
export type Preliminary = 'arp' | 'dhcp'

export const PLACE_KINDS: readonly PlaceKind[] = ['vm', 'switch', 'host', 'nat', 'physical', 'lan', 'internet']
export const STEP_ACTIONS: readonly StepAction[] = ['received', 'permitted', 'denied', 'forwarded', 'flooded', 'transformed', 'transmitted', 'delivered', 'answered', 'dropped']

/** What was injected, as the engine knows it (addresses as numbers). */
export interface TraceFlowSpec {
  readonly protocol: TraceProtocol
  readonly src: Ipv4Address
  readonly dst: Ipv4Address
  /** UDP and TCP (and DNS) only; null for ICMP, ARP and DHCP. */
  readonly srcPort: number | null
  readonly dstPort: number | null
  /** Where the first frame enters: `vm web/Network Adapter`, `host vEthernet (NATSwitch)`, `lan Ethernet`. */
  readonly from: Place
}

export interface TraceFlow {
  readonly protocol: TraceProtocol
  readonly src: string
  readonly dst: string
  readonly srcPort: number | null
  readonly dstPort: number | null
  readonly from: {readonly kind: PlaceKind; readonly name: string}
}

export interface TraceStep {
  readonly action: StepAction
  readonly reason: string
  readonly text: string
  readonly ref: string | null
  /** Every field a `transformed` step changed; empty for other steps. */
  readonly changes: readonly FieldChange[]
}

export interface TraceHop {
  /** 1-based, in virtual-time order. */
  readonly index: number
  /** Virtual milliseconds, rounded to the microsecond, of the hop's first step. */
  readonly timeMs: number
  readonly direction: Direction
  /** `arp` or `dhcp` for an exchange the flow needed first; null for the flow's own frames. */
  readonly preliminary: Preliminary | null
  readonly location: {readonly kind: PlaceKind; readonly name: string}
  /** The frame as it reached this place (a translation's result is in the next hop's frame). */
  readonly frame: {readonly summary: string; readonly hex: string}
  readonly steps: readonly TraceStep[]
}

export interface TraceExpectation {
  readonly disposition: Disposition
  readonly reason: string | null
  /** `given` (--expect) or `default` (issue 9's defaults by protocol). */
  readonly source: 'given' | 'default'
  readonly met: boolean
}

export interface TraceResult {
  readonly schemaVersion: typeof TRACE_SCHEMA_VERSION
  readonly flow: TraceFlow
  readonly hops: readonly TraceHop[]
  readonly disposition: Disposition
  /** The drop reason (a DropReason) or the unreachable reason; null otherwise. */
  readonly reason: string | null
  /** The hop that decided the disposition (the drop, the answer's delivery, the delivery); null on timeout. */
  readonly hop: number | null
  /** Virtual round-trip time to the answer, null when nothing came back. */
  readonly rttMs: number | null
  readonly expectation: TraceExpectation
}

export interface TraceInput {
  readonly flow: TraceFlowSpec
  readonly steps: readonly Step[]
  /** --expect; without it, the default for the protocol. */
  readonly expectation?: Expectation
  /** For the default expectation of TCP: the destination port should be open (replied, not delivered). */
  readonly openPort?: boolean
}

/** A hop before rendering: the raw steps (with their frames), for the JSON form and the pcapng. */
export interface AnalyzedHop {
  readonly index: number
  readonly place: Place
  readonly direction: Direction
  readonly preliminary: Preliminary | null
  readonly steps: readonly Step[]
  readonly decoded: DecodedFrame
}

/** Rounds virtual milliseconds to the microsecond, so sums of link latencies print cleanly. */
export function roundMs(ms: TimeMs): number {
  return Math.round(ms * 1000) / 1000
}

function samePlace(a: Place, b: Place): boolean {
  return a.kind === b.kind && a.name === b.name
}

/** Byte-for-byte equality (a hop is one frame at one place). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Consecutive steps at one place on one frame; a `transformed` step stays in its hop. */
export function groupHops(steps: readonly Step[]): Step[][] {
  const hops: Step[][] = []
  let current: Step[] = []
  for (const s of steps) {
    const prev = current[current.length - 1]
    if (prev !== undefined && samePlace(prev.place, s.place) && (s.action === 'transformed' || sameBytes(prev.frame, s.frame))) {
      current.push(s)
    } else {
      if (current.length > 0) hops.push(current)
      current = [s]
    }
  }
  if (current.length > 0) hops.push(current)
  return hops
}

interface Ip {
  readonly src: Ipv4Address
  readonly dst: Ipv4Address
}

function ipOf(d: DecodedFrame): Ip | null {
  for (const l of d.layers) if (l.layer === 'ipv4') return {src: l.repr.src, dst: l.repr.dst}
  return null
}

function layerOf<K extends DecodedFrame['layers'][number]['layer']>(d: DecodedFrame, k: K): Extract<DecodedFrame['layers'][number], {layer: K}> | undefined {
  for (const l of d.layers) if (l.layer === k) return l as Extract<DecodedFrame['layers'][number], {layer: K}>
  return undefined
}

function isDhcp(d: DecodedFrame): boolean {
  const udp = layerOf(d, 'udp')
  if (udp === undefined) return false
  const p = [udp.repr.srcPort, udp.repr.dstPort]
  return (p.includes(DHCP_SERVER_PORT) && p.includes(DHCP_CLIENT_PORT)) || layerOf(d, 'dhcp') !== undefined
}

function preliminaryOf(d: DecodedFrame, protocol: TraceProtocol): Preliminary | null {
  if (protocol !== 'arp' && layerOf(d, 'arp') !== undefined) return 'arp'
  if (protocol !== 'dhcp' && isDhcp(d)) return 'dhcp'
  return null
}

/** The initiator's and the target's addresses, as translated along the way. */
class Endpoints {
  readonly initiator = new Set<Ipv4Address>()
  readonly target = new Set<Ipv4Address>()

  constructor(flow: TraceFlowSpec) {
    this.initiator.add(flow.src)
    this.target.add(flow.dst)
  }

  classify(ip: Ip): Direction | null {
    if (this.initiator.has(ip.src) && this.target.has(ip.dst)) return 'request'
    if (this.target.has(ip.src) && this.initiator.has(ip.dst)) return 'reply'
    // An ICMP error from a router on the path comes back to the initiator from a third address.
    if (this.initiator.has(ip.dst) && !this.initiator.has(ip.src)) return 'reply'
    return null
  }

  /** A translation on a frame going `direction` adds the addresses it wrote to their side. */
  learn(direction: Direction, changes: readonly FieldChange[]): void {
    for (const c of changes) {
      if (c.field !== 'ipv4.src' && c.field !== 'ipv4.dst') continue
      const after = parseIpv4Address(c.after)
      if (typeof after !== 'number') continue
      const initiatorSide = (c.field === 'ipv4.src') === (direction === 'request')
      ;(initiatorSide ? this.initiator : this.target).add(after)
    }
  }
}

function messageDirection(d: DecodedFrame, protocol: TraceProtocol): Direction | null {
  if (protocol === 'arp') {
    const arp = layerOf(d, 'arp')
    if (arp !== undefined) return arp.repr.op === 2 ? 'reply' : 'request'
  }
  if (protocol === 'dhcp') {
    const dhcp = layerOf(d, 'dhcp')
    if (dhcp !== undefined) return dhcp.repr.op === 2 ? 'reply' : 'request'
  }
  return null
}

/** Groups steps into hops and gives each its direction and preliminary mark. */
export function analyzeTrace(flow: TraceFlowSpec, steps: readonly Step[]): AnalyzedHop[] {
  return analyze(flow, steps).hops
}

function analyze(flow: TraceFlowSpec, steps: readonly Step[]): {hops: AnalyzedHop[]; ends: Endpoints} {
  const ends = new Endpoints(flow)
  const out: AnalyzedHop[] = []
  let direction: Direction = 'request'
  for (const group of groupHops(steps)) {
    const first = group[0]
    const decoded = decodeFrame(first.frame)
    const preliminary = preliminaryOf(decoded, flow.protocol)
    const ip = ipOf(decoded)
    const own = messageDirection(decoded, flow.protocol) ?? (preliminary === null && ip !== null ? ends.classify(ip) : null)
    if (own !== null) direction = own
    for (const s of group) if (s.action === 'transformed' && s.changes !== undefined) ends.learn(direction, s.changes)
    out.push({index: out.length + 1, place: first.place, direction, preliminary, steps: group, decoded})
  }
  return {hops: out, ends}
}

interface Decision {
  readonly disposition: Disposition
  readonly reason: string | null
  readonly hop: number | null
  /** The step whose time ends the round trip. */
  readonly answeredAt: TimeMs | null
}

/** What an answer delivered back to the source says; null when the frame is not an answer. */
function answerOf(d: DecodedFrame, flow: TraceFlowSpec, ends: ReadonlySet<Ipv4Address>): {disposition: Disposition; reason: string | null} | null {
  if (flow.protocol === 'arp') {
    const arp = layerOf(d, 'arp')
    return arp !== undefined && arp.repr.op === 2 && arp.repr.senderIp === flow.dst ? {disposition: 'replied', reason: null} : null
  }
  if (flow.protocol === 'dhcp') {
    const dhcp = layerOf(d, 'dhcp')
    if (dhcp === undefined || dhcp.repr.op !== 2) return null
    const t = dhcpMessageType(dhcp.repr)
    if (t === 5) return {disposition: 'replied', reason: null}
    if (t === 6) return {disposition: 'refused', reason: null}
    return null
  }
  const ip = ipOf(d)
  if (ip === null || ip.dst !== flow.src) return null
  const icmp = layerOf(d, 'icmpv4')
  if (icmp !== undefined) {
    const r = icmp.repr
    if (r.kind === 'echo-reply') return flow.protocol === 'icmp' ? {disposition: 'replied', reason: null} : null
    if (r.kind === 'time-exceeded') return {disposition: 'unreachable', reason: TIME_EXCEEDED_CODES[r.code as 0 | 1] ?? 'time-exceeded'}
    if (r.kind === 'dst-unreachable') {
      const name: string = DST_UNREACHABLE_CODES[r.code as keyof typeof DST_UNREACHABLE_CODES] ?? `code-${r.code}`
      if (r.code === 3 && ends.has(ip.src)) return {disposition: 'refused', reason: null}
      return {disposition: 'unreachable', reason: name}
    }
    return null
  }
  if (!ends.has(ip.src)) return null
  const tcp = layerOf(d, 'tcp')
  if (tcp !== undefined) {
    const f = tcp.repr.flags
    // A RST refuses; a SYN-ACK (or any later segment of the connection) is an answer.
    return {disposition: (f & TCP_RST) !== 0 ? 'refused' : 'replied', reason: null}
  }
  if (layerOf(d, 'udp') !== undefined) return {disposition: 'replied', reason: null}
  return null
}

function lastDrop(hops: readonly AnalyzedHop[], preliminary: boolean): {hop: AnalyzedHop; step: Step} | null {
  for (let i = hops.length - 1; i >= 0; i--) {
    const h = hops[i]
    if ((h.preliminary !== null) !== preliminary) continue
    for (let j = h.steps.length - 1; j >= 0; j--) {
      const s = h.steps[j]
      if (s.action === 'dropped' && s.reason !== 'no-answer') return {hop: h, step: s}
    }
  }
  return null
}

/** The last drop in an ARP exchange that a policy decided (not a broadcast copy a stack ignored, not a void). */
function policyDrop(hops: readonly AnalyzedHop[]): {hop: AnalyzedHop; step: Step} | null {
  for (let i = hops.length - 1; i >= 0; i--) {
    const h = hops[i]
    if (h.preliminary !== 'arp') continue
    for (let j = h.steps.length - 1; j >= 0; j--) {
      const s = h.steps[j]
      if (s.action === 'dropped' && s.reason !== 'not-for-me' && s.reason !== 'no-answer') return {hop: h, step: s}
    }
  }
  return null
}

/** `target`: the target's addresses in every translated form. */
function decide(flow: TraceFlowSpec, hops: readonly AnalyzedHop[], target: ReadonlySet<Ipv4Address>): Decision {
  const own = (h: AnalyzedHop): boolean => h.preliminary === null
  for (const h of hops) {
    if (!own(h) || h.direction !== 'reply') continue
    for (const s of h.steps) {
      if (s.action !== 'delivered') continue
      const answer = answerOf(decodeFrame(s.frame), flow, target)
      if (answer === null) continue
      let reason = answer.reason
      if (answer.disposition === 'unreachable') {
        // The drop that made a router answer with an ICMP error names the cause better than its code.
        const cause = lastDrop(hops.filter((x) => x.index < h.index && x.direction === 'request'), false)
        if (cause !== null) reason = cause.step.reason
      }
      return {disposition: answer.disposition, reason, hop: h.index, answeredAt: s.timeMs}
    }
  }
  let drop = lastDrop(hops, false)
  if (drop !== null && drop.step.reason === 'arp-unresolved') {
    // The ARP went unanswered because a policy dropped it (port security, an ACL): that is the cause.
    const cause = policyDrop(hops)
    if (cause !== null) drop = cause
  }
  if (drop !== null) {
    // A guest with no route sends nothing: the trace waits for an answer that cannot come.
    const unsent = drop.step.reason === 'no-route' && samePlace(drop.step.place, flow.from)
    return {disposition: unsent ? 'timeout' : 'dropped', reason: drop.step.reason, hop: drop.hop.index, answeredAt: null}
  }
  for (const h of hops) {
    if (!own(h) || h.direction !== 'request') continue
    if (h.steps.some((s) => s.action === 'delivered')) return {disposition: 'delivered', reason: null, hop: h.index, answeredAt: null}
  }
  const prelim = lastDrop(hops, true)
  if (prelim !== null) return {disposition: 'dropped', reason: prelim.step.reason, hop: prelim.hop.index, answeredAt: null}
  return {disposition: 'timeout', reason: null, hop: null, answeredAt: null}
}

/** The round trip starts at the flow's first frame (its ARP included, as ping's first RTT); a DHCP exchange before it does not count. */
function rttStart(hops: readonly AnalyzedHop[]): TimeMs | null {
  for (const h of hops) if (h.preliminary !== 'dhcp') return h.steps[0].timeMs
  return null
}

export function flowToJson(flow: TraceFlowSpec): TraceFlow {
  return {protocol: flow.protocol, src: formatIpv4(flow.src), dst: formatIpv4(flow.dst), srcPort: flow.srcPort, dstPort: flow.dstPort, from: {kind: flow.from.kind, name: flow.from.name}}
}

function stepToJson(s: Step): TraceStep {
  return {action: s.action, reason: s.reason, text: s.text, ref: s.ref, changes: (s.changes ?? []).map((c) => ({field: c.field, before: c.before, after: c.after}))}
}

/** The exit status of a trace: 0 when its outcome met the expectation, 3 when not. */
export function traceExitCode(result: TraceResult): 0 | 3 {
  return result.expectation.met ? 0 : 3
}

export function buildTraceResult(input: TraceInput): TraceResult {
  const {flow} = input
  const {hops, ends} = analyze(flow, input.steps)
  const decision = decide(flow, hops, ends.target)
  const start = rttStart(hops)
  const rttMs = decision.answeredAt !== null && start !== null ? roundMs(decision.answeredAt - start) : null
  const expected = input.expectation ?? defaultExpectation(flow.protocol, {openPort: input.openPort ?? false})
  return {
    schemaVersion: TRACE_SCHEMA_VERSION,
    flow: flowToJson(flow),
    hops: hops.map((h) => ({
      index: h.index,
      timeMs: roundMs(h.steps[0].timeMs),
      direction: h.direction,
      preliminary: h.preliminary,
      location: {kind: h.place.kind, name: h.place.name},
      frame: {summary: summarizeFrame(h.decoded), hex: toHex(h.steps[0].frame)},
      steps: h.steps.map(stepToJson),
    })),
    disposition: decision.disposition,
    reason: decision.reason,
    hop: decision.hop,
    rttMs,
    expectation: {
      disposition: expected.disposition,
      reason: expected.reason,
      source: input.expectation === undefined ? 'default' : 'given',
      met: expectationMet(expected, {disposition: decision.disposition, reason: decision.reason}),
    },
  }
}
