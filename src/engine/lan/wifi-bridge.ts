// The Microsoft bridge Hyper-V puts between an External switch and a Wi-Fi adapter (reference
// §1.4). An access point accepts frames only from the MAC of the station associated with it, so
// the bridge makes every frame leave with the adapter's MAC and maps the answers back:
//
//   outbound (switch -> air), for a frame whose source MAC is not the adapter's:
//     - Ethernet source MAC := the adapter's MAC;
//     - ARP sender hardware address := the adapter's MAC (ARP proxying: the LAN learns the
//       adapter's MAC for every VM address);
//     - a DHCP BOOTREQUEST gets the BROADCAST flag (RFC 2131 4.1), so the server's answer, which it
//       would otherwise send to the VM's MAC in chaddr, reaches the bridge; the UDP checksum is
//       patched (RFC 1624);
//     - the sender's IPv4 address (ARP sender, IPv4 source; never 0.0.0.0) is remembered with the
//       VM's MAC: the IP -> VM MAC table.
//   inbound (air -> switch), for a frame addressed to the adapter's MAC:
//     - IPv4: destination MAC := the VM MAC the table holds for the destination address;
//     - ARP reply: destination MAC and target hardware address := the VM MAC for the target
//       address.
//   Frames from the host itself (the management vNIC keeps the adapter's MAC) and addresses the
//   table does not hold pass unchanged; broadcasts are flooded by the switch as they are.
//
// hvnet places the bridge on the external-port side of the PhysicalLink (./link.ts): it exists
// exactly when a wireless adapter is bound to an External switch, and the access point's check
// (`wifi-unassociated-mac`) runs after it.
import type {FieldChange} from '../observe.js'
import {
  ARP_OP_REPLY,
  ARP_SHA,
  ARP_THA,
  ArpPacket,
  BOOTP_FLAGS,
  BOOTP_FLAG_BROADCAST,
  BOOTREQUEST,
  DHCP_CLIENT_PORT,
  DHCP_SERVER_PORT,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  ETH_DST,
  ETH_SRC,
  EthernetFrame,
  IPPROTO_UDP,
  Ipv4Packet,
  UDP_CHECKSUM,
  UDP_HEADER_LEN,
  UdpPacket,
  WireError,
  checksumAdjust,
  formatIpv4,
  formatMac,
  formatMacTrace,
  get16,
  parseIpv4Address,
  parseMac,
  put16,
  put48,
} from '../wire/index.js'
import type {Ipv4Address, Mac} from '../wire/index.js'

export interface BridgeOutcome {
  /** The frame to pass on: the input itself when nothing changed, else a changed copy. */
  readonly frame: Uint8Array
  /** Every changed field (empty when unchanged, or when not asked to describe). */
  readonly changes: readonly FieldChange[]
}

export interface WifiBridgeEntry {
  readonly ip: string
  readonly mac: string
}

const UNCHANGED: readonly FieldChange[] = []

export class WifiBridge {
  private readonly vmByIp = new Map<Ipv4Address, Mac>()

  constructor(readonly adapterMac: Mac) {}

  /** The VM MAC behind `ip`, if the bridge has seen that address leave. */
  vmMacOf(ip: Ipv4Address): Mac | undefined {
    return this.vmByIp.get(ip)
  }

  /** Switch -> air. `frame` is not modified; `describe` lists the changes (for a recorder). */
  outbound(frame: Uint8Array, describe = true): BridgeOutcome {
    const eth = EthernetFrame.checked(frame, 0, frame.length)
    if (eth instanceof WireError) return {frame, changes: UNCHANGED}
    const vm = eth.src
    if (vm === this.adapterMac) return {frame, changes: UNCHANGED}
    const out = frame.slice()
    const changes: FieldChange[] = []
    const me = describe ? formatMacTrace(this.adapterMac) : ''
    if (describe) changes.push({field: 'ethernet.src', before: formatMacTrace(vm), after: me})
    put48(out, ETH_SRC, this.adapterMac)
    const po = eth.payloadOffset
    const type = eth.etherType
    if (type === ETHERTYPE_ARP) {
      const arp = ArpPacket.checked(out, po, frame.length - po)
      if (!(arp instanceof WireError)) {
        if (arp.senderIp !== 0) this.vmByIp.set(arp.senderIp, arp.senderMac)
        if (arp.senderMac !== this.adapterMac) {
          if (describe) changes.push({field: 'arp.senderMac', before: formatMacTrace(arp.senderMac), after: me})
          put48(out, po + ARP_SHA, this.adapterMac)
        }
      }
    } else if (type === ETHERTYPE_IPV4) {
      const ip = Ipv4Packet.checked(out, po, frame.length - po)
      if (!(ip instanceof WireError)) {
        if (ip.src !== 0) this.vmByIp.set(ip.src, vm)
        if (ip.protocol === IPPROTO_UDP && ip.fragOffset === 0) this.broadcastFlag(out, ip, describe ? changes : null)
      }
    }
    return {frame: out, changes}
  }

