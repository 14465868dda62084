import assert from 'node:assert/strict'
import {execa} from 'execa'
import fs from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import {writePcapng} from '../../src/engine/wire/index.js'
import {loadTestFrames, testdataPath} from '../../src/engine/wire/test-support.js'
import {binRun, cli, repoRoot, run, snapshot, tempLab} from '../support.js'

interface FrameJson {
  index: number
  line: number | null
  capture: {interfaceName: string; timestamp: string; comment: string; originalLength: number} | null
  length: number
  padding: number
  summary: string
  layers: ({layer: string; offset: number; checksum?: {value: number; expected: number; status: string}} & Record<string, unknown>)[]
  issues: {layer: string; code: string; offset: number; message: string}[]
  error: {layer: string; code: string; offset: number; message: string} | null
}

interface ErrorJson {
  error: {code: string; message: string; fix: string | null; exit: number}
  frames?: FrameJson[]
}

const ARP_REQUEST = 'ffffffffffff00155d64000b0806000108000604000100155d64000bc0a8640b000000000000c0a86401'
const DHCP_DISCOVER = 'ffffffffffff00155d64003208004500011f00000000401179cf00000000ffffffff00440043010b5d93010106003903f326000080000000000000000000000000000000000000155d640032' + '00'.repeat(202) + '638253633501013d070100155d64003237040103060fff'
const UDP_BAD_CHECKSUM = '00155d64000100155d64000b08004500002c0008000040114c05c0a8640b0a000001138800070018beef6261642d7564702d636865636b73756d'
/** IPv4 total length 60, but only 36 bytes of IP packet present. */
const TRUNCATED_UDP = '00155d64000100155d64000b08004500003c0007000040114bf6c0a8640b0a0000011388000700281aa83031323334353637'

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'))
}

function tempFile(name: string, content: string | Uint8Array): string {
  const file = path.join(path.dirname(tempLab()), name)
  fs.writeFileSync(file, content)
  return file
}

/** scapy/tshark layer names of `tshark.protocols`, as the codecs name them (dissector-only names dropped). */
function expectedLayers(protocols: string): string[] {
  const names: Record<string, string> = {arp: 'arp', dhcp: 'dhcp', eth: 'ethernet', icmp: 'icmpv4', ip: 'ipv4', tcp: 'tcp', udp: 'udp'}
  return protocols.split(':').flatMap((p) => (names[p] ? [names[p]] : []))
}

describe('frame decode: the reference frames (scapy 2.5, tshark 4.0)', () => {
  const frames = loadTestFrames()
  if (frames === null) {
    test.skip(`shared testdata: ${testdataPath()} is absent, reference-frame command tests skipped`)
    return
  }
  const checksumLayer: Record<string, string> = {ICMP: 'icmpv4', IP: 'ipv4', TCP: 'tcp', UDP: 'udp'}
  for (const f of frames) {
    test(`${f.name}: layers, checksum verdicts and exit status agree with scapy and tshark`, async () => {
      const lab = tempLab()
      const jumbo = f.length > 1514 ? ['--jumbo'] : []
      const text = await run(['frame', 'decode', f.hex, ...jumbo], lab)
      const r = await run<FrameJson[]>(['frame', 'decode', f.hex, ...jumbo, '--json'], lab)
      const want = expectedLayers(f.tshark.protocols)
      if (f.tshark.malformed) {
        assert.equal(r.exitCode, 1, r.stdout)
        const out = JSON.parse(r.stdout) as ErrorJson
        assert.equal(out.error.code, 'malformed-frame')
        const frame = out.frames![0]
        assert.equal(frame.error?.code, 'truncated')
        const got = frame.layers.map((l) => l.layer)
        assert.deepEqual(got, want.slice(0, got.length), 'the layers that decoded are the first of tshark\'s')
        assert.ok(got.length < want.length)
        assert.equal(text.exitCode, 1)
        assert.match(text.error ?? '', new RegExp(`^frame 1 is malformed: truncated at offset ${frame.error!.offset} `))
        return
      }
      assert.equal(r.exitCode, 0, r.error)
      assert.equal(text.exitCode, 0, text.error)
      const [frame] = r.result!
      assert.equal(r.result!.length, 1)
      assert.equal(frame.length, f.length)
      assert.equal(frame.error, null)
      assert.deepEqual(frame.layers.map((l) => l.layer), want)
      for (const c of f.scapy.checksums) {
        const layer = frame.layers.find((l) => l.layer === checksumLayer[c.layer])
        assert.equal(layer?.checksum?.value, c.in_frame, `${c.layer} checksum as found`)
        assert.equal(layer?.checksum?.status, c.ok ? 'correct' : 'incorrect', `${c.layer} checksum verdict`)
        if (!c.ok) {
          assert.equal(layer?.checksum?.expected, c.computed)
          assert.ok(frame.issues.some((i) => i.layer === checksumLayer[c.layer] && i.code === 'bad-checksum'))
        }
      }
      for (const e of f.tshark.expert) {
        const should = /should be (0x[0-9a-f]{4})/.exec(e)
        if (should) assert.ok(text.stdout.includes(`[incorrect, should be ${should[1]}]`), `text shows tshark's "${e}"`)
      }
      assert.equal(text.stdout.split('\n')[0], frame.summary)
    })
  }
})

