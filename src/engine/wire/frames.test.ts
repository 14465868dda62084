// The shared reference frames (scapy 2.5 field decodes, tshark 4.0 verdicts) through decodeFrame.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {toHex} from './bytes.js'
import {DhcpPacket, dhcpBufferLen, emitDhcp} from './dhcp.js'
import type {DhcpOption} from './dhcp.js'
import {decodeFrame, encodeFrame} from './frame.js'
import type {DecodedFrame, DecodedLayer} from './frame.js'
import {ipv4HeaderLen} from './ipv4.js'
import {formatIpv4} from './ipv4-address.js'
import {formatMacColon} from './mac.js'
import {tcpBufferLen} from './tcp.js'
import type {TcpOption} from './tcp.js'
import type {TestFrame} from './test-support.js'
import {hex, loadTestFrames, testdataPath} from './test-support.js'

const frames = loadTestFrames()

function layer<K extends DecodedLayer['layer']>(d: DecodedFrame, k: K): Extract<DecodedLayer, {layer: K}> {
  const l = d.layers.find((x) => x.layer === k)
  assert.ok(l, `no ${k} layer`)
  return l as Extract<DecodedLayer, {layer: K}>
}

function scapyTcpOption(o: TcpOption): unknown {
  switch (o.kind) {
    case 'mss':
      return ['MSS', o.mss]
    case 'sack-permitted':
      return ['SAckOK', {hex: ''}]
    case 'timestamps':
      return ['Timestamp', [o.tsVal, o.tsEcr]]
    case 'nop':
      return ['NOP', null]
    case 'window-scale':
      return ['WScale', o.shift]
    case 'eol':
      return ['EOL', null]
    case 'sack':
      return ['SAck', o.blocks.flat()]
    case 'unknown':
      return [o.type, {hex: toHex(o.data)}]
  }
}

function scapyDhcpOption(o: DhcpOption): unknown {
  switch (o.kind) {
    case 'end':
      return 'end'
    case 'pad':
      return 'pad'
    case 'message-type':
      return ['message-type', o.messageType]
    case 'client-id':
      return ['client_id', {hex: toHex(o.data)}]
    case 'parameter-request-list':
      return ['param_req_list', o.codes]
    case 'requested-ip':
      return ['requested_addr', formatIpv4(o.address)]
    case 'server-id':
      return ['server_id', formatIpv4(o.address)]
    case 'lease-time':
      return ['lease_time', o.seconds]
    case 'renewal-time':
      return ['renewal_time', o.seconds]
    case 'rebinding-time':
      return ['rebinding_time', o.seconds]
    case 'subnet-mask':
      return ['subnet_mask', formatIpv4(o.address)]
    case 'router':
      return ['router', formatIpv4(o.addresses[0])]
    case 'dns':
      return ['name_server', formatIpv4(o.addresses[0])]
    case 'domain-name':
      return ['domain', {hex: toHex(Uint8Array.from(o.name, (c) => c.charCodeAt(0)))}]
    case 'hostname':
      return ['hostname', {hex: toHex(Uint8Array.from(o.name, (c) => c.charCodeAt(0)))}]
    case 'unknown':
      return [o.code, {hex: toHex(o.data)}]
  }
}

