// A DHCP server for one scope: the Default Switch's ICS scope and each upstream LAN's router.
// RFC 2131 section 4.1 (where a reply goes: relay, ciaddr, broadcast flag, yiaddr), 4.3.1 (which
// address to offer: the client's current binding, then its previous one, then the requested
// address, then a new one), 4.3.2 (REQUEST in SELECTING, INIT-REBOOT, RENEWING and REBINDING
// states), 4.3.4-4.3.5 (DECLINE, RELEASE), 4.3.6 (the options of OFFER, ACK and NAK); RFC 2132
// (options 1, 3, 6, 51, 54, 58, 59). Real clients pad BOOTP to 300 bytes; both padded and
// unpadded messages are accepted (the codec's rule), and replies are padded to 300.
//
// Leases are keyed by the client's MAC (chaddr), not option 61: Hyper-V guests send both and they
// agree. A MAC keeps its address across expiry and release for as long as no other client needed
// it, as Windows' DHCP server and ICS do, so a VM that is off for a week gets its address back.
// Time is the scheduler's virtual clock; a lease is active while `now < expiresAtMs`.
//
// Decisions (hvnet, where RFC 2131 leaves a choice to the server):
//   - The server is authoritative for its prefix: a REQUEST for an address it cannot give
//     (another client's, outside the range, another network) gets a DHCPNAK, so a client moved
//     between networks restarts at once instead of waiting for its lease to run out.
//   - An OFFER reserves its address for OFFER_HOLD_MS (2 minutes) of virtual time.
//   - T1 = 50 % and T2 = 87.5 % of the lease (RFC 2131 4.4.5's defaults), sent as options 58/59.
//   - A declined address (the client found it in use, RFC 2131 4.3.3) is not offered again for one
//     lease time.
import type {Scheduler, TimeMs} from '../clock.js'
import type {Prefix} from '../config.js'
import {DropCounters} from '../observe.js'
import type {DropReason, Place, Recorder} from '../observe.js'
import {
  DHCPACK,
  DHCPDECLINE,
  DHCPDISCOVER,
  DHCPINFORM,
  DHCPNAK,
  DHCPOFFER,
  DHCPRELEASE,
  DHCPREQUEST,
  BOOTP_FLAG_BROADCAST,
  BOOTREPLY,
  BOOTREQUEST,
  DHCP_CLIENT_PORT,
  DHCP_SERVER_PORT,
  DhcpPacket,
  ETHERTYPE_IPV4,
  EthernetFrame,
  IPPROTO_UDP,
  Ipv4Packet,
  MAC_BROADCAST,
  UdpPacket,
  WireError,
  chaddrFromMac,
  dhcpClientMac,
  dhcpMessageType,
  dhcpMessageTypeName,
  encodeFrame,
  ipv4Repr,
  formatIpv4,
  formatMac,
  formatMacTrace,
  parseDhcp,
  parseIpv4Address,
  parseMac,
  prefixMask,
} from '../wire/index.js'
import type {DhcpOption, DhcpRepr, Ipv4Address, Mac} from '../wire/index.js'

/** How long an OFFER holds its address for the client it was made to. */
export const OFFER_HOLD_MS = 120_000

export interface DhcpServerConfig {
  /** The scope's network: the subnet mask sent and the network a REQUEST is checked against. */
  readonly prefix: Prefix
  /** First and last address handed out, inclusive. */
  readonly rangeStart: Ipv4Address
  readonly rangeEnd: Ipv4Address
  readonly leaseSeconds: number
  /** The server's own address (option 54, the replies' source) and MAC. */
  readonly serverAddress: Ipv4Address
  readonly serverMac: Mac
  /** Option 3; null sends none (a LAN without a router). */
  readonly router: Ipv4Address | null
  /** Option 6; empty sends none. */
  readonly dns: readonly Ipv4Address[]
  /** Where the server's steps happen (`{kind: 'host', name: 'vEthernet (Default Switch)'}`, `{kind: 'lan', name: 'Ethernet'}`). */
  readonly place: Place
  /** The configuration object named in steps (`vswitch Default Switch.dhcp`, `host Ethernet.network.dhcp`). */
  readonly ref: string
}

