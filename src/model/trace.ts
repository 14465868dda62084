// `hvnet trace` against a stored lab: what the user named (`--from web`, `--to db`, `--at
// host/NATSwitch`) resolved to the engine's injection, with the input errors a user can fix (a VM
// that is off, an adapter not connected, a name that does not exist, with the closest one), then
// the trace itself on the lab's network and its runtime state (src/engine/trace/run.ts).
import {buildTraceResult} from '../engine/trace/result.js'
import type {TraceResult} from '../engine/trace/result.js'
import type {Expectation, TraceProtocol} from '../engine/trace/expect.js'
import {TraceRecorder} from '../engine/trace/recorder.js'
import {GatedRecorder, runTrace, traceNetwork} from '../engine/trace/run.js'
import type {NetworkConfig} from '../engine/config.js'
import type {FramePort, TraceInjection, TracePacket, TraceRun, TraceTarget} from '../engine/trace/run.js'
import {WireError, parseIpv4Address} from '../engine/wire/index.js'
import type {Ipv4Address} from '../engine/wire/index.js'
import {HvnetError, engineWork} from './errors.js'
import {findPhysicalAdapter} from './host.js'
import {closestName, describeExisting, findByName, notFound, sameName} from './names.js'
import {adapterKey} from './network-config.js'
import {openNetwork, runtimeDocumentOf} from './runtime.js'
import {transactRuntime} from './runtime-store.js'
import type {RuntimeDocument} from './runtime-store.js'
import type {Lab, VM, VMNetworkAdapter} from './schema.js'
import {readLab} from './store.js'
import {findAdapter, findVm} from './vm.js'

export interface TraceRequest {
  /** `web`, `web/Second`, `host`, `external:Ethernet`; null with frames. */
  readonly from: string | null
  /** An IPv4 address, a VM (`db`, `db/Second`), `host` or `gateway`. */
  readonly to: string | null
  readonly protocol: TraceProtocol
  readonly dstPort: number | null
  readonly srcPort: number | null
  readonly size: number | null
  readonly ttl: number | null
  /** --src, with --from external:ADAPTER. */
  readonly src: string | null
  /** Exact frames, with `at`. */
  readonly frames: readonly Uint8Array[] | null
  /** `web`, `web/Second`, `host/NATSwitch`, `external:Ethernet`. */
  readonly at: string | null
  readonly expectation?: Expectation
}

export interface LabTrace {
  readonly result: TraceResult
  /** The engine's run: the flow and every step (for --pcap). */
  readonly run: TraceRun
  /**
   * The runtime state after the trace, to save (unless --stateless); computed when asked, so a
   * stateless trace never pays for it (the basis names every VM adapter of the lab).
   */
  runtime(): RuntimeDocument
}

const EXTERNAL = 'external:'

function ipOf(text: string): Ipv4Address | null {
  const a = parseIpv4Address(text)
  return a instanceof WireError ? null : a
}

/** `web` (its first adapter) or `web/Second`. */
function vmAdapter(lab: Lab, text: string): {vm: VM; adapter: VMNetworkAdapter} {
  const slash = text.indexOf('/')
  const vm = findVm(lab, slash < 0 ? text : text.slice(0, slash))
  if (slash >= 0) return {vm, adapter: findAdapter(vm, text.slice(slash + 1))}
  const adapter = vm.networkAdapters[0]
  if (adapter === undefined) throw new HvnetError('rule-violation', `The virtual machine "${vm.name}" has no network adapter.`, `Add one: \`hvnet vm add-nic ${quote(vm.name)} --switch SWITCH\`.`)
  return {vm, adapter}
}