/** Our view of a scapy layer's fields, in scapy's names and encodings. */
function asScapy(d: DecodedFrame, cls: string): Record<string, unknown> | null {
  switch (cls) {
    case 'Ether': {
      const e = layer(d, 'ethernet').repr
      return {dst: formatMacColon(e.dst), src: formatMacColon(e.src), type: e.vlan ? 0x8100 : e.etherType}
    }
    case 'Dot1Q': {
      const e = layer(d, 'ethernet').repr
      assert.ok(e.vlan)
      return {prio: e.vlan.pcp, id: e.vlan.dei ? 1 : 0, vlan: e.vlan.vid, type: e.etherType}
    }
    case 'ARP': {
      const a = layer(d, 'arp').repr
      return {hwtype: 1, ptype: 0x0800, hwlen: 6, plen: 4, op: a.op, hwsrc: formatMacColon(a.senderMac), psrc: formatIpv4(a.senderIp), hwdst: formatMacColon(a.targetMac), pdst: formatIpv4(a.targetIp)}
    }
    case 'IP': {
      const l = layer(d, 'ipv4')
      const r = l.repr
      return {
        version: 4,
        ihl: ipv4HeaderLen(r) / 4,
        tos: (r.dscp << 2) | r.ecn,
        len: ipv4HeaderLen(r) + r.payloadLen,
        id: r.ident,
        flags: (r.dontFrag ? 2 : 0) | (r.moreFrags ? 1 : 0),
        frag: r.fragOffset,
        ttl: r.ttl,
        proto: r.protocol,
        chksum: l.checksum.value,
        src: formatIpv4(r.src),
        dst: formatIpv4(r.dst),
        options: [],
      }
    }
    case 'ICMP': {
      const l = layer(d, 'icmpv4')
      const r = l.repr
      assert.ok(r.kind === 'echo-request' || r.kind === 'echo-reply')
      return {type: r.kind === 'echo-request' ? 8 : 0, code: 0, chksum: l.checksum.value, id: r.ident, seq: r.seqNo, unused: {hex: ''}}
    }
    case 'UDP': {
      const l = layer(d, 'udp')
      return {sport: l.repr.srcPort, dport: l.repr.dstPort, len: 8 + l.repr.payload.length, chksum: l.checksum.value}
    }
    case 'TCP': {
      const l = layer(d, 'tcp')
      const r = l.repr
      return {sport: r.srcPort, dport: r.dstPort, seq: r.seqNo, ack: r.ackNo, dataofs: (tcpBufferLen(r) - r.payload.length) / 4, reserved: 0, flags: r.flags, window: r.window, chksum: l.checksum.value, urgptr: r.urgent, options: r.options.map(scapyTcpOption)}
    }
    case 'BOOTP': {
      const r = layer(d, 'dhcp').repr
      return {op: r.op, htype: r.htype, hlen: r.hlen, hops: r.hops, xid: r.xid, secs: r.secs, flags: r.flags, ciaddr: formatIpv4(r.ciaddr), yiaddr: formatIpv4(r.yiaddr), siaddr: formatIpv4(r.siaddr), giaddr: formatIpv4(r.giaddr), chaddr: {hex: toHex(r.chaddr)}, sname: {hex: toHex(r.sname)}, file: {hex: toHex(r.file)}, options: {hex: '63825363'}}
    }
    case 'DHCP':
      return {options: layer(d, 'dhcp').repr.options.map(scapyDhcpOption)}
    default:
      return null // Raw, Padding, DNS: payload the codecs do not dissect
  }
}

const SCAPY_CHECKSUM_LAYER: Record<string, DecodedLayer['layer']> = {IP: 'ipv4', ICMP: 'icmpv4', UDP: 'udp', TCP: 'tcp'}

function decode(f: TestFrame): DecodedFrame {
  return decodeFrame(hex(f.hex), f.length > 1518 ? {maxFrameLen: f.length} : undefined)
}

