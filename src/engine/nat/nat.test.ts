import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import fc from 'fast-check'
import {StepLog} from '../observe.js'
import type {NatVerdict} from '../nat-hook.js'
import {Icmpv4Packet, Ipv4Packet, TcpPacket, UdpPacket, formatIpv4, internetChecksum} from '../wire/index.js'
import {checked, echoPacket, ends, externalAddress, icmpErrorPacket, ip, natConfig, staticMapping, tcpPacket, udpPacket} from '../testing/nat.js'
import {NatCore} from './nat.js'

const EGRESS = {alias: 'Ethernet', address: ip('10.0.0.23')}
const IN = 'vEthernet (NATSwitch)'
const OUT = 'Ethernet'
const SYN = 0x02
const ACK = 0x10
const FIN = 0x01
const RST = 0x04
const PSH = 0x08

function kind(v: NatVerdict): string {
  return v.kind === 'drop' ? v.reason : v.kind
}

describe('NAT: ICMP echo', () => {
  it('maps a Windows guest ping (id 1) to a pool id and the reply back, checksums correct', () => {
    const nat = new NatCore([natConfig()])
    const req = echoPacket('192.168.0.10', '8.8.8.8', 1, 7)
    const log = new StepLog()
    assert.equal(kind(nat.outbound(req, IN, EGRESS, 0, log)), 'translated')
    assert.deepEqual(log.steps[0].changes, [
      {field: 'ipv4.src', before: '192.168.0.10', after: '10.0.0.23'},
      {field: 'ipv4.checksum', before: log.steps[0].changes![1].before, after: log.steps[0].changes![1].after},
      {field: 'icmp.checksum', before: log.steps[0].changes![2].before, after: log.steps[0].changes![2].after},
      {field: 'icmp.identifier', before: '1', after: '49152'},
    ])
    assert.match(log.steps[0].text, /new session 1, query id changed/)
    const d = checked(req)
    const icmp = d.layers[2]
    assert.equal(formatIpv4(new Ipv4Packet(req, 0, req.length).src), '10.0.0.23')
    assert.ok(icmp.layer === 'icmpv4' && icmp.repr.kind === 'echo-request' && icmp.repr.ident === 49152 && icmp.repr.seqNo === 7)

    const reply = echoPacket('8.8.8.8', '10.0.0.23', 49152, 7, 'echo-reply')
    assert.equal(kind(nat.inbound(reply, OUT, 20, null)), 'translated')
    const r = checked(reply).layers[2]
    assert.equal(formatIpv4(new Ipv4Packet(reply, 0, reply.length).dst), '192.168.0.10')
    assert.ok(r.layer === 'icmpv4' && r.repr.kind === 'echo-reply' && r.repr.ident === 1)
  })

  it('drops an echo reply from an address the VM did not ping (nat-filtered); a ping to the host itself passes', () => {
    const nat = new NatCore([natConfig()])
    nat.outbound(echoPacket('192.168.0.10', '8.8.8.8', 1, 1), IN, EGRESS, 0, null)
    const v = nat.inbound(echoPacket('9.9.9.9', '10.0.0.23', 49152, 1, 'echo-reply'), OUT, 1, null)
    assert.equal(kind(v), 'nat-filtered')
    assert.equal(kind(nat.inbound(echoPacket('9.9.9.9', '10.0.0.23', 7, 1), OUT, 1, null)), 'pass')
    assert.equal(nat.drops.get('nat-filtered'), 1)
  })
})

