// The DHCP client of a guest adapter or a host interface: RFC 2131 section 4.4 (the client state
// machine: INIT -> SELECTING -> REQUESTING -> BOUND -> RENEWING at T1 -> REBINDING at T2 -> INIT at
// expiry; a DHCPNAK sends the client back to INIT), 4.4.1 (retransmission with doubling delays),
// 4.4.5 (T1 = 50 %, T2 = 87.5 % of the lease unless the server sends options 58/59); RFC 3927
// 2.1 (a link-local 169.254.1.0-169.254.254.255 address chosen from a generator seeded with the
// MAC) as Windows' APIPA does it when no server answers.
//
// hvnet's timings, on the virtual clock (README "Guests and the host"):
//   - DISCOVER at 0 s, 4 s and 12 s; with no OFFER 16 s after the third, the adapter takes its
//     APIPA address (28 s after start) and sends a new DISCOVER every 5 minutes, leaving APIPA as
//     soon as a server answers (Windows' behaviour).
//   - An unanswered REQUEST is sent 3 times (0, 4, 12 s), then the client starts over.
//   - RENEWING sends a unicast REQUEST at T1 and again halfway to T2; REBINDING broadcasts at T2
//     and halfway to expiry; at expiry the address is removed and discovery starts again.
// Windows sets the BROADCAST flag (since Vista); Linux (dhclient, systemd-networkd) does not.
// The APIPA address is not ARP-probed for conflicts: every address derived from a MAC differs.
// A running client always has a timer pending (renewal at T1, or the next DISCOVER on APIPA), so
// callers run the scheduler with a time limit (`run({untilMs})`, `advance`), never until idle.
import type {Scheduler, TimeMs} from '../clock.js'
import {fnv1aBytes} from '../seed.js'
import {durationText} from '../dhcp/server.js'
import {
  DHCPACK,
  DHCPDISCOVER,
  DHCPNAK,
  DHCPOFFER,
  DHCPREQUEST,
  BOOTP_FLAG_BROADCAST,
  BOOTREPLY,
  BOOTREQUEST,
  DHCP_CLIENT_PORT,
  DHCP_SERVER_PORT,
  DhcpPacket,
  ETHERTYPE_IPV4,
  IPPROTO_UDP,
  MAC_BROADCAST,
  WireError,
  chaddrFromMac,
  dhcpBufferLen,
  dhcpClientMac,
  dhcpMessageType,
  emitDhcp,
  encodeFrame,
  ipv4Repr,
  formatIpv4,
  formatMacTrace,
  maskPrefix,
  parseDhcp,
  parseIpv4Address,
  put48,
} from '../wire/index.js'
import type {DhcpOption, DhcpRepr, Ipv4Address, Mac} from '../wire/index.js'
import type {DhcpClientPort, IpStack, StackInterface} from './stack.js'

export const DHCP_RETRY_MS: readonly number[] = [4_000, 8_000, 16_000]
export const APIPA_RETRY_MS = 300_000

export type DhcpClientState = 'stopped' | 'init' | 'selecting' | 'requesting' | 'bound' | 'renewing' | 'rebinding' | 'apipa'

export interface DhcpClientLease {
  readonly address: Ipv4Address
  readonly prefixLength: number
  readonly router: Ipv4Address | null
  readonly dns: readonly Ipv4Address[]
  readonly server: Ipv4Address
  readonly leaseSeconds: number
  readonly boundAtMs: TimeMs
  readonly t1Ms: TimeMs
  readonly t2Ms: TimeMs
  readonly expiresAtMs: TimeMs
}

/** exportState()'s plain JSON. */
export type DhcpClientSavedState =
  | {readonly state: 'bound'; readonly address: string; readonly prefixLength: number; readonly router: string | null; readonly dns: readonly string[]; readonly server: string; readonly leaseSeconds: number; readonly boundAtMs: number; readonly t1Ms: number; readonly t2Ms: number; readonly expiresAtMs: number}
  | {readonly state: 'apipa'; readonly address: string}
  | {readonly state: 'none'}

export interface DhcpClientOptions {
  /** Option 12 (Windows sends the computer name; hvnet uses the VM's name or the host's). */
  readonly hostname: string
  readonly os: 'linux' | 'windows'
}

