// A physical adapter of the host and the wire (or air) beyond it, up to the LAN (./lan.ts).
//
// The host side attaches one FrameSink (`attach`): the External switch's external port when the
// adapter is bound to one, else the host IP stack's interface for the adapter. It sends frames in
// with `receive`. On the way out, in order:
//   1. the adapter must be up (enabled, and plugged into a network): else `adapter-down`;
//   2. wireless and bound to an External switch: the Microsoft bridge rewrites VM MACs
//      (./wifi-bridge.ts), a `transformed` step listing the changes;
//   3. wireless: the access point accepts only its associated station's MAC, the adapter's own:
//      else `wifi-unassociated-mac`;
//      wired with port security: the upstream switch port admits at most N source MACs, the first
//      it sees, the host's own counting first (./port-security.ts): else `port-security`;
//   4. LATENCY.lanMs later the frame is on the LAN.
// On the way back the LAN's frames pass the port (wired: only to admitted MACs) or the access point,
// then the bridge maps them to the VM's MAC, and the attached sink gets them.
import type {Scheduler} from '../clock.js'
import type {Prefix} from '../config.js'
import {LATENCY} from '../clock.js'
import type {PhysicalAdapterConfig} from '../config.js'
import {DropCounters} from '../observe.js'
import type {DropReason, FieldChange, FrameSink, Place, Recorder, StepAction} from '../observe.js'
import {EthernetFrame, WireError, formatIpv4, formatMac, formatMacTrace, isMulticast, prefixMask} from '../wire/index.js'
import type {Ipv4Address, Mac} from '../wire/index.js'
import {DhcpServer} from '../dhcp/server.js'
import {Lan} from './lan.js'
import {PortSecurity} from './port-security.js'
import {WifiBridge} from './wifi-bridge.js'
import type {WifiBridgeEntry} from './wifi-bridge.js'

export interface PhysicalLinkOptions {
  readonly adapter: PhysicalAdapterConfig
  readonly seed: number
  readonly scheduler: Scheduler
  readonly recorder: Recorder | null
}

/** What a link remembers between commands (`lab.runtime.json`). */
export interface PhysicalLinkState {
  /** Source MACs the upstream port admitted, in the order it learned them (wired, port security on). */
  readonly portSecurityMacs: readonly string[]
  /** The Wi-Fi bridge's IP -> VM MAC table (wireless, bound to an External switch). */
  readonly wifiBridge: readonly WifiBridgeEntry[]
  /** The LAN's DHCP server (its own JSON form). */
  readonly dhcpServer: unknown
}

export class PhysicalLink implements FrameSink {
  readonly name: string
  readonly place: Place
  readonly drops = new DropCounters()
  /** null when nothing is plugged in (the adapter has no network). */
  readonly lan: Lan | null
  readonly bridge: WifiBridge | null
  readonly portSecurity: PortSecurity | null
  private readonly adapter: PhysicalAdapterConfig
  private readonly lanPlace: Place
  private readonly scheduler: Scheduler
  private readonly rec: Recorder | null
  private host: FrameSink | null = null

  constructor(options: PhysicalLinkOptions) {
    const a = options.adapter
    this.adapter = a
    this.name = a.name
    this.place = {kind: 'physical', name: a.name}
    this.lanPlace = {kind: 'lan', name: a.name}
    this.scheduler = options.scheduler
    this.rec = options.recorder
    this.bridge = a.kind === 'wireless' && a.boundSwitchId !== null ? new WifiBridge(a.macAddress) : null
    this.portSecurity = a.kind === 'wired' && a.portSecurityMaxMacs !== null ? new PortSecurity(a.portSecurityMaxMacs) : null
    // The host was on this port before the lab existed: its MAC is the first the port learned.
    if (this.portSecurity !== null && a.up && a.network !== null) this.portSecurity.admit(a.macAddress)
    const network = a.network
    this.lan =
      network === null
        ? null
        : new Lan({
            adapterName: a.name,
            prefix: network.prefix,
            gateway: network.gateway,
            seed: options.seed,
            scheduler: options.scheduler,
            recorder: options.recorder,
            drops: this.drops,
            dhcp: network.dhcp ? (lan) => lanDhcpServer(lan, options.scheduler) : null,
            toAdapter: (frame) => this.fromLan(frame),
          })
  }