describe('NAT: UDP', () => {
  it('translates out with port preservation and back, recording every changed field', () => {
    const nat = new NatCore([natConfig()])
    const log = new StepLog()
    const q = udpPacket('192.168.0.10', 49152, '8.8.8.8', 53)
    assert.equal(kind(nat.outbound(q, IN, EGRESS, 5, log)), 'translated')
    checked(q)
    assert.deepEqual(ends(q), {src: '10.0.0.23:49152', dst: '8.8.8.8:53'})
    const step = log.steps[0]
    assert.equal(step.action, 'transformed')
    assert.equal(step.ref, 'nat MyNAT session 1')
    assert.deepEqual(step.place, {kind: 'nat', name: 'MyNAT'})
    assert.deepEqual(step.changes!.map((c) => c.field), ['ipv4.src', 'ipv4.checksum', 'udp.checksum'])
    assert.deepEqual(step.changes![0], {field: 'ipv4.src', before: '192.168.0.10', after: '10.0.0.23'})
    assert.match(step.text, /MyNAT rewrote UDP 192\.168\.0\.10:49152 → 8\.8\.8\.8:53 to UDP 10\.0\.0\.23:49152 → 8\.8\.8\.8:53 \(new session 1, port preserved\)/)

    const a = udpPacket('8.8.8.8', 53, '10.0.0.23', 49152)
    assert.equal(kind(nat.inbound(a, OUT, 6, log)), 'translated')
    checked(a)
    assert.deepEqual(ends(a), {src: '8.8.8.8:53', dst: '192.168.0.10:49152'})
    assert.deepEqual(log.steps[1].changes!.map((c) => c.field), ['ipv4.dst', 'ipv4.checksum', 'udp.checksum'])
  })

  it('keeps a zero UDP checksum zero ("none", RFC 768)', () => {
    const nat = new NatCore([natConfig()])
    const q = udpPacket('192.168.0.10', 5000, '8.8.8.8', 53)
    q[26] = q[27] = 0
    nat.outbound(q, IN, EGRESS, 0, null)
    assert.equal((q[26] << 8) | q[27], 0)
    const d = checked(q)
    assert.ok(d.layers[2].layer === 'udp' && d.layers[2].checksum.status === 'none')
  })

  it('gives two VMs using one source port different external ports, and each reply reaches its VM', () => {
    const nat = new NatCore([natConfig()])
    const a = udpPacket('192.168.0.10', 50000, '8.8.8.8', 53)
    const b = udpPacket('192.168.0.11', 50000, '8.8.8.8', 53)
    nat.outbound(a, IN, EGRESS, 0, null)
    nat.outbound(b, IN, EGRESS, 0, null)
    assert.equal(ends(a).src, '10.0.0.23:50000')
    assert.equal(ends(b).src, '10.0.0.23:50001')
    const ra = udpPacket('8.8.8.8', 53, '10.0.0.23', 50000)
    const rb = udpPacket('8.8.8.8', 53, '10.0.0.23', 50001)
    nat.inbound(rb, OUT, 1, null)
    nat.inbound(ra, OUT, 1, null)
    checked(ra)
    checked(rb)
    assert.equal(ends(ra).dst, '192.168.0.10:50000')
    assert.equal(ends(rb).dst, '192.168.0.11:50000')
  })

  it('remaps a port below the default range (Linux ephemeral 33000 → 49152) and keeps one mapping for every destination (RFC 4787 REQ-1)', () => {
    const nat = new NatCore([natConfig()])
    const one = udpPacket('192.168.0.10', 33000, '8.8.8.8', 53)
    const two = udpPacket('192.168.0.10', 33000, '1.1.1.1', 53)
    nat.outbound(one, IN, EGRESS, 0, null)
    nat.outbound(two, IN, EGRESS, 0, null)
    assert.equal(ends(one).src, '10.0.0.23:49152')
    assert.equal(ends(two).src, '10.0.0.23:49152')
    assert.equal(nat.sessions(0).length, 2)
  })

  it('AddressDependentFiltering: admits another port of an address the VM sent to, refuses other addresses', () => {
    const nat = new NatCore([natConfig()])
    nat.outbound(udpPacket('192.168.0.10', 50000, '203.0.113.5', 3478), IN, EGRESS, 0, null)
    const samePortOther = udpPacket('203.0.113.5', 9999, '10.0.0.23', 50000)
    assert.equal(kind(nat.inbound(samePortOther, OUT, 1, null)), 'translated')
    assert.equal(ends(samePortOther).dst, '192.168.0.10:50000')
    const v = nat.inbound(udpPacket('198.51.100.7', 3478, '10.0.0.23', 50000), OUT, 1, null)
    assert.equal(kind(v), 'nat-filtered')
    assert.ok(v.kind === 'drop' && v.ref === 'nat MyNAT' && /AddressDependentFiltering/.test(v.text))
  })

  it('EndpointIndependentFiltering: admits any remote to a live mapping', () => {
    const nat = new NatCore([natConfig({udpFilteringBehavior: 'EndpointIndependentFiltering'})])
    nat.outbound(udpPacket('192.168.0.10', 50000, '203.0.113.5', 3478), IN, EGRESS, 0, null)
    const p = udpPacket('198.51.100.7', 3478, '10.0.0.23', 50000)
    assert.equal(kind(nat.inbound(p, OUT, 1, null)), 'translated')
    checked(p)
    assert.equal(ends(p).dst, '192.168.0.10:50000')
    // TCP keeps its own (default, address-dependent) behaviour.
    nat.outbound(tcpPacket('192.168.0.10', 50001, '203.0.113.5', 443, SYN), IN, EGRESS, 2, null)
    assert.equal(kind(nat.inbound(tcpPacket('198.51.100.7', 443, '10.0.0.23', 50001, SYN), OUT, 3, null)), 'nat-filtered')
  })

  it('passes traffic for the host itself; claims an Add-NetNatExternalAddress range (nat-no-mapping)', () => {
    const nat = new NatCore([natConfig({externalAddresses: [externalAddress(0, '10.0.0.50', 50000, 50100)]})])
    assert.equal(kind(nat.inbound(udpPacket('8.8.8.8', 53, '10.0.0.23', 51000), OUT, 0, null)), 'pass')
    const v = nat.inbound(udpPacket('8.8.8.8', 53, '10.0.0.50', 50050), OUT, 0, null)
    assert.equal(kind(v), 'nat-no-mapping')
    assert.equal(nat.drops.get('nat-no-mapping'), 1)
    // A VM talking to its gateway, and traffic between two addresses inside the prefix, are not the NAT's.
    assert.equal(kind(nat.inbound(udpPacket('192.168.0.10', 5000, '192.168.0.1', 53), IN, 0, null)), 'pass')
    assert.equal(kind(nat.outbound(udpPacket('192.168.0.10', 5000, '192.168.0.99', 53), IN, EGRESS, 0, null)), 'pass')
    assert.equal(kind(nat.outbound(udpPacket('172.20.0.10', 5000, '8.8.8.8', 53), IN, EGRESS, 0, null)), 'pass')
  })

  it('uses the configured external address and its range instead of the egress address', () => {
    const nat = new NatCore([natConfig({externalAddresses: [externalAddress(0, '10.0.0.50', 50000, 50100)]})])
    const p = udpPacket('192.168.0.10', 50050, '8.8.8.8', 53)
    nat.outbound(p, IN, EGRESS, 0, null)
    checked(p)
    assert.equal(ends(p).src, '10.0.0.50:50050')
    const q = udpPacket('192.168.0.10', 60000, '8.8.8.8', 53)
    nat.outbound(q, IN, EGRESS, 0, null)
    assert.equal(ends(q).src, '10.0.0.50:50000')
  })

  it('drops other IP protocols, later fragments, and packets with no address to leave by (nat-no-mapping)', () => {
    const nat = new NatCore([natConfig()])
    const v = nat.outbound(udpPacket('192.168.0.10', 1, '8.8.8.8', 2), IN, {alias: 'Wi-Fi', address: 0}, 0, null)
    assert.ok(v.kind === 'drop' && v.reason === 'nat-no-mapping' && /Wi-Fi has no IPv4 address/.test(v.text))
    const gre = udpPacket('192.168.0.10', 1, '8.8.8.8', 2)
    gre[9] = 47
    assert.equal(kind(nat.outbound(gre, IN, EGRESS, 0, null)), 'nat-no-mapping')
    const frag = udpPacket('192.168.0.10', 1, '8.8.8.8', 2)
    frag[7] = 10
    assert.equal(kind(nat.outbound(frag, IN, EGRESS, 0, null)), 'nat-no-mapping')
  })
})

