// `hvnet check` and `hvnet reach` against a lab: each check of the lab's `checks:` (and each cell
// of the reachability matrix) is a stateless trace on the lab's network. The network
// configuration is built once (networkConfigOf); each trace builds its own network from it with no
// runtime state, so nothing one trace learns (a lease, an ARP entry, a NAT session) leaks into the
// next — the price is one buildNetwork per trace, which boots only the guests the flow needs.
//
// Endpoints (src/model/checks.ts resolveEndpoint) become trace sources and targets:
//   VM, VM/Adapter   the guest sends as its OS would / the adapter's address
//   host             the host's own stack / the host's address on the sender's network
//   internet         a machine on the LAN beyond the host's uplink (the first physical adapter with a
//                    network and not disabled) / 8.8.8.8
//   a.b.c.d          from: a VM adapter with that static address, else a machine with that address
//                    on the LAN beyond a physical adapter; to: that address
import type {NetworkConfig} from '../engine/config.js'
import type {Disposition} from '../engine/trace/expect.js'
import type {TraceResult} from '../engine/trace/result.js'
import type {Check, Lab, PhysicalAdapter} from './schema.js'
import type {TraceRequest} from './trace.js'

import {inPrefix, parseCidr, parseIpv4} from './address.js'
import {resolveEndpoint} from './checks.js'
import {HvnetError} from './errors.js'
import {adapterStatus, switchBoundTo, vnicsOfSwitch} from './host.js'
import {sameName} from './names.js'
import {networkConfigOf} from './network-config.js'
import {traceStateless} from './trace.js'

/** The address `internet` stands for as a destination. */
export const INTERNET_ADDRESS = '8.8.8.8'

/** The host's uplink: the first physical adapter with a network beyond it and not disabled. */
export function uplinkOf(lab: Lab): PhysicalAdapter | undefined {
  return lab.host.adapters.find((a) => a.network !== null && adapterStatus(a) === 'Up')
}

/** The host's own address on the LAN beyond `adapter` (on its External switch's vNIC when it has one). */
function hostAddressOn(lab: Lab, adapter: PhysicalAdapter): string | undefined {
  const sw = switchBoundTo(lab, adapter.name)
  const ipv4 = sw === undefined ? adapter.ipv4 : vnicsOfSwitch(lab, sw.id)[0]?.ipv4 ?? adapter.ipv4
  return ipv4.addresses[0]?.ipAddress
}

function noUplink(what: string): HvnetError {
  return new HvnetError('rule-violation', `${what} needs a physical adapter with a network beyond it, and the host has none that is up.`, 'Give the host one: `hvnet host adapter add Ethernet --lan 10.0.0.0/24 --gateway 10.0.0.1`, or enable a disabled one.')
}

/** The trace request of a check's endpoints and flow (a stateless trace; the expectation is the check's). */
export function checkTraceRequest(lab: Lab, c: Pick<Check, 'from' | 'port' | 'protocol' | 'to'>, expectation?: TraceRequest['expectation']): TraceRequest {
  const from = resolveEndpoint(lab, c.from)
  const to = resolveEndpoint(lab, c.to)
  if (typeof from === 'string') throw new HvnetError('not-found', `from: ${from}.`, 'Name a VM, VM/Adapter, host, internet or an address on the LAN beyond a physical adapter.')
  if (typeof to === 'string') throw new HvnetError('not-found', `to: ${to}.`, 'Name a VM, VM/Adapter, host, internet or an IPv4 address.')
  let source: string
  let src: string | null = null
  let lanAdapter: PhysicalAdapter | undefined
  switch (from.kind) {
    case 'adapter':
      source = `${from.vm.name}/${from.adapter.name}`
      break
    case 'host':
      source = 'host'
      break
    case 'internet':
      lanAdapter = uplinkOf(lab)
      if (lanAdapter === undefined) throw noUplink('A check from the internet')
      source = `external:${lanAdapter.name}`
      break
    case 'address': {
      const owner = lab.vms.flatMap((vm) => vm.networkAdapters.map((adapter) => ({adapter, vm}))).find(({adapter}) => adapter.guestIPv4.mode === 'Static' && adapter.guestIPv4.ipAddress.split('/')[0] === from.address)
      if (owner !== undefined) {
        source = `${owner.vm.name}/${owner.adapter.name}`
        break
      }
      lanAdapter = lab.host.adapters.find((a) => a.network !== null && onLan(from.address, a.network.prefix))
      if (lanAdapter === undefined) throw new HvnetError('not-found', `from: ${from.address} is no VM's static address and lies on no LAN beyond a physical adapter.`, 'Send from a VM, host, internet, or an address on a physical adapter\'s LAN.')
      source = `external:${lanAdapter.name}`
      src = from.address
      break
    }
  }
  let target: string
  switch (to.kind) {
    case 'adapter':
      target = `${to.vm.name}/${to.adapter.name}`
      break
    case 'host': {
      if (lanAdapter === undefined) {
        target = 'host'
        break
      }
      const address = hostAddressOn(lab, lanAdapter)
      if (address === undefined) throw new HvnetError('rule-violation', `The host has no IPv4 address on the LAN beyond "${lanAdapter.name}", so nothing there can reach it.`, `Give it one: \`hvnet host ip add --interface-alias ${lanAdapter.name} --ip-address A.B.C.D --prefix-length N\`.`)
      target = address
      break
    }
    case 'internet':
      target = INTERNET_ADDRESS
      break
    case 'address':
      target = to.address
      break
  }
  return {at: null, dstPort: c.port, expectation, frames: null, from: source, protocol: c.protocol, size: null, src, srcPort: null, to: target, ttl: null}
}