describe('frame decode HEX', () => {
  test('an ARP request: the summary, then each layer as the engine sees it', async () => {
    const lab = tempLab()
    const r = await run(['frame', 'decode', ARP_REQUEST], lab)
    assert.equal(r.exitCode, 0)
    assert.equal(r.stdout, `00-15-5D-64-00-0B > FF-FF-FF-FF-FF-FF ARP who-has 192.168.100.1 tell 192.168.100.11
Frame: 42 bytes
Ethernet II (offset 0)
  dst FF-FF-FF-FF-FF-FF
  src 00-15-5D-64-00-0B
  etherType 0x0806 (ARP)
ARP (offset 14)
  op 1 (request)
  senderMac 00-15-5D-64-00-0B
  senderIp 192.168.100.11
  targetMac 00-00-00-00-00-00
  targetIp 192.168.100.1
`)
    assert.equal(r.stderr, '')
    assert.equal(snapshot(lab), null, 'decoding never writes the lab')
  })

  test('a DHCP DISCOVER: BOOTP fields, options by code, checksums verified', async () => {
    const r = await run(['frame', 'decode', DHCP_DISCOVER], tempLab())
    assert.equal(r.exitCode, 0, r.error)
    assert.equal(r.stdout, `00-15-5D-64-00-32 > FF-FF-FF-FF-FF-FF UDP 0.0.0.0:68 > 255.255.255.255:67 len 259 DHCP DISCOVER xid 0x3903f326
Frame: 301 bytes
Ethernet II (offset 0)
  dst FF-FF-FF-FF-FF-FF
  src 00-15-5D-64-00-32
  etherType 0x0800 (IPv4)
IPv4 (offset 14)
  headerLen 20
  dscp 0
  ecn 0
  totalLen 287
  ident 0 (0x0000)
  flags none
  fragOffset 0
  ttl 64
  protocol 17 (UDP)
  checksum 0x79cf [correct]
  src 0.0.0.0
  dst 255.255.255.255
UDP (offset 34)
  srcPort 68
  dstPort 67
  length 267
  checksum 0x5d93 [correct]
DHCP (offset 42)
  op 1 (BOOTREQUEST)
  htype 1
  hlen 6
  hops 0
  xid 0x3903f326
  secs 0
  flags 0x8000 (broadcast)
  ciaddr 0.0.0.0
  yiaddr 0.0.0.0
  siaddr 0.0.0.0
  giaddr 0.0.0.0
  chaddr 00155d64003200000000000000000000
  option message-type (53) DISCOVER
  option client-id (61) 0100155d640032
  option parameter-request-list (55) 1, 3, 6, 15
  option end (255)
`)
  })

  test('--json: always an array of frames, fields under the codecs\' names', async () => {
    const r = await run<FrameJson[]>(['frame', 'decode', DHCP_DISCOVER, '--json'], tempLab())
    assert.equal(r.exitCode, 0)
    assert.deepEqual(JSON.parse(r.stdout), r.result)
    assert.ok(Array.isArray(r.result))
    const [frame] = r.result!
    assert.deepEqual(Object.keys(frame), ['index', 'line', 'capture', 'length', 'padding', 'summary', 'layers', 'issues', 'error'])
    assert.equal(frame.index, 1)
    assert.equal(frame.line, null)
    assert.equal(frame.capture, null)
    assert.deepEqual(frame.layers.map((l) => [l.layer, l.offset]), [['ethernet', 0], ['ipv4', 14], ['udp', 34], ['dhcp', 42]])
    const [eth, ip, udp, dhcp] = frame.layers
    assert.equal(eth.src, '00-15-5D-64-00-32')
    assert.equal(eth.etherType, 0x0800)
    assert.equal(ip.totalLen, 287)
    assert.deepEqual(ip.checksum, {value: 0x79cf, expected: 0x79cf, status: 'correct'})
    assert.equal(udp.dstPort, 67)
    assert.equal(dhcp.xid, 0x3903f326)
    assert.equal(dhcp.messageTypeName, 'DISCOVER')
    assert.deepEqual(dhcp.options, [
      {code: 53, kind: 'message-type', messageType: 1, messageTypeName: 'DISCOVER'},
      {code: 61, kind: 'client-id', data: '0100155d640032'},
      {code: 55, kind: 'parameter-request-list', codes: [1, 3, 6, 15]},
      {code: 255, kind: 'end'},
    ])
    assert.deepEqual(frame.issues, [])
    assert.equal(frame.error, null)
  })

  test('spaces, colons and a leading 0x in HEX are ignored', async () => {
    const spaced = '0x' + ARP_REQUEST.match(/../g)!.join(':').replace(/(..:..:..:..)/g, '$1 ')
    const a = await run<FrameJson[]>(['frame', 'decode', spaced, '--json'], tempLab())
    const b = await run<FrameJson[]>(['frame', 'decode', ARP_REQUEST, '--json'], tempLab())
    assert.equal(a.exitCode, 0, a.error)
    assert.deepEqual(a.result, b.result)
  })

  test('a bad checksum is shown and counted as an issue, but is not an error (exit 0)', async () => {
    const r = await run(['frame', 'decode', UDP_BAD_CHECKSUM], tempLab())
    assert.equal(r.exitCode, 0)
    assert.match(r.stdout, /^ {2}checksum 0xbeef \[incorrect, should be 0x67ad\]$/m)
    assert.match(r.stdout, /^! udp: bad-checksum at offset 40: /m)
    const j = await run<FrameJson[]>(['frame', 'decode', UDP_BAD_CHECKSUM, '--json'], tempLab())
    assert.deepEqual(j.result![0].issues.map((i) => [i.layer, i.code, i.offset]), [['udp', 'bad-checksum', 40]])
  })

  test('a malformed frame: the layers that decoded on stdout, then exit 1 naming the code and offset', async () => {
    const r = await run(['frame', 'decode', TRUNCATED_UDP], tempLab())
    assert.equal(r.exitCode, 1)
    assert.equal(r.error, 'frame 1 is malformed: truncated at offset 50 (IPv4 total length 60 exceeds the 36 bytes present). The layers before the error are shown above; check the length fields against the bytes present.')
    assert.match(r.stdout, /^IPv4 \(offset 14\)$/m)
    assert.match(r.stdout, /^ {2}totalLen 60$/m)
    assert.match(r.stdout, /^! stopped: ipv4: truncated at offset 50: /m)
  })

  test('a malformed frame under --json: the README\'s error object, plus the frames as decoded', async () => {
    const r = await run(['frame', 'decode', TRUNCATED_UDP, '--json'], tempLab())
    assert.equal(r.exitCode, 1)
    const out = JSON.parse(r.stdout) as ErrorJson
    assert.deepEqual(Object.keys(out), ['error', 'frames'])
    assert.equal(out.error.code, 'malformed-frame')
    assert.equal(out.error.exit, 1)
    assert.match(out.error.message, /^frame 1 is malformed: truncated at offset 50 /)
    assert.ok(out.error.fix)
    assert.deepEqual(out.frames!.map((f) => f.layers.map((l) => l.layer)), [['ethernet', 'ipv4']])
    assert.deepEqual(out.frames![0].error, {layer: 'ipv4', code: 'truncated', offset: 50, message: 'total length 60 exceeds the 36 bytes present'})
  })

  test('a frame above 1514 bytes is malformed unless --jumbo allows up to 9014', async () => {
    const big = new Uint8Array(1600)
    big.set(hexBytes('00155d64000100155d64000b88b5')) // local experimental EtherType: raw payload
    const hex = Buffer.from(big).toString('hex')
    const r = await run(['frame', 'decode', hex], tempLab())
    assert.equal(r.exitCode, 1)
    assert.match(r.error ?? '', /^frame 1 is malformed: bad-length at offset 1514 .* Add --jumbo to accept frames up to 9014 bytes/)
    const j = await run<FrameJson[]>(['frame', 'decode', hex, '--jumbo', '--json'], tempLab())
    assert.equal(j.exitCode, 0, j.error)
    assert.deepEqual(j.result![0].layers.map((l) => [l.layer, l.length ?? null]), [['ethernet', null], ['raw', 1586]])
  })

  for (const [what, hex, message] of [
    ['an odd number of digits', ARP_REQUEST.slice(0, -1), 'HEX has 83 hex digits, an odd number: a frame is whole bytes. Check the frame for a missing or extra digit.'],
    ['a non-hex character', 'ffffffffffffzz', 'HEX: "z" is not a hex digit. Give each frame as pairs of hex digits, e.g. ffffffffffff00155d64000b0806... (spaces, colons and a leading 0x are ignored).'],
    ['nothing', '', 'HEX holds no bytes. Give each frame as pairs of hex digits, e.g. ffffffffffff00155d64000b0806... (spaces, colons and a leading 0x are ignored).'],
  ] as const) {
    test(`bad hex (${what}) is an input error, exit 1`, async () => {
      const r = await run(['frame', 'decode', hex], tempLab())
      assert.equal(r.exitCode, 1)
      assert.equal(r.error, message)
      assert.equal(r.stdout, '')
    })
  }

  test('bad hex under --json: code invalid-value', async () => {
    const r = await run(['frame', 'decode', 'abc', '--json'], tempLab())
    assert.equal(r.exitCode, 1)
    assert.deepEqual(Object.keys(JSON.parse(r.stdout) as ErrorJson), ['error'])
    assert.equal((JSON.parse(r.stdout) as ErrorJson).error.code, 'invalid-value')
  })

  test('HEX and --file together, or neither, is a usage error (exit 2)', async () => {
    const file = tempFile('one.txt', `${ARP_REQUEST}\n`)
    const both = await run(['frame', 'decode', ARP_REQUEST, '--file', file], tempLab())
    assert.equal(both.exitCode, 2)
    assert.equal(both.error, 'Give the frame as HEX or with --file, not both.')
    const neither = await run(['frame', 'decode'], tempLab())
    assert.equal(neither.exitCode, 2)
    assert.match(neither.error ?? '', /^No frame given\. Give one as HEX .* or a file with --file FILE\.$/)
  })
})

