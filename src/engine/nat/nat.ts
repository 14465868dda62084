// The NAT core: WinNAT objects (New-NetNat) and the Default Switch's ICS NAT, behind the NatHook
// the host IP stack calls (../nat-hook.ts). Pure and deterministic: time comes in as `now`
// (virtual milliseconds), nothing is random, the same packets give the same sessions and ports.
//
// What it implements (the README's "The NAT" section says the same for users):
// - RFC 4787 REQ-1 endpoint-independent mapping: one internal address:port (TCP, UDP) or ICMP
//   query id keeps one external port for every destination while a session uses it; port
//   preservation (the internal port when it is free in the range, else the next free one above).
// - Filtering per NAT object: TcpFilteringBehavior / UdpFilteringBehavior
//   (AddressDependentFiltering: an unsolicited packet passes only from an address the internal
//   endpoint has sent to, RFC 4787 REQ-8 option 2; EndpointIndependentFiltering: from anyone).
// - Static mappings (Add-NetNatStaticMapping), hairpin for VMs, refused for the host (reference
//   §6.4), RFC 5508 ICMP: echo ids mapped, errors about a translated flow translated back
//   with the quoted headers and every checksum.
// - Sessions with Get-NetNatSession's properties and WinNAT's timers (Set-NetNat), on the clock
//   the caller passes: a session past its time is dead at once, even before `tick` runs.
// - Checksums patched incrementally (RFC 1624, ./rewrite.ts).
//
// Choices where WinNAT's behaviour is not documented are marked "Choice:" below.

import type {TimeMs} from '../clock.js'
import type {NatConfig, NatExternalAddress, NatStaticMapping} from '../config.js'
import type {NatEgress, NatHook, NatVerdict} from '../nat-hook.js'
import {DropCounters} from '../observe.js'
import type {FieldChange, Recorder} from '../observe.js'
import {get16, get32, put16} from '../wire/bytes.js'
import {checksumAdjust, checksumAdjust32} from '../wire/checksum.js'
import {WireError} from '../wire/error.js'
import {formatIpv4, parseIpv4Address, prefixMask} from '../wire/ipv4-address.js'
import {DEFAULT_PORT_END, DEFAULT_PORT_START, PortPool} from './pool.js'
import {addToChecksum, set16, set32, sumDelta32} from './rewrite.js'
import {NatTables, TCP_ESTABLISHED, TCP_FIN_SEEN, TCP_RST_SEEN, TCP_SYN_IN, TCP_SYN_OUT} from './table.js'

const PROTO_ICMP = 1
const PROTO_TCP = 6
const PROTO_UDP = 17

const TCP_FIN = 0x01
const TCP_SYN = 0x02
const TCP_RST = 0x04
const TCP_ACK = 0x10

const ICMP_ECHO_REPLY = 0
const ICMP_DST_UNREACHABLE = 3
const ICMP_ECHO_REQUEST = 8
const ICMP_TIME_EXCEEDED = 11

const PASS: NatVerdict = Object.freeze({kind: 'pass'})
const TRANSLATED: NatVerdict = Object.freeze({kind: 'translated'})
const HAIRPIN: NatVerdict = Object.freeze({kind: 'hairpin'})

/** `claim` found nothing behind the external endpoint / found it but filtering refused. */
const NONE = -1
const FILTERED = -2

type DropKind = 'nat-no-mapping' | 'nat-filtered' | 'nat-port-exhausted' | 'nat-hairpin-from-host'

/** One Get-NetNatSession row, plus what hvnet adds: the id in traces, the state and time left. */
export interface NatSession {
  readonly natName: string
  /** `nat MyNAT session 3` in traces. */
  readonly id: number
  /** 6 TCP, 17 UDP, 1 ICMP (Get-NetNatSession's numeric Protocol). */
  readonly protocol: number
  /** Virtual time (ms) the session was created. */
  readonly creationTime: TimeMs
  readonly internalSourceAddress: number
  readonly internalSourcePort: number
  readonly internalDestinationAddress: number
  readonly internalDestinationPort: number
  readonly externalSourceAddress: number
  readonly externalSourcePort: number
  readonly externalDestinationAddress: number
  readonly externalDestinationPort: number
  /** TCP: `opening` (before the handshake completes), `established`, `closing` (FIN or RST seen); others `active`. */
  readonly state: 'opening' | 'established' | 'closing' | 'active'
  readonly expiresAt: TimeMs
  readonly timeLeftS: number
  /** The StaticMappingID whose mapping the session uses, or null. */
  readonly staticMappingId: number | null
}

/** Use of one external port pool (one address, one protocol). */
export interface NatPoolUse {
  readonly address: number
  readonly protocol: 'ICMP' | 'TCP' | 'UDP'
  readonly portStart: number
  readonly portEnd: number
  readonly size: number
  /** Ports held by live mappings plus the ports static mappings reserve. */
  readonly inUse: number
  /** The NAT whose Add-NetNatExternalAddress range this is; null for the default range. */
  readonly natName: string | null
}

/** A session as the runtime file stores it (addresses dotted, times virtual ms). */
export interface NatSessionRecord {
  readonly nat: string
  readonly id: number
  readonly protocol: number
  readonly internalSource: string
  readonly internalSourcePort: number
  readonly internalDestination: string
  readonly internalDestinationPort: number
  readonly externalSource: string
  readonly externalSourcePort: number
  readonly externalDestination: string
  readonly externalDestinationPort: number
  readonly tcpState: number
  readonly creationTime: number
  readonly expiresAt: number
  readonly staticMappingId: number | null
}

export interface NatRuntimeState {
  readonly version: 1
  /** The next session id of each NAT, by name. */
  readonly nextIds: Readonly<Record<string, number>>
  readonly sessions: readonly NatSessionRecord[]
}

/** One NAT object, compiled for the hot path. */
interface NatObject {
  readonly cfg: NatConfig
  readonly net: number
  readonly mask: number
  readonly icmpMs: number
  readonly udpMs: number
  readonly tcpEstablishedMs: number
  readonly tcpTransientMs: number
  readonly udpInboundRefresh: boolean
  readonly tcpEif: boolean
  readonly udpEif: boolean
  readonly statics: readonly NatStaticMapping[]
  /** Add-NetNatExternalAddress entries in ExternalAddressID order. */
  readonly externals: readonly NatExternalAddress[]
  nextId: number
}

function compile(cfg: NatConfig, nextId: number): NatObject {
  const mask = prefixMask(cfg.internalPrefix.length)
  return {
    cfg,
    net: (cfg.internalPrefix.address & mask) >>> 0,
    mask,
    icmpMs: cfg.icmpQueryTimeoutS * 1000,
    udpMs: cfg.udpIdleSessionTimeoutS * 1000,
    tcpEstablishedMs: cfg.tcpEstablishedConnectionTimeoutS * 1000,
    tcpTransientMs: cfg.tcpTransientConnectionTimeoutS * 1000,
    udpInboundRefresh: cfg.udpInboundRefresh,
    tcpEif: cfg.tcpFilteringBehavior === 'EndpointIndependentFiltering',
    udpEif: cfg.udpFilteringBehavior === 'EndpointIndependentFiltering',
    statics: cfg.staticMappings,
    externals: [...cfg.externalAddresses].sort((a, b) => a.id - b.id),
    nextId,
  }
}

