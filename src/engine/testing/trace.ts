// Synthetic traces for the trace module's tests (not a test file): realistic step sequences as the
// engine reports them, built from real frames, on Microsoft's NAT walkthrough network and the
// Default Switch. Reason codes are the engine's own (`ingress`, `known-mac`, `flood`,
// `nat-translated` …; src/render/trace-explain.ts explains them); drop reasons are observe.ts's.
import type {FieldChange, Place, Step, StepAction} from '../observe.js'
import {chaddrFromMac} from '../wire/dhcp.js'
import type {DhcpOption} from '../wire/dhcp.js'
import {decodeFrame, encodeFrame} from '../wire/frame.js'
import type {FrameLayer} from '../wire/frame.js'
import {parseIpv4Address} from '../wire/ipv4-address.js'
import type {Ipv4Address} from '../wire/ipv4-address.js'
import {ICMP_DST_UNREACHABLE, ICMP_TIME_EXCEEDED, emitIcmpError, icmpErrorLen} from '../wire/icmpv4.js'
import {Ipv4Packet, ipv4Repr} from '../wire/ipv4.js'
import type {Ipv4Repr} from '../wire/ipv4.js'
import type {Mac} from '../wire/mac.js'
import {TCP_ACK_FLAG, TCP_RST, TCP_SYN} from '../wire/tcp.js'
import type {Expectation} from '../trace/expect.js'
import type {TraceFlowSpec} from '../trace/result.js'

export function mac(s: string): Mac {
  return parseInt(s.replace(/[-:]/g, ''), 16)
}

export function ip(s: string): Ipv4Address {
  const a = parseIpv4Address(s)
  if (typeof a !== 'number') throw new Error(`bad address ${s}`)
  return a
}

const BROADCAST = mac('FF-FF-FF-FF-FF-FF')

function ipv4(src: string, dst: string, protocol: number, ttl: number, ident = 0x1234): Ipv4Repr {
  return ipv4Repr({src: ip(src), dst: ip(dst), protocol, ttl, ident})
}

function eth(src: string, dst: string, etherType: number): FrameLayer {
  return {layer: 'ethernet', repr: {src: mac(src), dst: dst === 'broadcast' ? BROADCAST : mac(dst), etherType}}
}

export const frames = {
  arp(op: 1 | 2, ethSrc: string, ethDst: string, senderMac: string, senderIp: string, targetMac: string, targetIp: string): Uint8Array {
    return encodeFrame([eth(ethSrc, ethDst, 0x0806), {layer: 'arp', repr: {op, senderMac: mac(senderMac), senderIp: ip(senderIp), targetMac: targetMac === '' ? 0 : mac(targetMac), targetIp: ip(targetIp)}}])
  },
  echo(kind: 'echo-request' | 'echo-reply', ethSrc: string, ethDst: string, src: string, dst: string, ttl: number, ident: number, seqNo = 1): Uint8Array {
    const data = Uint8Array.from({length: 32}, (_, i) => 0x61 + (i % 23))
    return encodeFrame([eth(ethSrc, ethDst, 0x0800), {layer: 'ipv4', repr: ipv4(src, dst, 1, ttl)}, {layer: 'icmpv4', repr: {kind, ident, seqNo, data}}])
  },
  udp(ethSrc: string, ethDst: string, src: string, dst: string, ttl: number, srcPort: number, dstPort: number, payload: Uint8Array = new Uint8Array(12)): Uint8Array {
    return encodeFrame([eth(ethSrc, ethDst, 0x0800), {layer: 'ipv4', repr: ipv4(src, dst, 17, ttl)}, {layer: 'udp', repr: {srcPort, dstPort, payload}}])
  },
  tcp(ethSrc: string, ethDst: string, src: string, dst: string, ttl: number, srcPort: number, dstPort: number, flags: number, seqNo: number, ackNo = 0): Uint8Array {
    return encodeFrame([eth(ethSrc, ethDst, 0x0800), {layer: 'ipv4', repr: ipv4(src, dst, 6, ttl)}, {layer: 'tcp', repr: {srcPort, dstPort, seqNo, ackNo, flags, window: 64240, urgent: 0, options: [], payload: new Uint8Array(0)}}])
  },
  /** An ICMP error quoting `about` (its IP header and first 8 payload bytes). */
  icmpError(kind: 'dst-unreachable' | 'time-exceeded', code: number, ethSrc: string, ethDst: string, src: string, dst: string, ttl: number, about: Uint8Array): Uint8Array {
    const l3 = decodeFrame(about).layers.find((l) => l.layer === 'ipv4')
    if (l3 === undefined) throw new Error('icmpError: the quoted frame has no IPv4 layer')
    const q = new Ipv4Packet(about, l3.offset, about.length - l3.offset)
    const icmp = new Uint8Array(icmpErrorLen(q, 8))
    emitIcmpError(kind === 'dst-unreachable' ? ICMP_DST_UNREACHABLE : ICMP_TIME_EXCEEDED, code, q, 8, icmp, 0)
    return encodeFrame([eth(ethSrc, ethDst, 0x0800), {layer: 'ipv4', repr: ipv4(src, dst, 1, ttl)}, {layer: 'raw', bytes: icmp}])
  },
  dhcp(messageType: number, ethSrc: string, ethDst: string, src: string, dst: string, client: string, xid: number, yiaddr: string, extra: readonly DhcpOption[] = []): Uint8Array {
    const op = messageType === 2 || messageType === 5 || messageType === 6 ? 2 : 1
    return encodeFrame([
      eth(ethSrc, ethDst, 0x0800),
      {layer: 'ipv4', repr: ipv4(src, dst, 17, op === 1 ? 128 : 128)},
      {layer: 'udp', repr: {srcPort: op === 1 ? 68 : 67, dstPort: op === 1 ? 67 : 68, payload: new Uint8Array(0)}},
      {layer: 'dhcp', repr: {op, htype: 1, hlen: 6, hops: 0, xid, secs: 0, flags: 0, ciaddr: 0, yiaddr: ip(yiaddr), siaddr: 0, giaddr: 0, chaddr: chaddrFromMac(mac(client)), sname: new Uint8Array(64), file: new Uint8Array(128), options: [{kind: 'message-type', messageType}, ...extra, {kind: 'end'}]}},
    ])
  },
}