/** RFC 3927 2.1: 169.254.1.0-169.254.254.255, chosen from the MAC (deterministic: FNV-1a). */
export function apipaAddress(mac: Mac): Ipv4Address {
  const b = new Uint8Array(6)
  put48(b, 0, mac)
  return (0xa9fe_0100 + (fnv1aBytes(b) % (254 * 256))) >>> 0
}

export class DhcpClient implements DhcpClientPort {
  private stateName: DhcpClientState = 'stopped'
  private current: DhcpClientLease | null = null
  /** Bumped on every transition: timers of an older generation do nothing. */
  private gen = 0
  private xid: number
  private attempt = 0
  private startedAtMs: TimeMs = 0
  private offer: {address: Ipv4Address; server: Ipv4Address} | null = null
  /** The last address leased, asked for again in DISCOVER (as Windows does). */
  private remembered: Ipv4Address | null = null

  constructor(
    private readonly stack: IpStack,
    readonly iface: StackInterface,
    private readonly scheduler: Scheduler,
    private readonly options: DhcpClientOptions,
  ) {
    iface.dhcpClient = this
    this.xid = (Math.floor(iface.mac / 0x1_0000) ^ (iface.mac & 0xffff) * 0x9e37) >>> 0
  }

  get state(): DhcpClientState {
    return this.stateName
  }

  lease(): DhcpClientLease | null {
    return this.current
  }

  /** INIT: the adapter comes up (a VM starts, a vNIC appears). */
  start(): void {
    if (this.stateName !== 'stopped') return
    this.init()
  }

  stop(): void {
    this.gen++
    this.stateName = 'stopped'
  }

  // -------------------------------------------------------------------------------------------
  // Transitions

  private init(): void {
    this.gen++
    this.stateName = 'selecting'
    this.offer = null
    this.attempt = 0
    this.startedAtMs = this.scheduler.now
    this.discover()
  }

  private discover(): void {
    const gen = this.gen
    this.xid = (this.xid + 1) >>> 0
    const n = this.attempt++
    this.broadcast(this.message(DHCPDISCOVER, {requested: this.remembered}), `${this.who} broadcasts DHCPDISCOVER ${n + 1}${this.stateName === 'apipa' ? ' (still looking for a DHCP server while on APIPA)' : ` of ${DHCP_RETRY_MS.length}`} to find a DHCP server`)
    if (this.stateName === 'apipa') {
      this.after(APIPA_RETRY_MS, gen, () => {
        this.attempt = 0
        this.discover()
      })
      return
    }
    this.after(DHCP_RETRY_MS[n], gen, () => {
      if (this.attempt < DHCP_RETRY_MS.length) this.discover()
      else this.apipa()
    })
  }

  private apipa(): void {
    this.gen++
    this.stateName = 'apipa'
    const address = apipaAddress(this.iface.mac)
    this.current = null
    if (this.stack.rec !== null) this.stack.rec.step({timeMs: this.scheduler.now, place: this.iface.place, action: 'dropped', reason: 'no-answer', text: `no DHCP server answered ${this.who}'s ${DHCP_RETRY_MS.length} DHCPDISCOVERs, so ${this.iface.alias} gives itself the APIPA address ${formatIpv4(address)}/16, derived from its MAC, as Windows does (169.254.x.y means "no DHCP server reached"). Fix: run a DHCP server on the network, use the Default Switch, or set a static address`, ref: this.iface.ref, frame: EMPTY})
    this.stack.drops.count('no-answer')
    this.stack.configure(this.iface, [{address, prefixLength: 16}], null, 'apipa')
    this.attempt = 0
    const gen = this.gen
    this.after(APIPA_RETRY_MS, gen, () => this.discover())
  }

  private request(): void {
    const offer = this.offer!
    const gen = this.gen
    const n = this.attempt++
    this.broadcast(this.message(DHCPREQUEST, {requested: offer.address, server: offer.server}), `${this.who} broadcasts DHCPREQUEST for ${formatIpv4(offer.address)} from the server ${formatIpv4(offer.server)}`)
    this.after(DHCP_RETRY_MS[n], gen, () => {
      if (this.attempt < DHCP_RETRY_MS.length) this.request()
      else this.init()
    })
  }