export type LeaseState = 'offered' | 'bound' | 'released' | 'declined'

export interface DhcpLease {
  readonly mac: Mac
  readonly address: Ipv4Address
  readonly state: LeaseState
  /** Virtual time the lease (or the offer's hold) ends. */
  readonly expiresAtMs: TimeMs
}

/** `exportState()`'s plain JSON: MACs and addresses in text so lab.runtime.json reads well. */
export interface DhcpServerState {
  readonly leases: readonly {readonly mac: string; readonly address: string; readonly state: LeaseState; readonly expiresAtMs: number}[]
}

interface LeaseRecord {
  mac: Mac
  address: Ipv4Address
  state: LeaseState
  expiresAtMs: TimeMs
}

const LEASE_STATES: readonly LeaseState[] = ['offered', 'bound', 'released', 'declined']

export class DhcpServer {
  readonly drops = new DropCounters()
  /** Every client this scope remembers, by MAC: its current or last address. */
  private readonly byMac = new Map<Mac, LeaseRecord>()
  /** Address -> the record holding or last holding it. */
  private readonly byAddress = new Map<Ipv4Address, LeaseRecord>()
  private ident = 0

  constructor(
    readonly config: DhcpServerConfig,
    private readonly scheduler: Scheduler,
  ) {
    const {prefix, rangeStart, rangeEnd} = config
    const mask = prefixMask(prefix.length)
    if (rangeStart > rangeEnd || ((rangeStart & mask) >>> 0) !== ((prefix.address & mask) >>> 0) || ((rangeEnd & mask) >>> 0) !== ((prefix.address & mask) >>> 0)) {
      throw new RangeError(`DhcpServer ${config.ref}: range ${formatIpv4(rangeStart)}-${formatIpv4(rangeEnd)} is not inside ${formatIpv4(prefix.address)}/${prefix.length}`)
    }
  }

  /**
   * One Ethernet frame in; the reply frames out (none for a frame that is not a DHCP request to
   * port 67, a RELEASE, or a REQUEST meant for another server). Never throws on bad bytes.
   */
  handle(frame: Uint8Array, rec: Recorder | null): Uint8Array[] {
    const eth = EthernetFrame.checked(frame, 0, frame.length)
    if (eth instanceof WireError || eth.etherType !== ETHERTYPE_IPV4) return []
    const ip = Ipv4Packet.checked(frame, eth.payloadOffset, frame.length - eth.payloadOffset)
    if (ip instanceof WireError || ip.protocol !== IPPROTO_UDP || ip.moreFrags || ip.fragOffset !== 0) return []
    const udp = UdpPacket.checked(frame, ip.payloadOffset, ip.payloadLen)
    if (udp instanceof WireError || udp.dstPort !== DHCP_SERVER_PORT) return []
    const sent = ip.dst
    if (sent !== 0xffff_ffff && sent !== this.config.serverAddress) return []
    if (!ip.verifyChecksum() || !udp.verifyChecksum(ip.src, ip.dst)) return this.drop('bad-checksum', frame, rec, () => 'a DHCP message with a bad IPv4 or UDP checksum is discarded before the server reads it')
    const p = DhcpPacket.checked(frame, udp.payloadOffset, udp.length - 8)
    if (p instanceof WireError) return this.drop('malformed', frame, rec, () => `not a DHCP message (${p.code}: ${p.message})`)
    const m = parseDhcp(p)
    if (m instanceof WireError) return this.drop('malformed', frame, rec, () => `a DHCP message the server cannot read (${m.code}: ${m.message})`)
    if (m.op !== BOOTREQUEST || m.htype !== 1 || m.hlen !== 6) return this.drop('malformed', frame, rec, () => `a BOOTP message that is not an Ethernet BOOTREQUEST (op ${m.op}, htype ${m.htype}, hlen ${m.hlen})`)
    const type = dhcpMessageType(m)
    const mac = dhcpClientMac(m)
    if (rec !== null) {
      rec.step({timeMs: this.scheduler.now, place: this.config.place, action: 'received', reason: 'dhcp', text: `the DHCP server receives ${type === null ? 'a BOOTP request' : 'DHCP' + dhcpMessageTypeName(type)} from ${formatMacTrace(mac)} (xid 0x${hex32(m.xid)})`, ref: this.config.ref, frame})
    }
    switch (type) {
      case DHCPDISCOVER:
        return this.discover(m, mac, eth.src, rec)
      case DHCPREQUEST:
        return this.request(m, mac, eth.src, rec)
      case DHCPRELEASE:
        return this.release(m, mac, frame, rec)
      case DHCPDECLINE:
        return this.decline(m, mac, frame, rec)
      case DHCPINFORM:
        return this.inform(m, mac, eth.src, rec)
      default:
        return this.drop('malformed', frame, rec, () => `DHCP message type ${type === null ? 'missing (plain BOOTP is not served)' : dhcpMessageTypeName(type)} is not one a server answers`)
    }
  }