/** Builds a step list on a virtual clock. */
export class Script {
  readonly steps: Step[] = []
  private t = 0

  at(ms: number): this {
    this.t = ms
    return this
  }

  step(place: Place, action: StepAction, reason: string, text: string, frame: Uint8Array, ref: string | null = null, changes?: readonly FieldChange[]): this {
    this.steps.push(changes === undefined ? {timeMs: this.t, place, action, reason, text, ref, frame} : {timeMs: this.t, place, action, reason, text, ref, frame, changes})
    return this
  }
}

export const PLACES = {
  web: {kind: 'vm', name: 'web/Network Adapter'},
  db: {kind: 'vm', name: 'db/Network Adapter'},
  fresh: {kind: 'vm', name: 'fresh/Network Adapter'},
  natSwitch: {kind: 'switch', name: 'NATSwitch'},
  defaultSwitch: {kind: 'switch', name: 'Default Switch'},
  external: {kind: 'switch', name: 'External'},
  hostNat: {kind: 'host', name: 'vEthernet (NATSwitch)'},
  hostDefault: {kind: 'host', name: 'vEthernet (Default Switch)'},
  nat: {kind: 'nat', name: 'MyNAT'},
  ethernet: {kind: 'physical', name: 'Ethernet'},
  wifi: {kind: 'physical', name: 'Wi-Fi'},
  lanEthernet: {kind: 'lan', name: 'Ethernet'},
  lanWifi: {kind: 'lan', name: 'Wi-Fi'},
  google: {kind: 'internet', name: '8.8.8.8'},
} as const satisfies Record<string, Place>

// Microsoft's NAT walkthrough: web 192.168.0.10 on the Internal switch NATSwitch, the host vNIC
// 192.168.0.1, WinNAT MyNAT on 192.168.0.0/24, the host's Ethernet 10.0.0.23 behind router 10.0.0.1.
const WEB_MAC = '00-15-5D-00-17-10'
const DB_MAC = '00-15-5D-00-17-11'
const VNIC_MAC = '00-15-5D-00-6A-01'
const ETH_MAC = '00-1B-78-57-68-AA'
const ROUTER_MAC = '00-0C-29-4F-00-01'

export interface TraceScenario {
  readonly name: string
  readonly description: string
  readonly flow: TraceFlowSpec
  readonly steps: readonly Step[]
  readonly openPort?: boolean
  readonly expectation?: Expectation
}

