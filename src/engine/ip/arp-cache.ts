// The ARP cache of one interface: RFC 826 (the merge rule: update an entry for the sender's
// address if there is one; add one when the packet was meant for us), RFC 1122 2.3.2.1 (entries
// time out; while a request is outstanding, the datagrams for that address are queued and the
// request retransmitted at most once a second).
//
// hvnet's timings (documented in the README): an entry lives ARP_REACHABLE_MS (30 s, the base
// reachable time of both Windows and Linux); an unanswered request is sent ARP_TRIES times
// ARP_RETRY_MS apart, and one interval after the last try the queued packets are dropped with
// `arp-unresolved` (Windows and Linux both give up after 3 requests). Expiry is read against the
// virtual clock (`now`); the retry timers are the stack's, on the scheduler.
import type {TimeMs} from '../clock.js'
import type {Lookup} from '../observe.js'
import {formatIpv4, formatMac, parseIpv4Address, parseMac, WireError} from '../wire/index.js'
import type {Ipv4Address, Mac} from '../wire/index.js'

export const ARP_REACHABLE_MS = 30_000
export const ARP_RETRY_MS = 1_000
export const ARP_TRIES = 3
/** Packets queued per unresolved address; more are dropped with `arp-unresolved` at once. */
export const ARP_QUEUE_MAX = 64

interface Entry {
  mac: Mac
  expiresAtMs: TimeMs
}

/** An outstanding request: how many were sent, and the IPv4 packets waiting for the answer. */
export interface PendingResolution {
  tries: number
  readonly queue: Uint8Array[]
}

export interface ArpCacheState {
  readonly entries: readonly {readonly address: string; readonly mac: string; readonly expiresAtMs: number}[]
}

export class ArpCache {
  private readonly entries = new Map<Ipv4Address, Entry>()
  readonly pending = new Map<Ipv4Address, PendingResolution>()

  /** found: a live entry; pending: a request is outstanding; not-found: neither. */
  lookup(address: Ipv4Address, now: TimeMs): Lookup<Mac> {
    const e = this.entries.get(address)
    if (e !== undefined) {
      if (e.expiresAtMs > now) return {kind: 'found', value: e.mac}
      this.entries.delete(address)
    }
    return this.pending.has(address) ? {kind: 'pending'} : {kind: 'not-found'}
  }

  /** Adds or refreshes an entry; returns the packets that were waiting for it (and forgets them). */
  learn(address: Ipv4Address, mac: Mac, now: TimeMs): Uint8Array[] {
    this.entries.set(address, {mac, expiresAtMs: now + ARP_REACHABLE_MS})
    const p = this.pending.get(address)
    if (p === undefined) return []
    this.pending.delete(address)
    return p.queue
  }

  /** RFC 826: true when a live entry exists for the address (so a packet from it updates it). */
  has(address: Ipv4Address, now: TimeMs): boolean {
    const e = this.entries.get(address)
    return e !== undefined && e.expiresAtMs > now
  }

  /** Live entries, by address. */
  list(now: TimeMs): {address: Ipv4Address; mac: Mac; expiresAtMs: TimeMs}[] {
    return [...this.entries]
      .filter(([, e]) => e.expiresAtMs > now)
      .sort(([a], [b]) => a - b)
      .map(([address, e]) => ({address, mac: e.mac, expiresAtMs: e.expiresAtMs}))
  }

  clear(): void {
    this.entries.clear()
    this.pending.clear()
  }

  exportState(now: TimeMs): ArpCacheState {
    return {entries: this.list(now).map((e) => ({address: formatIpv4(e.address), mac: formatMac(e.mac), expiresAtMs: e.expiresAtMs}))}
  }

  /** Throws a TypeError naming the first bad entry. */
  importState(state: unknown, what: string): void {
    const list = (state as {entries?: unknown} | null)?.entries
    if (!Array.isArray(list)) throw new TypeError(`ARP cache of ${what}: expected {entries: [...]}`)
    const parsed = list.map((x: unknown, i) => {
      const e = x as Record<string, unknown> | null
      const address = typeof e?.address === 'string' ? parseIpv4Address(e.address) : null
      const mac = typeof e?.mac === 'string' ? parseMac(e.mac) : null
      const exp = e?.expiresAtMs
      if (address === null || address instanceof WireError || mac === null || mac instanceof WireError || typeof exp !== 'number' || !Number.isFinite(exp)) {
        throw new TypeError(`ARP cache of ${what}: entry ${i} is not {address, mac, expiresAtMs}: ${JSON.stringify(x)}`)
      }
      return {address, mac, expiresAtMs: exp}
    })
    this.clear()
    for (const e of parsed) this.entries.set(e.address, {mac: e.mac, expiresAtMs: e.expiresAtMs})
  }
}
