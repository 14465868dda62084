// `hvnet trace` as text, from the JSON result alone (src/engine/trace): the flow line, numbered
// hops with their virtual time, place, frame and steps, the verdict. Four levels:
//   full     every hop, each frame layer by layer (describeFrame), nothing folded;
//   default  one line per step; ARP and DHCP exchanges before the flow folded to one line each;
//   summary  one line per hop (exchanges folded);
//   minimal  compact and stable for golden files (ovn-trace's minimal mode): no times, no sentences,
//            only places, actions, drop reasons and translations, then the outcome.
// --explain adds the Hyper-V concept under each hop and, on a drop, the command that would change
// it (src/render/trace-explain.ts). Colour only through the painter given (colours(): a TTY, no NO_COLOR).
import type {ChalkInstance} from 'chalk'
import type {TraceFlow, TraceHop, TraceResult, TraceStep} from '../engine/trace/index.js'
import {formatExpectation} from '../engine/trace/index.js'
import {decodeFrame, describeFrame, dhcpMessageType, dhcpMessageTypeName, formatIpv4, formatMacTrace, fromHex} from '../engine/wire/index.js'
import type {DecodedFrame} from '../engine/wire/index.js'
import {colours} from './colour.js'
import {explainExchange, explainHop, fixFor} from './trace-explain.js'

import type {TraceDetail} from './trace-detail.js'
export {TRACE_DETAILS} from './trace-detail.js'
export type {TraceDetail} from './trace-detail.js'

export interface TraceTextOptions {
  readonly detail: TraceDetail
  readonly explain: boolean
  /** The `expected …: met (exit 0)` line under the verdict; default true (`check` says its own verdict). */
  readonly expectation?: boolean
}

/** The place in Hyper-V's words. */
export function placeText(p: {readonly kind: string; readonly name: string}): string {
  switch (p.kind) {
    case 'vm':
      return `VM ${p.name}`
    case 'switch':
      return `switch ${p.name}`
    case 'host':
      return `host ${p.name}`
    case 'nat':
      return `NAT ${p.name}`
    case 'physical':
      return `adapter ${p.name}`
    case 'lan':
      return `LAN beyond ${p.name}`
    default:
      return `internet ${p.name}`
  }
}

/** `ICMP echo 192.168.0.10 → 8.8.8.8  from vm web/Network Adapter`. */
export function flowLine(f: TraceFlow): string {
  const ep = (a: string, p: number | null): string => (p === null ? a : `${a}:${p}`)
  let what: string
  switch (f.protocol) {
    case 'icmp':
      what = `ICMP echo ${f.src} → ${f.dst}`
      break
    case 'arp':
      what = `ARP who-has ${f.dst} tell ${f.src}`
      break
    default:
      what = `${f.protocol.toUpperCase()} ${ep(f.src, f.srcPort)} → ${ep(f.dst, f.dstPort)}`
  }
  return `${what}  from ${f.from.kind} ${f.from.name}`
}

function decoded(hop: TraceHop): DecodedFrame | null {
  const b = fromHex(hop.frame.hex)
  return b === null ? null : decodeFrame(b)
}