/** web pings 8.8.8.8: ARP for the gateway, the host vNIC, WinNAT, Ethernet, the LAN, the internet and back. */
function natPing(): TraceScenario {
  const P = PLACES
  const s = new Script()
  const arpReq = frames.arp(1, WEB_MAC, 'broadcast', WEB_MAC, '192.168.0.10', '', '192.168.0.1')
  const arpRep = frames.arp(2, VNIC_MAC, WEB_MAC, VNIC_MAC, '192.168.0.1', WEB_MAC, '192.168.0.10')
  const req = frames.echo('echo-request', WEB_MAC, VNIC_MAC, '192.168.0.10', '8.8.8.8', 64, 1)
  const reqNat = frames.echo('echo-request', WEB_MAC, VNIC_MAC, '10.0.0.23', '8.8.8.8', 64, 1024)
  const reqOut = frames.echo('echo-request', ETH_MAC, ROUTER_MAC, '10.0.0.23', '8.8.8.8', 63, 1024)
  const repIn = frames.echo('echo-reply', ROUTER_MAC, ETH_MAC, '8.8.8.8', '10.0.0.23', 115, 1024)
  const repNat = frames.echo('echo-reply', ROUTER_MAC, ETH_MAC, '8.8.8.8', '192.168.0.10', 115, 1)
  const repVm = frames.echo('echo-reply', VNIC_MAC, WEB_MAC, '8.8.8.8', '192.168.0.10', 114, 1)
  s.at(0).step(P.web, 'transmitted', 'arp-request', 'the guest has no ARP entry for its gateway 192.168.0.1 and asks', arpReq, 'vm web/Network Adapter')
  s.at(0.05).step(P.natSwitch, 'received', 'ingress', 'from port web/Network Adapter', arpReq, 'vm web/Network Adapter')
    .step(P.natSwitch, 'permitted', 'acl-allow', 'MAC address spoofing is Off and the source is the adapter\'s own MAC; no ACL', arpReq, 'vm web/Network Adapter')
    .step(P.natSwitch, 'flooded', 'broadcast', 'broadcast → every other port of the untagged VLAN: 1 port (vEthernet (NATSwitch))', arpReq, 'vswitch NATSwitch')
  s.at(0.1).step(P.hostNat, 'received', 'received', 'the host vNIC receives the broadcast', arpReq, 'host vEthernet (NATSwitch)')
    .step(P.hostNat, 'answered', 'arp-reply', '192.168.0.1 is the host\'s own address on this interface: is-at 00-15-5D-00-6A-01', arpReq, 'host vEthernet (NATSwitch)')
  s.at(0.12).step(P.hostNat, 'transmitted', 'arp-reply', 'ARP reply to 192.168.0.10', arpRep, 'host vEthernet (NATSwitch)')
  s.at(0.17).step(P.natSwitch, 'received', 'ingress', 'from port vEthernet (NATSwitch)', arpRep, 'host vEthernet (NATSwitch)')
    .step(P.natSwitch, 'forwarded', 'known-mac', 'destination MAC 00-15-5D-00-17-10 is the port of web/Network Adapter → 1 port', arpRep, 'vswitch NATSwitch')
  s.at(0.22).step(P.web, 'delivered', 'arp-reply', 'the guest learns 192.168.0.1 is-at 00-15-5D-00-6A-01', arpRep, 'vm web/Network Adapter')
  s.at(0.24).step(P.web, 'transmitted', 'transmitted', 'echo request to 8.8.8.8 through the default gateway 192.168.0.1', req, 'vm web/Network Adapter')
  s.at(0.29).step(P.natSwitch, 'received', 'ingress', 'from port web/Network Adapter', req, 'vm web/Network Adapter')
    .step(P.natSwitch, 'permitted', 'acl-allow', 'MAC address spoofing is Off and the source is the adapter\'s own MAC; no ACL', req, 'vm web/Network Adapter')
    .step(P.natSwitch, 'forwarded', 'known-mac', 'destination MAC 00-15-5D-00-6A-01 is the host vNIC\'s port → 1 port', req, 'vswitch NATSwitch')
  s.at(0.34).step(P.hostNat, 'received', 'received', '8.8.8.8 is not one of the host\'s addresses; the source is inside MyNAT\'s internal prefix 192.168.0.0/24', req, 'host vEthernet (NATSwitch)')
  s.at(0.36).step(P.nat, 'received', 'nat-internal', 'from the internal prefix 192.168.0.0/24 to an outside address', req, 'nat MyNAT')
    .step(P.nat, 'transformed', 'nat-translated', 'new session 1: source 192.168.0.10 id 1 → 10.0.0.23 id 1024 (the host\'s address on Ethernet)', reqNat, 'nat MyNAT session 1', [
      {field: 'ipv4.src', before: '192.168.0.10', after: '10.0.0.23'},
      {field: 'icmp.identifier', before: '1', after: '1024'},
    ])
    .step(P.nat, 'forwarded', 'routed', 'route 0.0.0.0/0 via 10.0.0.1 on Ethernet', reqNat, 'host Ethernet')
  s.at(0.38).step(P.ethernet, 'transmitted', 'physical', 'leaves the host by Ethernet from 00-1B-78-57-68-AA to the router 10.0.0.1', reqOut, 'host Ethernet')
  s.at(0.88).step(P.lanEthernet, 'received', 'to-gateway', 'the LAN\'s router 10.0.0.1 receives it', reqOut, 'host Ethernet.network')
    .step(P.lanEthernet, 'forwarded', 'routed', 'the router forwards 8.8.8.8 to the internet', reqOut, 'host Ethernet.network')
  s.at(10.88).step(P.google, 'delivered', 'internet', '8.8.8.8 is a public address: it answers ICMP echo', reqOut)
    .step(P.google, 'answered', 'echo-reply', 'echo reply to 10.0.0.23', reqOut)
  s.at(10.9).step(P.google, 'transmitted', 'echo-reply', 'echo reply to 10.0.0.23', repIn)
  s.at(20.9).step(P.lanEthernet, 'forwarded', 'routed', 'the router delivers 10.0.0.23 on the LAN', repIn, 'host Ethernet.network')
  s.at(21.4).step(P.ethernet, 'received', 'physical', 'the host\'s Ethernet receives it', repIn, 'host Ethernet')
  s.at(21.42).step(P.nat, 'received', 'nat-inbound', 'matches session 1 (remote 8.8.8.8, address-dependent filtering)', repIn, 'nat MyNAT session 1')
    .step(P.nat, 'transformed', 'nat-translated', 'destination 10.0.0.23 id 1024 → 192.168.0.10 id 1', repNat, 'nat MyNAT session 1', [
      {field: 'ipv4.dst', before: '10.0.0.23', after: '192.168.0.10'},
      {field: 'icmp.identifier', before: '1024', after: '1'},
    ])
  s.at(21.44).step(P.hostNat, 'transmitted', 'transmitted', 'to 192.168.0.10 on vEthernet (NATSwitch)', repVm, 'host vEthernet (NATSwitch)')
  s.at(21.49).step(P.natSwitch, 'received', 'ingress', 'from port vEthernet (NATSwitch)', repVm, 'host vEthernet (NATSwitch)')
    .step(P.natSwitch, 'forwarded', 'known-mac', 'destination MAC 00-15-5D-00-17-10 is the port of web/Network Adapter → 1 port', repVm, 'vswitch NATSwitch')
  s.at(21.54).step(P.web, 'delivered', 'received', 'echo reply from 8.8.8.8', repVm, 'vm web/Network Adapter')
  return {name: 'nat-ping', description: 'web pings 8.8.8.8 through NATSwitch, WinNAT and Ethernet', flow: {protocol: 'icmp', src: ip('192.168.0.10'), dst: ip('8.8.8.8'), srcPort: null, dstPort: null, from: P.web}, steps: s.steps}
}