/** The same NAT object across a reconfiguration: same name (case-insensitive) and internal prefix. */
function sameNat(a: NatConfig, b: NatConfig): boolean {
  return a.name.toLowerCase() === b.name.toLowerCase() && a.internalPrefix.address === b.internalPrefix.address && a.internalPrefix.length === b.internalPrefix.length
}

function inside(o: NatObject, a: number): boolean {
  return ((a & o.mask) >>> 0) === o.net
}

/**
 * Whether static mapping x of NAT o owns the external endpoint (proto, dst, dport): its
 * ExternalIPAddress, or for 0.0.0.0 any host address outside the NAT's prefix (not loopback).
 */
function owns(o: NatObject, x: NatStaticMapping, proto: number, dst: number, dport: number): boolean {
  if (protoNumber(x.protocol) !== proto || x.externalPort !== dport) return false
  return x.externalAddress === dst || (x.externalAddress === 0 && !inside(o, dst) && dst >>> 24 !== 127)
}

function protoNumber(p: 'tcp' | 'udp'): number {
  return p === 'tcp' ? PROTO_TCP : PROTO_UDP
}

function protoName(p: number): 'ICMP' | 'TCP' | 'UDP' {
  return p === PROTO_TCP ? 'TCP' : p === PROTO_UDP ? 'UDP' : 'ICMP'
}

function prefixHas(prefix: {readonly address: number; readonly length: number}, a: number): boolean {
  const m = prefixMask(prefix.length)
  return ((a & m) >>> 0) === ((prefix.address & m) >>> 0)
}

function poolKey(addr: number, proto: number): number {
  return addr * 4 + (proto === PROTO_ICMP ? 0 : proto === PROTO_TCP ? 1 : 2)
}

/**
 * The total length of an IPv4 packet whose header is whole and consistent (version 4, IHL >= 5,
 * header <= total length <= bytes present), else -1: anything else is not the NAT's to read.
 */
function ipv4Total(p: Uint8Array): number {
  if (p.length < 20 || p[0] >>> 4 !== 4) return -1
  const hl = (p[0] & 15) << 2
  const total = (p[2] << 8) | p[3]
  return hl < 20 || total < hl || total > p.length ? -1 : total
}

/** The ICMP checksum of an all-zero message is 0xffff (RFC 1071); RFC 1624 eqn. 3 gives 0 there. */
function fixZeroIcmpSum(p: Uint8Array, start: number, end: number): void {
  if (get16(p, start + 2) !== 0) return
  for (let i = start; i < end; i++) if (p[i] !== 0) return
  put16(p, start + 2, 0xffff)
}

export class NatCore implements NatHook {
  private objects: NatObject[] = []
  private natNet = new Uint32Array(0)
  private natMask = new Uint32Array(0)
  private readonly t = new NatTables()
  private readonly pools = new Map<number, PortPool>()
  /** No session expires before this (a lower bound): `tick` scans only when it is reached. */
  private nextDue = Infinity
  /** Why the last `claim` refused (cold path; read right after a FILTERED answer). */
  private filteredText = ''
  private filteredRef: string | null = null
  readonly drops = new DropCounters()

  constructor(nats: readonly NatConfig[] = []) {
    this.configure(nats)
  }

  // -------------------------------------------------------------------------------------------
  // Configuration

  /**
   * Applies a new set of NAT objects. A NAT that is gone, or whose internal prefix changed, loses
   * its sessions ("NAT drops any existing connections created through that NAT object",
   * Remove-NetNat); the others keep theirs and take the new timeouts and filtering at once.
   */
  configure(nats: readonly NatConfig[]): void {
    const old = this.objects
    const next = nats.map((cfg) => {
      const prev = old.find((o) => sameNat(o.cfg, cfg))
      return compile(cfg, prev?.nextId ?? 1)
    })
    const remap = old.map((o) => next.findIndex((n) => sameNat(n.cfg, o.cfg)))
    const t = this.t
    for (let s = 0; s < t.sHigh; s++) if (t.sProto(s) !== 0 && remap[t.sNat(s)] < 0) this.expire(s)
    for (let s = 0; s < t.sHigh; s++) if (t.sProto(s) !== 0) t.setNat(s, remap[t.sNat(s)])
    const demoted: number[] = []
    for (let m = 0; m < t.mHigh; m++) {
      if (t.mProto[m] === 0) continue
      const was = t.mNat[m]
      const n = remap[was]
      t.mNat[m] = n
      const st = t.mStatic[m]
      if (st < 0) continue
      // A static mapping that is gone no longer reserves its port: the mapping becomes dynamic.
      const x = old[was].statics[st]
      t.mStatic[m] = next[n].statics.findIndex((y) => y.id === x.id && y.protocol === x.protocol && y.externalPort === x.externalPort && y.internalAddress === x.internalAddress && y.internalPort === x.internalPort)
      if (t.mStatic[m] < 0) demoted.push(m)
    }
    this.objects = next
    this.natNet = Uint32Array.from(next, (o) => o.net)
    this.natMask = Uint32Array.from(next, (o) => o.mask)
    // Pools nobody uses are rebuilt on demand with the new ranges; the others keep their range.
    for (const [k, p] of this.pools) if (p.usedCount === 0) this.pools.delete(k)
    for (const p of this.pools.values()) p.setReserved(this.staticPorts(p.address, p.protocol))
    for (const m of demoted) this.pool(t.mExtAddr[m], t.mProto[m]).take(t.mExtPort[m])
  }

  /** Remove-NetNat for one object: its sessions go with it. */
  removeNat(name: string): void {
    this.configure(this.objects.filter((o) => o.cfg.name.toLowerCase() !== name.toLowerCase()).map((o) => o.cfg))
  }

  // -------------------------------------------------------------------------------------------
  // NatHook

  outbound(p: Uint8Array, _ingressAlias: string, egress: NatEgress, now: TimeMs, rec: Recorder | null): NatVerdict {
    const total = ipv4Total(p)
    if (total < 0) return PASS
    const hl = (p[0] & 15) << 2
    const src = get32(p, 12)
    const n = this.natOf(src)
    if (n < 0) return PASS
    const o = this.objects[n]
    const dst = get32(p, 16)
    if (inside(o, dst)) return PASS
    if ((((p[6] & 0x1f) << 8) | p[7]) !== 0) {
      // Choice: no reassembly; a later fragment carries no port to find its session by.
      return this.drop('nat-no-mapping', `${o.cfg.name} does not translate IP fragments after the first (hvnet's NAT does not reassemble)`, o.cfg.ref)
    }
    if (egress.address === 0 && o.externals.length === 0) {
      return this.drop('nat-no-mapping', `${o.cfg.name} has no address to translate to: ${egress.alias} has no IPv4 address and the NAT no external address`, o.cfg.ref)
    }
    const proto = p[9]
    if (proto === PROTO_UDP || proto === PROTO_TCP) return this.outboundL4(p, hl, total, n, proto, src, dst, egress.address, now, rec)
    if (proto === PROTO_ICMP) return this.outboundIcmp(p, hl, total, n, src, dst, egress, now, rec)
    // Choice: WinNAT documents TCP, UDP and ICMP only; other protocols are not translated.
    return this.drop('nat-no-mapping', `${o.cfg.name} translates TCP, UDP and ICMP only; IP protocol ${proto} is not translated`, o.cfg.ref)
  }