/** A folded run of preliminary hops: what the exchange achieved, in one line. */
function foldText(hops: readonly TraceHop[]): string {
  const kind = hops[0].preliminary
  if (kind === 'arp') {
    let asked: string | null = null
    let answer: string | null = null
    for (const h of hops) {
      for (const l of decoded(h)?.layers ?? []) {
        if (l.layer !== 'arp') continue
        if (l.repr.op === 1 && asked === null) asked = formatIpv4(l.repr.targetIp)
        if (l.repr.op === 2 && answer === null) answer = `${formatIpv4(l.repr.senderIp)} is-at ${formatMacTrace(l.repr.senderMac)}`
      }
    }
    return `ARP who-has ${asked ?? '?'} → ${answer ?? 'no answer'}`
  }
  const types: string[] = []
  let leased: string | null = null
  for (const h of hops) {
    for (const l of decoded(h)?.layers ?? []) {
      if (l.layer !== 'dhcp') continue
      const t = dhcpMessageType(l.repr)
      const name = t === null ? 'BOOTP' : dhcpMessageTypeName(t)
      if (types[types.length - 1] !== name) types.push(name)
      if (t === 5) leased = formatIpv4(l.repr.yiaddr)
    }
  }
  const apipa = leased === null ? hops.flatMap((h) => h.steps).find((st) => st.reason === 'address-apipa') : undefined
  const self = apipa === undefined ? null : /(169\.254\.\d+\.\d+\/\d+)/.exec(apipa.text)
  return `DHCP ${types.join(' → ')}${leased === null ? '' : ` ${leased} leased`}${self === null ? '' : ` → no answer: APIPA ${self[1]}`}`
}

type Block = {kind: 'hop'; hop: TraceHop} | {kind: 'fold'; hops: TraceHop[]}

/** Hops in order, with runs of one preliminary exchange folded (unless `fold` is false). */
function blocks(hops: readonly TraceHop[], fold: boolean): Block[] {
  const out: Block[] = []
  for (const hop of hops) {
    const last = out[out.length - 1]
    if (fold && hop.preliminary !== null) {
      if (last?.kind === 'fold' && last.hops[0].preliminary === hop.preliminary) last.hops.push(hop)
      else out.push({kind: 'fold', hops: [hop]})
    } else {
      out.push({kind: 'hop', hop})
    }
  }
  return out
}

function range(hops: readonly TraceHop[]): string {
  return hops.length === 1 ? String(hops[0].index) : `${hops[0].index}-${hops[hops.length - 1].index}`
}

function ms(t: number): string {
  return `${t.toFixed(3)} ms`
}

const ACTION_WIDTH = 11
const INDENT = '       '

function stepLines(s: TraceStep, c: ChalkInstance): string[] {
  const action = s.action.toUpperCase().padEnd(ACTION_WIDTH)
  const ref = s.ref === null ? '' : `  [${s.ref}]`
  const bad = s.action === 'dropped' || s.action === 'denied'
  const line = `${INDENT}${action} ${s.text}${ref}`
  const out = [bad ? c.red(line) : s.action === 'transformed' ? c.yellow(line) : line]
  const width = Math.max(0, ...s.changes.map((ch) => ch.field.length))
  for (const ch of s.changes) out.push(c.yellow(`${INDENT}${' '.repeat(ACTION_WIDTH + 1)}${ch.field.padEnd(width)}  ${ch.before} → ${ch.after}`))
  return out
}

function explainLines(hop: TraceHop, result: TraceResult, c: ChalkInstance, seen: Set<string>): string[] {
  const out: string[] = []
  const text = explainHop(hop)
  if (!seen.has(text)) {
    seen.add(text)
    out.push(c.dim(`${INDENT}» ${text}`))
  }
  for (const s of hop.steps) {
    if (s.action !== 'dropped') continue
    const fix = fixFor(s, hop, result.flow)
    if (fix === null) continue
    if (fix.command !== null) out.push(c.cyan(`${INDENT}fix: ${fix.command}`))
    out.push(c.dim(`${INDENT}     ${fix.note}`))
  }
  return out
}

/** Under a folded exchange: what the exchange is for, then each of its drops explained. */
function foldExplainLines(hops: readonly TraceHop[], result: TraceResult, c: ChalkInstance, seen: Set<string>): string[] {
  const text = explainExchange(hops)
  const out = seen.has(text) ? [] : [c.dim(`${INDENT}» ${text}`)]
  seen.add(text)
  for (const d of foldDrops(hops)) out.push(...explainLines(d.hop, result, c, seen))
  return out
}