  /** Active leases and offers (not expired), by address. */
  leases(): DhcpLease[] {
    const now = this.scheduler.now
    return [...this.byMac.values()]
      .filter((r) => (r.state === 'bound' || r.state === 'offered') && r.expiresAtMs > now)
      .sort((a, b) => a.address - b.address)
      .map((r) => ({mac: r.mac, address: r.address, state: r.state, expiresAtMs: r.expiresAtMs}))
  }

  /** The active lease of `mac`. */
  leaseOf(mac: Mac): DhcpLease | null {
    const r = this.byMac.get(mac)
    return r !== undefined && r.state === 'bound' && r.expiresAtMs > this.scheduler.now ? {...r} : null
  }

  /** Every remembered client (expired and released ones too: they keep their address), by address. */
  exportState(): DhcpServerState {
    const leases = [...this.byMac.values()].sort((a, b) => a.address - b.address)
    return {leases: leases.map((r) => ({mac: formatMac(r.mac), address: formatIpv4(r.address), state: r.state, expiresAtMs: r.expiresAtMs}))}
  }

  /** Replaces the remembered clients with `state` (from exportState). Throws a TypeError naming a bad entry. */
  importState(state: unknown): void {
    const list = (state as {leases?: unknown} | null)?.leases
    if (!Array.isArray(list)) throw new TypeError(`DHCP state of ${this.config.ref}: expected {leases: [...]}`)
    const records: LeaseRecord[] = list.map((e: unknown, i) => {
      const x = e as Record<string, unknown> | null
      const mac = typeof x?.mac === 'string' ? parseMac(x.mac) : null
      const address = typeof x?.address === 'string' ? parseIpv4Address(x.address) : null
      const st = x?.state
      const exp = x?.expiresAtMs
      if (mac === null || mac instanceof WireError || address === null || address instanceof WireError || !LEASE_STATES.includes(st as LeaseState) || typeof exp !== 'number' || !Number.isFinite(exp)) {
        throw new TypeError(`DHCP state of ${this.config.ref}: lease ${i} is not {mac, address, state, expiresAtMs}: ${JSON.stringify(e)}`)
      }
      return {mac, address, state: st as LeaseState, expiresAtMs: exp}
    })
    this.byMac.clear()
    this.byAddress.clear()
    for (const r of records) {
      this.byMac.set(r.mac, r)
      this.byAddress.set(r.address, r)
    }
  }

  // -------------------------------------------------------------------------------------------
  // Messages

  private discover(m: DhcpRepr, mac: Mac, srcMac: Mac, rec: Recorder | null): Uint8Array[] {
    const now = this.scheduler.now
    const address = this.choose(mac, requestedIp(m), now)
    if (address === null) {
      return this.drop('no-answer', null, rec, () => `the scope ${this.rangeText()} has no free address left for ${formatMacTrace(mac)}, so no DHCPOFFER is sent`)
    }
    const r = this.bind(mac, address, 'offered', now + OFFER_HOLD_MS)
    return [this.reply(m, DHCPOFFER, r.address, srcMac, rec, `offers ${formatIpv4(r.address)} to ${formatMacTrace(mac)}${this.optionsText()}`)]
  }

