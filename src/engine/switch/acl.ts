// Port ACLs (reference §4, DECISIONS 4), compiled per port and direction.
//
// Simple ACLs (Add-VMNetworkAdapterAcl), as hvnet implements them:
//   - an entry matches when each address it names matches (local/remote by direction: outbound,
//     local = source; inbound, local = destination);
//   - MAC entries match every frame; IP entries match IPv4 frames (a prefix) and, for `ANY`, IPv6
//     frames too; a non-IP frame (ARP) is judged by MAC entries only;
//   - among the matching entries of each family the most specific wins (the longest prefix; an
//     exact MAC counts 48 bits, ANY 0); on a tie Deny beats Allow;
//   - the frame is dropped when the best MAC entry or the best IP entry is Deny;
//   - no matching entry: allowed (a new adapter has no ACL at all);
//   - Meter entries never change the verdict: the most specific matching one counts the frames
//     and bytes that pass.
// Extended ACLs (Add-VMNetworkAdapterExtendedAcl): IPv4 only; larger weights first (config order
// on equal weights); the first match decides; no match allows. A matching stateful Allow records
// the flow so the traffic of the same session passes in both directions (return traffic before
// the list is consulted) until IdleSessionTimeout seconds without a packet, on the virtual clock.
// Flows expire lazily when looked up and in sweeps on insertion: no timer event is scheduled, so
// running the scheduler until idle never jumps the clock forward to a flow's expiry.
import type {TimeMs} from '../clock.js'
import type {AclAddress, ExtendedAcl, PortAcl} from '../config.js'
import {formatIpv4} from '../wire/ipv4-address.js'
import {formatMacTrace} from '../wire/mac.js'
import type {Mac} from '../wire/mac.js'
import {macHi, macLo} from './mac-table.js'

/** The address family of what a frame carries, for IP entries. */
export const FRAME_NOT_IP = 0
export const FRAME_IPV4 = 4
export const FRAME_IPV6 = 6

const SIDE_NONE = 0
const SIDE_ANY = 1
const SIDE_EXACT = 2

const ACT_DENY = 1
const ACT_METER = 2

export class CompiledAcl {
  /** Frames and bytes counted by a Meter entry. */
  packets = 0
  bytes = 0
  /** `action` as a number for the matching loop: 0 Allow, ACT_DENY, ACT_METER. */
  readonly act: number

  constructor(
    readonly index: number,
    readonly action: 'allow' | 'deny' | 'meter',
    /** true: IP entry (needs an IP frame); false: MAC entry. */
    readonly ip: boolean,
    readonly localKind: number,
    /** An exact MAC as its first 2 octets and last 4 (int32), as read from frame bytes. */
    readonly localMacHi: number,
    readonly localMacLo: number,
    /** Network and mask as int32 (`ip & mask` in int32 arithmetic never boxes a double). */
    readonly localNet: number,
    readonly localMask: number,
    readonly remoteKind: number,
    readonly remoteMacHi: number,
    readonly remoteMacLo: number,
    readonly remoteNet: number,
    readonly remoteMask: number,
    /** Prefix bits (48 for an exact MAC, 0 for ANY), summed over both sides. */
    readonly specificity: number,
    readonly ref: string,
    /** `remote 10.0.0.0/8 Allow`, for step texts. */
    readonly label: string,
  ) {
    this.act = action === 'deny' ? ACT_DENY : action === 'meter' ? ACT_METER : 0
  }
}

/** The mask of a prefix length as an int32. */
function maskOf(len: number): number {
  return len === 0 ? 0 : 0xffff_ffff << (32 - len)
}

function sideLabel(side: 'local' | 'remote', a: AclAddress | null): string {
  if (a === null) return ''
  switch (a.kind) {
    case 'ip':
      return `${side} ${formatIpv4(a.prefix.address)}/${a.prefix.length}`
    case 'mac':
      return `${side} ${formatMacTrace(a.mac)}`
    case 'any-ip':
      return `${side} ANY (IP)`
    case 'any-mac':
      return `${side} ANY (MAC)`
  }
}

function actionWord(a: PortAcl['action']): string {
  return a === 'allow' ? 'Allow' : a === 'deny' ? 'Deny' : 'Meter'
}