function hopHeader(label: string, time: number, place: string, direction: string): string {
  return `${label.padStart(5)}  ${ms(time).padStart(10)}  ${place}  (${direction})`
}

function droppedSteps(hops: readonly TraceHop[]): {hop: TraceHop; step: TraceStep}[] {
  return hops.flatMap((hop) => hop.steps.filter((s) => s.action === 'dropped').map((step) => ({hop, step})))
}

/**
 * The drops worth showing under a folded exchange: none when it got its answer (the copies of a
 * broadcast that other stacks ignored), else every one, which says where the exchange stopped.
 */
function foldDrops(hops: readonly TraceHop[]): {hop: TraceHop; step: TraceStep}[] {
  const text = foldText(hops)
  const answered = hops[0].preliminary === 'arp' ? !text.endsWith('no answer') : text.endsWith(' leased')
  return answered ? [] : droppedSteps(hops)
}

function verdictText(r: TraceResult): string {
  const at = r.hop === null ? null : r.hops[r.hop - 1]
  const where = at === undefined || at === null ? '' : ` at hop ${at.index} (${placeText(at.location)})`
  const rtt = r.rttMs === null ? '' : `, round trip ${ms(r.rttMs)} (virtual)`
  switch (r.disposition) {
    case 'replied':
      return `replied: ${r.flow.dst} answered${rtt}`
    case 'refused':
      return `refused: ${r.flow.dst} answered no${rtt}`
    case 'delivered':
      return `delivered${where}; no answer`
    case 'dropped': {
      const drop = at?.steps.find((s) => s.action === 'dropped')
      return `dropped${where}: ${r.reason}${drop === undefined ? '' : ` (${drop.text.replace(/^dropped: /, '')})`}`
    }
    case 'unreachable':
      return `unreachable (${r.reason}): an ICMP error came back${rtt}`
    case 'timeout':
      return r.reason === null ? 'timeout: nothing came back' : `timeout: nothing was sent (${r.reason}${where})`
  }
}

function verdictLines(r: TraceResult, c: ChalkInstance, withExpectation = true): string[] {
  const e = r.expectation
  const paint = e.met ? c.green : c.red
  const expected = `${e.source === 'given' ? 'expected' : 'expected by default'} ${formatExpectation(e)}: ${e.met ? 'met (exit 0)' : 'not met (exit 3)'}`
  return withExpectation ? [paint(c.bold(`Verdict: ${verdictText(r)}`)), paint(expected)] : [paint(c.bold(`Verdict: ${verdictText(r)}`))]
}

function renderMinimal(r: TraceResult): string {
  const out = [`${r.flow.protocol} ${r.flow.src}${r.flow.srcPort === null ? '' : `:${r.flow.srcPort}`} > ${r.flow.dst}${r.flow.dstPort === null ? '' : `:${r.flow.dstPort}`} from ${r.flow.from.kind} ${r.flow.from.name}`]
  for (const b of blocks(r.hops, true)) {
    if (b.kind === 'fold') {
      out.push(`${range(b.hops)} ${foldText(b.hops)}`)
      for (const d of foldDrops(b.hops)) out.push(`${d.hop.index} ${d.hop.location.kind} ${d.hop.location.name}: dropped(${d.step.reason})`)
      continue
    }
    const h = b.hop
    const acts = h.steps.map((s) => {
      if (s.action === 'dropped' || s.action === 'denied') return `${s.action}(${s.reason})`
      if (s.changes.length > 0) return `${s.action}(${s.changes.map((ch) => `${ch.field}=${ch.before}>${ch.after}`).join(',')})`
      return s.action
    })
    out.push(`${h.index} ${h.direction} ${h.location.kind} ${h.location.name}: ${acts.join(' ')}`)
  }
  const tail: string[] = [r.disposition]
  if (r.reason !== null) tail.push(r.reason)
  if (r.hop !== null) tail.push(`hop=${r.hop}`)
  if (r.rttMs !== null) tail.push(`rtt=${r.rttMs}`)
  tail.push(`expect=${formatExpectation(r.expectation)}`, r.expectation.met ? 'met' : 'not-met')
  out.push(tail.join(' '))
  return out.join('\n') + '\n'
}

