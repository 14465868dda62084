import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {traceScenario} from '../testing/trace.js'
import {toHex} from '../wire/bytes.js'
import {readCapture} from '../wire/pcap.js'
import {ok, TSHARK, tsharkFields} from '../wire/test-support.js'
import {traceCaptureRecords, traceToPcapng} from './pcap.js'
import {buildTraceResult} from './result.js'

describe('traceToPcapng', () => {
  test('one packet per hop, plus one per translated frame, read back by the project\'s reader', () => {
    const s = traceScenario('nat-ping')
    const back = ok(readCapture(traceToPcapng(s)))
    const result = buildTraceResult(s)
    const translations = s.steps.filter((x) => x.action === 'transformed').length
    assert.equal(back.length, result.hops.length + translations)
    // Each hop's frame is there, on the interface named after the hop's place, in time order.
    let i = 0
    for (const hop of result.hops) {
      const p = back[i]
      assert.equal(p.interfaceName, `${hop.location.kind} ${hop.location.name}`)
      assert.equal(toHex(p.bytes), hop.frame.hex)
      assert.equal(p.timestamp, BigInt(Math.round(hop.timeMs * 1000)) * 1000n, 'µs of virtual time, read back in ns')
      assert.match(p.comment, new RegExp(`^hop ${hop.index} ${hop.direction}`))
      i += 1 + hop.steps.filter((x) => x.action === 'transformed').length
    }
    assert.equal(i, back.length)
  })

  test('the translated frame follows its original, with the translation in the comment', () => {
    const back = ok(readCapture(traceToPcapng(traceScenario('nat-ping'))))
    const nat = back.filter((p) => p.interfaceName === 'nat MyNAT')
    assert.equal(nat.length, 4)
    assert.equal(nat[0].comment, 'hop 10 request at nat MyNAT: received nat-internal [nat MyNAT]')
    assert.equal(nat[1].comment, 'hop 10 request at nat MyNAT: transformed nat-translated [nat MyNAT session 1] ipv4.src 192.168.0.10 -> 10.0.0.23, icmp.identifier 1 -> 1024; forwarded routed [host Ethernet]')
    assert.equal(nat[1].bytes[26 + 3], 23, 'the packet after translation has source 10.0.0.23')
  })

  test('dropped frames are in the capture, with the reason and the ref', () => {
    const back = ok(readCapture(traceToPcapng(traceScenario('acl-drop'))))
    assert.deepEqual(back.map((p) => p.interfaceName), ['vm web/Network Adapter', 'switch NATSwitch'])
    assert.equal(back[1].comment, 'hop 2 request at switch NATSwitch: received ingress [vm web/Network Adapter]; permitted acl-allow [vm web/Network Adapter]; denied acl-deny [vm db/Network Adapter.acl[2]]; dropped acl-deny [vm db/Network Adapter.acl[2]]')
  })

  test('preliminary hops are marked in the comment', () => {
    const records = traceCaptureRecords(traceScenario('default-switch-dhcp').flow, traceScenario('default-switch-dhcp').steps)
    assert.match(records[0].comment ?? '', /^hop 1 request \(dhcp\) at vm fresh\/Network Adapter: transmitted dhcp/)
    assert.ok(records.some((r) => /^hop \d+ request \(arp\)/.test(r.comment ?? '')))
  })

  if (TSHARK === null) {
    test.skip('tshark is not on PATH: the trace pcapng is not cross-checked with tshark')
  } else {
    test('tshark reads the trace pcapng: every packet, its interface and its comment, no malformed frame', () => {
      const dir = mkdtempSync(join(tmpdir(), 'hvnet-trace-pcap-'))
      try {
        const s = traceScenario('nat-ping')
        const f = join(dir, 'trace.pcapng')
        writeFileSync(f, traceToPcapng(s))
        const expected = ok(readCapture(traceToPcapng(s)))
        assert.deepEqual(tsharkFields(f, ['frame.interface_name', 'frame.comment', '_ws.malformed']), expected.map((p) => `${p.interfaceName}|${p.comment}|`))
      } finally {
        rmSync(dir, {recursive: true, force: true})
      }
    })
  }
})
