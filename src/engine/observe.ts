// What the engine reports about each forwarding decision (STYLE 5-6). Every component takes an
// optional Recorder; with none attached (`null`) the hot path builds no step object at all:
//
//   if (this.rec !== null) this.rec.step({...})
//
// `hvnet trace` renders these steps and needs nothing else: a step says where (a Place in
// Hyper-V's words), what (an action), why (a reason code and a sentence), which configuration
// object decided it (`ref`), and for translations the fields before and after. Reason codes and
// action names are part of the JSON contract: add, never rename.
import type {TimeMs} from './clock.js'

/** Where a frame is, in the words a Hyper-V user knows. Mirrors `trace --json`'s `location`. */
export type PlaceKind = 'vm' | 'switch' | 'host' | 'nat' | 'physical' | 'lan' | 'internet'

export interface Place {
  readonly kind: PlaceKind
  /**
   * `web/Network Adapter` (vm), `NATSwitch` (switch; the port is in the step text), `vEthernet
   * (NATSwitch)` (host interface), `MyNAT` (nat), `Ethernet` (physical adapter), `Ethernet`
   * (lan beyond it), `8.8.8.8` (internet host).
   */
  readonly name: string
}

export type StepAction =
  | 'received'
  | 'permitted'
  | 'denied'
  | 'forwarded'
  | 'flooded'
  | 'transformed'
  | 'transmitted'
  | 'delivered'
  | 'answered'
  | 'dropped'

/** Why a frame was dropped. One counter each. Part of the JSON contract (listed in the README). */
export type DropReason =
  | 'malformed'
  | 'bad-checksum'
  | 'port-disconnected'
  | 'vm-off'
  | 'mac-spoofing'
  | 'dhcp-guard'
  | 'router-guard'
  | 'acl-deny'
  | 'extended-acl-deny'
  | 'vlan-mismatch'
  | 'vlan-tagged-on-access'
  | 'vlan-not-allowed'
  | 'pvlan-isolated'
  | 'pvlan-community'
  | 'unknown-unicast'
  | 'same-port'
  | 'not-for-me'
  | 'no-route'
  | 'host-forwarding-disabled'
  | 'arp-unresolved'
  | 'ttl-exceeded'
  | 'port-security'
  | 'wifi-unassociated-mac'
  | 'adapter-down'
  | 'guest-firewall'
  | 'closed-port'
  | 'tcp-unexpected'
  | 'nat-no-mapping'
  | 'nat-filtered'
  | 'nat-port-exhausted'
  | 'nat-hairpin-from-host'
  | 'no-answer'

export const DROP_REASONS: readonly DropReason[] = [
  'malformed', 'bad-checksum', 'port-disconnected', 'vm-off', 'mac-spoofing', 'dhcp-guard',
  'router-guard', 'acl-deny', 'extended-acl-deny', 'vlan-mismatch', 'vlan-tagged-on-access',
  'vlan-not-allowed', 'pvlan-isolated', 'pvlan-community', 'unknown-unicast', 'same-port', 'not-for-me',
  'no-route', 'host-forwarding-disabled', 'arp-unresolved', 'ttl-exceeded', 'port-security',
  'wifi-unassociated-mac', 'adapter-down', 'guest-firewall', 'closed-port', 'tcp-unexpected', 'nat-no-mapping',
  'nat-filtered', 'nat-port-exhausted', 'nat-hairpin-from-host', 'no-answer',
]

/** Reason codes of steps that are not drops (a permitted ACL, a known-MAC forward, an ARP answer …). */
export type StepReason = DropReason | string

export interface FieldChange {
  /** `ipv4.src`, `udp.srcPort`, `ethernet.src`, `icmp.identifier`, `vlan.vid` … */
  readonly field: string
  readonly before: string
  readonly after: string
}

export interface Step {
  readonly timeMs: TimeMs
  readonly place: Place
  readonly action: StepAction
  readonly reason: StepReason
  /** One sentence for a person: `destination MAC 00-15-5D-00-6A-01 is the host vNIC's port → 1 port`. */
  readonly text: string
  /**
   * The configuration object that decided it, as `vm web/Network Adapter.vlan`,
   * `vm web/Network Adapter.acl[2]`, `nat MyNAT session 3`, `host Ethernet.portSecurityMaxMacs`;
   * null when no configuration decided (a protocol rule).
   */
  readonly ref: string | null
  /** The frame as it was at this step (a copy the recorder may keep). */
  readonly frame: Uint8Array
  /** For `transformed`: every changed field. */
  readonly changes?: readonly FieldChange[]
}

export interface Recorder {
  step(step: Step): void
}

/** A Recorder that keeps every step (copying frames, since engines reuse buffers). */
export class StepLog implements Recorder {
  readonly steps: Step[] = []

  step(step: Step): void {
    this.steps.push({...step, frame: step.frame.slice()})
  }
}

/** Drop counters per reason (STYLE 6), kept by every component that drops. */
export class DropCounters {
  private readonly counts = new Map<DropReason, number>()

  count(reason: DropReason, n = 1): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + n)
  }

  get(reason: DropReason): number {
    return this.counts.get(reason) ?? 0
  }

  /** Non-zero counters, in DROP_REASONS order (stable for JSON). */
  toJSON(): Partial<Record<DropReason, number>> {
    const out: Partial<Record<DropReason, number>> = {}
    for (const r of DROP_REASONS) {
      const n = this.counts.get(r)
      if (n) out[r] = n
    }
    return out
  }
}

/** Three-way lookup answers instead of undefined (STYLE 6). */
export type Lookup<T> = {readonly kind: 'found'; readonly value: T} | {readonly kind: 'not-found'} | {readonly kind: 'pending'}

/**
 * Where frames go: every component that receives frames (a switch port's endpoint, a stack, the
 * LAN) implements it. `frame` is read-only for the receiver: it copies before changing anything,
 * because a flooded frame is the same buffer on every port.
 */
export interface FrameSink {
  receive(frame: Uint8Array): void
  /**
   * Optional, for a flooded untagged copy: when this endpoint would ignore `frame` outright, with
   * no answer and nothing learned (a broadcast ARP request for another address from a sender it
   * does not know), it counts the drop as `receive` would and returns true; the switch then records
   * no copy for it. A trace never shows such a copy (its flood step counts every port), so a flood
   * costs work per port that takes it, not per port of the switch.
   */
  discardsFlooded?(frame: Uint8Array): boolean
}