  /** The hot path: a TCP/UDP packet leaving a NAT's internal prefix (kept small for V8's inliner). */
  private outboundL4(p: Uint8Array, hl: number, total: number, n: number, proto: number, src: number, dst: number, egressAddr: number, now: number, rec: Recorder | null): NatVerdict {
    const o = this.objects[n]
    if (total - hl < (proto === PROTO_UDP ? 8 : 20)) return this.drop('nat-no-mapping', `${o.cfg.name} cannot translate a ${protoName(proto)} packet too short to carry its ports`, o.cfg.ref)
    const sport = (p[hl] << 8) | p[hl + 1]
    const dport = (p[hl + 2] << 8) | p[hl + 3]
    const t = this.t
    let s = this.liveInt(proto, src, sport, dst, dport, now)
    let created = false
    if (s < 0) {
      s = this.openOutbound(n, proto, src, sport, dst, dport, egressAddr, now)
      if (s < 0) return this.exhausted(o, proto, src, sport)
      created = true
    }
    if (proto === PROTO_TCP) this.tcpSeen(s, p[hl + 13], true, now)
    else this.setExpiry(s, now + o.udpMs)
    const before = rec === null ? null : p.slice(0, total)
    this.rewriteL4(p, hl, proto, t.sExtAddr(s), t.sExtPort(s), dst, dport)
    if (before !== null && rec !== null) this.record(rec, now, o, before, p, hl, total, this.sessionRef(s, created))
    return TRANSLATED
  }

  inbound(p: Uint8Array, ingressAlias: string | null, now: TimeMs, rec: Recorder | null): NatVerdict {
    const total = ipv4Total(p)
    if (total < 0) return PASS
    const hl = (p[0] & 15) << 2
    const src = get32(p, 12)
    const dst = get32(p, 16)
    const proto = p[9]
    const fragment = (((p[6] & 0x1f) << 8) | p[7]) !== 0
    if (ingressAlias === null) return fragment ? PASS : this.fromHost(p, hl, total, dst, proto)
    const n = this.natOf(src)
    if (n >= 0) {
      // A VM to its gateway (or any host address inside its prefix): the host's own traffic.
      if (inside(this.objects[n], dst) || fragment) return PASS
      return this.hairpin(p, hl, total, n, src, dst, proto, now, rec)
    }
    // Choice: a later fragment addressed to the host is the host's to reassemble.
    if (fragment) return PASS
    if (proto === PROTO_UDP || proto === PROTO_TCP) return this.inboundL4(p, hl, total, proto, src, dst, now, rec)
    if (proto === PROTO_ICMP && total - hl >= 8) {
      const type = p[hl]
      if (type === ICMP_ECHO_REPLY) return this.inboundEchoReply(p, hl, total, src, dst, now, rec)
      if (type === ICMP_DST_UNREACHABLE || type === ICMP_TIME_EXCEEDED) return this.icmpError(p, hl, total, true, now, rec)
    }
    return PASS
  }

  /** A TCP/UDP packet from outside to a host address: a session's reply, or one a mapping admits. */
  private inboundL4(p: Uint8Array, hl: number, total: number, proto: number, src: number, dst: number, now: number, rec: Recorder | null): NatVerdict {
    if (total - hl < (proto === PROTO_UDP ? 8 : 20)) return PASS
    const sport = (p[hl] << 8) | p[hl + 1]
    const dport = (p[hl + 2] << 8) | p[hl + 3]
    const t = this.t
    let s = this.liveExt(proto, dst, dport, src, sport, now)
    let created = false
    if (s < 0) {
      s = this.claim(proto, dst, dport, src, sport, now)
      if (s === FILTERED) return this.drop('nat-filtered', this.filteredText, this.filteredRef)
      if (s === NONE) return this.notMapped(proto, dst, dport, src, sport)
      created = true
    }
    const o = this.objects[t.sNat(s)]
    if (proto === PROTO_TCP) this.tcpSeen(s, p[hl + 13], false, now)
    else if (created || o.udpInboundRefresh) this.setExpiry(s, now + o.udpMs)
    const before = rec === null ? null : p.slice(0, total)
    this.rewriteL4(p, hl, proto, t.sInDstAddr(s), t.sInDstPort(s), t.sIntAddr(s), t.sIntPort(s))
    if (before !== null && rec !== null) this.record(rec, now, o, before, p, hl, total, this.sessionRef(s, created))
    return TRANSLATED
  }

  /**
   * Expires sessions whose time ran out by `now`. Cheap when nothing is due: a full scan happens
   * only once the earliest possible expiry is reached.
   */
  tick(now: TimeMs): void {
    if (now < this.nextDue) return
    const t = this.t
    let next = Infinity
    for (let s = 0; s < t.sHigh; s++) {
      if (t.sProto(s) === 0) continue
      const e = t.sExpires(s)
      if (e <= now) this.expire(s)
      else if (e < next) next = e
    }
    this.nextDue = next
  }

  // -------------------------------------------------------------------------------------------
  // Reading the state

  get sessionCount(): number {
    return this.t.sLive
  }

  /** Bytes held by the session and mapping tables at their current capacity. */
  get tableBytes(): number {
    return this.t.bytes
  }

  /** Live sessions at `now` (expired ones are dropped first), by NAT then id. */
  sessions(now: TimeMs, natName?: string): NatSession[] {
    this.tick(now)
    const t = this.t
    const out: NatSession[] = []
    for (let s = 0; s < t.sHigh; s++) {
      if (t.sProto(s) === 0) continue
      const o = this.objects[t.sNat(s)]
      if (natName !== undefined && o.cfg.name.toLowerCase() !== natName.toLowerCase()) continue
      const st = t.mStatic[t.sMap(s)]
      out.push({
        natName: o.cfg.name,
        id: t.sId(s),
        protocol: t.sProto(s),
        creationTime: t.sCreated(s),
        internalSourceAddress: t.sIntAddr(s),
        internalSourcePort: t.sIntPort(s),
        internalDestinationAddress: t.sInDstAddr(s),
        internalDestinationPort: t.sInDstPort(s),
        externalSourceAddress: t.sExtAddr(s),
        externalSourcePort: t.sExtPort(s),
        externalDestinationAddress: t.sRemAddr(s),
        externalDestinationPort: t.sRemPort(s),
        state: this.stateName(s),
        expiresAt: t.sExpires(s),
        timeLeftS: Math.max(0, (t.sExpires(s) - now) / 1000),
        staticMappingId: st >= 0 ? o.statics[st].id : null,
      })
    }
    const order = new Map(this.objects.map((o, i) => [o.cfg.name, i]))
    return out.sort((a, b) => order.get(a.natName)! - order.get(b.natName)! || a.id - b.id)
  }

  /** Each external port pool in use: address, protocol, range and ports taken. */
  poolUse(): NatPoolUse[] {
    const out: NatPoolUse[] = []
    for (const p of this.pools.values()) {
      out.push({
        address: p.address,
        protocol: protoName(p.protocol),
        portStart: p.start,
        portEnd: p.end,
        size: p.size,
        inUse: p.usedCount + p.reservedInRange,
        natName: p.ownerNat >= 0 && p.ownerNat < this.objects.length ? this.objects[p.ownerNat].cfg.name : null,
      })
    }
    return out.sort((a, b) => a.address - b.address || a.protocol.localeCompare(b.protocol))
  }

  // -------------------------------------------------------------------------------------------
  // Runtime file