export function compileAcl(e: PortAcl, index: number): CompiledAcl {
  let ip = false
  let spec = 0
  const side = (a: AclAddress | null): {kind: number; mac: Mac; net: number; mask: number} => {
    if (a === null) return {kind: SIDE_NONE, mac: 0, net: 0, mask: 0}
    switch (a.kind) {
      case 'ip': {
        ip = true
        spec += a.prefix.length
        const mask = maskOf(a.prefix.length)
        return {kind: SIDE_EXACT, mac: 0, net: a.prefix.address & mask, mask}
      }
      case 'any-ip':
        ip = true
        return {kind: SIDE_ANY, mac: 0, net: 0, mask: 0}
      case 'mac':
        spec += 48
        return {kind: SIDE_EXACT, mac: a.mac, net: 0, mask: 0}
      case 'any-mac':
        return {kind: SIDE_ANY, mac: 0, net: 0, mask: 0}
    }
  }
  const l = side(e.local)
  const r = side(e.remote)
  const label = [sideLabel('local', e.local), sideLabel('remote', e.remote), actionWord(e.action)].filter((s) => s !== '').join(' ')
  return new CompiledAcl(index, e.action, ip, l.kind, macHi(l.mac), macLo(l.mac), l.net, l.mask, r.kind, macHi(r.mac), macLo(r.mac), r.net, r.mask, spec, e.ref, label)
}

/**
 * `f` is the frame; the local and remote MACs are at byte offsets `lm` and `rm` (0 or 6). IPs are
 * int32 (`x | 0`).
 */
function matches(e: CompiledAcl, fam: number, f: Uint8Array, lm: number, rm: number, localIp: number, remoteIp: number): boolean {
  if (e.ip) {
    if (fam === FRAME_NOT_IP) return false
    if (fam === FRAME_IPV6) {
      // Only ANY names an IPv6 address among the entries the configuration can hold.
      return e.localKind !== SIDE_EXACT && e.remoteKind !== SIDE_EXACT
    }
    if (e.localKind === SIDE_EXACT && (localIp & e.localMask) !== e.localNet) return false
    if (e.remoteKind === SIDE_EXACT && (remoteIp & e.remoteMask) !== e.remoteNet) return false
    return true
  }
  if (e.localKind === SIDE_EXACT && !macAt(f, lm, e.localMacHi, e.localMacLo)) return false
  if (e.remoteKind === SIDE_EXACT && !macAt(f, rm, e.remoteMacHi, e.remoteMacLo)) return false
  return true
}

function macAt(f: Uint8Array, o: number, hi: number, lo: number): boolean {
  return ((f[o] << 8) | f[o + 1]) === hi && ((f[o + 2] << 24) | (f[o + 3] << 16) | (f[o + 4] << 8) | f[o + 5]) === lo
}

/** More specific, or as specific and Deny over Allow. */
function beats(e: CompiledAcl, best: CompiledAcl | null): boolean {
  return best === null || e.specificity > best.specificity || (e.specificity === best.specificity && e.act === ACT_DENY && best.act !== ACT_DENY)
}

/** What a simple ACL list decided: the entry that decided (null: no entry matched). */
export interface AclVerdict {
  readonly allowed: boolean
  readonly entry: CompiledAcl | null
  /** The other family's best entry when both matched (for the step text). */
  readonly other: CompiledAcl | null
  /** A Deny won over an Allow entry of the same family that was exactly as specific. */
  readonly tie: boolean
}

/** One direction's simple ACL entries of one port. */
export class AclList {
  readonly entries: readonly CompiledAcl[]

  constructor(entries: readonly CompiledAcl[]) {
    this.entries = entries
  }

  /**
   * Judges a frame; counts it (and its length in bytes) on the best Meter entry when it passes.
   * Returns -1 (allowed, no entry matched), the index in `entries` of the deciding Allow entry,
   * or -2 - index of the deciding Deny entry. `verdict()` explains the same decision in objects.
   */
  check(fam: number, f: Uint8Array, lm: number, rm: number, localIp: number, remoteIp: number): number {
    const es = this.entries
    let bestMac = -1
    let bestIp = -1
    let bestMeter = -1
    for (let i = 0; i < es.length; i++) {
      const e = es[i]
      if (!matches(e, fam, f, lm, rm, localIp, remoteIp)) continue
      if (e.act === ACT_METER) {
        if (bestMeter < 0 || e.specificity > es[bestMeter].specificity) bestMeter = i
      } else if (e.ip) {
        if (beats(e, bestIp < 0 ? null : es[bestIp])) bestIp = i
      } else if (beats(e, bestMac < 0 ? null : es[bestMac])) {
        bestMac = i
      }
    }
    if (bestMac >= 0 && es[bestMac].act === ACT_DENY) return -2 - bestMac
    if (bestIp >= 0 && es[bestIp].act === ACT_DENY) return -2 - bestIp
    if (bestMeter >= 0) {
      es[bestMeter].packets++
      es[bestMeter].bytes += f.length
    }
    return bestIp >= 0 ? bestIp : bestMac
  }