  /** Enabled and plugged in (Get-NetAdapter Status Up). */
  get up(): boolean {
    return this.adapter.up && this.lan !== null
  }

  get macAddress(): Mac {
    return this.adapter.macAddress
  }

  /** The host side: the External switch's external port, or the host stack's interface. */
  attach(sink: FrameSink): void {
    this.host = sink
  }

  /** Whether something on the host side is attached. */
  get attached(): boolean {
    return this.host !== null
  }

  /** A frame from the host side, leaving through the adapter now. `frame` is not modified. */
  receive(frame: Uint8Array): void {
    if (!this.adapter.up || this.lan === null) {
      const why = this.lan === null ? `nothing is plugged into ${this.name} (Status Disconnected)` : `${this.name} is not up (disabled, or without a link)`
      return this.drop('adapter-down', frame, this.place, `${why}: the frame goes nowhere`, `host ${this.name}.status`)
    }
    const eth = EthernetFrame.checked(frame, 0, frame.length)
    if (eth instanceof WireError) return this.drop('malformed', frame, this.place, `${this.name} cannot send a malformed frame (${eth.code}: ${eth.message})`, null)
    let out = frame
    if (this.bridge !== null) {
      const b = this.bridge.outbound(frame, this.rec !== null)
      out = b.frame
      if (out !== frame) this.transformed(out, b.changes, 'the Microsoft bridge of the Wi-Fi External switch rewrites the VM\'s MAC to the adapter\'s own, the only one the access point accepts')
    }
    const src = out === frame ? eth.src : new EthernetFrame(out, 0, out.length).src
    const ref = `host ${this.name}`
    if (this.adapter.kind === 'wireless') {
      if (src !== this.adapter.macAddress) {
        return this.drop('wifi-unassociated-mac', out, this.lanPlace, `the access point accepts frames only from its associated station ${formatMacTrace(this.adapter.macAddress)} (${this.name}); source ${formatMacTrace(src)} is not associated, so the frame is discarded`, `${ref}.kind`)
      }
    } else if (this.portSecurity !== null) {
      const verdict = this.portSecurity.admit(src)
      const max = this.portSecurity.maxMacs
      const psRef = `${ref}.portSecurityMaxMacs`
      if (verdict === 'violation') {
        const held = this.portSecurity.macs().map(formatMacTrace).join(', ')
        return this.drop('port-security', out, this.lanPlace, `the upstream switch port allows ${max} source MAC${max === 1 ? '' : 's'} and already holds ${held}; frames from ${formatMacTrace(src)} are dropped. Office and campus ports often allow one MAC, so VMs bridged by an External switch cannot get through: put them behind NAT (an Internal switch with \`hvnet nat\`, or the Default Switch) so they share the host's MAC`, psRef)
      }
      if (this.rec !== null) this.step('permitted', this.lanPlace, 'port-security', verdict === 'learned' ? `the upstream switch port learns ${formatMacTrace(src)} (${this.portSecurity.macs().length} of ${max} MAC${max === 1 ? '' : 's'} allowed)` : `${formatMacTrace(src)} is one of the ${max} MAC${max === 1 ? '' : 's'} the upstream switch port allows`, psRef, out)
    }
    const owned = out === frame ? frame.slice() : out
    if (this.rec !== null) this.step('transmitted', this.place, 'physical', `${this.name} sends the frame ${this.adapter.kind === 'wireless' ? 'over the air to the access point' : 'onto the wire to the upstream switch'}`, null, owned)
    const lan = this.lan
    this.scheduler.after(LATENCY.lanMs, () => lan.receive(owned))
  }

  /** A frame from the LAN reaching the adapter now (the LAN has applied the latency). */
  private fromLan(frame: Uint8Array): void {
    const dst = new EthernetFrame(frame, 0, frame.length).dst
    if (this.portSecurity !== null && !isMulticast(dst) && !this.portSecurity.has(dst)) {
      return this.drop('port-security', frame, this.lanPlace, `the upstream switch port forwards only to the MACs it admitted; ${formatMacTrace(dst)} is not one of them`, `host ${this.name}.portSecurityMaxMacs`)
    }
    if (this.rec !== null) this.step('received', this.place, 'physical', `${this.name} receives the frame from the LAN`, null, frame)
    let inbound = frame
    if (this.bridge !== null) {
      const b = this.bridge.inbound(frame, this.rec !== null)
      inbound = b.frame
      if (inbound !== frame) this.transformed(inbound, b.changes, 'the Microsoft bridge maps the adapter\'s MAC back to the VM that owns the destination address')
    }
    if (this.host === null) return this.drop('not-for-me', inbound, this.place, `nothing on the host side is attached to ${this.name}`, null)
    this.host.receive(inbound)
  }