function quote(s: string): string {
  return /^[A-Za-z0-9_.:/-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`
}

/** A VM adapter a trace sends from: the VM must run and the adapter be connected. */
function sendingAdapter(lab: Lab, text: string, what: string): string {
  const {vm, adapter} = vmAdapter(lab, text)
  if (adapter.switchId === null) {
    throw new HvnetError('rule-violation', `The network adapter "${adapter.name}" of "${vm.name}" is not connected to a virtual switch, so nothing it sends goes anywhere.`, `Connect it: \`hvnet vm connect-nic ${quote(vm.name)} --name ${quote(adapter.name)} --switch SWITCH\` (\`hvnet vswitch list\` shows the switches).`)
  }
  if (vm.state !== 'Running') throw new HvnetError('rule-violation', `The virtual machine "${vm.name}" is ${vm.state}: ${what}.`, `Start it: \`hvnet vm start ${quote(vm.name)}\`.`)
  return adapterKey(vm, adapter)
}

function physicalAdapterName(lab: Lab, text: string): string {
  return findPhysicalAdapter(lab, text).name
}

function target(lab: Lab, text: string): TraceTarget {
  const lower = text.trim().toLowerCase()
  if (lower === 'host' || lower === 'gateway') return {kind: lower}
  const address = ipOf(text.trim())
  if (address !== null) return {kind: 'address', address}
  if (/^[\d.]+$/.test(text.trim())) throw new HvnetError('invalid-ip', `"${text}" is not an IPv4 address.`, 'Give --to as a.b.c.d (e.g. 8.8.8.8), a VM name, host or gateway.')
  const slash = text.indexOf('/')
  const vmName = slash < 0 ? text : text.slice(0, slash)
  if (findByName(lab.vms, vmName) === undefined) {
    const names = lab.vms.map((v) => v.name)
    const close = closestName(vmName, names)
    throw new HvnetError('not-found', `"${text}" is not an IPv4 address, a VM, host or gateway.`, close ? `Did you mean "${close}"? ${describeExisting('virtual machine', names)}` : `${describeExisting('virtual machine', names)} Give --to as an address (8.8.8.8), a VM, host or gateway.`)
  }
  const {vm, adapter} = vmAdapter(lab, text)
  return {kind: 'vm', adapterKey: adapterKey(vm, adapter)}
}

function packetOf(lab: Lab, r: TraceRequest): TracePacket {
  if (r.to === null && r.protocol !== 'dhcp') throw new HvnetError('invalid-value', 'A trace needs a destination.', 'Add --to with an address (8.8.8.8), a VM, host or gateway.')
  if (r.protocol === 'tcp' && (r.ttl !== null || r.size !== null)) throw new HvnetError('invalid-value', '--ttl and --size apply to icmp and udp traces; a TCP trace opens a connection as the OS does.', 'Leave them out, or trace with --protocol icmp or udp.')
  return {protocol: r.protocol, target: r.to === null ? {kind: 'address', address: 0xffff_ffff} : target(lab, r.to), dstPort: r.dstPort, srcPort: r.srcPort, size: r.size, ttl: r.ttl}
}

function framePort(lab: Lab, at: string): FramePort {
  if (at.toLowerCase().startsWith(EXTERNAL)) return {kind: 'external', adapter: physicalAdapterName(lab, at.slice(EXTERNAL.length))}
  if (at.toLowerCase().startsWith('host/')) {
    const name = at.slice('host/'.length)
    const vnic = lab.host.vnics.find((n) => sameName(n.name, name) || sameName(n.interfaceAlias, name))
    if (vnic === undefined) throw notFound(`The host has no virtual network adapter named "${name}".`, name, 'host vNIC', lab.host.vnics.map((n) => n.name), 'hvnet host vnic list')
    return {kind: 'host', alias: vnic.interfaceAlias}
  }
  return {kind: 'vm', adapterKey: sendingAdapter(lab, at, 'its port exists only while it runs')}
}

