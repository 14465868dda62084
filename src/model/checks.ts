// Reachability checks (`checks:` of a lab file, issue 10): what each names must exist in the lab,
// and each field must fit its protocol and verdict. `hvnet check` runs them as stateless traces;
// this file only stores and validates them.
import type {FileCheck} from './labfile-schema.js'
import type {Check, Lab, VM, VMNetworkAdapter} from './schema.js'

import {DROP_REASONS} from '../engine/observe.js'
import {parseIpv4} from './address.js'
import {HvnetError} from './errors.js'
import {closestName, findByName, sameName} from './names.js'

/** Where a check starts or ends. */
export type CheckEndpoint =
  | {kind: 'address'; address: string}
  | {kind: 'adapter'; adapter: VMNetworkAdapter; vm: VM}
  | {kind: 'host'}
  | {kind: 'internet'}

/** `host`, `internet`, an IPv4 address, `VM` (its first connected adapter) or `VM/Adapter`. */
export function resolveEndpoint(lab: Lab, text: string): CheckEndpoint | string {
  if (/^host$/i.test(text)) return {kind: 'host'}
  if (/^internet$/i.test(text)) return {kind: 'internet'}
  if (parseIpv4(text) !== undefined) return {address: text, kind: 'address'}
  const whole = findByName(lab.vms, text)
  if (whole) {
    const adapter = whole.networkAdapters.find((a) => a.switchId !== null) ?? whole.networkAdapters[0]
    if (!adapter) return `the VM "${whole.name}" has no network adapter`
    return {adapter, kind: 'adapter', vm: whole}
  }
  const slash = text.lastIndexOf('/')
  if (slash > 0) {
    const vm = findByName(lab.vms, text.slice(0, slash))
    if (vm) {
      const adapter = findByName(vm.networkAdapters, text.slice(slash + 1))
      if (adapter) return {adapter, kind: 'adapter', vm}
      return `the VM "${vm.name}" has no network adapter "${text.slice(slash + 1)}"`
    }
  }
  const close = closestName(text, lab.vms.map((m) => m.name))
  return `"${text}" is not host, internet, an IPv4 address, a VM or VM/Adapter${close ? ` (did you mean "${close}"?)` : ''}`
}

/** The stored form of a lab file's check: every key present, defaults filled in. */
export function checkFromFile(c: FileCheck): Check {
  return {
    expect: c.expect,
    from: c.from,
    name: c.name ?? null,
    port: c.port ?? null,
    protocol: c.protocol ?? 'icmp',
    reason: c.reason ?? null,
    to: c.to,
    via: c.via ?? [],
  }
}

/** The lab file's form: defaults left out. */
export function checkToFile(c: Check): FileCheck {
  return {
    ...(c.name === null ? {} : {name: c.name}),
    from: c.from,
    to: c.to,
    ...(c.protocol === 'icmp' ? {} : {protocol: c.protocol}),
    ...(c.port === null ? {} : {port: c.port}),
    expect: c.expect,
    ...(c.reason === null ? {} : {reason: c.reason}),
    ...(c.via.length === 0 ? {} : {via: c.via}),
  }
}

/** Every problem of one check against the lab, by field. */
export function checkProblems(lab: Lab, c: Check): {field: string; message: string}[] {
  const out: {field: string; message: string}[] = []
  for (const field of ['from', 'to'] as const) {
    const end = resolveEndpoint(lab, c[field])
    if (typeof end === 'string') out.push({field, message: end})
  }
  if (sameName(c.from, c.to)) out.push({field: 'to', message: 'is the same endpoint as from'})
  if (c.protocol === 'icmp' && c.port !== null) out.push({field: 'port', message: 'ICMP has no ports; leave port out or use protocol tcp or udp'})
  if (c.protocol !== 'icmp' && c.port === null) out.push({field: 'port', message: `a ${c.protocol.toUpperCase()} check needs a destination port`})
  if (c.reason !== null) {
    if (!(DROP_REASONS as readonly string[]).includes(c.reason)) {
      const close = closestName(c.reason, DROP_REASONS)
      out.push({field: 'reason', message: `"${c.reason}" is not a drop reason${close ? ` (did you mean "${close}"?)` : ''}; see \`hvnet trace --help\``})
    } else if (c.expect === 'replied' || c.expect === 'delivered') {
      out.push({field: 'reason', message: `a reason goes with a failing verdict (dropped, unreachable, refused, timeout), not with ${c.expect}`})
    }
  }
  c.via.forEach((name, i) => {
    const known = findByName(lab.switches, name) ?? findByName(lab.nats, name)
      ?? lab.host.vnics.find((n) => sameName(n.interfaceAlias, name)) ?? findByName(lab.host.adapters, name)
    if (!known) {
      const all = [...lab.switches.map((s) => s.name), ...lab.nats.map((n) => n.name), ...lab.host.vnics.map((n) => n.interfaceAlias), ...lab.host.adapters.map((a) => a.name)]
      const close = closestName(name, all)
      out.push({field: `via[${i}]`, message: `"${name}" is no switch, NAT or host interface${close ? ` (did you mean "${close}"?)` : ''}`})
    }
  })
  return out
}

/** Adds a check to the lab, refusing one that names what does not exist. */
export function addCheck(lab: Lab, c: Check): Check {
  const problems = checkProblems(lab, c)
  if (problems.length > 0) {
    throw new HvnetError('invalid-value', problems.map((p) => `${p.field}: ${p.message}`).join('; '), 'A check names endpoints and path objects of this lab.')
  }
  lab.checks.push(c)
  return c
}