  private bind(m: DhcpRepr, server: Ipv4Address): void {
    const now = this.scheduler.now
    const leaseSeconds = optionSeconds(m, 'lease-time') ?? 86_400
    const t1 = optionSeconds(m, 'renewal-time') ?? Math.floor(leaseSeconds / 2)
    const t2 = optionSeconds(m, 'rebinding-time') ?? Math.floor((leaseSeconds * 7) / 8)
    const mask = m.options.find((o) => o.kind === 'subnet-mask')
    const prefixLength = (mask?.kind === 'subnet-mask' ? maskPrefix(mask.address) : null) ?? classfulPrefix(m.yiaddr)
    const router = m.options.find((o) => o.kind === 'router')
    const dns = m.options.find((o) => o.kind === 'dns')
    const lease: DhcpClientLease = {
      address: m.yiaddr,
      prefixLength,
      router: router?.kind === 'router' ? router.addresses[0] : null,
      dns: dns?.kind === 'dns' ? dns.addresses : [],
      server,
      leaseSeconds,
      boundAtMs: now,
      t1Ms: now + t1 * 1000,
      t2Ms: now + t2 * 1000,
      expiresAtMs: now + leaseSeconds * 1000,
    }
    const renewal = this.stateName === 'renewing' || this.stateName === 'rebinding'
    if (this.stack.rec !== null) this.stack.rec.step({timeMs: now, place: this.iface.place, action: 'delivered', reason: 'dhcp-bound', text: `${this.who} ${renewal ? 'renews its lease on' : 'is granted'} ${formatIpv4(lease.address)}/${prefixLength} by ${formatIpv4(server)} for ${durationText(leaseSeconds)} (${lease.router === null ? 'no gateway' : `gateway ${formatIpv4(lease.router)}`}${lease.dns.length > 0 ? `, DNS ${lease.dns.map(formatIpv4).join(', ')}` : ''}); it renews at T1, in ${durationText(t1)}`, ref: this.iface.ref, frame: EMPTY})
    this.enterBound(lease, !renewal || this.current?.address !== lease.address || this.current?.prefixLength !== prefixLength || this.current?.router !== lease.router)
  }

  private enterBound(lease: DhcpClientLease, reconfigure: boolean): void {
    this.gen++
    this.stateName = 'bound'
    this.current = lease
    this.remembered = lease.address
    this.attempt = 0
    if (reconfigure) this.stack.configure(this.iface, [{address: lease.address, prefixLength: lease.prefixLength}], lease.router, 'dhcp', lease.dns)
    const gen = this.gen
    this.at(lease.t1Ms, gen, () => this.renew())
  }

  private renew(): void {
    const l = this.current!
    this.stateName = 'renewing'
    this.xid = (this.xid + 1) >>> 0
    this.startedAtMs = this.scheduler.now
    const gen = this.gen
    const send = (): void => {
      const payload = this.dhcpBytes(this.message(DHCPREQUEST, {ciaddr: l.address}))
      this.note(`${this.who} asks ${formatIpv4(l.server)} to renew its lease on ${formatIpv4(l.address)} (T1 reached; DHCPREQUEST unicast)`)
      this.stack.sendUdp(l.server, DHCP_SERVER_PORT, payload, {srcPort: DHCP_CLIENT_PORT, via: this.iface.alias})
    }
    send()
    this.at((this.scheduler.now + l.t2Ms) / 2, gen, send)
    this.at(l.t2Ms, gen, () => this.rebind())
  }

  private rebind(): void {
    const l = this.current!
    this.stateName = 'rebinding'
    const gen = this.gen
    const send = (): void => this.broadcast(this.message(DHCPREQUEST, {ciaddr: l.address}), `${this.who} got no answer from ${formatIpv4(l.server)}: at T2 it broadcasts DHCPREQUEST to any server to keep ${formatIpv4(l.address)}`, l.address)
    send()
    this.at((this.scheduler.now + l.expiresAtMs) / 2, gen, send)
    this.at(l.expiresAtMs, gen, () => this.expire())
  }

  private expire(): void {
    const l = this.current!
    if (this.stack.rec !== null) this.stack.rec.step({timeMs: this.scheduler.now, place: this.iface.place, action: 'dropped', reason: 'no-answer', text: `${this.who}'s lease on ${formatIpv4(l.address)} ran out without a renewal: the address is removed and the client looks for a DHCP server again`, ref: this.iface.ref, frame: EMPTY})
    this.current = null
    this.stack.configure(this.iface, [], null, 'none')
    this.init()
  }