  private request(m: DhcpRepr, mac: Mac, srcMac: Mac, rec: Recorder | null): Uint8Array[] {
    const now = this.scheduler.now
    const serverId = optionAddress(m, 'server-id')
    const requested = requestedIp(m)
    if (serverId !== null && serverId !== this.config.serverAddress) {
      // SELECTING, and the client chose another server's offer: ours is withdrawn (RFC 2131 4.3.2).
      const r = this.byMac.get(mac)
      if (r !== undefined && r.state === 'offered') r.expiresAtMs = now
      if (rec !== null) rec.step({timeMs: now, place: this.config.place, action: 'delivered', reason: 'dhcp-other-server', text: `${formatMacTrace(mac)} chose the offer of the DHCP server at ${formatIpv4(serverId)}; this server withdraws its own`, ref: this.config.ref, frame: EMPTY})
      return []
    }
    // SELECTING and INIT-REBOOT name the address in option 50; RENEWING and REBINDING in ciaddr.
    const wanted = requested ?? m.ciaddr
    if (wanted === 0) return [this.nak(m, srcMac, rec, `${formatMacTrace(mac)} asked for no address`)]
    if (!this.inPrefix(wanted)) return [this.nak(m, srcMac, rec, `${formatIpv4(wanted)} is not on this network (${formatIpv4(this.config.prefix.address)}/${this.config.prefix.length}): the client moved and must start over`)]
    if (!this.available(wanted, mac, now)) {
      const holder = this.byAddress.get(wanted)
      const why = wanted < this.config.rangeStart || wanted > this.config.rangeEnd ? `is outside the scope ${this.rangeText()}` : `is leased to ${formatMacTrace(holder?.mac ?? 0)}`
      return [this.nak(m, srcMac, rec, `${formatIpv4(wanted)} ${why}`)]
    }
    const r = this.bind(mac, wanted, 'bound', now + this.config.leaseSeconds * 1000)
    return [this.reply(m, DHCPACK, r.address, srcMac, rec, `acknowledges ${formatIpv4(r.address)} for ${formatMacTrace(mac)}, leased for ${durationText(this.config.leaseSeconds)}${this.optionsText()}`)]
  }

  private release(m: DhcpRepr, mac: Mac, frame: Uint8Array, rec: Recorder | null): Uint8Array[] {
    const r = this.byMac.get(mac)
    if (r !== undefined && r.address === m.ciaddr && r.state === 'bound') {
      r.state = 'released'
      r.expiresAtMs = this.scheduler.now
      if (rec !== null) rec.step({timeMs: this.scheduler.now, place: this.config.place, action: 'delivered', reason: 'dhcp-release', text: `${formatMacTrace(mac)} releases ${formatIpv4(r.address)}; the server keeps it for this client while no other needs it`, ref: this.config.ref, frame})
    }
    return []
  }

  private decline(m: DhcpRepr, mac: Mac, frame: Uint8Array, rec: Recorder | null): Uint8Array[] {
    const address = requestedIp(m)
    const r = this.byMac.get(mac)
    if (address !== null && r !== undefined && r.address === address) {
      this.byMac.delete(mac)
      r.state = 'declined'
      r.mac = 0
      r.expiresAtMs = this.scheduler.now + this.config.leaseSeconds * 1000
      if (rec !== null) rec.step({timeMs: this.scheduler.now, place: this.config.place, action: 'delivered', reason: 'dhcp-decline', text: `${formatMacTrace(mac)} declines ${formatIpv4(address)} (another machine answers ARP for it); the server sets it aside for ${durationText(this.config.leaseSeconds)}`, ref: this.config.ref, frame})
    }
    return []
  }

  private inform(m: DhcpRepr, mac: Mac, srcMac: Mac, rec: Recorder | null): Uint8Array[] {
    return [this.reply(m, DHCPACK, 0, srcMac, rec, `answers ${formatMacTrace(mac)}'s DHCPINFORM with the scope's options${this.optionsText()}`)]
  }

  // -------------------------------------------------------------------------------------------
  // Addresses

