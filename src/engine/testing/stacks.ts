// Small composable frame builders and checkers for the IP stack and DHCP tests (not a test file).
// Builders go through encodeFrame; checkers through decodeFrame, which verifies every checksum
// independently of the code that wrote it.
import assert from 'node:assert/strict'
import type {DhcpServerConfig} from '../dhcp/server.js'
import type {GuestIpConfig, GuestOsConfig, HostInterfaceConfig, PortFeatures, VmAdapterConfig, VmConfig} from '../config.js'
import type {Icmpv4Repr} from '../wire/icmpv4.js'
import {
  BOOTREQUEST,
  DHCP_CLIENT_PORT,
  DHCP_SERVER_PORT,
  DhcpPacket,
  ETHERTYPE_IPV4,
  dhcpBufferLen,
  dhcpOptionLen,
  emitDhcp,
  IPPROTO_UDP,
  chaddrFromMac,
  decodeFrame,
  encodeFrame,
  ipv4Repr,
  parseIpv4Address,
  summarizeFrame,
} from '../wire/index.js'
import type {ArpRepr, DecodedFrame, DhcpOption, DhcpRepr, EthernetRepr, Ipv4Address, Ipv4Repr, Mac, TcpRepr, UdpRepr} from '../wire/index.js'

/** `ip('10.0.0.1')` as a number; throws on bad text (tests only). */
export function ip(s: string): Ipv4Address {
  const a = parseIpv4Address(s)
  if (typeof a !== 'number') throw new Error(a.toString())
  return a
}

/** A DHCP client message (BROADCAST flag as given) in a broadcast Ethernet/IPv4/UDP frame. */
export function dhcpClientFrame(mac: Mac, messageType: number, o: {xid?: number; broadcast?: boolean; ciaddr?: Ipv4Address; src?: Ipv4Address; dst?: Ipv4Address; requested?: Ipv4Address; serverId?: Ipv4Address; unpadded?: boolean} = {}): Uint8Array {
  const options: DhcpOption[] = [{kind: 'message-type', messageType}]
  if (o.requested !== undefined) options.push({kind: 'requested-ip', address: o.requested})
  if (o.serverId !== undefined) options.push({kind: 'server-id', address: o.serverId})
  options.push({kind: 'parameter-request-list', codes: [1, 3, 6, 15]})
  options.push({kind: 'end'})
  const dhcp: DhcpRepr = {op: BOOTREQUEST, htype: 1, hlen: 6, hops: 0, xid: o.xid ?? 0x1234abcd, secs: 0, flags: o.broadcast ? 0x8000 : 0, ciaddr: o.ciaddr ?? 0, yiaddr: 0, siaddr: 0, giaddr: 0, chaddr: chaddrFromMac(mac), sname: new Uint8Array(64), file: new Uint8Array(128), options}
  const dst = o.dst ?? 0xffff_ffff
  const layers = [
    {layer: 'ethernet' as const, repr: {dst: dst === 0xffff_ffff ? 0xffff_ffff_ffff : 0x00155d000001, src: mac, etherType: ETHERTYPE_IPV4}},
    {layer: 'ipv4' as const, repr: ipv4Repr({src: o.src ?? 0, dst, protocol: IPPROTO_UDP, ttl: 128, ident: 1})},
    {layer: 'udp' as const, repr: {srcPort: DHCP_CLIENT_PORT, dstPort: DHCP_SERVER_PORT, payload: new Uint8Array(0)}},
    {layer: 'dhcp' as const, repr: dhcp},
  ]
  if (!o.unpadded) return encodeFrame(layers)
  // Without the BOOTP padding after `end` (some clients send fewer than 300 bytes).
  const d = new Uint8Array(dhcpBufferLen(dhcp))
  emitDhcp(dhcp, new DhcpPacket(d, 0, d.length))
  let n = 240
  for (const opt of options) n += dhcpOptionLen(opt)
  const udp: UdpRepr = {srcPort: DHCP_CLIENT_PORT, dstPort: DHCP_SERVER_PORT, payload: d.subarray(0, n)}
  return encodeFrame([layers[0], layers[1], {layer: 'udp', repr: udp}])
}

/** Decodes and asserts: no structural error, every checksum correct. */
export function decoded(frame: Uint8Array): DecodedFrame {
  const d = decodeFrame(frame)
  assert.equal(d.error, null, `frame does not decode: ${summarizeFrame(d)}`)
  assert.deepEqual(d.issues, [], `checksum issues: ${summarizeFrame(d)}`)
  return d
}

export function ethOf(frame: Uint8Array): EthernetRepr {
  const l = decoded(frame).layers[0]
  assert.equal(l.layer, 'ethernet')
  return (l as {repr: EthernetRepr}).repr
}