  // -------------------------------------------------------------------------------------------
  // Input

  input(frame: Uint8Array, payload: Uint8Array): void {
    const p = DhcpPacket.checked(payload, 0, payload.length)
    if (p instanceof WireError) return this.stack.drop('malformed', this.iface, frame, () => `${this.who}'s DHCP client cannot read the reply (${p.message})`, null)
    const m = parseDhcp(p)
    if (m instanceof WireError) return this.stack.drop('malformed', this.iface, frame, () => `${this.who}'s DHCP client cannot read the reply (${m.message})`, null)
    if (m.op !== BOOTREPLY || m.xid !== this.xid || dhcpClientMac(m) !== this.iface.mac) {
      return this.stack.drop('not-for-me', this.iface, frame, () => `a DHCP reply for another client (xid 0x${m.xid.toString(16)}, ${formatMacTrace(dhcpClientMac(m))}); ${this.who} ignores it`, null)
    }
    const type = dhcpMessageType(m)
    const serverOpt = m.options.find((o) => o.kind === 'server-id')
    const server = serverOpt?.kind === 'server-id' ? serverOpt.address : 0
    const st = this.stateName
    if (type === DHCPOFFER && (st === 'selecting' || st === 'apipa')) {
      this.gen++
      this.stateName = 'requesting'
      this.offer = {address: m.yiaddr, server}
      this.attempt = 0
      this.note(`${this.who} takes the offer of ${formatIpv4(m.yiaddr)} from the DHCP server ${formatIpv4(server)}`, frame)
      this.request()
      return
    }
    if (type === DHCPACK && (st === 'requesting' || st === 'renewing' || st === 'rebinding')) {
      this.bind(m, server === 0 ? (this.offer?.server ?? 0) : server)
      return
    }
    if (type === DHCPNAK && (st === 'requesting' || st === 'renewing' || st === 'rebinding')) {
      if (this.stack.rec !== null) this.stack.rec.step({timeMs: this.scheduler.now, place: this.iface.place, action: 'delivered', reason: 'dhcp-nak', text: `the DHCP server ${formatIpv4(server)} refuses ${this.who}'s request (DHCPNAK): the client drops its address and starts over`, ref: this.iface.ref, frame})
      this.current = null
      this.remembered = null
      if (this.iface.addresses.length > 0) this.stack.configure(this.iface, [], null, 'none')
      this.init()
      return
    }
    this.stack.drop('not-for-me', this.iface, frame, () => `${this.who}'s DHCP client is ${st} and ignores this DHCP${type === null ? ' message' : ` message type ${type}`}`, null)
  }

  // -------------------------------------------------------------------------------------------
  // Messages

  private get who(): string {
    return this.stack.options.who
  }

  private message(type: number, o: {requested?: Ipv4Address | null; server?: Ipv4Address; ciaddr?: Ipv4Address}): DhcpRepr {
    const mac = this.iface.mac
    const clientId = new Uint8Array(7)
    clientId[0] = 1
    put48(clientId, 1, mac)
    const options: DhcpOption[] = [{kind: 'message-type', messageType: type}, {kind: 'client-id', data: clientId}]
    if (o.requested !== undefined && o.requested !== null) options.push({kind: 'requested-ip', address: o.requested})
    if (o.server !== undefined) options.push({kind: 'server-id', address: o.server})
    options.push({kind: 'hostname', name: this.options.hostname.slice(0, 63) || 'guest'})
    options.push({kind: 'parameter-request-list', codes: this.options.os === 'windows' ? [1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252] : [1, 3, 6, 12, 15, 26, 28, 42, 119, 121]})
    options.push({kind: 'end'})
    const secs = Math.min(0xffff, Math.floor((this.scheduler.now - this.startedAtMs) / 1000))
    return {op: BOOTREQUEST, htype: 1, hlen: 6, hops: 0, xid: this.xid, secs, flags: this.options.os === 'windows' && (o.ciaddr ?? 0) === 0 ? BOOTP_FLAG_BROADCAST : 0, ciaddr: o.ciaddr ?? 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: chaddrFromMac(mac), sname: new Uint8Array(64), file: new Uint8Array(128), options}
  }

  private dhcpBytes(m: DhcpRepr): Uint8Array {
    const b = new Uint8Array(dhcpBufferLen(m))
    emitDhcp(m, new DhcpPacket(b, 0, b.length))
    return b
  }