  exportState(): NatRuntimeState {
    const t = this.t
    const sessions: NatSessionRecord[] = []
    for (let s = 0; s < t.sHigh; s++) {
      if (t.sProto(s) === 0) continue
      const o = this.objects[t.sNat(s)]
      const st = t.mStatic[t.sMap(s)]
      sessions.push({
        nat: o.cfg.name,
        id: t.sId(s),
        protocol: t.sProto(s),
        internalSource: formatIpv4(t.sIntAddr(s)),
        internalSourcePort: t.sIntPort(s),
        internalDestination: formatIpv4(t.sInDstAddr(s)),
        internalDestinationPort: t.sInDstPort(s),
        externalSource: formatIpv4(t.sExtAddr(s)),
        externalSourcePort: t.sExtPort(s),
        externalDestination: formatIpv4(t.sRemAddr(s)),
        externalDestinationPort: t.sRemPort(s),
        tcpState: t.sState(s),
        creationTime: t.sCreated(s),
        expiresAt: t.sExpires(s),
        staticMappingId: st >= 0 ? o.statics[st].id : null,
      })
    }
    sessions.sort((a, b) => (a.nat < b.nat ? -1 : a.nat > b.nat ? 1 : a.id - b.id))
    const nextIds: Record<string, number> = {}
    for (const o of this.objects) nextIds[o.cfg.name] = o.nextId
    return {version: 1, nextIds, sessions}
  }

