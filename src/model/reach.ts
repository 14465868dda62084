// `hvnet reach`: the reachability matrix of a lab, the deterministic `pingall`. Every running VM's
// connected adapters, the host and the internet are endpoints; each ordered pair is a stateless
// trace (src/model/check.ts: endpoints as checks name them, the network configuration built once,
// a fresh network per cell so no cell sees another's leases, ARP entries or NAT sessions).
import type {Disposition} from '../engine/trace/expect.js'
import type {Lab} from './schema.js'

import {checkTraceRequest} from './check.js'
import {HvnetError} from './errors.js'
import {closestName, sameName} from './names.js'
import {networkConfigOf} from './network-config.js'
import {traceStateless} from './trace.js'

export type ReachProtocol = 'icmp' | 'tcp' | 'udp'

export interface ReachOptions {
  readonly from?: string
  readonly to?: string
  readonly protocol: ReachProtocol
  /** Destination port (tcp: 80 when null; udp needs one). */
  readonly port: number | null
}

export interface ReachEndpoint {
  /** `web` (a VM with one connected adapter), `web/Second`, `host`, `internet`. */
  name: string
  kind: 'vm' | 'host' | 'internet'
  /** The VM's name (null for host and internet). */
  vmName: string | null
}

export interface ReachCell {
  from: string
  to: string
  /** Null when the trace could not run (`error`). */
  disposition: Disposition | null
  /** The drop or unreachable reason; null otherwise. */
  reason: string | null
  /** Why the trace could not run (e.g. the host has no uplink for `internet`). */
  error: string | null
}

export interface ReachMatrix {
  protocol: ReachProtocol
  port: number | null
  /** Rows (senders) and columns (destinations), in order: VMs by name, then host, internet. */
  from: ReachEndpoint[]
  to: ReachEndpoint[]
  /** Row by row: every (from, to) pair with from ≠ to. */
  cells: ReachCell[]
}

/** The endpoints of the matrix: running VMs' connected adapters by VM name, then host and internet. */
export function reachEndpoints(lab: Lab): ReachEndpoint[] {
  const vms = lab.vms.filter((vm) => vm.state === 'Running').sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.name.localeCompare(b.name))
  const out: ReachEndpoint[] = []
  for (const vm of vms) {
    const connected = vm.networkAdapters.filter((a) => a.switchId !== null)
    for (const a of connected) out.push({kind: 'vm', name: connected.length === 1 ? vm.name : `${vm.name}/${a.name}`, vmName: vm.name})
  }
  out.push({kind: 'host', name: 'host', vmName: null}, {kind: 'internet', name: 'internet', vmName: null})
  return out
}

/** The endpoints `--from`/`--to` names: one (`web/Second`, `host`) or a VM's every adapter (`web`). */
function narrow(all: ReachEndpoint[], text: string | undefined, flag: string): ReachEndpoint[] {
  if (text === undefined) return all
  const picked = all.filter((e) => sameName(e.name, text) || (e.vmName !== null && sameName(e.vmName, text)))
  if (picked.length > 0) return picked
  const names = all.map((e) => e.name)
  const close = closestName(text, names)
  throw new HvnetError('not-found', `${flag} "${text}" is no endpoint of the matrix (a running VM's connected adapter, host or internet).`, `${close ? `Did you mean "${close}"? ` : ''}Endpoints: ${names.join(', ')}.`)
}

/** The label of a cell: `replied`, `timeout`, `dropped:vlan-mismatch`, `error`. */
export function cellText(cell: ReachCell): string {
  if (cell.disposition === null) return 'error'
  return cell.reason === null || cell.disposition === 'replied' ? cell.disposition : `${cell.disposition}:${cell.reason}`
}

export function reachMatrix(lab: Lab, options: ReachOptions): ReachMatrix {
  if (options.protocol === 'icmp' && options.port !== null) throw new HvnetError('invalid-value', 'ICMP has no ports.', 'Leave --port out, or use --protocol tcp or udp.')
  if (options.protocol === 'udp' && options.port === null) throw new HvnetError('invalid-value', 'A UDP matrix needs a destination port.', 'Add --port N.')
  const all = reachEndpoints(lab)
  const from = narrow(all, options.from, '--from')
  const to = narrow(all, options.to, '--to')
  const config = networkConfigOf(lab)
  const cells: ReachCell[] = []
  for (const f of from) {
    for (const t of to) {
      if (f === t) continue
      const cell: ReachCell = {disposition: null, error: null, from: f.name, reason: null, to: t.name}
      try {
        const result = traceStateless(lab, config, checkTraceRequest(lab, {from: f.name, port: options.port, protocol: options.protocol, to: t.name}))
        cell.disposition = result.disposition
        cell.reason = result.reason
      } catch (error) {
        // A cell that cannot be traced (no uplink for the internet, no host address on a LAN).
        if (!(error instanceof HvnetError)) throw error
        cell.error = error.message
      }
      cells.push(cell)
    }
  }
  return {cells, from, port: options.port, protocol: options.protocol, to}
}
