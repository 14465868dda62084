import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {hex} from '../wire/test-support.js'
import {DNS_RCODE_NOERROR, DNS_TYPE_A, DNS_TYPE_AAAA, emitDnsQuery, emitDnsResponse, parseDnsQuery, parseDnsResponse} from './dns.js'

describe('DNS (RFC 1035 4.1)', () => {
  // dig example.com A, id 0x1234, RD set: the bytes every resolver sends.
  const QUERY = hex('1234 0100 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001')

  it('emits and parses a query, golden bytes', () => {
    assert.deepEqual(emitDnsQuery(0x1234, 'example.com'), QUERY)
    assert.deepEqual(emitDnsQuery(0x1234, 'example.com.'), QUERY)
    const q = parseDnsQuery(QUERY)
    if ('error' in q) assert.fail(q.error)
    assert.equal(q.id, 0x1234)
    assert.equal(q.name, 'example.com')
    assert.equal(q.qtype, DNS_TYPE_A)
    assert.equal(q.recursionDesired, true)
  })

  it('emits an answer with a pointer to the question name, golden bytes, and parses it', () => {
    const q = parseDnsQuery(QUERY)
    if ('error' in q) assert.fail(q.error)
    const r = emitDnsResponse(q, DNS_RCODE_NOERROR, [0x5db8_d822], 300)
    assert.deepEqual(r, hex('1234 8180 0001 0001 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001  c00c 0001 0001 0000012c 0004 5db8d822'))
    const p = parseDnsResponse(r)
    if ('error' in p) assert.fail(p.error)
    assert.deepEqual(p, {id: 0x1234, rcode: 0, name: 'example.com', qtype: DNS_TYPE_A, addresses: [0x5db8_d822]})
  })

  it('names lower-cased; AAAA queries parse', () => {
    const q = parseDnsQuery(emitDnsQuery(1, 'WWW.Example.ORG', DNS_TYPE_AAAA))
    if ('error' in q) assert.fail(q.error)
    assert.equal(q.name, 'www.example.org')
    assert.equal(q.qtype, DNS_TYPE_AAAA)
  })

  it('rejects what is not a one-question query, without throwing', () => {
    const cases: [Uint8Array, RegExp][] = [
      [hex('1234 0100 0001'), /shorter than the 12-byte/],
      [hex('1234 8180 0001 0000 0000 0000 00 0001 0001'), /response, not a query/],
      [hex('1234 0100 0002 0000 0000 0000 00 0001 0001'), /2 questions/],
      [hex('1234 0100 0001 0000 0000 0000 07 6578616d'), /runs past/],
      [hex('1234 0100 0001 0000 0000 0000 c00c 0001 0001'), /compression pointer/],
      [hex('1234 0100 0001 0000 0000 0000 00 0001'), /missing its type and class/],
    ]
    for (const [bytes, why] of cases) {
      const r = parseDnsQuery(bytes)
      assert.ok('error' in r, `accepted ${Buffer.from(bytes).toString('hex')}`)
      assert.match(r.error, why)
    }
    const cut = parseDnsResponse(hex('1234 8180 0001 0001 0000 0000 00 0001 0001 c00c 0001'))
    assert.ok('error' in cut && /truncated/.test(cut.error))
  })
})