  /** The decision `check` returned, with the entries a step text names. */
  explain(code: number, fam: number, f: Uint8Array, lm: number, rm: number, localIp: number, remoteIp: number): AclVerdict {
    if (code === -1) return {allowed: true, entry: null, other: null, tie: false}
    const allowed = code >= 0
    const entry = this.entries[allowed ? code : -2 - code]
    let other: CompiledAcl | null = null
    let tie = false
    for (const e of this.entries) {
      if (e.act === ACT_METER || !matches(e, fam, f, lm, rm, localIp, remoteIp)) continue
      if (e.ip !== entry.ip) {
        if (beats(e, other)) other = e
      } else if (!allowed && e.act !== ACT_DENY && e.specificity === entry.specificity) {
        tie = true
      }
    }
    return {allowed, entry, other, tie}
  }
}

export function compileAclList(acls: readonly PortAcl[], direction: 'inbound' | 'outbound'): AclList | null {
  if (acls.length === 0) return null
  const entries: CompiledAcl[] = []
  acls.forEach((a, i) => {
    if (a.direction === direction) entries.push(compileAcl(a, i))
  })
  return entries.length === 0 ? null : new AclList(entries)
}

// ---------------------------------------------------------------------------------------------
// Extended ACLs

export class CompiledExtendedAcl {
  constructor(
    readonly allow: boolean,
    readonly localNet: number,
    readonly localMask: number,
    readonly remoteNet: number,
    readonly remoteMask: number,
    /** -1 = ANY. */
    readonly localPortLo: number,
    readonly localPortHi: number,
    readonly remotePortLo: number,
    readonly remotePortHi: number,
    /** -1 = ANY. */
    readonly protocol: number,
    readonly weight: number,
    readonly stateful: boolean,
    readonly idleTimeoutMs: number,
    readonly ref: string,
    readonly label: string,
  ) {}
}

function prefixLabel(p: {address: number; length: number} | null): string {
  return p === null ? 'ANY' : `${formatIpv4(p.address)}/${p.length}`
}

function portsLabel(r: readonly [number, number] | null): string {
  return r === null ? 'ANY' : r[0] === r[1] ? `${r[0]}` : `${r[0]}-${r[1]}`
}

export function compileExtendedAcl(e: ExtendedAcl): CompiledExtendedAcl {
  const lm = e.local === null ? 0 : maskOf(e.local.length)
  const rm = e.remote === null ? 0 : maskOf(e.remote.length)
  const proto = e.protocol === null ? 'ANY' : e.protocol === 6 ? 'TCP' : e.protocol === 17 ? 'UDP' : `${e.protocol}`
  const label =
    `${e.action === 'allow' ? 'Allow' : 'Deny'} weight ${e.weight} local ${prefixLabel(e.local)}:${portsLabel(e.localPorts)} remote ${prefixLabel(e.remote)}:${portsLabel(e.remotePorts)} protocol ${proto}` +
    (e.stateful ? ` stateful (idle timeout ${e.idleSessionTimeoutS} s)` : '')
  return new CompiledExtendedAcl(
    e.action === 'allow',
    e.local === null ? 0 : e.local.address & lm,
    lm,
    e.remote === null ? 0 : e.remote.address & rm,
    rm,
    e.localPorts?.[0] ?? -1,
    e.localPorts?.[1] ?? -1,
    e.remotePorts?.[0] ?? -1,
    e.remotePorts?.[1] ?? -1,
    e.protocol ?? -1,
    e.weight,
    e.stateful && e.action === 'allow',
    e.idleSessionTimeoutS * 1000,
    e.ref,
    label,
  )
}

export class ExtendedAclList {
  /** Larger weights first; equal weights keep their configuration order. */
  readonly entries: readonly CompiledExtendedAcl[]

  constructor(entries: readonly CompiledExtendedAcl[]) {
    this.entries = entries.map((e, i) => ({e, i})).sort((a, b) => b.e.weight - a.e.weight || a.i - b.i).map((x) => x.e)
  }

