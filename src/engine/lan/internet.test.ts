import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {ip} from '../testing/lan.js'
import {reachability, resolveA} from './internet.js'

const LAN = {address: ip('192.168.1.0'), length: 24}

describe('the internet behind the router', () => {
  it('public addresses answer; special-purpose ones do not, each with its RFC', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '151.101.1.1', '172.32.0.1', '100.128.0.1']) assert.equal(reachability(ip(a), LAN).kind, 'public', a)
    const silent: [string, RegExp][] = [
      ['192.168.1.9', /on the LAN itself/],
      ['192.168.2.9', /RFC 1918/],
      ['10.0.0.1', /RFC 1918/],
      ['172.31.255.254', /RFC 1918/],
      ['169.254.1.1', /RFC 3927/],
      ['192.0.2.1', /RFC 5737/],
      ['198.51.100.7', /RFC 5737/],
      ['100.64.0.1', /RFC 6598/],
      ['198.19.0.1', /RFC 2544/],
      ['127.0.0.1', /loopback/],
      ['0.1.2.3', /this network/],
      ['239.1.1.1', /multicast/],
      ['255.255.255.255', /limited broadcast/],
      ['250.0.0.1', /240\.0\.0\.0\/4/],
    ]
    for (const [a, why] of silent) {
      const r = reachability(ip(a), LAN)
      assert.ok(r.kind === 'silent', a)
      assert.match(r.why, why, a)
    }
  })

  it('names resolve the same way every time, to public addresses', () => {
    assert.equal(resolveA('dns.google'), ip('8.8.8.8'))
    assert.equal(resolveA('example.com'), resolveA('example.com'))
    assert.notEqual(resolveA('example.com'), resolveA('example.org'))
    assert.equal(resolveA('nothing.invalid'), null)
    for (const n of ['a', 'b.c', 'www.microsoft.com', 'learn.microsoft.com', 'x'.repeat(60)]) {
      const a = resolveA(n)
      assert.ok(a !== null && reachability(a, LAN).kind === 'public', `${n} -> ${a}`)
    }
  })
})