/** web pings db on the same switch; db's inbound ACL denies 192.168.0.0/24. */
function aclDrop(): TraceScenario {
  const P = PLACES
  const s = new Script()
  const req = frames.echo('echo-request', WEB_MAC, DB_MAC, '192.168.0.10', '192.168.0.20', 64, 7)
  s.at(0).step(P.web, 'transmitted', 'transmitted', 'echo request to 192.168.0.20 on the local subnet (ARP entry cached)', req, 'vm web/Network Adapter')
  s.at(0.05).step(P.natSwitch, 'received', 'ingress', 'from port web/Network Adapter', req, 'vm web/Network Adapter')
    .step(P.natSwitch, 'permitted', 'acl-allow', 'MAC address spoofing is Off and the source is the adapter\'s own MAC; no outbound ACL', req, 'vm web/Network Adapter')
    .step(P.natSwitch, 'denied', 'acl-deny', 'inbound ACL of db/Network Adapter: Deny remote 192.168.0.0/24 is the longest match', req, 'vm db/Network Adapter.acl[2]')
    .step(P.natSwitch, 'dropped', 'acl-deny', 'dropped: a port ACL denies 192.168.0.10 inbound on db/Network Adapter', req, 'vm db/Network Adapter.acl[2]')
  return {name: 'acl-drop', description: 'web pings db; an inbound ACL on db drops it', flow: {protocol: 'icmp', src: ip('192.168.0.10'), dst: ip('192.168.0.20'), srcPort: null, dstPort: null, from: P.web}, steps: s.steps}
}