describe('frame decode --file', () => {
  test('a pcapng written by writePcapng: every frame, with its interface, time and comment', async () => {
    const file = tempFile('trace.pcapng', writePcapng([
      {bytes: hexBytes(ARP_REQUEST), comment: 'VM1 asks for its gateway', interfaceName: 'NATSwitch', timestamp: 1500},
      {bytes: hexBytes(DHCP_DISCOVER), interfaceName: 'NATSwitch', timestamp: 2_000_001},
      {bytes: hexBytes(UDP_BAD_CHECKSUM), comment: 'line one\nline two', interfaceName: 'vEthernet (NATSwitch)', timestamp: 3_000_000},
    ]))
    const r = await run<FrameJson[]>(['frame', 'decode', '--file', file, '--json'], tempLab())
    assert.equal(r.exitCode, 0, r.error)
    assert.deepEqual(r.result!.map((f) => [f.index, f.line, f.length]), [[1, null, 42], [2, null, 301], [3, null, 58]])
    assert.deepEqual(r.result!.map((f) => f.capture), [
      {comment: 'VM1 asks for its gateway', interfaceName: 'NATSwitch', originalLength: 42, timestamp: '0.001500000'},
      {comment: '', interfaceName: 'NATSwitch', originalLength: 301, timestamp: '2.000001000'},
      {comment: 'line one\nline two', interfaceName: 'vEthernet (NATSwitch)', originalLength: 58, timestamp: '3.000000000'},
    ])
    assert.match(r.result![1].summary, /DHCP DISCOVER xid 0x3903f326$/)
    const text = await run(['frame', 'decode', '--file', file], tempLab())
    assert.equal(text.exitCode, 0)
    const blocks = text.stdout.split('\n\n')
    assert.equal(blocks.length, 3)
    assert.deepEqual(blocks[0].split('\n').slice(0, 4), [
      '#1 00-15-5D-64-00-0B > FF-FF-FF-FF-FF-FF ARP who-has 192.168.100.1 tell 192.168.100.11',
      'Capture: interface "NATSwitch", time 0.001500000 s',
      '  comment VM1 asks for its gateway',
      'Frame: 42 bytes',
    ])
    assert.deepEqual(blocks[2].split('\n').slice(1, 4), ['Capture: interface "vEthernet (NATSwitch)", time 3.000000000 s', '  comment line one', '  comment line two'])
  })

  test('a classic pcap (tcpdump -w): frames and timestamps in microseconds', async () => {
    const frame = hexBytes(ARP_REQUEST)
    const header = Buffer.alloc(24)
    header.writeUInt32LE(0xa1b2c3d4, 0)
    header.writeUInt16LE(2, 4)
    header.writeUInt16LE(4, 6)
    header.writeUInt32LE(65535, 16)
    header.writeUInt32LE(1, 20)
    const record = Buffer.alloc(16)
    record.writeUInt32LE(1_700_000_000, 0)
    record.writeUInt32LE(250, 4)
    record.writeUInt32LE(frame.length, 8)
    record.writeUInt32LE(frame.length, 12)
    const file = tempFile('tcpdump.pcap', Buffer.concat([header, record, frame]))
    const r = await run<FrameJson[]>(['frame', 'decode', '--file', file, '--json'], tempLab())
    assert.equal(r.exitCode, 0, r.error)
    assert.deepEqual(r.result!.map((f) => [f.summary, f.capture]), [[
      '00-15-5D-64-00-0B > FF-FF-FF-FF-FF-FF ARP who-has 192.168.100.1 tell 192.168.100.11',
      {comment: '', interfaceName: '', originalLength: 42, timestamp: '1700000000.000250000'},
    ]])
  })

  test('a file of hex lines: comments, blank lines, spaces, colons, 0x and CRLF tolerated', async () => {
    const file = tempFile('frames.txt', [
      '# an ARP request, then a DHCP DISCOVER',
      ARP_REQUEST.match(/.{1,8}/g)!.join(' ') + '   # who-has',
      '',
      '\t',
      `0x${DHCP_DISCOVER.match(/../g)!.join(':')}\r`,
      UDP_BAD_CHECKSUM,
    ].join('\n'))
    const r = await run<FrameJson[]>(['frame', 'decode', '--file', file, '--json'], tempLab())
    assert.equal(r.exitCode, 0, r.error)
    assert.deepEqual(r.result!.map((f) => [f.index, f.line, f.length]), [[1, 2, 42], [2, 5, 301], [3, 6, 58]])
    const text = await run(['frame', 'decode', '--file', file], tempLab())
    assert.deepEqual(text.stdout.split('\n').filter((l) => l.startsWith('#')).map((l) => l.split(' ').slice(0, 2).join(' ')), ['#1 00-15-5D-64-00-0B', '#2 00-15-5D-64-00-32', '#3 00-15-5D-64-00-0B'])
  })

  test('a malformed frame among good ones: all are shown, the error names the first by number and line', async () => {
    const file = tempFile('mixed.txt', `${ARP_REQUEST}\n${TRUNCATED_UDP}\n${ARP_REQUEST}\n${TRUNCATED_UDP.slice(0, 48)}\n`)
    const r = await run(['frame', 'decode', '--file', file], tempLab())
    assert.equal(r.exitCode, 1)
    assert.equal(r.error, 'frame 2 (line 2) is malformed: truncated at offset 50 (IPv4 total length 60 exceeds the 36 bytes present); frame 4 is malformed too. The layers before the error are shown above; check the length fields against the bytes present.')
    assert.equal(r.stdout.split('\n\n').length, 4)
    const j = await run(['frame', 'decode', '--file', file, '--json'], tempLab())
    const out = JSON.parse(j.stdout) as ErrorJson
    assert.deepEqual(out.frames!.map((f) => f.error?.code ?? null), [null, 'truncated', null, 'truncated'])
  })

  test('a bad line names its line number', async () => {
    const file = tempFile('bad.txt', `${ARP_REQUEST}\n# fine\n${ARP_REQUEST}0\n`)
    const r = await run(['frame', 'decode', '--file', file], tempLab())
    assert.equal(r.exitCode, 1)
    assert.match(r.error ?? '', new RegExp(`^line 3 of ${file.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')} has 85 hex digits, an odd number`))
  })

  for (const [what, content, message] of [
    ['an empty file', '', /is empty\. Give a pcap, a pcapng or a text file/],
    ['only comments', '# nothing here\n\n', /holds no frames \(only blank lines and comments\)\./],
    ['binary that is no capture', Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2), /is neither a pcap or pcapng capture nor a text file of hex lines\./],
    ['a capture cut short', writePcapng([{bytes: hexBytes(ARP_REQUEST), interfaceName: 'x', timestamp: 0}]).subarray(0, 100), /is not a readable capture: truncated at byte/],
  ] as const) {
    test(`${what} is an input error, exit 1`, async () => {
      const r = await run(['frame', 'decode', '--file', tempFile('f', content)], tempLab())
      assert.equal(r.exitCode, 1)
      assert.match(r.error ?? '', message)
    })
  }

  test('a file that does not exist is an input error, exit 1', async () => {
    const r = await run(['frame', 'decode', '--file', '/nonexistent/trace.pcapng', '--json'], tempLab())
    assert.equal(r.exitCode, 1)
    assert.deepEqual((JSON.parse(r.stdout) as ErrorJson).error, {code: 'invalid-value', exit: 1, fix: 'Give a pcap, a pcapng or a text file of hex lines that exists.', message: 'Frame file "/nonexistent/trace.pcapng" does not exist.'})
  })
})

