// The seam between the host IP stack and the NAT core (WinNAT objects and the Default Switch's
// ICS NAT). The host stack owns routing, ARP and TTL; the NAT owns sessions, port allocation and
// header rewriting. The stack calls the hook at two points, always with an IPv4 packet (no
// Ethernet header) in a buffer the NAT may rewrite in place, and acts on the answer.
import type {TimeMs} from './clock.js'
import type {Recorder} from './observe.js'
import type {Ipv4Address} from './wire/ipv4-address.js'

export interface NatEgress {
  /** The host interface the route chose, e.g. `vEthernet (External)` or `Ethernet`. */
  readonly alias: string
  /** The host's address on it (the translated source unless an external address is configured). */
  readonly address: Ipv4Address
}

export type NatVerdict =
  /** Not the NAT's business: the stack goes on as without NAT. */
  | {readonly kind: 'pass'}
  /** Rewritten in place (checksums updated); the stack routes the packet on by its new addresses. */
  | {readonly kind: 'translated'}
  /** Translated and to be sent back inside (hairpin): the stack routes it to the new destination. */
  | {readonly kind: 'hairpin'}
  /** The NAT stops it; the stack records the drop (and answers as Windows would, see README). */
  | {readonly kind: 'drop'; readonly reason: 'nat-no-mapping' | 'nat-filtered' | 'nat-port-exhausted' | 'nat-hairpin-from-host'; readonly text: string; readonly ref: string | null}

export interface NatHook {
  /**
   * A packet received on an internal interface (`ingressAlias`), not addressed to the host, that the
   * stack is about to route out through `egress`. Called before the TTL decrement.
   */
  outbound(packet: Uint8Array, ingressAlias: string, egress: NatEgress, now: TimeMs, rec: Recorder | null): NatVerdict
  /**
   * A packet addressed to one of the host's own addresses (received on any interface, or sent by
   * the host itself when `ingressAlias` is null), before local delivery: sessions and static
   * mappings may claim it.
   */
  inbound(packet: Uint8Array, ingressAlias: string | null, now: TimeMs, rec: Recorder | null): NatVerdict
  /** Expires sessions whose timers ran out by `now`. */
  tick(now: TimeMs): void
}