/** A fresh VM on the Default Switch gets a DHCP lease from ICS, then pings the host vNIC. */
function defaultSwitchDhcp(): TraceScenario {
  const P = PLACES
  const s = new Script()
  const FRESH = '00-15-5D-00-17-20'
  const ICS = '00-15-5D-3C-91-07'
  const xid = 0x5d3c0001
  const srv: DhcpOption[] = [{kind: 'server-id', address: ip('172.20.16.1')}, {kind: 'subnet-mask', address: ip('255.255.240.0')}, {kind: 'router', addresses: [ip('172.20.16.1')]}, {kind: 'dns', addresses: [ip('172.20.16.1')]}, {kind: 'lease-time', seconds: 86400}]
  const discover = frames.dhcp(1, FRESH, 'broadcast', '0.0.0.0', '255.255.255.255', FRESH, xid, '0.0.0.0')
  const offer = frames.dhcp(2, ICS, FRESH, '172.20.16.1', '172.20.16.5', FRESH, xid, '172.20.16.5', srv)
  const request = frames.dhcp(3, FRESH, 'broadcast', '0.0.0.0', '255.255.255.255', FRESH, xid, '0.0.0.0', [{kind: 'requested-ip', address: ip('172.20.16.5')}, {kind: 'server-id', address: ip('172.20.16.1')}])
  const ack = frames.dhcp(5, ICS, FRESH, '172.20.16.1', '172.20.16.5', FRESH, xid, '172.20.16.5', srv)
  const arpReq = frames.arp(1, FRESH, 'broadcast', FRESH, '172.20.16.5', '', '172.20.16.1')
  const arpRep = frames.arp(2, ICS, FRESH, ICS, '172.20.16.1', FRESH, '172.20.16.5')
  const ping = frames.echo('echo-request', FRESH, ICS, '172.20.16.5', '172.20.16.1', 64, 1)
  const pong = frames.echo('echo-reply', ICS, FRESH, '172.20.16.1', '172.20.16.5', 128, 1)
  const vm = 'vm fresh/Network Adapter'
  const host = 'host vEthernet (Default Switch)'
  const sw = 'vswitch Default Switch'
  const through = (t: number, from: string, frame: Uint8Array, flood: boolean, text: string): void => {
    s.at(t).step(P.defaultSwitch, 'received', 'ingress', `from port ${from}`, frame, from === 'vEthernet (Default Switch)' ? host : vm)
    s.step(P.defaultSwitch, flood ? 'flooded' : 'forwarded', flood ? 'broadcast' : 'known-mac', text, frame, sw)
  }
  s.at(0).step(P.fresh, 'transmitted', 'dhcp', 'the guest has no lease: DHCPDISCOVER', discover, vm)
  through(0.05, 'fresh/Network Adapter', discover, true, 'broadcast → every other port of the untagged VLAN: 1 port (vEthernet (Default Switch))')
  s.at(0.1).step(P.hostDefault, 'received', 'dhcp', 'the Default Switch\'s DHCP server (Internet Connection Sharing) offers 172.20.16.5', discover, host)
  s.at(0.12).step(P.hostDefault, 'transmitted', 'dhcp', 'DHCPOFFER 172.20.16.5/20, gateway and DNS 172.20.16.1', offer, host)
  through(0.17, 'vEthernet (Default Switch)', offer, false, 'destination MAC 00-15-5D-00-17-20 is the port of fresh/Network Adapter → 1 port')
  s.at(0.22).step(P.fresh, 'delivered', 'dhcp', 'the guest takes the offer', offer, vm)
  s.at(0.24).step(P.fresh, 'transmitted', 'dhcp', 'DHCPREQUEST 172.20.16.5', request, vm)
  through(0.29, 'fresh/Network Adapter', request, true, 'broadcast → every other port of the untagged VLAN: 1 port (vEthernet (Default Switch))')
  s.at(0.34).step(P.hostDefault, 'received', 'dhcp', 'request for the offered address', request, host)
  s.at(0.36).step(P.hostDefault, 'transmitted', 'dhcp', 'DHCPACK: 172.20.16.5 leased for 86400 s', ack, host)
  through(0.41, 'vEthernet (Default Switch)', ack, false, 'destination MAC 00-15-5D-00-17-20 is the port of fresh/Network Adapter → 1 port')
  s.at(0.46).step(P.fresh, 'delivered', 'dhcp', 'the guest configures 172.20.16.5/20, gateway 172.20.16.1', ack, vm)
  s.at(0.48).step(P.fresh, 'transmitted', 'arp-request', 'who has 172.20.16.1?', arpReq, vm)
  through(0.53, 'fresh/Network Adapter', arpReq, true, 'broadcast → every other port of the untagged VLAN: 1 port (vEthernet (Default Switch))')
  s.at(0.58).step(P.hostDefault, 'answered', 'arp-reply', '172.20.16.1 is the host\'s own address: is-at 00-15-5D-3C-91-07', arpReq, host)
  s.at(0.6).step(P.hostDefault, 'transmitted', 'arp-reply', 'ARP reply to 172.20.16.5', arpRep, host)
  through(0.65, 'vEthernet (Default Switch)', arpRep, false, 'destination MAC 00-15-5D-00-17-20 is the port of fresh/Network Adapter → 1 port')
  s.at(0.7).step(P.fresh, 'delivered', 'arp-reply', 'the guest learns 172.20.16.1 is-at 00-15-5D-3C-91-07', arpRep, vm)
  s.at(0.72).step(P.fresh, 'transmitted', 'transmitted', 'echo request to 172.20.16.1', ping, vm)
  through(0.77, 'fresh/Network Adapter', ping, false, 'destination MAC 00-15-5D-3C-91-07 is the host vNIC\'s port → 1 port')
  s.at(0.82).step(P.hostDefault, 'delivered', 'received', '172.20.16.1 is the host\'s address on vEthernet (Default Switch)', ping, host)
    .step(P.hostDefault, 'answered', 'echo-reply', 'the host answers ICMP echo', ping, host)
  s.at(0.84).step(P.hostDefault, 'transmitted', 'echo-reply', 'echo reply to 172.20.16.5', pong, host)
  through(0.89, 'vEthernet (Default Switch)', pong, false, 'destination MAC 00-15-5D-00-17-20 is the port of fresh/Network Adapter → 1 port')
  s.at(0.94).step(P.fresh, 'delivered', 'received', 'echo reply from 172.20.16.1', pong, vm)
  return {name: 'default-switch-dhcp', description: 'a fresh VM on the Default Switch gets a lease, then pings its gateway', flow: {protocol: 'icmp', src: ip('172.20.16.5'), dst: ip('172.20.16.1'), srcPort: null, dstPort: null, from: P.fresh}, steps: s.steps}
}

