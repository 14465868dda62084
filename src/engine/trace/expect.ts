// What a trace is expected to end in, for CI: `--expect DISPOSITION[:REASON]`, the defaults of
// issue 9 when it is not given, and the verdict that becomes the exit status (0 met, 3 not met).
import {DROP_REASONS} from '../observe.js'
import {DST_UNREACHABLE_CODES, TIME_EXCEEDED_CODES} from '../wire/icmpv4.js'

export type TraceProtocol = 'icmp' | 'udp' | 'tcp' | 'dns' | 'dhcp' | 'arp'
export const TRACE_PROTOCOLS: readonly TraceProtocol[] = ['icmp', 'udp', 'tcp', 'dns', 'dhcp', 'arp']

export type Disposition = 'replied' | 'refused' | 'delivered' | 'dropped' | 'unreachable' | 'timeout'
export const DISPOSITIONS: readonly Disposition[] = ['replied', 'refused', 'delivered', 'dropped', 'unreachable', 'timeout']

export interface Expectation {
  readonly disposition: Disposition
  /** Only for `dropped` and `unreachable`; null accepts any reason. */
  readonly reason: string | null
}

/** The outcome part of a TraceResult. */
export interface Outcome {
  readonly disposition: Disposition
  readonly reason: string | null
}

/** Exit status of a trace (README exit-code table). */
export const EXIT_EXPECTATION_MET = 0
export const EXIT_EXPECTATION_FAILED = 3

/**
 * Reasons an `unreachable` trace can carry: the drop that made a router answer with an ICMP
 * error, or the ICMP code's name when the trace does not show the cause.
 */
export const UNREACHABLE_REASONS: readonly string[] = [...new Set<string>([...DROP_REASONS, ...Object.values(DST_UNREACHABLE_CODES), ...Object.values(TIME_EXCEEDED_CODES)])].filter((r) => r !== 'port-unreachable')

/**
 * Issue 9's defaults: `replied` for ICMP and DNS, and for TCP to a port that should be open (the
 * target listens on it, an internet host's 80 and 443, or a NAT static mapping publishes a
 * listening VM port on the host's address: TraceRun.openPort); `delivered` for everything else.
 */
export function defaultExpectation(protocol: TraceProtocol, opts: {readonly openPort: boolean}): Expectation {
  if (protocol === 'icmp' || protocol === 'dns' || (protocol === 'tcp' && opts.openPort)) return {disposition: 'replied', reason: null}
  return {disposition: 'delivered', reason: null}
}

/**
 * Met when the disposition is the expected one and, when a reason is expected, the reason too.
 * `delivered` is also met by `replied`: the destination got the packet and even answered.
 */
export function expectationMet(expected: Expectation, outcome: Outcome): boolean {
  const dispositionOk = expected.disposition === outcome.disposition || (expected.disposition === 'delivered' && outcome.disposition === 'replied')
  return dispositionOk && (expected.reason === null || expected.reason === outcome.reason)
}

export function expectationExitCode(expected: Expectation, outcome: Outcome): typeof EXIT_EXPECTATION_MET | typeof EXIT_EXPECTATION_FAILED {
  return expectationMet(expected, outcome) ? EXIT_EXPECTATION_MET : EXIT_EXPECTATION_FAILED
}

export function formatExpectation(e: Expectation): string {
  return e.reason === null ? e.disposition : `${e.disposition}:${e.reason}`
}

export type ParsedExpectation = {readonly ok: true; readonly value: Expectation} | {readonly ok: false; readonly message: string; readonly fix: string}

/**
 * `DISPOSITION[:REASON]`, case-insensitive: `replied`, `dropped:vlan-mismatch`,
 * `unreachable:no-route`. A reason is accepted only after `dropped` (a DropReason) or
 * `unreachable` (UNREACHABLE_REASONS).
 */
export function parseExpectation(text: string): ParsedExpectation {
  const trimmed = text.trim().toLowerCase()
  const colon = trimmed.indexOf(':')
  const d = colon < 0 ? trimmed : trimmed.slice(0, colon)
  const reason = colon < 0 ? null : trimmed.slice(colon + 1)
  if (!(DISPOSITIONS as readonly string[]).includes(d)) {
    return {ok: false, message: `"${text}" is not a disposition.`, fix: `Use one of ${DISPOSITIONS.join(', ')}, optionally with a reason: dropped:vlan-mismatch.`}
  }
  const disposition = d as Disposition
  if (reason === null) return {ok: true, value: {disposition, reason: null}}
  if (reason === '') return {ok: false, message: `"${text}" has an empty reason.`, fix: `Leave the colon out (${disposition}) or name a reason (dropped:acl-deny).`}
  if (disposition === 'dropped') {
    if (!(DROP_REASONS as readonly string[]).includes(reason)) return {ok: false, message: `"${reason}" is not a drop reason.`, fix: `Drop reasons: ${DROP_REASONS.join(', ')}.`}
  } else if (disposition === 'unreachable') {
    if (!UNREACHABLE_REASONS.includes(reason)) return {ok: false, message: `"${reason}" is not an unreachable reason.`, fix: `Use a drop reason (no-route, ttl-exceeded, arp-unresolved …) or an ICMP code name (net-unreachable, host-unreachable …).`}
  } else {
    return {ok: false, message: `A ${disposition} trace has no reason: "${text}".`, fix: `Only dropped and unreachable take a reason; write --expect ${disposition}.`}
  }
  return {ok: true, value: {disposition, reason}}
}