  /**
   * Replaces every session with those of a runtime file (from `exportState`). Sessions of NATs
   * that no longer exist are left out. Throws a RangeError naming the first malformed field.
   */
  importState(json: unknown): void {
    const state = parseNatState(json)
    const t = this.t
    t.clear()
    this.pools.clear()
    this.nextDue = Infinity
    for (const o of this.objects) o.nextId = state.nextIds[o.cfg.name] ?? o.nextId
    for (const r of state.sessions) {
      const n = this.objects.findIndex((o) => o.cfg.name.toLowerCase() === r.nat.toLowerCase())
      if (n < 0) continue
      const o = this.objects[n]
      const intAddr = parseIpv4Address(r.internalSource) as number
      const extAddr = parseIpv4Address(r.externalSource) as number
      let m = t.findMappingExt(r.protocol, extAddr, r.externalSourcePort)
      if (m < 0 || t.mIntAddr[m] !== intAddr || t.mIntPort[m] !== r.internalSourcePort) {
        const st = r.staticMappingId === null ? -1 : o.statics.findIndex((x) => x.id === r.staticMappingId)
        if (st < 0 && !this.pool(extAddr, r.protocol).take(r.externalSourcePort)) continue
        m = t.addMapping(n, r.protocol, intAddr, r.internalSourcePort, extAddr, r.externalSourcePort, st)
      }
      const s = t.addSession(m, parseIpv4Address(r.externalDestination) as number, r.externalDestinationPort, parseIpv4Address(r.internalDestination) as number, r.internalDestinationPort, r.creationTime, r.id)
      t.setState(s, r.tcpState)
      this.setExpiry(s, r.expiresAt)
      if (o.nextId <= r.id) o.nextId = r.id + 1
    }
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  private natOf(a: number): number {
    const nets = this.natNet
    const masks = this.natMask
    for (let i = 0; i < nets.length; i++) if (((a & masks[i]) >>> 0) === nets[i]) return i
    return -1
  }

  /** The live session of an internal 5-tuple, or -1 (one past its time is expired on the spot). */
  private liveInt(proto: number, addr: number, port: number, dstAddr: number, dstPort: number, now: number): number {
    const s = this.t.findSessionInt(proto, addr, port, dstAddr, dstPort)
    if (s < 0 || this.t.sExpires(s) > now) return s
    this.expire(s)
    return -1
  }

  /** The live session of an external 5-tuple, or -1 (one past its time is expired on the spot). */
  private liveExt(proto: number, addr: number, port: number, remAddr: number, remPort: number, now: number): number {
    const s = this.t.findSessionExt(proto, addr, port, remAddr, remPort)
    if (s < 0 || this.t.sExpires(s) > now) return s
    this.expire(s)
    return -1
  }

  private setExpiry(s: number, at: number): void {
    this.t.setExpires(s, at)
    if (at < this.nextDue) this.nextDue = at
  }

  /** Frees a session, its mapping when it was the last, and the mapping's port. */
  private expire(s: number): void {
    const t = this.t
    const m = t.sMap(s)
    const proto = t.mProto[m]
    const addr = t.mExtAddr[m]
    const port = t.mExtPort[m]
    const dynamic = t.mStatic[m] < 0
    if (t.removeSession(s) >= 0 && dynamic) this.pools.get(poolKey(addr, proto))?.release(port)
  }

  /** Expires the dead sessions of mapping m; true if the mapping is still alive. */
  private pruneMapping(m: number, now: number): boolean {
    const t = this.t
    let s = t.mFirst[m]
    while (s >= 0) {
      const next = t.sNext(s)
      if (t.sExpires(s) <= now) {
        const last = t.mRefs[m] === 1
        this.expire(s)
        if (last) return false
      }
      s = next
    }
    return true
  }

  /**
   * TCP state and timer: TcpTransientConnectionTimeout until the handshake completes (SYN seen both
   * ways, then an ACK without SYN) and again once a FIN or RST is seen; TcpEstablishedConnectionTimeout
   * in between. Every segment, either way, refreshes the timer. A new SYN on a closing session starts over.
   */
  private tcpSeen(s: number, flags: number, outbound: boolean, now: number): void {
    const t = this.t
    let st = t.sState(s)
    if ((flags & (TCP_SYN | TCP_ACK)) === TCP_SYN && (st & (TCP_FIN_SEEN | TCP_RST_SEEN)) !== 0) st = 0
    if ((flags & TCP_RST) !== 0) st |= TCP_RST_SEEN
    if ((flags & TCP_FIN) !== 0) st |= TCP_FIN_SEEN
    if ((flags & TCP_SYN) !== 0) st |= outbound ? TCP_SYN_OUT : TCP_SYN_IN
    else if ((flags & TCP_ACK) !== 0 && (st & (TCP_SYN_OUT | TCP_SYN_IN)) === (TCP_SYN_OUT | TCP_SYN_IN)) st |= TCP_ESTABLISHED
    t.setState(s, st)
    const o = this.objects[t.sNat(s)]
    this.setExpiry(s, now + ((st & (TCP_ESTABLISHED | TCP_FIN_SEEN | TCP_RST_SEEN)) === TCP_ESTABLISHED ? o.tcpEstablishedMs : o.tcpTransientMs))
  }

  private stateName(s: number): NatSession['state'] {
    const t = this.t
    if (t.sProto(s) !== PROTO_TCP) return 'active'
    const st = t.sState(s)
    if ((st & (TCP_FIN_SEEN | TCP_RST_SEEN)) !== 0) return 'closing'
    return (st & TCP_ESTABLISHED) !== 0 ? 'established' : 'opening'
  }

  private pool(addr: number, proto: number): PortPool {
    const key = poolKey(addr, proto)
    let p = this.pools.get(key)
    if (p === undefined) {
      let start = DEFAULT_PORT_START
      let end = DEFAULT_PORT_END
      let owner = -1
      for (let n = 0; n < this.objects.length && owner < 0; n++) {
        for (const x of this.objects[n].cfg.externalAddresses) {
          if (x.address === addr) {
            start = x.portStart
            end = x.portEnd
            owner = n
            break
          }
        }
      }
      p = new PortPool(addr, proto, start, end, owner)
      p.setReserved(this.staticPorts(addr, proto))
      this.pools.set(key, p)
    }
    return p
  }

  /** External ports static mappings hold on an address (ExternalIPAddress equal or 0.0.0.0). */
  private staticPorts(addr: number, proto: number): number[] {
    const out: number[] = []
    for (const o of this.objects) for (const m of o.statics) if (protoNumber(m.protocol) === proto && (m.externalAddress === addr || m.externalAddress === 0)) out.push(m.externalPort)
    return out
  }

  /**
   * A session for a new outbound flow, on the internal endpoint's mapping (made if none: a static
   * mapping's port for its internal endpoint, else a pool port). -1 when the pool is exhausted.
   *
   * Choice: the external address is the first of the NAT's Add-NetNatExternalAddress addresses
   * (in ExternalAddressID order) whose range has the internal port free, else the first with any
   * free port; without external addresses, the host's address on the egress interface.
   */
  private openOutbound(n: number, proto: number, src: number, sport: number, dst: number, dport: number, egressAddr: number, now: number): number {
    const t = this.t
    let m = t.findMappingInt(proto, src, sport)
    if (m >= 0 && !this.pruneMapping(m, now)) m = t.findMappingInt(proto, src, sport)
    if (m < 0) {
      m = this.newMapping(n, proto, src, sport, egressAddr)
      if (m < 0) return -1
    }
    const o = this.objects[n]
    return t.addSession(m, dst, dport, dst, dport, now, o.nextId++)
  }

  private newMapping(n: number, proto: number, src: number, sport: number, egressAddr: number): number {
    const o = this.objects[n]
    const t = this.t
    if (proto !== PROTO_ICMP) {
      // Choice: the internal endpoint of a static mapping leaves by its mapped port (symmetric with the mapping).
      for (let i = 0; i < o.statics.length; i++) {
        const x = o.statics[i]
        if (protoNumber(x.protocol) === proto && x.internalAddress === src && x.internalPort === sport) {
          const addr = x.externalAddress !== 0 ? x.externalAddress : o.externals.length > 0 ? o.externals[0].address : egressAddr
          if (t.findMappingExt(proto, addr, x.externalPort) < 0) return t.addMapping(n, proto, src, sport, addr, x.externalPort, i)
        }
      }
    }
    const xs = o.externals
    if (xs.length === 0) {
      if (egressAddr === 0) return -1
      const port = this.pool(egressAddr, proto).allocate(sport)
      return port < 0 ? -1 : t.addMapping(n, proto, src, sport, egressAddr, port, -1)
    }
    for (const x of xs) {
      const pool = this.pool(x.address, proto)
      if (pool.isFree(sport) && sport >= pool.start && sport <= pool.end && pool.take(sport)) return t.addMapping(n, proto, src, sport, x.address, sport, -1)
    }
    for (const x of xs) {
      const port = this.pool(x.address, proto).allocate(sport)
      if (port >= 0) return t.addMapping(n, proto, src, sport, x.address, port, -1)
    }
    return -1
  }

  /**
   * A new session for an unsolicited packet from (rsrc, rsport) to the external endpoint
   * (dst, dport): a live mapping admits it under its NAT's filtering, a static mapping under its
   * RemoteExternalIPAddressPrefix. NONE when nothing is behind the endpoint, FILTERED when refused.
   */
  private claim(proto: number, dst: number, dport: number, rsrc: number, rsport: number, now: number): number {
    const t = this.t
    let m = t.findMappingExt(proto, dst, dport)
    if (m >= 0 && !this.pruneMapping(m, now)) m = t.findMappingExt(proto, dst, dport)
    if (m >= 0) {
      const o = this.objects[t.mNat[m]]
      const st = t.mStatic[m]
      const eif = proto === PROTO_TCP ? o.tcpEif : o.udpEif
      const byStatic = st >= 0 && prefixHas(o.statics[st].remoteExternalPrefix, rsrc)
      if (!eif && !byStatic && !t.mappingHasRemote(m, rsrc)) {
        if (st >= 0) return this.refuseStatic(o, o.statics[st], proto, dst, dport, rsrc)
        const what = `${formatIpv4(t.mIntAddr[m])}:${t.mIntPort[m]}`
        this.filteredText = `${o.cfg.name} filters ${protoName(proto)} from ${formatIpv4(rsrc)}:${rsport} to ${formatIpv4(dst)}:${dport}: ${what} has not sent to ${formatIpv4(rsrc)} (${proto === PROTO_TCP ? 'Tcp' : 'Udp'}FilteringBehavior AddressDependentFiltering)`
        this.filteredRef = o.cfg.ref
        return FILTERED
      }
      return t.addSession(m, rsrc, rsport, rsrc, rsport, now, o.nextId++)
    }
    let refused: {o: NatObject; x: NatStaticMapping} | null = null
    for (let n = 0; n < this.objects.length; n++) {
      const o = this.objects[n]
      for (let i = 0; i < o.statics.length; i++) {
        const x = o.statics[i]
        if (!owns(o, x, proto, dst, dport)) continue
        if (!prefixHas(x.remoteExternalPrefix, rsrc)) {
          refused ??= {o, x}
          continue
        }
        m = t.addMapping(n, proto, x.internalAddress, x.internalPort, dst, dport, i)
        return t.addSession(m, rsrc, rsport, rsrc, rsport, now, o.nextId++)
      }
    }
    return refused === null ? NONE : this.refuseStatic(refused.o, refused.x, proto, dst, dport, rsrc)
  }

  private refuseStatic(o: NatObject, x: NatStaticMapping, proto: number, dst: number, dport: number, rsrc: number): number {
    this.filteredText = `${o.cfg.name} static mapping ${x.id} admits ${protoName(proto)} to ${formatIpv4(dst)}:${dport} only from ${formatIpv4(x.remoteExternalPrefix.address)}/${x.remoteExternalPrefix.length}, not from ${formatIpv4(rsrc)} (RemoteExternalIPAddressPrefix)`
    this.filteredRef = x.ref
    return FILTERED
  }

  /**
   * Nothing behind an external endpoint. Choice: a packet to a port of an Add-NetNatExternalAddress
   * range is the NAT's (`nat-no-mapping`); anything else to the host is the host's own traffic
   * (`pass`: the host's sockets take it, or the host answers as Windows does for a closed port).
   */
  private notMapped(proto: number, dst: number, dport: number, src: number, sport: number): NatVerdict {
    for (const o of this.objects) {
      for (const x of o.cfg.externalAddresses) {
        if (x.address === dst && dport >= x.portStart && dport <= x.portEnd) {
          const from = proto === PROTO_ICMP ? formatIpv4(src) : `${formatIpv4(src)}:${sport}`
          return this.drop('nat-no-mapping', `${o.cfg.name} has no session or mapping for ${protoName(proto)} ${proto === PROTO_ICMP ? 'query id' : 'port'} ${dport} of its external address ${formatIpv4(dst)} (from ${from})`, o.cfg.ref)
        }
      }
    }
    return PASS
  }

  private exhausted(o: NatObject, proto: number, src: number, sport: number): NatVerdict {
    const ranges = o.externals.length > 0 ? o.externals.map((x) => `${formatIpv4(x.address)} ${x.portStart}-${x.portEnd}`).join(', ') : `${DEFAULT_PORT_START}-${DEFAULT_PORT_END}`
    return this.drop('nat-port-exhausted', `${o.cfg.name} has no free external ${proto === PROTO_ICMP ? 'query id' : `${protoName(proto)} port`} for ${formatIpv4(src)}:${sport} (pool ${ranges} in use)`, o.cfg.ref)
  }

  private drop(reason: DropKind, text: string, ref: string | null): NatVerdict {
    this.drops.count(reason)
    return {kind: 'drop', reason, text, ref}
  }

  /** Rewrites addresses and ports of a TCP/UDP packet, patching the IPv4 and transport checksums. */
  private rewriteL4(p: Uint8Array, hl: number, proto: number, nsa: number, nsp: number, nda: number, ndp: number): void {
    const osa = get32(p, 12)
    const oda = get32(p, 16)
    const osp = (p[hl] << 8) | p[hl + 1]
    const odp = (p[hl + 2] << 8) | p[hl + 3]
    // RFC 1624: one delta for the addresses (both checksums), plus the ports for the transport one.
    const d = (osa === nsa ? 0 : sumDelta32(osa, nsa)) + (oda === nda ? 0 : sumDelta32(oda, nda))
    if (d !== 0) {
      const ipSum = addToChecksum((p[10] << 8) | p[11], d)
      p[10] = ipSum >>> 8
      p[11] = ipSum
    }
    const cs = hl + (proto === PROTO_UDP ? 6 : 16)
    let c = (p[cs] << 8) | p[cs + 1]
    if (proto === PROTO_TCP || c !== 0) {
      c = addToChecksum(c, d + (osp === nsp ? 0 : (~osp & 0xffff) + nsp) + (odp === ndp ? 0 : (~odp & 0xffff) + ndp))
      if (c === 0 && proto === PROTO_UDP) c = 0xffff
      p[cs] = c >>> 8
      p[cs + 1] = c
    }
    // Plain byte stores: this method is inlined into the hot paths, and calls would not be.
    p[12] = nsa >>> 24
    p[13] = nsa >>> 16
    p[14] = nsa >>> 8
    p[15] = nsa
    p[16] = nda >>> 24
    p[17] = nda >>> 16
    p[18] = nda >>> 8
    p[19] = nda
    p[hl] = nsp >>> 8
    p[hl + 1] = nsp
    p[hl + 2] = ndp >>> 8
    p[hl + 3] = ndp
  }

  private outboundIcmp(p: Uint8Array, hl: number, total: number, n: number, src: number, dst: number, egress: NatEgress, now: number, rec: Recorder | null): NatVerdict {
    const o = this.objects[n]
    if (total - hl < 8) return this.drop('nat-no-mapping', `${o.cfg.name} cannot translate an ICMP message shorter than its 8-byte header`, o.cfg.ref)
    const type = p[hl]
    if (type === ICMP_ECHO_REQUEST) {
      const id = get16(p, hl + 4)
      const t = this.t
      let s = this.liveInt(PROTO_ICMP, src, id, dst, 0, now)
      let created = false
      if (s < 0) {
        s = this.openOutbound(n, PROTO_ICMP, src, id, dst, 0, egress.address, now)
        if (s < 0) return this.exhausted(o, PROTO_ICMP, src, id)
        created = true
      }
      this.setExpiry(s, now + o.icmpMs)
      const before = rec === null ? null : p.slice(0, total)
      set32(p, 12, t.sExtAddr(s), 10)
      set16(p, hl + 4, t.sExtPort(s), hl + 2)
      fixZeroIcmpSum(p, hl, total)
      if (before !== null && rec !== null) this.record(rec, now, o, before, p, hl, total, this.sessionRef(s, created))
      return TRANSLATED
    }
    if (type === ICMP_DST_UNREACHABLE || type === ICMP_TIME_EXCEEDED) return this.icmpError(p, hl, total, false, now, rec)
    // Choice: only echo (the query WinNAT maps) and errors about a translated flow go out.
    return this.drop('nat-no-mapping', `${o.cfg.name} translates ICMP echo requests and errors about translated flows; ICMP type ${type} is not translated`, o.cfg.ref)
  }

  /**
   * An echo reply to the host. Choice: it must come from the address pinged (the session's remote;
   * there is no filtering setting for ICMP), and it does not refresh the session (a query's timer
   * runs from the last request, as UdpInboundRefresh $false does for UDP).
   */
  private inboundEchoReply(p: Uint8Array, hl: number, total: number, src: number, dst: number, now: number, rec: Recorder | null): NatVerdict {
    const t = this.t
    const id = get16(p, hl + 4)
    const s = this.liveExt(PROTO_ICMP, dst, id, src, 0, now)
    if (s < 0) {
      let m = t.findMappingExt(PROTO_ICMP, dst, id)
      if (m >= 0 && !this.pruneMapping(m, now)) m = -1
      if (m >= 0) {
        const o = this.objects[t.mNat[m]]
        return this.drop('nat-filtered', `${o.cfg.name} drops an echo reply from ${formatIpv4(src)} for query id ${id}: ${formatIpv4(t.mIntAddr[m])} did not ping ${formatIpv4(src)}`, o.cfg.ref)
      }
      return this.notMapped(PROTO_ICMP, dst, id, src, 0)
    }
    const o = this.objects[t.sNat(s)]
    const before = rec === null ? null : p.slice(0, total)
    set32(p, 16, t.sIntAddr(s), 10)
    set16(p, hl + 4, t.sIntPort(s), hl + 2)
    fixZeroIcmpSum(p, hl, total)
    if (before !== null && rec !== null) this.record(rec, now, o, before, p, hl, total, this.sessionRef(s, false))
    return TRANSLATED
  }

  /**
   * RFC 5508: an ICMP error (destination unreachable, time exceeded) about a translated flow.
   * Inbound, the quoted packet is one the NAT sent out (source = the external endpoint); outbound
   * (a VM's error about a flow that came in), the quoted packet is one the NAT delivered inside
   * (destination = the VM). The outer address, the quoted addresses and ports, the quoted IPv4
   * and transport checksums and the ICMP checksum are all rewritten. Errors may come from any
   * router on the path, so their source is not filtered (RFC 5508 REQ-3), and they refresh nothing.
   */
  private icmpError(p: Uint8Array, hl: number, total: number, inbound: boolean, now: number, rec: Recorder | null, quiet = false): NatVerdict {
    const miss = (why: string): NatVerdict => {
      if (inbound || quiet) return PASS
      const o = this.objects[this.natOf(get32(p, 12))]
      return this.drop('nat-no-mapping', `${o.cfg.name} does not send out an ICMP error ${why}`, o.cfg.ref)
    }
    const q = hl + 8
    if (total < q + 20 || p[q] >>> 4 !== 4) return miss('that quotes no IPv4 header')
    const qhl = (p[q] & 15) << 2
    const qt = q + qhl
    if (qhl < 20 || qt + 8 > total) return miss('that quotes less than a header and 8 bytes')
    const qproto = p[q + 9]
    const qsrc = get32(p, q + 12)
    const qdst = get32(p, q + 16)
    let qsport: number
    let qdport: number
    if (qproto === PROTO_TCP || qproto === PROTO_UDP) {
      qsport = get16(p, qt)
      qdport = get16(p, qt + 2)
    } else if (qproto === PROTO_ICMP && inbound && p[qt] === ICMP_ECHO_REQUEST) {
      qsport = get16(p, qt + 4)
      qdport = 0
    } else {
      return miss(`about IP protocol ${qproto}`)
    }
    const t = this.t
    const s = inbound ? t.findSessionExt(qproto, qsrc, qsport, qdst, qdport) : t.findSessionInt(qproto, qdst, qdport, qsrc, qsport)
    if (s < 0 || t.sExpires(s) <= now) return miss('about a flow it has no session for')
    const before = rec === null ? null : p.slice(0, total)
    const ic = hl + 2
    // New quoted endpoints: inbound, the quoted packet becomes the one the VM sent; outbound, the one the remote sent.
    const nsa = inbound ? t.sIntAddr(s) : t.sRemAddr(s)
    const nsp = inbound ? t.sIntPort(s) : t.sRemPort(s)
    const nda = inbound ? t.sInDstAddr(s) : t.sExtAddr(s)
    const ndp = inbound ? t.sInDstPort(s) : t.sExtPort(s)
    if (qproto === PROTO_ICMP) {
      // The quoted echo request: its id and its checksum (no pseudo-header).
      if (qt + 4 <= total) set16(p, qt + 2, checksumAdjust(get16(p, qt + 2), qsport, nsp), ic)
      set16(p, qt + 4, nsp, ic)
    } else {
      const cs = qt + (qproto === PROTO_UDP ? 6 : 16)
      if (cs + 2 <= total) {
        let c = get16(p, cs)
        if (qproto === PROTO_TCP || c !== 0) {
          c = checksumAdjust(checksumAdjust(checksumAdjust32(checksumAdjust32(c, qsrc, nsa), qdst, nda), qsport, nsp), qdport, ndp)
          if (c === 0 && qproto === PROTO_UDP) c = 0xffff
          set16(p, cs, c, ic)
        }
      }
      set16(p, qt, nsp, ic)
      set16(p, qt + 2, ndp, ic)
    }
    set16(p, q + 10, checksumAdjust32(checksumAdjust32(get16(p, q + 10), qsrc, nsa), qdst, nda), ic)
    set32(p, q + 12, nsa, ic)
    set32(p, q + 16, nda, ic)
    if (inbound) set32(p, 16, t.sIntAddr(s), 10)
    else set32(p, 12, t.sExtAddr(s), 10)
    const o = this.objects[t.sNat(s)]
    if (before !== null && rec !== null) this.record(rec, now, o, before, p, hl, total, {ref: `${o.cfg.ref} session ${t.sId(s)}`, why: `ICMP error about session ${t.sId(s)}`})
    return TRANSLATED
  }

  /** The host itself reaching a static mapping through an external address: WinNAT does not hairpin it (reference §6.4). */
  private fromHost(p: Uint8Array, hl: number, total: number, dst: number, proto: number): NatVerdict {
    if ((proto !== PROTO_TCP && proto !== PROTO_UDP) || total - hl < 4) return PASS
    const dport = get16(p, hl + 2)
    for (const o of this.objects) {
      for (const x of o.statics) {
        if (!owns(o, x, proto, dst, dport)) continue
        return this.drop('nat-hairpin-from-host', `WinNAT does not hairpin the host's own traffic: ${formatIpv4(dst)}:${dport} is static mapping ${x.id} of ${o.cfg.name}; the host must use ${formatIpv4(x.internalAddress)}:${x.internalPort} (documented WinNAT limitation)`, x.ref)
      }
    }
    return PASS
  }

  /**
   * A VM on NAT n sending to a host address (outside its prefix) and a TCP/UDP port that a mapping
   * or static mapping owns: hairpin (RFC 4787 REQ-9). The exact rewrite: the source becomes the
   * VM's own external endpoint (its mapping, made as for an outbound flow leaving by the address it
   * addressed, or the NAT's external address), the destination becomes the mapped internal
   * endpoint; the target VM sees the packet come from the host's external address, so its reply
   * goes to the host and comes back through the NAT the same way. Anything else: the host's own.
   */
  private hairpin(p: Uint8Array, hl: number, total: number, n: number, src: number, dst: number, proto: number, now: number, rec: Recorder | null): NatVerdict {
    if (proto === PROTO_ICMP && total - hl >= 8 && (p[hl] === ICMP_DST_UNREACHABLE || p[hl] === ICMP_TIME_EXCEEDED)) return this.hairpinIcmpError(p, hl, total, n, now, rec)
    if ((proto !== PROTO_TCP && proto !== PROTO_UDP) || total - hl < (proto === PROTO_UDP ? 8 : 20)) return PASS
    const t = this.t
    const sport = (p[hl] << 8) | p[hl + 1]
    const dport = (p[hl + 2] << 8) | p[hl + 3]
    if (t.findMappingExt(proto, dst, dport) < 0 && !this.hasStatic(proto, dst, dport)) return PASS
    const o = this.objects[n]
    let a = this.liveInt(proto, src, sport, dst, dport, now)
    let createdA = false
    if (a < 0) {
      a = this.openOutbound(n, proto, src, sport, dst, dport, dst, now)
      if (a < 0) return this.exhausted(o, proto, src, sport)
      createdA = true
    }
    const xa = t.sExtAddr(a)
    const xp = t.sExtPort(a)
    let b = this.liveExt(proto, dst, dport, xa, xp, now)
    let createdB = false
    if (b < 0) {
      b = this.claim(proto, dst, dport, xa, xp, now)
      if (b === FILTERED) return this.drop('nat-filtered', this.filteredText, this.filteredRef)
      if (b === NONE) return PASS
      createdB = true
    }
    if (proto === PROTO_TCP) {
      this.tcpSeen(a, p[hl + 13], true, now)
      this.tcpSeen(b, p[hl + 13], false, now)
    } else {
      this.setExpiry(a, now + o.udpMs)
      const ob = this.objects[t.sNat(b)]
      if (createdB || ob.udpInboundRefresh) this.setExpiry(b, now + ob.udpMs)
    }
    const before = rec === null ? null : p.slice(0, total)
    this.rewriteL4(p, hl, proto, xa, xp, t.sIntAddr(b), t.sIntPort(b))
    if (before !== null && rec !== null) {
      const rb = this.sessionRef(b, createdB)
      const ra = this.sessionRef(a, createdA)
      this.record(rec, now, o, before, p, hl, total, {ref: rb.ref, why: `hairpin: the source is ${ra.why}, the destination ${rb.why}`}, 'nat-hairpin')
    }
    return HAIRPIN
  }

  /**
   * A VM's ICMP error about a hairpinned flow, sent to the host address that flow came from:
   * translated as if it left (the quote becomes the packet as the sending VM's side sent it) and
   * then as if it came back in (to the VM that sent the flow). An error about anything else is
   * the host's (`pass`).
   */
  private hairpinIcmpError(p: Uint8Array, hl: number, total: number, n: number, now: number, rec: Recorder | null): NatVerdict {
    if (this.icmpError(p, hl, total, false, now, rec, true) === PASS) return PASS
    if (this.icmpError(p, hl, total, true, now, rec) !== PASS) return HAIRPIN
    const o = this.objects[n]
    return this.drop('nat-no-mapping', `${o.cfg.name} cannot return an ICMP error about a hairpinned flow whose other session has expired`, o.cfg.ref)
  }

  private hasStatic(proto: number, dst: number, dport: number): boolean {
    for (const o of this.objects) for (const x of o.statics) if (owns(o, x, proto, dst, dport)) return true
    return false
  }

  // -------------------------------------------------------------------------------------------
  // Recording (only with a recorder attached)

  private sessionRef(s: number, created: boolean): {ref: string; why: string} {
    const t = this.t
    const o = this.objects[t.sNat(s)]
    const st = t.mStatic[t.sMap(s)]
    const id = t.sId(s)
    if (created && st >= 0) return {ref: o.statics[st].ref, why: `static mapping ${o.statics[st].id}, new session ${id}`}
    const preserved = t.sIntPort(s) === t.sExtPort(s) ? 'preserved' : 'changed'
    const what = t.sProto(s) === PROTO_ICMP ? `query id ${preserved}` : `port ${preserved}`
    return {ref: `${o.cfg.ref} session ${id}`, why: created ? `new session ${id}, ${what}` : `session ${id}`}
  }

  private record(rec: Recorder, now: number, o: NatObject, before: Uint8Array, after: Uint8Array, hl: number, total: number, by: {ref: string; why: string}, reason = 'nat-translated'): void {
    const changes = changedFields(before, after, hl, total)
    const text = `${o.cfg.name} rewrote ${endpoints(before, hl)} to ${endpoints(after, hl)} (${by.why})`
    rec.step({timeMs: now, place: {kind: 'nat', name: o.cfg.name}, action: 'transformed', reason, text, ref: by.ref, frame: after.slice(0, total), changes})
  }
}

function endpoints(p: Uint8Array, hl: number): string {
  const proto = p[9]
  const src = formatIpv4(get32(p, 12))
  const dst = formatIpv4(get32(p, 16))
  if (proto === PROTO_TCP || proto === PROTO_UDP) return `${protoName(proto)} ${src}:${get16(p, hl)} → ${dst}:${get16(p, hl + 2)}`
  if (proto === PROTO_ICMP && (p[hl] === ICMP_ECHO_REQUEST || p[hl] === ICMP_ECHO_REPLY)) return `ICMP echo ${src} → ${dst} id ${get16(p, hl + 4)}`
  return `${protoName(proto)} ${src} → ${dst}`
}

type Field = readonly [name: string, offset: number, kind: 'ip' | 'port' | 'sum']

const IP_FIELDS: readonly Field[] = [['ipv4.src', 12, 'ip'], ['ipv4.dst', 16, 'ip'], ['ipv4.checksum', 10, 'sum']]
const UDP_FIELDS: readonly Field[] = [['udp.srcPort', 0, 'port'], ['udp.dstPort', 2, 'port'], ['udp.checksum', 6, 'sum']]
const TCP_FIELDS: readonly Field[] = [['tcp.srcPort', 0, 'port'], ['tcp.dstPort', 2, 'port'], ['tcp.checksum', 16, 'sum']]
const ICMP_ECHO_FIELDS: readonly Field[] = [['icmp.checksum', 2, 'sum'], ['icmp.identifier', 4, 'port']]

function transportFields(proto: number, icmpType: number): readonly Field[] {
  if (proto === PROTO_UDP) return UDP_FIELDS
  if (proto === PROTO_TCP) return TCP_FIELDS
  if (proto === PROTO_ICMP && (icmpType === ICMP_ECHO_REQUEST || icmpType === ICMP_ECHO_REPLY)) return ICMP_ECHO_FIELDS
  return [['icmp.checksum', 2, 'sum']]
}

function fieldValue(b: Uint8Array, off: number, kind: Field[2]): string {
  if (kind === 'ip') return formatIpv4(get32(b, off))
  const v = get16(b, off)
  return kind === 'sum' ? '0x' + v.toString(16).padStart(4, '0') : String(v)
}

/** Every field the NAT may change, compared before → after: IPv4, transport, and an ICMP error's quote. */
function changedFields(before: Uint8Array, after: Uint8Array, hl: number, total: number): FieldChange[] {
  const out: FieldChange[] = []
  const add = (prefix: string, fields: readonly Field[], base: number, limit: number): void => {
    for (const [name, off, kind] of fields) {
      const at = base + off
      if (at + (kind === 'ip' ? 4 : 2) > limit) continue
      const b = fieldValue(before, at, kind)
      const a = fieldValue(after, at, kind)
      if (a !== b) out.push({field: prefix + name, before: b, after: a})
    }
  }
  add('', IP_FIELDS, 0, total)
  const proto = after[9]
  add('', transportFields(proto, after[hl]), hl, total)
  if (proto === PROTO_ICMP && (after[hl] === ICMP_DST_UNREACHABLE || after[hl] === ICMP_TIME_EXCEEDED) && total >= hl + 28) {
    const q = hl + 8
    const qhl = (after[q] & 15) << 2
    add('icmp.quoted.', IP_FIELDS, q, total)
    add('icmp.quoted.', transportFields(after[q + 9], after[q + qhl]), q + qhl, total)
  }
  return out
}

/** Validates a runtime-file NAT state (from exportState); throws a RangeError naming the bad field. */
export function parseNatState(json: unknown): NatRuntimeState {
  const fail = (what: string): never => {
    throw new RangeError(`NAT runtime state: ${what}`)
  }
  if (typeof json !== 'object' || json === null) fail('not an object')
  const o = json as Record<string, unknown>
  if (o.version !== 1) fail(`version ${JSON.stringify(o.version)} is not 1`)
  if (typeof o.nextIds !== 'object' || o.nextIds === null) fail('nextIds is not an object')
  for (const [k, v] of Object.entries(o.nextIds as object)) if (!Number.isInteger(v) || (v as number) < 1) fail(`nextIds.${k} is not a positive integer`)
  if (!Array.isArray(o.sessions)) fail('sessions is not an array')
  const u16 = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff
  ;(o.sessions as unknown[]).forEach((x, i) => {
    if (typeof x !== 'object' || x === null) fail(`sessions[${i}] is not an object`)
    const r = x as Record<string, unknown>
    if (typeof r.nat !== 'string') fail(`sessions[${i}].nat is not a string`)
    if (r.protocol !== PROTO_TCP && r.protocol !== PROTO_UDP && r.protocol !== PROTO_ICMP) fail(`sessions[${i}].protocol ${JSON.stringify(r.protocol)} is not 1, 6 or 17`)
    for (const k of ['internalSource', 'internalDestination', 'externalSource', 'externalDestination']) {
      if (typeof r[k] !== 'string' || parseIpv4Address(r[k] as string) instanceof WireError) fail(`sessions[${i}].${k} is not an IPv4 address`)
    }
    for (const k of ['internalSourcePort', 'internalDestinationPort', 'externalSourcePort', 'externalDestinationPort', 'id', 'tcpState']) {
      if (!u16(r[k]) && !(k === 'id' && Number.isInteger(r[k]) && (r[k] as number) >= 0)) fail(`sessions[${i}].${k} is not a valid number`)
    }
    for (const k of ['creationTime', 'expiresAt']) if (typeof r[k] !== 'number' || !Number.isFinite(r[k])) fail(`sessions[${i}].${k} is not a finite number`)
    if (r.staticMappingId !== null && !Number.isInteger(r.staticMappingId)) fail(`sessions[${i}].staticMappingId is not an integer or null`)
  })
  return json as NatRuntimeState
}