/** A VM bridged by a Wi-Fi External switch pings the LAN router: the uplink rewrites its MAC. */
function wifiBridge(): TraceScenario {
  const P = PLACES
  const s = new Script()
  const VM = '00-15-5D-00-17-30'
  const WIFI = '98-5F-D3-34-0C-D3'
  const AP = '00-0C-29-4F-00-FE'
  const req = frames.echo('echo-request', VM, AP, '192.168.1.50', '192.168.1.1', 64, 3)
  const reqOut = frames.echo('echo-request', WIFI, AP, '192.168.1.50', '192.168.1.1', 64, 3)
  const rep = frames.echo('echo-reply', AP, WIFI, '192.168.1.1', '192.168.1.50', 64, 3)
  const repIn = frames.echo('echo-reply', AP, VM, '192.168.1.1', '192.168.1.50', 64, 3)
  const vm = 'vm web/Network Adapter'
  s.at(0).step(P.web, 'transmitted', 'transmitted', 'echo request to the LAN router 192.168.1.1 (ARP entry cached)', req, vm)
  s.at(0.05).step(P.external, 'received', 'ingress', 'from port web/Network Adapter', req, vm)
    .step(P.external, 'permitted', 'acl-allow', 'MAC address spoofing is Off and the source is the adapter\'s own MAC; no ACL', req, vm)
    .step(P.external, 'forwarded', 'unknown-unicast-external', 'destination MAC 00-0C-29-4F-00-FE is on no port → the external port (Wi-Fi)', req, 'vswitch External')
  s.at(0.1).step(P.wifi, 'received', 'physical', 'the external port on the wireless adapter Wi-Fi', req, 'host Wi-Fi')
    .step(P.wifi, 'transformed', 'wifi-bridge', 'the access point accepts only the station\'s MAC: source MAC rewritten to the Wi-Fi adapter\'s', reqOut, 'host Wi-Fi', [{field: 'ethernet.src', before: '00-15-5D-00-17-30', after: '98-5F-D3-34-0C-D3'}])
    .step(P.wifi, 'transmitted', 'physical', 'to the access point', reqOut, 'host Wi-Fi')
  s.at(0.6).step(P.lanWifi, 'delivered', 'to-gateway', '192.168.1.1 is the LAN\'s router: it answers ICMP echo', reqOut, 'host Wi-Fi.network')
    .step(P.lanWifi, 'answered', 'echo-reply', 'echo reply to 192.168.1.50 at 98-5F-D3-34-0C-D3', reqOut, 'host Wi-Fi.network')
  s.at(0.62).step(P.lanWifi, 'transmitted', 'echo-reply', 'echo reply to 192.168.1.50', rep, 'host Wi-Fi.network')
  s.at(1.12).step(P.wifi, 'received', 'physical', 'from the access point', rep, 'host Wi-Fi')
    .step(P.wifi, 'transformed', 'wifi-bridge', 'destination MAC back to the VM\'s, from the bridge\'s table of 192.168.1.50', repIn, 'host Wi-Fi', [{field: 'ethernet.dst', before: '98-5F-D3-34-0C-D3', after: '00-15-5D-00-17-30'}])
  s.at(1.17).step(P.external, 'received', 'ingress', 'from the external port', repIn, 'host Wi-Fi')
    .step(P.external, 'forwarded', 'known-mac', 'destination MAC 00-15-5D-00-17-30 is the port of web/Network Adapter → 1 port', repIn, 'vswitch External')
  s.at(1.22).step(P.web, 'delivered', 'received', 'echo reply from 192.168.1.1', repIn, vm)
  return {name: 'wifi-bridge', description: 'a VM on a Wi-Fi External switch pings the LAN router', flow: {protocol: 'icmp', src: ip('192.168.1.50'), dst: ip('192.168.1.1'), srcPort: null, dstPort: null, from: P.web}, steps: s.steps}
}

/** web connects to db TCP/port: SYN then SYN-ACK (open) or RST (closed). */
function tcpTo(port: number, open: boolean): TraceScenario {
  const P = PLACES
  const s = new Script()
  const syn = frames.tcp(WEB_MAC, DB_MAC, '192.168.0.10', '192.168.0.20', 64, 49152, port, TCP_SYN, 1000)
  const back = open ? frames.tcp(DB_MAC, WEB_MAC, '192.168.0.20', '192.168.0.10', 64, port, 49152, TCP_SYN | TCP_ACK_FLAG, 5000, 1001) : frames.tcp(DB_MAC, WEB_MAC, '192.168.0.20', '192.168.0.10', 64, port, 49152, TCP_RST | TCP_ACK_FLAG, 0, 1001)
  s.at(0).step(P.web, 'transmitted', 'transmitted', `SYN to 192.168.0.20:${port}`, syn, 'vm web/Network Adapter')
  s.at(0.05).step(P.natSwitch, 'forwarded', 'known-mac', 'destination MAC 00-15-5D-00-17-11 is the port of db/Network Adapter → 1 port', syn, 'vswitch NATSwitch')
  if (open) {
    s.at(0.1).step(P.db, 'delivered', 'tcp-syn-ack', `db listens on tcp/${port}`, syn, 'vm db.guest.listen').step(P.db, 'answered', 'tcp-syn-ack', 'SYN-ACK', syn, 'vm db.guest.listen')
  } else {
    s.at(0.1).step(P.db, 'dropped', 'closed-port', `nothing listens on tcp/${port}: the guest answers RST`, syn, 'vm db.guest.listen').step(P.db, 'answered', 'closed-port', 'RST', syn, 'vm db.guest.listen')
  }
  s.at(0.12).step(P.db, 'transmitted', 'transmitted', open ? 'SYN-ACK to 192.168.0.10:49152' : 'RST to 192.168.0.10:49152', back, 'vm db/Network Adapter')
  s.at(0.17).step(P.natSwitch, 'forwarded', 'known-mac', 'destination MAC 00-15-5D-00-17-10 is the port of web/Network Adapter → 1 port', back, 'vswitch NATSwitch')
  s.at(0.22).step(P.web, 'delivered', 'received', open ? 'SYN-ACK: the connection opens' : 'RST: connection refused', back, 'vm web/Network Adapter')
  return {name: open ? 'tcp-open' : 'tcp-closed', description: `web connects to db tcp/${port}`, flow: {protocol: 'tcp', src: ip('192.168.0.10'), dst: ip('192.168.0.20'), srcPort: 49152, dstPort: port, from: P.web}, steps: s.steps, openPort: open}
}