  /** Air -> switch. `frame` is not modified; `describe` lists the changes (for a recorder). */
  inbound(frame: Uint8Array, describe = true): BridgeOutcome {
    const eth = EthernetFrame.checked(frame, 0, frame.length)
    if (eth instanceof WireError || eth.dst !== this.adapterMac) return {frame, changes: UNCHANGED}
    const po = eth.payloadOffset
    const type = eth.etherType
    if (type === ETHERTYPE_IPV4) {
      const ip = Ipv4Packet.checked(frame, po, frame.length - po)
      if (ip instanceof WireError) return {frame, changes: UNCHANGED}
      const vm = this.vmByIp.get(ip.dst)
      if (vm === undefined || vm === this.adapterMac) return {frame, changes: UNCHANGED}
      const out = frame.slice()
      put48(out, ETH_DST, vm)
      return {frame: out, changes: describe ? [{field: 'ethernet.dst', before: formatMacTrace(this.adapterMac), after: formatMacTrace(vm)}] : UNCHANGED}
    }
    if (type === ETHERTYPE_ARP) {
      const arp = ArpPacket.checked(frame, po, frame.length - po)
      if (arp instanceof WireError || arp.op !== ARP_OP_REPLY || arp.targetMac !== this.adapterMac) return {frame, changes: UNCHANGED}
      const vm = this.vmByIp.get(arp.targetIp)
      if (vm === undefined || vm === this.adapterMac) return {frame, changes: UNCHANGED}
      const out = frame.slice()
      put48(out, ETH_DST, vm)
      put48(out, po + ARP_THA, vm)
      if (!describe) return {frame: out, changes: UNCHANGED}
      const before = formatMacTrace(this.adapterMac)
      const after = formatMacTrace(vm)
      return {frame: out, changes: [{field: 'ethernet.dst', before, after}, {field: 'arp.targetMac', before, after}]}
    }
    return {frame, changes: UNCHANGED}
  }

  /** The IP -> VM MAC table, by address. */
  exportState(): WifiBridgeEntry[] {
    return [...this.vmByIp].sort((a, b) => a[0] - b[0]).map(([ip, mac]) => ({ip: formatIpv4(ip), mac: formatMac(mac)}))
  }

  importState(entries: readonly WifiBridgeEntry[]): void {
    const parsed = entries.map((e, i) => {
      const ip = parseIpv4Address(String(e?.ip))
      const mac = parseMac(String(e?.mac))
      if (ip instanceof WireError || mac instanceof WireError) throw new TypeError(`Wi-Fi bridge state: entry ${i} is not {ip, mac}: ${JSON.stringify(e)}`)
      return [ip, mac] as const
    })
    this.vmByIp.clear()
    for (const [ip, mac] of parsed) this.vmByIp.set(ip, mac)
  }

  /** Forgets the addresses of `mac` (its VM was removed or got another MAC). */
  forgetMac(mac: Mac): void {
    for (const [ip, m] of this.vmByIp) if (m === mac) this.vmByIp.delete(ip)
  }

  private broadcastFlag(out: Uint8Array, ip: Ipv4Packet, changes: FieldChange[] | null): void {
    const udp = UdpPacket.checked(out, ip.payloadOffset, ip.payloadLen)
    if (udp instanceof WireError || udp.srcPort !== DHCP_CLIENT_PORT || udp.dstPort !== DHCP_SERVER_PORT) return
    const d = udp.payloadOffset
    if (udp.length < UDP_HEADER_LEN + BOOTP_FLAGS + 2 || out[d] !== BOOTREQUEST) return
    const flags = get16(out, d + BOOTP_FLAGS)
    if ((flags & BOOTP_FLAG_BROADCAST) !== 0) return
    const next = flags | BOOTP_FLAG_BROADCAST
    put16(out, d + BOOTP_FLAGS, next)
    const sum = get16(out, ip.payloadOffset + UDP_CHECKSUM)
    // A zero UDP checksum means "none" and stays zero; a computed zero is sent as 0xffff (RFC 768).
    if (sum !== 0) put16(out, ip.payloadOffset + UDP_CHECKSUM, checksumAdjust(sum, flags, next) || 0xffff)
    changes?.push({field: 'dhcp.flags', before: `0x${flags.toString(16).padStart(4, '0')}`, after: `0x${next.toString(16).padStart(4, '0')} (BROADCAST)`})
  }
}