function onLan(address: string, prefix: string): boolean {
  const p = parseCidr(prefix)
  const a = parseIpv4(address)
  return p !== undefined && a !== undefined && inPrefix(a, p.address, p.length)
}

/** The places of the flow's own hops (not its ARP and DHCP preliminaries), for `via`. */
function pathOf(result: TraceResult): {kind: string; name: string}[] {
  return result.hops.filter((h) => h.preliminary === null).map((h) => h.location)
}

/**
 * The `via` names the trace's path misses. A switch matches a switch hop; a NAT its NAT hop (the
 * Default Switch's ICS NAT is named after the switch, which is on the path anyway); a host
 * interface (`vEthernet (NATSwitch)`, `Ethernet`) a host or physical adapter hop.
 */
export function viaMissed(lab: Lab, result: TraceResult, via: readonly string[]): string[] {
  const path = pathOf(result)
  return via.filter((name) => !path.some((p) => {
    if (p.kind === 'switch' || p.kind === 'host' || p.kind === 'physical' || p.kind === 'nat') return sameName(p.name, name) || (p.kind === 'nat' && lab.switches.some((s) => s.isDefaultSwitch && sameName(s.name, name) && p.name.includes(s.name)))
    return false
  }))
}

export interface CheckOutcome {
  /** 1-based, in the lab's order. */
  index: number
  /** The check's name, else `from → to protocol[/port]`. */
  name: string
  check: Check
  passed: boolean
  /** What the trace ended in; null when the check could not run (`error`). */
  disposition: Disposition | null
  reason: string | null
  /** `via` names the path missed. */
  viaMissed: string[]
  /** Why the check could not run (a VM that is off, an adapter not connected), with the fix. */
  error: {code: string; message: string; fix: string | null} | null
  /** One line on why it failed; null when it passed. */
  failure: string | null
  /** The trace of a failed check (null when it passed or could not run). */
  trace: TraceResult | null
}

export interface CheckReport {
  checks: CheckOutcome[]
  passed: number
  failed: number
}

export function checkLabel(c: Check): string {
  return c.name ?? `${c.from} → ${c.to} ${c.protocol}${c.port === null ? '' : `/${c.port}`}`
}

function expectationText(c: Check): string {
  return c.reason === null ? c.expect : `${c.expect}:${c.reason}`
}

/** Runs one check on `config` (the lab's network configuration, built once for all checks). */
export function runCheck(lab: Lab, config: NetworkConfig, c: Check, index: number): CheckOutcome {
  const base = {check: c, index, name: checkLabel(c)}
  let result: TraceResult
  try {
    result = traceStateless(lab, config, checkTraceRequest(lab, c, {disposition: c.expect, reason: c.reason}))
  } catch (error) {
    if (!(error instanceof HvnetError)) throw error
    return {...base, disposition: null, error: {code: error.code, fix: error.fix ?? null, message: error.message}, failure: `cannot run: ${error.line}`, passed: false, reason: null, trace: null, viaMissed: []}
  }
  const missed = viaMissed(lab, result, c.via)
  const met = result.expectation.met
  const outcome = result.reason === null ? result.disposition : `${result.disposition}:${result.reason}`
  let failure: string | null = null
  if (!met) failure = `expected ${expectationText(c)}, got ${outcome}`
  else if (missed.length > 0) failure = `${outcome} as expected, but the path does not go through ${missed.map((m) => `"${m}"`).join(', ')}`
  const passed = failure === null
  return {...base, disposition: result.disposition, error: null, failure, passed, reason: result.reason, trace: passed ? null : result, viaMissed: missed}
}

/** Runs every check of `lab` (`hvnet check`); a lab with no checks is an input error. */
export function runChecks(lab: Lab): CheckReport {
  if (lab.checks.length === 0) {
    throw new HvnetError('not-found', 'The lab has no checks to run.', 'Declare them in the lab file\'s `checks:` section (from, to, protocol, port, expect, reason, via) and `hvnet apply -f` it, or run `hvnet check -f lab.yaml`.')
  }
  const config = networkConfigOf(lab)
  const checks = lab.checks.map((c, i) => runCheck(lab, config, c, i + 1))
  const passed = checks.filter((c) => c.passed).length
  return {checks, failed: checks.length - passed, passed}
}

/** Exit status of `hvnet check`: 0 all passed, 3 any failed. */
export function checkExitCode(report: CheckReport): 0 | 3 {
  return report.failed === 0 ? 0 : 3
}