/** web sends syslog to db udp/514: db listens and does not answer. */
function udpDelivered(): TraceScenario {
  const P = PLACES
  const s = new Script()
  const f = frames.udp(WEB_MAC, DB_MAC, '192.168.0.10', '192.168.0.20', 64, 50000, 514)
  s.at(0).step(P.web, 'transmitted', 'transmitted', 'UDP to 192.168.0.20:514', f, 'vm web/Network Adapter')
  s.at(0.05).step(P.natSwitch, 'forwarded', 'known-mac', 'destination MAC 00-15-5D-00-17-11 is the port of db/Network Adapter → 1 port', f, 'vswitch NATSwitch')
  s.at(0.1).step(P.db, 'delivered', 'udp', 'db listens on udp/514', f, 'vm db.guest.listen')
  return {name: 'udp-delivered', description: 'web sends syslog to db; no answer expected', flow: {protocol: 'udp', src: ip('192.168.0.10'), dst: ip('192.168.0.20'), srcPort: 50000, dstPort: 514, from: P.web}, steps: s.steps}
}

/** DNS to 8.8.8.8 through the NAT: the UDP answer comes back (translated ports included). */
function dnsReplied(): TraceScenario {
  const P = PLACES
  const s = new Script()
  const q = frames.udp(WEB_MAC, VNIC_MAC, '192.168.0.10', '8.8.8.8', 64, 53001, 53)
  const qOut = frames.udp(ETH_MAC, ROUTER_MAC, '10.0.0.23', '8.8.8.8', 63, 1025, 53)
  const a = frames.udp(ROUTER_MAC, ETH_MAC, '8.8.8.8', '10.0.0.23', 115, 53, 1025, new Uint8Array(40))
  const aIn = frames.udp(VNIC_MAC, WEB_MAC, '8.8.8.8', '192.168.0.10', 114, 53, 53001, new Uint8Array(40))
  s.at(0).step(P.web, 'transmitted', 'transmitted', 'DNS query to 8.8.8.8', q, 'vm web/Network Adapter')
  s.at(0.05).step(P.natSwitch, 'forwarded', 'known-mac', 'destination MAC 00-15-5D-00-6A-01 is the host vNIC\'s port → 1 port', q, 'vswitch NATSwitch')
  s.at(0.1).step(P.nat, 'received', 'nat-internal', 'from the internal prefix 192.168.0.0/24 to an outside address', q, 'nat MyNAT')
    .step(P.nat, 'transformed', 'nat-translated', 'new session 2: 192.168.0.10:53001 → 10.0.0.23:1025', qOut, 'nat MyNAT session 2', [
    {field: 'ipv4.src', before: '192.168.0.10', after: '10.0.0.23'},
    {field: 'udp.srcPort', before: '53001', after: '1025'},
  ])
  s.at(0.12).step(P.ethernet, 'transmitted', 'physical', 'to the router 10.0.0.1', qOut, 'host Ethernet')
  s.at(10.62).step(P.google, 'delivered', 'internet', '8.8.8.8 answers DNS on udp/53', qOut).step(P.google, 'answered', 'dns-answer', 'DNS answer', qOut)
  s.at(21.12).step(P.ethernet, 'received', 'physical', 'from the router', a, 'host Ethernet')
  s.at(21.14).step(P.nat, 'received', 'nat-inbound', 'matches session 2 (remote 8.8.8.8:53)', a, 'nat MyNAT session 2')
    .step(P.nat, 'transformed', 'nat-translated', 'session 2: 10.0.0.23:1025 → 192.168.0.10:53001', aIn, 'nat MyNAT session 2', [
    {field: 'ipv4.dst', before: '10.0.0.23', after: '192.168.0.10'},
    {field: 'udp.dstPort', before: '1025', after: '53001'},
  ])
  s.at(21.19).step(P.natSwitch, 'forwarded', 'known-mac', 'destination MAC 00-15-5D-00-17-10 is the port of web/Network Adapter → 1 port', aIn, 'vswitch NATSwitch')
  s.at(21.24).step(P.web, 'delivered', 'received', 'DNS answer from 8.8.8.8', aIn, 'vm web/Network Adapter')
  return {name: 'dns-replied', description: 'a DNS query through WinNAT is answered', flow: {protocol: 'dns', src: ip('192.168.0.10'), dst: ip('8.8.8.8'), srcPort: 53001, dstPort: 53, from: P.web}, steps: s.steps}
}