  /**
   * Records that `mac` holds `address` on the LAN's DHCP server (the host's own lease), unless the
   * server remembers that MAC with another address or that address for another MAC (restored state
   * wins). The host keeps its lease as Windows' DHCP client does: renewed at T1 (half the lease),
   * so it never expires while the host holds the address, however far the clock is advanced.
   */
  reserveLease(mac: Mac, address: Ipv4Address): void {
    const dhcp = this.lan?.dhcp ?? null
    if (dhcp === null) return
    const m = formatMac(mac)
    const a = formatIpv4(address)
    const leases = dhcp.exportState().leases
    const held = leases.find((l) => l.mac === m)
    if (held === undefined ? leases.some((l) => l.address === a) : held.address !== a) return
    const renew = (): void => {
      const others = dhcp.exportState().leases.filter((l) => l.mac !== m)
      dhcp.importState({leases: [...others, {mac: m, address: a, state: 'bound', expiresAtMs: this.scheduler.now + LAN_LEASE_SECONDS * 1000}]})
      this.scheduler.after((LAN_LEASE_SECONDS * 1000) / 2, renew)
    }
    renew()
  }

  exportState(): PhysicalLinkState {
    return {
      portSecurityMacs: this.portSecurity?.exportState() ?? [],
      wifiBridge: this.bridge?.exportState() ?? [],
      dhcpServer: this.lan?.dhcp?.exportState() ?? null,
    }
  }

  /** Restores what exportState gave; parts this link does not have (no bridge, no DHCP) are ignored. */
  importState(state: PhysicalLinkState): void {
    if (this.portSecurity !== null && state.portSecurityMacs.length > 0) this.portSecurity.importState(state.portSecurityMacs)
    if (this.bridge !== null) this.bridge.importState(state.wifiBridge)
    const dhcp = this.lan?.dhcp ?? null
    if (dhcp !== null && state.dhcpServer !== null && state.dhcpServer !== undefined) dhcp.importState(state.dhcpServer)
  }

  private transformed(frame: Uint8Array, changes: readonly FieldChange[], text: string): void {
    if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place: this.place, action: 'transformed', reason: 'wifi-bridge', text, ref: `host ${this.name}.kind`, frame, changes})
  }

  /** Callers check `this.rec !== null` first, so no sentence is built when nothing records. */
  private step(action: StepAction, place: Place, reason: string, text: string, ref: string | null, frame: Uint8Array): void {
    if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place, action, reason, text, ref, frame})
  }

  private drop(reason: DropReason, frame: Uint8Array, place: Place, text: string, ref: string | null): void {
    this.drops.count(reason)
    if (this.rec !== null) this.rec.step({timeMs: this.scheduler.now, place, action: 'dropped', reason, text, ref, frame})
  }
}

/** A home or office router's lease time: one day. */
export const LAN_LEASE_SECONDS = 86_400

/**
 * The addresses a LAN's DHCP server hands out: the upper half of the prefix (for a /24, .128 to
 * .254), so the low addresses people give hosts statically (the laptop's 192.168.1.40) stay free.
 */
export function lanDhcpRange(prefix: Prefix): {rangeStart: number; rangeEnd: number} {
  const size = 2 ** (32 - prefix.length)
  const network = (prefix.address & prefixMask(prefix.length)) >>> 0
  return {rangeStart: network + Math.max(2, size / 2), rangeEnd: network + size - 2}
}

function lanDhcpServer(lan: Lan, scheduler: Scheduler): DhcpServer {
  return new DhcpServer(
    {
      prefix: lan.prefix,
      ...lanDhcpRange(lan.prefix),
      leaseSeconds: LAN_LEASE_SECONDS,
      serverAddress: lan.gateway,
      serverMac: lan.gatewayMac,
      router: lan.gateway,
      dns: [lan.gateway],
      place: lan.place,
      ref: `host ${lan.place.name}.network.dhcp`,
    },
    scheduler,
  )
}