describe('NAT: TCP', () => {
  it('carries a handshake, data and FIN out and back, with the session state and its timers', () => {
    const nat = new NatCore([natConfig()])
    const go = (p: Uint8Array, now: number, out: boolean): Uint8Array => {
      const v = out ? nat.outbound(p, IN, EGRESS, now, null) : nat.inbound(p, OUT, now, null)
      assert.equal(kind(v), 'translated')
      checked(p)
      return p
    }
    assert.equal(ends(go(tcpPacket('192.168.0.10', 50123, '93.184.216.34', 80, SYN), 0, true)).src, '10.0.0.23:50123')
    let [s] = nat.sessions(0)
    assert.equal(s.state, 'opening')
    assert.equal(s.timeLeftS, 120)
    assert.equal(ends(go(tcpPacket('93.184.216.34', 80, '10.0.0.23', 50123, SYN | ACK), 10, false)).dst, '192.168.0.10:50123')
    assert.equal(nat.sessions(10)[0].state, 'opening')
    go(tcpPacket('192.168.0.10', 50123, '93.184.216.34', 80, ACK), 20, true)
    ;[s] = nat.sessions(20)
    assert.equal(s.state, 'established')
    assert.equal(s.timeLeftS, 1800)
    go(tcpPacket('192.168.0.10', 50123, '93.184.216.34', 80, ACK | PSH, new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n')), 30, true)
    go(tcpPacket('93.184.216.34', 80, '10.0.0.23', 50123, ACK | PSH, new Uint8Array(100).fill(0x41)), 40, false)
    go(tcpPacket('192.168.0.10', 50123, '93.184.216.34', 80, FIN | ACK), 50, true)
    ;[s] = nat.sessions(50)
    assert.equal(s.state, 'closing')
    assert.equal(s.timeLeftS, 120)
    go(tcpPacket('93.184.216.34', 80, '10.0.0.23', 50123, FIN | ACK), 60, false)
    nat.tick(60 + 120_000)
    assert.equal(nat.sessionCount, 0)
  })

  it('lists sessions with Get-NetNatSession properties', () => {
    const nat = new NatCore([natConfig()])
    nat.outbound(tcpPacket('192.168.0.10', 50123, '93.184.216.34', 443, SYN), IN, EGRESS, 1500, null)
    assert.deepEqual(nat.sessions(2500), [
      {
        natName: 'MyNAT',
        id: 1,
        protocol: 6,
        creationTime: 1500,
        internalSourceAddress: ip('192.168.0.10'),
        internalSourcePort: 50123,
        internalDestinationAddress: ip('93.184.216.34'),
        internalDestinationPort: 443,
        externalSourceAddress: ip('10.0.0.23'),
        externalSourcePort: 50123,
        externalDestinationAddress: ip('93.184.216.34'),
        externalDestinationPort: 443,
        state: 'opening',
        expiresAt: 121_500,
        timeLeftS: 119,
        staticMappingId: null,
      },
    ])
  })

  it('a new SYN on a closing session opens it again', () => {
    const nat = new NatCore([natConfig()])
    nat.outbound(tcpPacket('192.168.0.10', 50000, '1.2.3.4', 22, SYN), IN, EGRESS, 0, null)
    nat.inbound(tcpPacket('1.2.3.4', 22, '10.0.0.23', 50000, RST | ACK), OUT, 1, null)
    assert.equal(nat.sessions(1)[0].state, 'closing')
    nat.outbound(tcpPacket('192.168.0.10', 50000, '1.2.3.4', 22, SYN), IN, EGRESS, 2, null)
    assert.equal(nat.sessions(2)[0].state, 'opening')
  })

  it('an RST moves an established session to the transient timeout', () => {
    const nat = new NatCore([natConfig()])
    nat.outbound(tcpPacket('192.168.0.10', 50000, '1.2.3.4', 22, SYN), IN, EGRESS, 0, null)
    nat.inbound(tcpPacket('1.2.3.4', 22, '10.0.0.23', 50000, SYN | ACK), OUT, 1, null)
    nat.outbound(tcpPacket('192.168.0.10', 50000, '1.2.3.4', 22, ACK), IN, EGRESS, 2, null)
    assert.equal(nat.sessions(2)[0].state, 'established')
    nat.inbound(tcpPacket('1.2.3.4', 22, '10.0.0.23', 50000, RST), OUT, 3, null)
    const [s] = nat.sessions(3)
    assert.equal(s.state, 'closing')
    assert.equal(s.expiresAt, 3 + 120_000)
  })
})

describe('NAT: timers on the virtual clock', () => {
  it('IcmpQueryTimeout: an echo session lives 30 s from the last request', () => {
    const nat = new NatCore([natConfig()])
    nat.outbound(echoPacket('192.168.0.10', '8.8.8.8', 1, 1), IN, EGRESS, 0, null)
    nat.tick(29_999)
    assert.equal(nat.sessionCount, 1)
    nat.tick(30_000)
    assert.equal(nat.sessionCount, 0)
    // The reply after expiry is the host's (no mapping left).
    assert.equal(kind(nat.inbound(echoPacket('8.8.8.8', '10.0.0.23', 49152, 1, 'echo-reply'), OUT, 30_001, null)), 'pass')
  })

  it('UdpIdleSessionTimeout: refreshed by outbound packets only, unless UdpInboundRefresh', () => {
    const plain = new NatCore([natConfig({udpIdleSessionTimeoutS: 60})])
    plain.outbound(udpPacket('192.168.0.10', 50000, '8.8.8.8', 53), IN, EGRESS, 0, null)
    plain.inbound(udpPacket('8.8.8.8', 53, '10.0.0.23', 50000), OUT, 50_000, null)
    assert.equal(plain.sessions(59_999).length, 1)
    assert.equal(plain.sessions(60_000).length, 0, 'an inbound packet does not refresh by default')
    const refreshing = new NatCore([natConfig({udpIdleSessionTimeoutS: 60, udpInboundRefresh: true})])
    refreshing.outbound(udpPacket('192.168.0.10', 50000, '8.8.8.8', 53), IN, EGRESS, 0, null)
    refreshing.inbound(udpPacket('8.8.8.8', 53, '10.0.0.23', 50000), OUT, 50_000, null)
    assert.equal(refreshing.sessions(109_999).length, 1, 'UdpInboundRefresh $true: the inbound packet refreshed it')
    assert.equal(refreshing.sessions(110_000).length, 0)
  })

  it('TcpTransientConnectionTimeout before the handshake completes, TcpEstablishedConnectionTimeout after', () => {
    const nat = new NatCore([natConfig({tcpTransientConnectionTimeoutS: 10, tcpEstablishedConnectionTimeoutS: 100})])
    nat.outbound(tcpPacket('192.168.0.10', 50000, '1.2.3.4', 80, SYN), IN, EGRESS, 0, null)
    nat.tick(10_000)
    assert.equal(nat.sessionCount, 0, 'a SYN nobody answered')
    nat.outbound(tcpPacket('192.168.0.10', 50000, '1.2.3.4', 80, SYN), IN, EGRESS, 20_000, null)
    nat.inbound(tcpPacket('1.2.3.4', 80, '10.0.0.23', 50000, SYN | ACK), OUT, 20_001, null)
    nat.outbound(tcpPacket('192.168.0.10', 50000, '1.2.3.4', 80, ACK), IN, EGRESS, 20_002, null)
    nat.tick(119_999)
    assert.equal(nat.sessionCount, 1)
    nat.tick(120_002)
    assert.equal(nat.sessionCount, 0)
  })

  it('a session past its time is dead even before tick runs', () => {
    const nat = new NatCore([natConfig()])
    nat.outbound(udpPacket('192.168.0.10', 50000, '8.8.8.8', 53), IN, EGRESS, 0, null)
    assert.equal(kind(nat.inbound(udpPacket('8.8.8.8', 53, '10.0.0.23', 50000), OUT, 120_000, null)), 'pass')
  })
})

describe('NAT: static mappings and hairpin', () => {
  const web = (): NatCore => new NatCore([natConfig({staticMappings: [staticMapping(0, 'tcp', 8080, '192.168.0.20', 80)]})])

  it('forwards a connection from the physical network to the mapped VM and its replies back', () => {
    const nat = web()
    const log = new StepLog()
    const syn = tcpPacket('203.0.113.9', 40000, '10.0.0.23', 8080, SYN)
    assert.equal(kind(nat.inbound(syn, OUT, 0, log)), 'translated')
    checked(syn)
    assert.deepEqual(ends(syn), {src: '203.0.113.9:40000', dst: '192.168.0.20:80'})
    assert.equal(log.steps[0].ref, 'nat MyNAT mapping 0')
    const synAck = tcpPacket('192.168.0.20', 80, '203.0.113.9', 40000, SYN | ACK)
    assert.equal(kind(nat.outbound(synAck, IN, EGRESS, 1, log)), 'translated')
    checked(synAck)
    assert.deepEqual(ends(synAck), {src: '10.0.0.23:8080', dst: '203.0.113.9:40000'})
    assert.equal(log.steps[1].ref, 'nat MyNAT session 1')
    assert.equal(nat.sessions(1)[0].staticMappingId, 0)
  })

  it('admits only RemoteExternalIPAddressPrefix (nat-filtered otherwise), and a UDP mapping does not catch TCP', () => {
    const nat = new NatCore([natConfig({staticMappings: [staticMapping(0, 'tcp', 8080, '192.168.0.20', 80, {remoteExternalPrefix: {address: ip('203.0.113.0'), length: 24}}), staticMapping(1, 'udp', 5353, '192.168.0.21')]})])
    assert.equal(kind(nat.inbound(tcpPacket('203.0.113.9', 1, '10.0.0.23', 8080, SYN), OUT, 0, null)), 'translated')
    const v = nat.inbound(tcpPacket('198.51.100.1', 1, '10.0.0.23', 8080, SYN), OUT, 0, null)
    assert.equal(kind(v), 'nat-filtered')
    assert.ok(v.kind === 'drop' && v.ref === 'nat MyNAT mapping 0')
    const u = udpPacket('198.51.100.1', 7, '10.0.0.23', 5353)
    assert.equal(kind(nat.inbound(u, OUT, 0, null)), 'translated')
    assert.equal(ends(u).dst, '192.168.0.21:5353', 'InternalPort defaults to ExternalPort')
    assert.equal(kind(nat.inbound(tcpPacket('198.51.100.1', 7, '10.0.0.23', 5353, SYN), OUT, 0, null)), 'pass')
  })

  it('never hands a static port to a dynamic flow', () => {
    const nat = new NatCore([natConfig({staticMappings: [staticMapping(0, 'udp', 50000, '192.168.0.20')]})])
    const p = udpPacket('192.168.0.10', 50000, '8.8.8.8', 53)
    nat.outbound(p, IN, EGRESS, 0, null)
    assert.equal(ends(p).src, '10.0.0.23:50001')
  })

  it('hairpins a VM reaching the host address and mapped port to the mapped VM, and the reply back', () => {
    const nat = web()
    const log = new StepLog()
    const syn = tcpPacket('192.168.0.10', 50500, '10.0.0.23', 8080, SYN)
    assert.equal(kind(nat.inbound(syn, IN, 0, log)), 'hairpin')
    checked(syn)
    assert.deepEqual(ends(syn), {src: '10.0.0.23:50500', dst: '192.168.0.20:80'})
    assert.equal(log.steps[0].reason, 'nat-hairpin')
    assert.deepEqual(log.steps[0].changes!.map((c) => c.field), ['ipv4.src', 'ipv4.dst', 'ipv4.checksum', 'tcp.dstPort', 'tcp.checksum'])
    const synAck = tcpPacket('192.168.0.20', 80, '10.0.0.23', 50500, SYN | ACK)
    assert.equal(kind(nat.inbound(synAck, IN, 1, null)), 'hairpin')
    checked(synAck)
    assert.deepEqual(ends(synAck), {src: '10.0.0.23:8080', dst: '192.168.0.10:50500'})
    // A VM reaching the host on a port nobody maps is talking to the host.
    assert.equal(kind(nat.inbound(tcpPacket('192.168.0.10', 50501, '10.0.0.23', 3389, SYN), IN, 2, null)), 'pass')
  })

  it('hairpins to a live mapping under EndpointIndependentFiltering (RFC 4787 REQ-9); AddressDependentFiltering refuses it', () => {
    for (const [filtering, expected] of [['EndpointIndependentFiltering', 'hairpin'], ['AddressDependentFiltering', 'nat-filtered']] as const) {
      const nat = new NatCore([natConfig({udpFilteringBehavior: filtering})])
      nat.outbound(udpPacket('192.168.0.10', 50000, '8.8.8.8', 3478), IN, EGRESS, 0, null)
      const p = udpPacket('192.168.0.11', 50000, '10.0.0.23', 50000)
      assert.equal(kind(nat.inbound(p, IN, 1, null)), expected)
      if (expected === 'hairpin') {
        checked(p)
        assert.deepEqual(ends(p), {src: '10.0.0.23:50001', dst: '192.168.0.10:50000'})
      }
    }
  })

  it('refuses the host itself reaching the mapping through its external address (nat-hairpin-from-host)', () => {
    const nat = web()
    const v = nat.inbound(tcpPacket('10.0.0.23', 50000, '10.0.0.23', 8080, SYN), null, 0, null)
    assert.equal(kind(v), 'nat-hairpin-from-host')
    assert.ok(v.kind === 'drop' && v.ref === 'nat MyNAT mapping 0' && /192\.168\.0\.20:80/.test(v.text))
    assert.equal(kind(nat.inbound(tcpPacket('10.0.0.23', 50000, '10.0.0.23', 8081, SYN), null, 0, null)), 'pass')
    assert.equal(nat.drops.get('nat-hairpin-from-host'), 1)
  })
})

describe('NAT: ICMP errors (RFC 5508)', () => {
  it('translates a time exceeded about a UDP flow back: the quote becomes the packet the VM sent', () => {
    const nat = new NatCore([natConfig()])
    const sent = udpPacket('192.168.0.10', 33434, '8.8.8.8', 33435)
    const original = sent.slice()
    nat.outbound(sent, IN, EGRESS, 0, null)
    const log = new StepLog()
    const err = icmpErrorPacket('time-exceeded', 0, '10.0.0.1', '10.0.0.23', sent)
    assert.equal(kind(nat.inbound(err, OUT, 1, log)), 'translated')
    checked(err)
    assert.equal(formatIpv4(new Ipv4Packet(err, 0, err.length).dst), '192.168.0.10')
    assert.deepEqual(err.subarray(28), original)
    assert.deepEqual(log.steps[0].changes!.map((c) => c.field), ['ipv4.dst', 'ipv4.checksum', 'icmp.checksum', 'icmp.quoted.ipv4.src', 'icmp.quoted.ipv4.checksum', 'icmp.quoted.udp.srcPort', 'icmp.quoted.udp.checksum'])
  })

  it('translates a port unreachable about a TCP flow and a host unreachable about a ping', () => {
    const nat = new NatCore([natConfig()])
    const syn = tcpPacket('192.168.0.10', 40000, '1.2.3.4', 81, SYN)
    const a = syn.slice()
    nat.outbound(syn, IN, EGRESS, 0, null)
    const e1 = icmpErrorPacket('dst-unreachable', 3, '1.2.3.4', '10.0.0.23', syn)
    nat.inbound(e1, OUT, 1, null)
    checked(e1)
    assert.deepEqual(e1.subarray(28), a)
    const ping = echoPacket('192.168.0.10', '1.2.3.99', 1, 1)
    const b = ping.slice()
    nat.outbound(ping, IN, EGRESS, 0, null)
    const e2 = icmpErrorPacket('dst-unreachable', 1, '10.0.0.1', '10.0.0.23', ping)
    nat.inbound(e2, OUT, 1, null)
    checked(e2)
    assert.deepEqual(e2.subarray(28), b)
  })

  it('translates a VM\'s port unreachable about an inbound flow on its way out; an error about nothing is dropped', () => {
    const nat = new NatCore([natConfig({staticMappings: [staticMapping(0, 'udp', 5000, '192.168.0.20')]})])
    const came = udpPacket('203.0.113.9', 7000, '10.0.0.23', 5000)
    const onWire = came.slice()
    nat.inbound(came, OUT, 0, null)
    const err = icmpErrorPacket('dst-unreachable', 3, '192.168.0.20', '203.0.113.9', came)
    assert.equal(kind(nat.outbound(err, IN, EGRESS, 1, null)), 'translated')
    checked(err)
    assert.equal(formatIpv4(new Ipv4Packet(err, 0, err.length).src), '10.0.0.23')
    assert.deepEqual(err.subarray(28), onWire)
    const stray = icmpErrorPacket('dst-unreachable', 3, '192.168.0.20', '203.0.113.9', udpPacket('203.0.113.9', 1, '192.168.0.20', 2))
    assert.equal(kind(nat.outbound(stray, IN, EGRESS, 1, null)), 'nat-no-mapping')
  })

  it('carries a VM\'s error about a hairpinned flow back to the VM that sent it', () => {
    const nat = new NatCore([natConfig({staticMappings: [staticMapping(0, 'udp', 5353, '192.168.0.20')]})])
    const sent = udpPacket('192.168.0.10', 50500, '10.0.0.23', 5353)
    const original = sent.slice()
    assert.equal(kind(nat.inbound(sent, IN, 0, null)), 'hairpin')
    const err = icmpErrorPacket('dst-unreachable', 3, '192.168.0.20', '10.0.0.23', sent)
    assert.equal(kind(nat.inbound(err, IN, 1, null)), 'hairpin')
    checked(err)
    assert.equal(formatIpv4(new Ipv4Packet(err, 0, err.length).src), '10.0.0.23')
    assert.equal(formatIpv4(new Ipv4Packet(err, 0, err.length).dst), '192.168.0.10')
    assert.deepEqual(err.subarray(28), original)
    // A VM's error about the host's own packet stays the host's.
    const own = icmpErrorPacket('dst-unreachable', 3, '192.168.0.20', '10.0.0.23', udpPacket('10.0.0.23', 53, '192.168.0.20', 5000))
    assert.equal(kind(nat.inbound(own, IN, 2, null)), 'pass')
    assert.equal(nat.drops.get('nat-no-mapping'), 0)
  })

  it('passes an error about the host\'s own traffic', () => {
    const nat = new NatCore([natConfig()])
    const err = icmpErrorPacket('dst-unreachable', 3, '8.8.8.8', '10.0.0.23', udpPacket('10.0.0.23', 50000, '8.8.8.8', 53))
    assert.equal(kind(nat.inbound(err, OUT, 0, null)), 'pass')
  })
})

describe('NAT: the port pool', () => {
  it('drops a new flow with nat-port-exhausted when the range is used up, and reports pool use', () => {
    const nat = new NatCore([natConfig({externalAddresses: [externalAddress(0, '10.0.0.50', 50000, 50001)]})])
    for (const port of [1000, 1001]) assert.equal(kind(nat.outbound(udpPacket('192.168.0.10', port, '8.8.8.8', 53), IN, EGRESS, 0, null)), 'translated')
    const v = nat.outbound(udpPacket('192.168.0.10', 1002, '8.8.8.8', 53), IN, EGRESS, 0, null)
    assert.equal(kind(v), 'nat-port-exhausted')
    assert.ok(v.kind === 'drop' && /10\.0\.0\.50 50000-50001/.test(v.text))
    // An existing mapping to a new destination needs no new port.
    assert.equal(kind(nat.outbound(udpPacket('192.168.0.10', 1000, '1.1.1.1', 53), IN, EGRESS, 0, null)), 'translated')
    assert.deepEqual(nat.poolUse(), [{address: ip('10.0.0.50'), protocol: 'UDP', portStart: 50000, portEnd: 50001, size: 2, inUse: 2, natName: 'MyNAT'}])
    nat.tick(120_000)
    assert.equal(nat.poolUse()[0].inUse, 0)
    assert.equal(kind(nat.outbound(udpPacket('192.168.0.10', 1002, '8.8.8.8', 53), IN, EGRESS, 120_000, null)), 'translated')
  })

  it('tries several external addresses in ExternalAddressID order: the first with the port free, then the first with any', () => {
    const nat = new NatCore([natConfig({externalAddresses: [externalAddress(0, '10.0.0.50', 50000, 50000), externalAddress(1, '10.0.0.51', 50000, 50001)]})])
    const a = udpPacket('192.168.0.10', 50000, '8.8.8.8', 53)
    const b = udpPacket('192.168.0.11', 50000, '8.8.8.8', 53)
    const c = udpPacket('192.168.0.12', 50000, '8.8.8.8', 53)
    const d = udpPacket('192.168.0.13', 50000, '8.8.8.8', 53)
    for (const p of [a, b, c]) assert.equal(kind(nat.outbound(p, IN, EGRESS, 0, null)), 'translated')
    assert.deepEqual([a, b, c].map((p) => ends(p).src), ['10.0.0.50:50000', '10.0.0.51:50000', '10.0.0.51:50001'])
    assert.equal(kind(nat.outbound(d, IN, EGRESS, 0, null)), 'nat-port-exhausted')
    const back = udpPacket('8.8.8.8', 53, '10.0.0.51', 50001)
    nat.inbound(back, OUT, 1, null)
    assert.equal(ends(back).dst, '192.168.0.12:50000')
  })

  it('reports the default range 49152-65535 on the egress address', () => {
    const nat = new NatCore([natConfig()])
    nat.outbound(tcpPacket('192.168.0.10', 50000, '1.2.3.4', 80, SYN), IN, EGRESS, 0, null)
    assert.deepEqual(nat.poolUse(), [{address: ip('10.0.0.23'), protocol: 'TCP', portStart: 49152, portEnd: 65535, size: 16384, inUse: 1, natName: null}])
  })
})

describe('NAT: the Default Switch (ICS) beside a WinNAT', () => {
  const ics = natConfig({name: 'ICS', ics: true, internalPrefix: {address: ip('172.26.16.0'), length: 20}, udpIdleSessionTimeoutS: 30, ref: 'nat ICS'})

  it('translates the Default Switch prefix with its own settings, sharing the egress address without port clashes', () => {
    const nat = new NatCore([natConfig(), ics])
    const a = udpPacket('192.168.0.10', 50000, '8.8.8.8', 53)
    const b = udpPacket('172.26.16.5', 50000, '8.8.8.8', 53)
    nat.outbound(a, IN, EGRESS, 0, null)
    assert.equal(kind(nat.outbound(b, 'vEthernet (Default Switch)', EGRESS, 0, null)), 'translated')
    checked(b)
    assert.equal(ends(a).src, '10.0.0.23:50000')
    assert.equal(ends(b).src, '10.0.0.23:50001')
    const rb = udpPacket('8.8.8.8', 53, '10.0.0.23', 50001)
    nat.inbound(rb, OUT, 1, null)
    assert.equal(ends(rb).dst, '172.26.16.5:50000')
    assert.deepEqual(nat.sessions(30_000).map((s) => s.natName), ['MyNAT'], 'the ICS session timed out after its own 30 s')
  })

  it('drops a NAT\'s sessions when it is removed, keeps the others', () => {
    const nat = new NatCore([natConfig(), ics])
    nat.outbound(udpPacket('192.168.0.10', 50000, '8.8.8.8', 53), IN, EGRESS, 0, null)
    nat.outbound(udpPacket('172.26.16.5', 50000, '8.8.8.8', 53), IN, EGRESS, 0, null)
    nat.removeNat('mynat')
    assert.deepEqual(nat.sessions(1).map((s) => s.natName), ['ICS'])
    const late = udpPacket('8.8.8.8', 53, '10.0.0.23', 50000)
    assert.equal(kind(nat.inbound(late, OUT, 2, null)), 'pass')
  })
})

describe('NAT: the recorder', () => {
  it('is only called when attached, with a copy of the translated packet', () => {
    const nat = new NatCore([natConfig()])
    let calls = 0
    const rec = {step: (): void => void calls++}
    nat.outbound(udpPacket('192.168.0.10', 50000, '8.8.8.8', 53), IN, EGRESS, 0, null)
    nat.inbound(udpPacket('8.8.8.8', 53, '10.0.0.23', 50000), OUT, 1, null)
    assert.equal(calls, 0)
    const log = new StepLog()
    const p = udpPacket('192.168.0.10', 50000, '8.8.8.8', 53)
    nat.outbound(p, IN, EGRESS, 2, log)
    nat.outbound(udpPacket('192.168.0.10', 50000, '8.8.8.8', 53), IN, EGRESS, 3, rec)
    assert.equal(calls, 1)
    assert.deepEqual(log.steps[0].frame, p)
    assert.equal(log.steps[0].timeMs, 2)
    assert.equal(log.steps[0].ref, 'nat MyNAT session 1')
  })
})

describe('NAT: reconfiguration', () => {
  it('keeps sessions across Set-NetNat, with the new timeout from the next packet; a changed prefix drops them', () => {
    const nat = new NatCore([natConfig()])
    nat.outbound(udpPacket('192.168.0.10', 50000, '8.8.8.8', 53), IN, EGRESS, 0, null)
    nat.configure([natConfig({udpIdleSessionTimeoutS: 10})])
    assert.equal(nat.sessions(0)[0].expiresAt, 120_000)
    nat.outbound(udpPacket('192.168.0.10', 50000, '8.8.8.8', 53), IN, EGRESS, 1000, null)
    assert.equal(nat.sessions(1000)[0].expiresAt, 11_000)
    nat.configure([natConfig({internalPrefix: {address: ip('192.168.0.0'), length: 16}})])
    assert.equal(nat.sessionCount, 0)
  })

  it('a removed static mapping stops admitting new flows; its live session goes on and its port stays taken', () => {
    const withMapping = natConfig({staticMappings: [staticMapping(0, 'udp', 50000, '192.168.0.20')]})
    const nat = new NatCore([withMapping])
    nat.inbound(udpPacket('203.0.113.9', 7, '10.0.0.23', 50000), OUT, 0, null)
    nat.configure([natConfig()])
    const reply = udpPacket('192.168.0.20', 50000, '203.0.113.9', 7)
    assert.equal(kind(nat.outbound(reply, IN, EGRESS, 1, null)), 'translated')
    assert.equal(ends(reply).src, '10.0.0.23:50000')
    const other = udpPacket('192.168.0.11', 50000, '8.8.8.8', 53)
    nat.outbound(other, IN, EGRESS, 1, null)
    assert.equal(ends(other).src, '10.0.0.23:50001')
    assert.equal(kind(nat.inbound(udpPacket('198.51.100.1', 7, '10.0.0.23', 50000), OUT, 2, null)), 'nat-filtered')
  })
})

describe('NAT: state and determinism', () => {
  function scenario(nat: NatCore): Uint8Array[] {
    const out: Uint8Array[] = []
    for (let i = 0; i < 20; i++) {
      const p = udpPacket(`192.168.0.${10 + (i % 3)}`, 50000 + (i % 4), `8.8.${i % 2}.8`, 53)
      nat.outbound(p, IN, EGRESS, i * 1000, null)
      out.push(p)
    }
    return out
  }

  it('the same packets give the same bytes and the same sessions', () => {
    const a = new NatCore([natConfig()])
    const b = new NatCore([natConfig()])
    assert.deepEqual(scenario(a), scenario(b))
    assert.deepEqual(a.exportState(), b.exportState())
  })

  it('exportState / importState round-trips sessions, ports and ids', () => {
    const a = new NatCore([natConfig({staticMappings: [staticMapping(0, 'tcp', 8080, '192.168.0.20', 80)]})])
    scenario(a)
    a.inbound(tcpPacket('203.0.113.9', 40000, '10.0.0.23', 8080, SYN), OUT, 25_000, null)
    const json = JSON.parse(JSON.stringify(a.exportState()))
    const b = new NatCore([natConfig({staticMappings: [staticMapping(0, 'tcp', 8080, '192.168.0.20', 80)]})])
    b.importState(json)
    assert.deepEqual(b.exportState(), a.exportState())
    assert.deepEqual(b.sessions(26_000), a.sessions(26_000))
    // The restored state behaves: a reply finds its VM, a new flow gets the next port and id.
    const r = udpPacket('8.8.0.8', 53, '10.0.0.23', 50000)
    assert.equal(kind(b.inbound(r, OUT, 26_000, null)), 'translated')
    const n1 = udpPacket('192.168.0.12', 50000, '9.9.9.9', 53)
    const n2 = udpPacket('192.168.0.12', 50000, '9.9.9.9', 53)
    a.outbound(n1, IN, EGRESS, 26_000, null)
    b.outbound(n2, IN, EGRESS, 26_000, null)
    assert.deepEqual(n1, n2)
    // Without nextIds, ids continue after the highest imported one; sessions of unknown NATs are left out.
    const c = new NatCore([natConfig({staticMappings: [staticMapping(0, 'tcp', 8080, '192.168.0.20', 80)]})])
    c.importState({...json, nextIds: {}, sessions: [...json.sessions, {...json.sessions[0], nat: 'Gone'}]})
    assert.equal(c.sessionCount, json.sessions.length)
    c.outbound(udpPacket('192.168.0.99', 50000, '9.9.9.9', 53), IN, EGRESS, 26_000, null)
    assert.equal(Math.max(...c.sessions(26_000).map((x) => x.id)), Math.max(...json.sessions.map((x: {id: number}) => x.id)) + 1)
    assert.throws(() => b.importState({version: 2}), /version/)
    assert.throws(() => b.importState({version: 1, nextIds: {}, sessions: [{nat: 'MyNAT', protocol: 6}]}), /internalSource/)
  })
})

// ---------------------------------------------------------------------------------------------
// Properties

const arbAddrIn = fc.integer({min: 2, max: 254}).map((x) => `192.168.0.${x}`)
const arbAddrOut = fc.tuple(fc.integer({min: 1, max: 223}), fc.integer({min: 0, max: 255}), fc.integer({min: 0, max: 255}), fc.integer({min: 1, max: 254})).filter(([a]) => a !== 192 && a !== 127 && a !== 10).map((o) => o.join('.'))
const arbPort = fc.integer({min: 0, max: 0xffff})
const arbPayload = fc.uint8Array({maxLength: 40})

const arbFlowPacket = fc.oneof(
  fc.tuple(arbAddrIn, arbPort, arbAddrOut, arbPort, arbPayload).map(([a, sp, b, dp, pl]) => udpPacket(a, sp, b, dp, pl)),
  fc.tuple(arbAddrIn, arbPort, arbAddrOut, arbPort, fc.integer({min: 0, max: 255}), arbPayload).map(([a, sp, b, dp, f, pl]) => tcpPacket(a, sp, b, dp, f, pl)),
  fc.tuple(arbAddrIn, arbAddrOut, arbPort, arbPort).map(([a, b, id, seq]) => echoPacket(a, b, id, seq)),
)

/** Full recomputes of every checksum, independent of the NAT's incremental ones. */
function fullSums(p: Uint8Array): number[] {
  const ipv4 = new Ipv4Packet(p, 0, p.length)
  const hl = ipv4.headerLen
  const l4 = p.length - hl
  const sums = [internetChecksum(p, 0, 10, internetChecksum(p, 12, hl) ^ 0xffff)]
  if (ipv4.protocol === 17) sums.push(new UdpPacket(p, hl, l4).computeChecksum(ipv4.src, ipv4.dst))
  if (ipv4.protocol === 6) sums.push(new TcpPacket(p, hl, l4).computeChecksum(ipv4.src, ipv4.dst))
  if (ipv4.protocol === 1) sums.push(new Icmpv4Packet(p, hl, l4).computeChecksum())
  return sums
}

function carriedSums(p: Uint8Array): number[] {
  const hl = (p[0] & 15) << 2
  const at = p[9] === 17 ? 6 : p[9] === 6 ? 16 : 2
  return [(p[10] << 8) | p[11], (p[hl + at] << 8) | p[hl + at + 1]]
}

describe('NAT: properties', () => {
  it('incremental checksums equal a full recompute, out and back (fast-check)', () => {
    fc.assert(
      fc.property(arbFlowPacket, (p) => {
        const nat = new NatCore([natConfig({udpFilteringBehavior: 'EndpointIndependentFiltering'})])
        assert.equal(kind(nat.outbound(p, IN, EGRESS, 0, null)), 'translated')
        assert.deepEqual(carriedSums(p), fullSums(p))
        // Send it back as the remote would: swap the ends (and turn a ping into its reply).
        const back = p.slice()
        back.set(p.subarray(16, 20), 12)
        back.set(p.subarray(12, 16), 16)
        const hl = (p[0] & 15) << 2
        if (p[9] === 1) {
          back[hl] = 0
        } else {
          back.set(p.subarray(hl + 2, hl + 4), hl)
          back.set(p.subarray(hl, hl + 2), hl + 2)
        }
        // Make the reply's checksums right (full recompute), then translate it back incrementally.
        new Ipv4Packet(back, 0, back.length).fillChecksum()
        if (back[9] === 17) new UdpPacket(back, hl, back.length - hl).fillChecksum(new Ipv4Packet(back, 0, back.length).src, new Ipv4Packet(back, 0, back.length).dst)
        if (back[9] === 6) new TcpPacket(back, hl, back.length - hl).fillChecksum(new Ipv4Packet(back, 0, back.length).src, new Ipv4Packet(back, 0, back.length).dst)
        if (back[9] === 1) new Icmpv4Packet(back, hl, back.length - hl).fillChecksum()
        assert.equal(kind(nat.inbound(back, OUT, 1, null)), 'translated')
        assert.deepEqual(carriedSums(back), fullSums(back))
      }),
      {numRuns: 500},
    )
  })

  it('random bytes never throw, in either direction, with or without a recorder', () => {
    const arbPacket = fc.oneof(
      fc.uint8Array({maxLength: 120}),
      arbFlowPacket.chain((p) => fc.tuple(fc.nat({max: p.length - 1}), fc.integer({min: 0, max: 255})).map(([i, v]) => {
        const q = p.slice()
        q[i] = v
        return q
      })),
    )
    fc.assert(
      fc.property(fc.array(fc.tuple(arbPacket, fc.boolean(), fc.boolean()), {maxLength: 20}), (steps) => {
        const nat = new NatCore([natConfig({staticMappings: [staticMapping(0, 'udp', 53, '192.168.0.20')]})])
        let now = 0
        for (const [p, out, recording] of steps) {
          const rec = recording ? new StepLog() : null
          if (out) nat.outbound(p, IN, EGRESS, now, rec)
          else nat.inbound(p, p[0] & 1 ? null : OUT, now, rec)
          now += 10_000
          nat.tick(now)
        }
        nat.sessions(now)
        nat.exportState()
      }),
      {numRuns: 300},
    )
  })
})