/** web pings 172.31.9.9 through the host, which has no route and answers net unreachable. */
function unreachable(): TraceScenario {
  const P = PLACES
  const s = new Script()
  const req = frames.echo('echo-request', WEB_MAC, VNIC_MAC, '192.168.0.10', '172.31.9.9', 64, 9)
  const err = frames.icmpError('dst-unreachable', 0, VNIC_MAC, WEB_MAC, '192.168.0.1', '192.168.0.10', 128, req)
  s.at(0).step(P.web, 'transmitted', 'transmitted', 'echo request to 172.31.9.9 through the gateway 192.168.0.1', req, 'vm web/Network Adapter')
  s.at(0.05).step(P.natSwitch, 'forwarded', 'known-mac', 'destination MAC 00-15-5D-00-6A-01 is the host vNIC\'s port → 1 port', req, 'vswitch NATSwitch')
  s.at(0.1).step(P.hostNat, 'received', 'received', '172.31.9.9 is not one of the host\'s addresses', req, 'host vEthernet (NATSwitch)')
    .step(P.hostNat, 'dropped', 'no-route', 'dropped: the host has no route to 172.31.9.9 (and it is outside every NAT prefix)', req, 'host routes')
    .step(P.hostNat, 'answered', 'no-route', 'ICMP destination unreachable (net) to 192.168.0.10', req, 'host routes')
  s.at(0.12).step(P.hostNat, 'transmitted', 'transmitted', 'net unreachable', err, 'host vEthernet (NATSwitch)')
  s.at(0.17).step(P.natSwitch, 'forwarded', 'known-mac', 'destination MAC 00-15-5D-00-17-10 is the port of web/Network Adapter → 1 port', err, 'vswitch NATSwitch')
  s.at(0.22).step(P.web, 'delivered', 'received', 'Destination net unreachable from 192.168.0.1', err, 'vm web/Network Adapter')
  return {name: 'unreachable', description: 'the host has no route and says so', flow: {protocol: 'icmp', src: ip('192.168.0.10'), dst: ip('172.31.9.9'), srcPort: null, dstPort: null, from: P.web}, steps: s.steps}
}

/** A guest with no gateway pings 8.8.8.8: nothing leaves it. */
function noGateway(): TraceScenario {
  const P = PLACES
  const s = new Script()
  const req = frames.echo('echo-request', WEB_MAC, WEB_MAC, '192.168.0.10', '8.8.8.8', 64, 1)
  s.at(0).step(P.web, 'dropped', 'no-route', 'the guest has no route to 8.8.8.8: no default gateway is configured', req, 'vm web/Network Adapter.ip')
  return {name: 'no-gateway', description: 'a guest with no route and no gateway', flow: {protocol: 'icmp', src: ip('192.168.0.10'), dst: ip('8.8.8.8'), srcPort: null, dstPort: null, from: P.web}, steps: s.steps}
}

/** web pings 10.0.0.77, an address on the LAN that no one holds: the router never answers ARP. */
function silentLan(): TraceScenario {
  const P = PLACES
  const s = new Script()
  const req = frames.echo('echo-request', ETH_MAC, ROUTER_MAC, '10.0.0.23', '198.51.100.7', 63, 1024)
  s.at(0).step(P.ethernet, 'transmitted', 'physical', 'to the router 10.0.0.1', req, 'host Ethernet')
  s.at(0.5).step(P.lanEthernet, 'forwarded', 'routed', 'the router forwards 198.51.100.7', req, 'host Ethernet.network')
  s.at(10.5).step({kind: 'internet', name: '198.51.100.7'}, 'dropped', 'no-answer', '198.51.100.7 is a documentation address: no host answers', req)
  return {name: 'silent', description: 'the host pings a documentation address that never answers', flow: {protocol: 'icmp', src: ip('10.0.0.23'), dst: ip('198.51.100.7'), srcPort: null, dstPort: null, from: {kind: 'host', name: 'Ethernet'}}, steps: s.steps}
}

/** A VM bridged onto Ethernet whose upstream port accepts one MAC (the host's). */
function portSecurity(): TraceScenario {
  const P = PLACES
  const s = new Script()
  const VM = '00-15-5D-00-17-40'
  const req = frames.echo('echo-request', VM, ROUTER_MAC, '10.0.0.50', '10.0.0.1', 64, 5)
  const vm = 'vm web/Network Adapter'
  s.at(0).step(P.web, 'transmitted', 'transmitted', 'echo request to the LAN router 10.0.0.1', req, vm)
  s.at(0.05).step(P.external, 'forwarded', 'unknown-unicast-external', 'destination MAC 00-0C-29-4F-00-01 is on no port → the external port (Ethernet)', req, 'vswitch External')
  s.at(0.1).step(P.ethernet, 'transmitted', 'physical', 'out of Ethernet with the VM\'s own source MAC', req, 'host Ethernet')
  s.at(0.6).step(P.lanEthernet, 'dropped', 'port-security', 'dropped: the upstream switch port accepts 1 source MAC and has learnt 00-1B-78-57-68-AA (the host\'s)', req, 'host Ethernet.portSecurityMaxMacs')
  return {name: 'port-security', description: 'a bridged VM on a one-MAC campus port', flow: {protocol: 'icmp', src: ip('10.0.0.50'), dst: ip('10.0.0.1'), srcPort: null, dstPort: null, from: P.web}, steps: s.steps}
}

export function traceScenarios(): TraceScenario[] {
  return [natPing(), aclDrop(), defaultSwitchDhcp(), wifiBridge(), tcpTo(22, true), tcpTo(23, false), udpDelivered(), dnsReplied(), unreachable(), noGateway(), silentLan(), portSecurity()]
}

export function traceScenario(name: string): TraceScenario {
  const s = traceScenarios().find((x) => x.name === name)
  if (s === undefined) throw new Error(`no trace scenario ${name}`)
  return s
}