  /** RFC 2131 4.3.1's order: current or previous binding, the requested address, the first free one. */
  private choose(mac: Mac, requested: Ipv4Address | null, now: TimeMs): Ipv4Address | null {
    const own = this.byMac.get(mac)
    if (own !== undefined && this.available(own.address, mac, now)) return own.address
    if (requested !== null && this.available(requested, mac, now)) return requested
    const {rangeStart, rangeEnd} = this.config
    // Never-used addresses first, so that an expired client keeps its address as long as possible.
    let reusable: LeaseRecord | null = null
    for (let a = rangeStart; a <= rangeEnd; a++) {
      if (this.isReserved(a)) continue
      const holder = this.byAddress.get(a)
      if (holder === undefined) return a
      if (holder.mac !== mac && holder.expiresAtMs <= now && (reusable === null || holder.expiresAtMs < reusable.expiresAtMs)) reusable = holder
    }
    return reusable === null ? null : reusable.address
  }

  /** In the range, not the server or the router, and not held by another client's live lease or offer. */
  private available(a: Ipv4Address, mac: Mac, now: TimeMs): boolean {
    if (a < this.config.rangeStart || a > this.config.rangeEnd || this.isReserved(a)) return false
    const holder = this.byAddress.get(a)
    return holder === undefined || holder.mac === mac || holder.expiresAtMs <= now
  }

  private isReserved(a: Ipv4Address): boolean {
    return a === this.config.serverAddress || a === this.config.router
  }

  private inPrefix(a: Ipv4Address): boolean {
    const mask = prefixMask(this.config.prefix.length)
    return ((a & mask) >>> 0) === ((this.config.prefix.address & mask) >>> 0)
  }

  private bind(mac: Mac, address: Ipv4Address, state: LeaseState, expiresAtMs: TimeMs): LeaseRecord {
    let r = this.byMac.get(mac)
    if (r !== undefined && r.address !== address && this.byAddress.get(r.address) === r) this.byAddress.delete(r.address)
    const previous = this.byAddress.get(address)
    if (previous !== undefined && previous !== r && previous.mac !== 0) this.byMac.delete(previous.mac)
    if (r === undefined) {
      r = {mac, address, state, expiresAtMs}
      this.byMac.set(mac, r)
    } else {
      r.address = address
      r.state = state
      r.expiresAtMs = expiresAtMs
    }
    this.byAddress.set(address, r)
    return r
  }

  // -------------------------------------------------------------------------------------------
  // Replies

  private nak(m: DhcpRepr, srcMac: Mac, rec: Recorder | null, why: string): Uint8Array {
    return this.reply(m, DHCPNAK, 0, srcMac, rec, `refuses ${formatMacTrace(dhcpClientMac(m))}'s request with DHCPNAK: ${why}`)
  }