  /** A broadcast from 0.0.0.0 (or `src` when rebinding) to 255.255.255.255:67. */
  private broadcast(m: DhcpRepr, text: string, src: Ipv4Address = 0): void {
    const frame = encodeFrame([
      {layer: 'ethernet', repr: {dst: MAC_BROADCAST, src: this.iface.mac, etherType: ETHERTYPE_IPV4}},
      {layer: 'ipv4', repr: ipv4Repr({src, dst: 0xffff_ffff, protocol: IPPROTO_UDP, ttl: this.stack.defaultTtl, ident: 0})},
      {layer: 'udp', repr: {srcPort: DHCP_CLIENT_PORT, dstPort: DHCP_SERVER_PORT, payload: EMPTY}},
      {layer: 'dhcp', repr: m},
    ])
    this.stack.transmit(this.iface, frame, 'dhcp', () => text)
  }

  private note(text: string, frame: Uint8Array = EMPTY): void {
    if (this.stack.rec !== null) this.stack.rec.step({timeMs: this.scheduler.now, place: this.iface.place, action: 'delivered', reason: 'dhcp', text, ref: this.iface.ref, frame})
  }

  private after(ms: TimeMs, gen: number, fn: () => void): void {
    this.scheduler.after(ms, () => {
      if (gen === this.gen) fn()
    })
  }

  private at(t: TimeMs, gen: number, fn: () => void): void {
    this.scheduler.at(t, () => {
      if (gen === this.gen) fn()
    })
  }

  // -------------------------------------------------------------------------------------------
  // State

  exportState(): DhcpClientSavedState {
    const l = this.current
    if (this.stateName === 'apipa') return {state: 'apipa', address: formatIpv4(apipaAddress(this.iface.mac))}
    if (l === null) return {state: 'none'}
    return {state: 'bound', address: formatIpv4(l.address), prefixLength: l.prefixLength, router: l.router === null ? null : formatIpv4(l.router), dns: l.dns.map(formatIpv4), server: formatIpv4(l.server), leaseSeconds: l.leaseSeconds, boundAtMs: l.boundAtMs, t1Ms: l.t1Ms, t2Ms: l.t2Ms, expiresAtMs: l.expiresAtMs}
  }

  /**
   * Resumes a saved lease as if the adapter had kept running: BOUND with its timers at their
   * absolute times (a lease already past T1 renews at once); an expired lease starts over.
   * Throws a TypeError on a malformed state.
   */
  importState(state: unknown): void {
    const s = state as Record<string, unknown> | null
    const bad = (): never => {
      throw new TypeError(`DHCP client state of ${this.iface.alias}: not a saved lease: ${JSON.stringify(state)}`)
    }
    if (s === null || typeof s !== 'object') return bad()
    if (s.state === 'none') return this.init()
    if (s.state === 'apipa') return this.apipa()
    if (s.state !== 'bound') return bad()
    const addr = (v: unknown): Ipv4Address => {
      const a = typeof v === 'string' ? parseIpv4Address(v) : null
      return a === null || a instanceof WireError ? bad() : a
    }
    const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : bad())
    const lease: DhcpClientLease = {
      address: addr(s.address),
      prefixLength: num(s.prefixLength),
      router: s.router === null ? null : addr(s.router),
      dns: Array.isArray(s.dns) ? s.dns.map(addr) : bad(),
      server: addr(s.server),
      leaseSeconds: num(s.leaseSeconds),
      boundAtMs: num(s.boundAtMs),
      t1Ms: num(s.t1Ms),
      t2Ms: num(s.t2Ms),
      expiresAtMs: num(s.expiresAtMs),
    }
    if (lease.expiresAtMs <= this.scheduler.now) {
      this.remembered = lease.address
      return this.init()
    }
    this.enterBound(lease, true)
  }
}

const EMPTY = new Uint8Array(0)

function optionSeconds(m: DhcpRepr, kind: 'lease-time' | 'renewal-time' | 'rebinding-time'): number | null {
  for (const o of m.options) if (o.kind === kind) return o.seconds
  return null
}

/** RFC 791's classes, for a server that sends no subnet mask. */
function classfulPrefix(a: Ipv4Address): number {
  return a >>> 31 === 0 ? 8 : a >>> 30 === 2 ? 16 : 24
}