export function arpOf(frame: Uint8Array): ArpRepr {
  const l = decoded(frame).layers.find((x) => x.layer === 'arp')
  assert.ok(l?.layer === 'arp', `not an ARP frame: ${summarizeFrame(decodeFrame(frame))}`)
  return l.repr
}

export function ipOf(frame: Uint8Array): Ipv4Repr {
  const l = decoded(frame).layers.find((x) => x.layer === 'ipv4')
  assert.ok(l?.layer === 'ipv4', `not an IPv4 frame: ${summarizeFrame(decodeFrame(frame))}`)
  return l.repr
}

export function icmpOf(frame: Uint8Array): Icmpv4Repr {
  const l = decoded(frame).layers.find((x) => x.layer === 'icmpv4')
  assert.ok(l?.layer === 'icmpv4', `not an ICMP frame: ${summarizeFrame(decodeFrame(frame))}`)
  return l.repr
}

export function udpOf(frame: Uint8Array): UdpRepr {
  const l = decoded(frame).layers.find((x) => x.layer === 'udp')
  assert.ok(l?.layer === 'udp', `not a UDP frame: ${summarizeFrame(decodeFrame(frame))}`)
  return l.repr
}

export function tcpOf(frame: Uint8Array): TcpRepr {
  const l = decoded(frame).layers.find((x) => x.layer === 'tcp')
  assert.ok(l?.layer === 'tcp', `not a TCP frame: ${summarizeFrame(decodeFrame(frame))}`)
  return l.repr
}

export function dhcpOf(frame: Uint8Array): DhcpRepr {
  const l = decoded(frame).layers.find((x) => x.layer === 'dhcp')
  assert.ok(l?.layer === 'dhcp', `not a DHCP frame: ${summarizeFrame(decodeFrame(frame))}`)
  return l.repr
}

/** The DHCP option of that kind in a message, typed by its kind; undefined when absent. */
export function dhcpOption<K extends DhcpRepr['options'][number]['kind']>(m: DhcpRepr, kind: K): Extract<DhcpRepr['options'][number], {kind: K}> | undefined {
  return m.options.find((o) => o.kind === kind) as Extract<DhcpRepr['options'][number], {kind: K}> | undefined
}

export function summary(frame: Uint8Array): string {
  return summarizeFrame(decodeFrame(frame))
}

/** A plain port (no VLAN, no ACL, no guard) for configuration snapshots in tests. */
export function plainFeatures(ref: string): PortFeatures {
  return {macAddressSpoofing: false, dhcpGuard: false, routerGuard: false, portMirroring: 'none', vlan: {mode: 'untagged'}, acls: [], extendedAcls: [], ref}
}

/** A running VM with one adapter `NAME/Network Adapter` (DHCP unless `ip` says otherwise). */
export function vmConfig(name: string, mac: Mac, o: {running?: boolean; ip?: GuestIpConfig; guest?: Partial<GuestOsConfig>; switchId?: string} = {}): VmConfig {
  const key = `${name}/Network Adapter`
  const adapter: VmAdapterConfig = {key, vmName: name, name: 'Network Adapter', macAddress: mac, switchId: o.switchId ?? 'sw', features: plainFeatures(`vm ${key}`), ip: o.ip ?? {mode: 'dhcp'}}
  return {name, running: o.running ?? true, guest: {os: 'linux', firewall: false, listen: [{protocol: 'tcp', port: 22}, {protocol: 'tcp', port: 80}], ...o.guest}, adapters: [adapter]}
}

/** A host interface snapshot. */
export function hostInterface(alias: string, mac: Mac, o: {addresses?: {address: Ipv4Address; prefixLength: number}[]; gateway?: Ipv4Address | null; forwarding?: boolean; dhcp?: boolean; ifIndex?: number} = {}): HostInterfaceConfig {
  return {alias, ifIndex: o.ifIndex ?? 24, macAddress: mac, attachment: {kind: 'vnic', switchId: 'sw', features: plainFeatures(`host ${alias}`)}, addresses: o.addresses ?? [], defaultGateway: o.gateway ?? null, dhcp: o.dhcp ?? false, forwarding: o.forwarding ?? false}
}

/** The Default Switch's DHCP scope as tests use it: 172.20.16.0/20, the host vNIC at .1 (router and DNS). */
export function defaultSwitchScope(over: Partial<DhcpServerConfig> = {}): DhcpServerConfig {
  return {
    prefix: {address: ip('172.20.16.0'), length: 20},
    rangeStart: ip('172.20.16.2'),
    rangeEnd: ip('172.20.31.254'),
    leaseSeconds: 86_400,
    serverAddress: ip('172.20.16.1'),
    serverMac: 0x00155d006a01,
    router: ip('172.20.16.1'),
    dns: [ip('172.20.16.1')],
    place: {kind: 'host', name: 'vEthernet (Default Switch)'},
    ref: 'vswitch Default Switch.dhcp',
    ...over,
  }
}