/** The engine's injection for a request on `lab`; an HvnetError for what the user must fix. */
export function traceInjectionOf(lab: Lab, r: TraceRequest): TraceInjection {
  if (r.frames !== null) {
    if (r.at === null) throw new HvnetError('invalid-value', 'Injected frames need a place to enter.', 'Add --at web, --at web/Second, --at host/NATSwitch or --at external:Ethernet.')
    return {kind: 'frames', at: framePort(lab, r.at), frames: r.frames}
  }
  if (r.from === null) throw new HvnetError('invalid-value', 'A trace needs a source.', 'Add --from VM[/NIC], --from host or --from external:ADAPTER (or inject bytes with --frame HEX --at PORT).')
  const from = r.from.trim()
  if (from.toLowerCase().startsWith(EXTERNAL)) {
    const adapter = physicalAdapterName(lab, from.slice(EXTERNAL.length))
    let src: Ipv4Address | null = null
    if (r.src !== null) {
      src = ipOf(r.src)
      if (src === null) throw new HvnetError('invalid-ip', `--src "${r.src}" is not an IPv4 address.`, 'Give an address on the LAN beyond the adapter, e.g. --src 10.0.0.77.')
    }
    return {kind: 'external', adapter, src, packet: packetOf(lab, r)}
  }
  if (r.src !== null) throw new HvnetError('invalid-value', '--src applies to --from external:ADAPTER only: a VM or the host sends from its own address.', 'Leave --src out.')
  if (from.toLowerCase() === 'host') return {kind: 'host', packet: packetOf(lab, r)}
  const key = sendingAdapter(lab, from, 'a VM that is not running sends nothing')
  return {kind: 'guest', adapterKey: key, packet: packetOf(lab, r)}
}

/** The saved runtime a trace resumes: the document (null: none yet) and its file (named in errors). */
export interface SavedRuntime {
  readonly doc: RuntimeDocument | null
  readonly file: string
}

/**
 * Runs the trace of `r` on `lab`'s network, resuming `saved` (null: from empty state, as
 * `--stateless`) through the runtime module's openNetwork: a saved state that does not hold
 * together is `store-corrupt`, and what a configuration change made wrong since it was saved is
 * dropped. Only the guests the flow needs boot.
 */
export function traceLab(lab: Lab, saved: SavedRuntime | null, r: TraceRequest): LabTrace {
  const injection = traceInjectionOf(lab, r)
  const gate = new GatedRecorder(new TraceRecorder())
  const network = openNetwork(lab, saved?.doc ?? null, saved?.file ?? '', {recorder: gate, boot: 'none'})
  const run = engineWork(() => runTrace(network, gate, injection))
  const result = buildTraceResult({flow: run.flow, steps: run.steps, expectation: r.expectation, openPort: run.openPort})
  return {result, run, runtime: () => runtimeDocumentOf(network)}
}

/**
 * `hvnet trace` on the lab in `labFile`: resuming its runtime state and saving it back under the
 * runtime file's lock, or (`stateless`) from empty state, saving nothing. With `pcap`, the capture is
 * written before the runtime state is saved: a capture that cannot be written saves nothing.
 */
export async function traceStoredLab(labFile: string, r: TraceRequest, options: {pcap: string | null; stateless: boolean}): Promise<TraceResult> {
  // Loaded only for --pcap.
  const pcap = options.pcap === null ? null : {file: options.pcap, ...(await import('./trace-pcap.js'))}
  const traced = (t: LabTrace): LabTrace => {
    if (pcap !== null) pcap.writeTracePcap(pcap.file, t)
    return t
  }
  if (options.stateless) {
    const {lab} = readLab(labFile)
    return traced(traceLab(lab, null, r)).result
  }
  const {result} = await transactRuntime(labFile, (lab, doc, file) => {
    const t = traced(traceLab(lab, {doc, file}, r))
    return {result: t, runtime: t.runtime()}
  })
  return result.result
}

/**
 * A stateless trace of `r` on `config` (networkConfigOf(lab), built once by a caller that traces
 * many times: `check`, `reach`): a network of its own, from empty state, nothing saved.
 */
export function traceStateless(lab: Lab, config: NetworkConfig, r: TraceRequest): TraceResult {
  const {run} = engineWork(() => traceNetwork(config, null, traceInjectionOf(lab, r)))
  return buildTraceResult({flow: run.flow, steps: run.steps, expectation: r.expectation, openPort: run.openPort})
}