  /**
   * The first matching entry, or null. IPs are int32 (`x | 0`); ports are -1 when the packet has
   * none (ICMP, a fragment).
   */
  first(localIp: number, remoteIp: number, protocol: number, localPort: number, remotePort: number): CompiledExtendedAcl | null {
    for (const e of this.entries) {
      if ((localIp & e.localMask) !== e.localNet || (remoteIp & e.remoteMask) !== e.remoteNet) continue
      if (e.protocol >= 0 && e.protocol !== protocol) continue
      if (e.localPortLo >= 0 && !(localPort >= e.localPortLo && localPort <= e.localPortHi)) continue
      if (e.remotePortLo >= 0 && !(remotePort >= e.remotePortLo && remotePort <= e.remotePortHi)) continue
      return e
    }
    return null
  }
}

export function compileExtendedAclList(acls: readonly ExtendedAcl[], direction: 'inbound' | 'outbound'): ExtendedAclList | null {
  if (acls.length === 0) return null
  const es = acls.filter((a) => a.direction === direction).map(compileExtendedAcl)
  return es.length === 0 ? null : new ExtendedAclList(es)
}

/** A session admitted by a stateful Allow entry, in the port's local/remote terms. */
export interface StatefulFlow {
  readonly entry: CompiledExtendedAcl
  readonly localIp: number
  readonly localPort: number
  readonly remoteIp: number
  readonly remotePort: number
  readonly protocol: number
  expiresAtMs: TimeMs
}

/** TCP 0, UDP 1, ICMP 2, any other protocol 3: folded into the numeric flow key. */
function protoIndex(p: number): number {
  return p === 6 ? 0 : p === 17 ? 1 : p === 1 ? 2 : 3
}

/**
 * The flows of one port. Keys are numbers (STYLE 7): remote endpoint `ip * 65536 + port`, times 4,
 * plus the protocol index; then the local endpoint. Protocols without ports use their protocol
 * number as both ports, ICMP echo its identifier, so distinct sessions never share a key.
 */
export class FlowTable {
  private readonly flows = new Map<number, Map<number, StatefulFlow>>()
  private count = 0
  private sweepAt = 1024

  get size(): number {
    return this.count
  }

  /** The live flow of this 5-tuple, its idle timer restarted; null when none or expired. */
  hit(localIp: number, localPort: number, remoteIp: number, remotePort: number, protocol: number, now: TimeMs): StatefulFlow | null {
    const inner = this.flows.get((remoteIp * 65536 + remotePort) * 4 + protoIndex(protocol))
    if (inner === undefined) return null
    const localKey = localIp * 65536 + localPort
    const f = inner.get(localKey)
    if (f === undefined || f.protocol !== protocol) return null
    if (now >= f.expiresAtMs) {
      this.remove(inner, localKey, f)
      return null
    }
    f.expiresAtMs = now + f.entry.idleTimeoutMs
    return f
  }

  open(entry: CompiledExtendedAcl, localIp: number, localPort: number, remoteIp: number, remotePort: number, protocol: number, now: TimeMs): StatefulFlow {
    if (this.count >= this.sweepAt) {
      this.expire(now)
      this.sweepAt = Math.max(1024, this.count * 2)
    }
    const key = (remoteIp * 65536 + remotePort) * 4 + protoIndex(protocol)
    let inner = this.flows.get(key)
    if (inner === undefined) this.flows.set(key, (inner = new Map()))
    const localKey = localIp * 65536 + localPort
    const existing = inner.get(localKey)
    const f: StatefulFlow = {entry, localIp, localPort, remoteIp, remotePort, protocol, expiresAtMs: now + entry.idleTimeoutMs}
    if (existing === undefined) this.count++
    inner.set(localKey, f)
    return f
  }

  /** Drops every flow idle past its timeout at `now`. */
  expire(now: TimeMs): void {
    for (const [key, inner] of this.flows) {
      for (const [lk, f] of inner) {
        if (now >= f.expiresAtMs) {
          inner.delete(lk)
          this.count--
        }
      }
      if (inner.size === 0) this.flows.delete(key)
    }
  }

  /** Live flows in a stable order (for runtime views and tests). */
  list(now: TimeMs): StatefulFlow[] {
    const out: StatefulFlow[] = []
    for (const inner of this.flows.values()) for (const f of inner.values()) if (now < f.expiresAtMs) out.push(f)
    return out.sort((a, b) => a.remoteIp - b.remoteIp || a.remotePort - b.remotePort || a.localIp - b.localIp || a.localPort - b.localPort || a.protocol - b.protocol)
  }

  private remove(inner: Map<number, StatefulFlow>, localKey: number, f: StatefulFlow): void {
    inner.delete(localKey)
    this.count--
    if (inner.size === 0) this.flows.delete((f.remoteIp * 65536 + f.remotePort) * 4 + protoIndex(f.protocol))
  }
}