if (frames === null) {
  test.skip(`shared testdata: ${testdataPath()} is absent, frame tests skipped`)
} else {
  describe('shared testdata frames', () => {
    test('all 16 reference frames are present', () => {
      assert.equal(frames.length, 16)
    })

    for (const f of frames) {
      describe(f.name, () => {
        const d = decode(f)
        const malformed = f.tshark.malformed

        test('fields equal scapy\'s', () => {
          for (const l of f.scapy.layers) {
            // scapy is lenient on truncated input; compare only the layers we could decode.
            if (malformed && !d.layers.some((x) => SCAPY_CHECKSUM_LAYER[l.class] === x.layer || (l.class === 'Ether' && x.layer === 'ethernet'))) continue
            if (l.class === 'Padding') {
              assert.equal(d.padding, (l.fields.load as {hex: string}).hex.length / 2, 'padding bytes after the upper layer')
              continue
            }
            const ours = asScapy(d, l.class)
            if (ours === null) continue
            if (l.class === 'IP' && !('chksum' in l.fields)) delete ours.chksum
            assert.deepEqual(ours, l.fields, `${l.class}`)
          }
        })

        test('checksum verdicts equal scapy\'s', () => {
          for (const c of f.scapy.checksums) {
            const ours = d.layers.find((x) => x.layer === SCAPY_CHECKSUM_LAYER[c.layer])
            if (ours === undefined && malformed) continue
            assert.ok(ours && 'checksum' in ours, `${c.layer} layer with a checksum`)
            assert.equal(ours.checksum.value, c.in_frame)
            assert.equal(ours.checksum.expected, c.computed)
            assert.equal(ours.checksum.status, c.ok ? 'correct' : 'incorrect')
          }
        })

        test('flagged exactly where tshark flags it', () => {
          const badChecksum = f.tshark.expert.some((e) => e.startsWith('Bad checksum'))
          assert.equal(d.issues.some((e) => e.code === 'bad-checksum'), badChecksum, 'bad-checksum issue')
          if (badChecksum) {
            const should = /should be (0x[0-9a-f]+)/.exec(f.tshark.expert.find((e) => e.startsWith('Bad checksum')) ?? '')?.[1]
            assert.ok(d.issues.some((e) => e.message.endsWith(`should be ${should}`)), `issue names ${should}`)
          }
          assert.equal(d.error !== null, malformed, d.error?.toString() ?? 'no error')
        })

        if (!malformed && d.issues.length === 0) {
          test('re-emitting the parsed frame gives the same bytes (padding aside)', () => {
            const orig = hex(f.hex)
            const out = encodeFrame(d.layers.filter((l) => l.layer !== 'dhcp'), f.length > 1518 ? {maxFrameLen: f.length} : undefined)
            assert.equal(out.length, Math.max(60, orig.length))
            assert.deepEqual(out.subarray(0, orig.length), orig)
            assert.ok(out.subarray(orig.length).every((b) => b === 0))
          })
        }
      })
    }

    test('truncated frames: the WireError names the layer, code and offset', () => {
      const byName = new Map(frames.map((f) => [f.name, decode(f)]))
      const tu = byName.get('truncated_udp')?.error
      assert.deepEqual(tu && {layer: tu.layer, code: tu.code, offset: tu.offset}, {layer: 'ipv4', code: 'truncated', offset: 50})
      const th = byName.get('truncated_ip_header')?.error
      assert.deepEqual(th && {layer: th.layer, code: th.code, offset: th.offset}, {layer: 'ipv4', code: 'truncated', offset: 24})
      const bad = byName.get('ipv4_bad_checksum')?.issues[0]
      assert.deepEqual(bad && {layer: bad.layer, code: bad.code, offset: bad.offset}, {layer: 'ipv4', code: 'bad-checksum', offset: 24})
      const badUdp = byName.get('udp_bad_checksum')?.issues[0]
      assert.deepEqual(badUdp && {layer: badUdp.layer, code: badUdp.code, offset: badUdp.offset}, {layer: 'udp', code: 'bad-checksum', offset: 40})
    })

    test('the jumbo frame is refused unless a jumbo MTU is allowed', () => {
      const j = frames.find((f) => f.name === 'jumbo_udp')
      assert.ok(j)
      const e = decodeFrame(hex(j.hex)).error
      assert.deepEqual(e && {layer: e.layer, code: e.code, offset: e.offset}, {layer: 'ethernet', code: 'bad-length', offset: 1514})
      assert.equal(decodeFrame(hex(j.hex), {maxFrameLen: 9014}).error, null)
    })

    test('DHCP reprs re-emit as the same BOOTP bytes padded to 300', () => {
      for (const f of frames.filter((x) => x.name.startsWith('dhcp_'))) {
        const d = decode(f)
        const dl = layer(d, 'dhcp')
        const orig = hex(f.hex).subarray(dl.offset)
        const out = new Uint8Array(dhcpBufferLen(dl.repr))
        emitDhcp(dl.repr, new DhcpPacket(out, 0, out.length))
        assert.equal(out.length, 300, f.name)
        assert.deepEqual(out.subarray(0, orig.length), orig, f.name)
        assert.ok(out.subarray(orig.length).every((b) => b === 0), f.name)
      }
    })
  })
}