function renderSummary(r: TraceResult, o: TraceTextOptions, c: ChalkInstance): string {
  const out = [c.bold(flowLine(r.flow)), '']
  const seen = new Set<string>()
  for (const b of blocks(r.hops, true)) {
    if (b.kind === 'fold') {
      out.push(`${range(b.hops).padStart(5)}  ${ms(b.hops[0].timeMs).padStart(10)}  ${foldText(b.hops)}`)
      for (const d of foldDrops(b.hops)) out.push(c.red(`${INDENT}hop ${d.hop.index} DROPPED ${d.step.reason}  ${d.step.text}`))
      if (o.explain) out.push(...foldExplainLines(b.hops, r, c, seen))
      continue
    }
    const h = b.hop
    const last = h.steps.find((s) => s.action === 'dropped') ?? h.steps[h.steps.length - 1]
    const note = last.action === 'dropped' ? c.red(`DROPPED ${last.reason}`) : h.steps.some((s) => s.action === 'transformed') ? c.yellow(last.action === 'transformed' ? 'TRANSFORMED' : `TRANSFORMED, ${last.action.toUpperCase()}`) : last.action.toUpperCase()
    out.push(`${String(h.index).padStart(5)}  ${ms(h.timeMs).padStart(10)}  ${placeText(h.location)}  (${h.direction})  ${note}`)
    if (o.explain) out.push(...explainLines(h, r, c, seen))
  }
  return [...out, '', ...verdictLines(r, c, o.expectation)].join('\n') + '\n'
}

function renderSteps(r: TraceResult, o: TraceTextOptions, c: ChalkInstance): string {
  const full = o.detail === 'full'
  const out = [c.bold(flowLine(r.flow)), '']
  const seen = new Set<string>()
  for (const b of blocks(r.hops, !full)) {
    if (b.kind === 'fold') {
      out.push(`${range(b.hops).padStart(5)}  ${ms(b.hops[0].timeMs).padStart(10)}  ${foldText(b.hops)}  (${b.hops.length} hops folded; --detail full shows them)`)
      for (const d of foldDrops(b.hops)) out.push(...stepLines(d.step, c), c.red(`${INDENT}(hop ${d.hop.index}, ${placeText(d.hop.location)})`))
      if (o.explain) out.push(...foldExplainLines(b.hops, r, c, seen))
      out.push('')
      continue
    }
    const h = b.hop
    out.push(c.bold(hopHeader(String(h.index), h.timeMs, placeText(h.location), h.direction + (h.preliminary === null ? '' : `, ${h.preliminary}`))))
    out.push(`${INDENT}${h.frame.summary}`)
    if (full) {
      const d = decoded(h)
      if (d !== null) for (const line of describeFrame(d)) out.push(c.dim(`${INDENT}  ${line}`))
    }
    for (const s of h.steps) out.push(...stepLines(s, c))
    if (o.explain) out.push(...explainLines(h, r, c, seen))
    out.push('')
  }
  return [...out, ...verdictLines(r, c, o.expectation)].join('\n') + '\n'
}

/** The text of a trace at a detail level, painted with `c` (a level-0 Chalk paints nothing). */
export function formatTrace(result: TraceResult, options: TraceTextOptions, c: ChalkInstance): string {
  switch (options.detail) {
    case 'minimal':
      return renderMinimal(result)
    case 'summary':
      return renderSummary(result, options, c)
    default:
      return renderSteps(result, options, c)
  }
}

/** As formatTrace, coloured only on a terminal and never with NO_COLOR. */
export async function renderTrace(result: TraceResult, options: TraceTextOptions): Promise<string> {
  return formatTrace(result, options, await colours())
}