  /** RFC 2131 4.1 and 4.3.6: build the reply and choose where it goes. */
  private reply(m: DhcpRepr, type: number, yiaddr: Ipv4Address, srcMac: Mac, rec: Recorder | null, text: string): Uint8Array {
    const c = this.config
    const mac = dhcpClientMac(m)
    const options: DhcpOption[] = [{kind: 'message-type', messageType: type}, {kind: 'server-id', address: c.serverAddress}]
    if (type !== DHCPNAK) {
      if (type !== DHCPACK || yiaddr !== 0) {
        options.push({kind: 'lease-time', seconds: c.leaseSeconds})
        options.push({kind: 'renewal-time', seconds: Math.floor(c.leaseSeconds / 2)})
        options.push({kind: 'rebinding-time', seconds: Math.floor((c.leaseSeconds * 7) / 8)})
      }
      options.push({kind: 'subnet-mask', address: prefixMask(c.prefix.length)})
      if (c.router !== null) options.push({kind: 'router', addresses: [c.router]})
      if (c.dns.length > 0) options.push({kind: 'dns', addresses: c.dns})
    }
    options.push({kind: 'end'})
    const dhcp: DhcpRepr = {
      op: BOOTREPLY,
      htype: 1,
      hlen: 6,
      hops: 0,
      xid: m.xid,
      secs: 0,
      flags: m.flags & BOOTP_FLAG_BROADCAST,
      ciaddr: type === DHCPNAK ? 0 : m.ciaddr,
      yiaddr,
      siaddr: 0,
      giaddr: m.giaddr,
      chaddr: chaddrFromMac(mac),
      sname: new Uint8Array(64),
      file: new Uint8Array(128),
      options,
    }
    let dstIp: Ipv4Address
    let dstMac: Mac
    let dstPort = DHCP_CLIENT_PORT
    let how: string
    if (m.giaddr !== 0) {
      dstIp = m.giaddr
      dstMac = srcMac
      dstPort = DHCP_SERVER_PORT
      how = `to the relay agent ${formatIpv4(m.giaddr)}`
    } else if (type === DHCPNAK) {
      dstIp = 0xffff_ffff
      dstMac = MAC_BROADCAST
      how = 'broadcast (a DHCPNAK always is)'
    } else if (m.ciaddr !== 0) {
      dstIp = m.ciaddr
      dstMac = mac
      how = `unicast to the client's address ${formatIpv4(m.ciaddr)}`
    } else if ((m.flags & BOOTP_FLAG_BROADCAST) !== 0) {
      dstIp = 0xffff_ffff
      dstMac = MAC_BROADCAST
      how = 'broadcast, as the client set the BROADCAST flag'
    } else {
      dstIp = yiaddr
      dstMac = mac
      how = `unicast to ${formatIpv4(yiaddr)} at ${formatMacTrace(mac)} (BROADCAST flag clear)`
    }
    const frame = encodeFrame([
      {layer: 'ethernet', repr: {dst: dstMac, src: c.serverMac, etherType: ETHERTYPE_IPV4}},
      {layer: 'ipv4', repr: ipv4Repr({src: c.serverAddress, dst: dstIp, protocol: IPPROTO_UDP, ttl: 128, ident: this.nextIdent()})},
      {layer: 'udp', repr: {srcPort: DHCP_SERVER_PORT, dstPort, payload: EMPTY}},
      {layer: 'dhcp', repr: dhcp},
    ])
    if (rec !== null) rec.step({timeMs: this.scheduler.now, place: c.place, action: 'answered', reason: 'dhcp', text: `the DHCP server ${text}; DHCP${dhcpMessageTypeName(type)} sent ${how}`, ref: c.ref, frame})
    return frame
  }

  private optionsText(): string {
    const c = this.config
    const parts = [`mask ${formatIpv4(prefixMask(c.prefix.length))}`]
    parts.push(c.router === null ? 'no router' : `router ${formatIpv4(c.router)}`)
    if (c.dns.length > 0) parts.push(`DNS ${c.dns.map(formatIpv4).join(', ')}`)
    return ` (${parts.join(', ')})`
  }

  private rangeText(): string {
    return `${formatIpv4(this.config.rangeStart)}-${formatIpv4(this.config.rangeEnd)}`
  }

  private nextIdent(): number {
    this.ident = (this.ident + 1) & 0xffff
    return this.ident
  }

  private drop(reason: DropReason, frame: Uint8Array | null, rec: Recorder | null, text: () => string): Uint8Array[] {
    this.drops.count(reason)
    if (rec !== null) rec.step({timeMs: this.scheduler.now, place: this.config.place, action: 'dropped', reason, text: text(), ref: this.config.ref, frame: frame ?? EMPTY})
    return []
  }
}

const EMPTY = new Uint8Array(0)

function hex32(v: number): string {
  return v.toString(16).padStart(8, '0')
}

function optionAddress(m: DhcpRepr, kind: 'server-id' | 'requested-ip'): Ipv4Address | null {
  for (const o of m.options) if (o.kind === kind) return o.address
  return null
}

function requestedIp(m: DhcpRepr): Ipv4Address | null {
  return optionAddress(m, 'requested-ip')
}

/** `1 day`, `8 days`, `2 hours`, `90 seconds`. */
export function durationText(seconds: number): string {
  if (seconds % 86_400 === 0) return seconds === 86_400 ? '1 day' : `${seconds / 86_400} days`
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`
  if (seconds % 60 === 0) return seconds === 60 ? '1 minute' : `${seconds / 60} minutes`
  return seconds === 1 ? '1 second' : `${seconds} seconds`
}