describe('frame decode, the real binary', () => {
  test('a malformed frame: layers on stdout, one error line on stderr, exit 1', async () => {
    const r = await cli(['frame', 'decode', TRUNCATED_UDP], {lab: tempLab()})
    assert.equal(r.exitCode, 1)
    assert.equal(r.stderr, 'Error: frame 1 is malformed: truncated at offset 50 (IPv4 total length 60 exceeds the 36 bytes present). The layers before the error are shown above; check the length fields against the bytes present.')
    assert.match(r.stdout, /^! stopped: ipv4: truncated at offset 50/m)
  })

  test('--file - reads a capture from standard input; a bad checksum exits 0', async () => {
    const capture = writePcapng([{bytes: hexBytes(UDP_BAD_CHECKSUM), interfaceName: 'eth0', timestamp: 0}])
    const r = await execa(process.execPath, [binRun, 'frame', 'decode', '--file', '-', '--json'], {cwd: repoRoot, env: {...process.env, HVNET_CONFIG: tempLab(), NO_COLOR: '1'}, input: Buffer.from(capture), reject: false})
    assert.equal(r.exitCode, 0, String(r.stderr))
    const [frame] = JSON.parse(String(r.stdout)) as FrameJson[]
    assert.equal(frame.capture?.interfaceName, 'eth0')
    assert.equal(frame.issues[0].code, 'bad-checksum')
  })
})
