import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {broadcastAddress, cidrContains, cidrOverlaps, formatCidr, formatIpv4, isBenchmarking, isDocumentation, isLimitedBroadcast, isLinkLocal, isLoopback, isMulticastIpv4, isPrivate, isReserved, isSharedAddressSpace, isThisNetwork, maskPrefix, networkAddress, parseCidr, parseIpv4Address, prefixMask} from './ipv4-address.js'
import {arbU32, assertWireError, ok} from './test-support.js'

const ip = (s: string): number => ok(parseIpv4Address(s))

describe('ipv4-address', () => {
  test('parse and format dotted quads', () => {
    assert.equal(ip('192.168.100.11'), 0xc0a8640b)
    assert.equal(ip('0.0.0.0'), 0)
    assert.equal(ip('255.255.255.255'), 0xffffffff)
    assert.equal(formatIpv4(0xc0a8640b), '192.168.100.11')
    assert.equal(formatIpv4(0xffffffff), '255.255.255.255')
  })

  test('rejects junk, octets > 255 and leading zeros', () => {
    for (const s of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.4 ', ' 1.2.3.4', 'x1.2.3.4', '01.2.3.4', '1.2.3.04', '1.2.3.-4', '1..3.4', '1.2.3.4/8', '0x1.2.3.4', '1e2.1.1.1', '1.2.3.1000']) {
      assertWireError(parseIpv4Address(s), 'ipv4-address', 'bad-syntax', 0)
    }
  })

  test('CIDR: parse, prefix 0-32, network/broadcast/mask/contains/overlaps', () => {
    const c = ok(parseCidr('10.1.2.3/8'))
    assert.deepEqual(c, {address: 0x0a010203, prefix: 8})
    assert.equal(formatCidr(c), '10.1.2.3/8')
    assert.equal(networkAddress(c), 0x0a000000)
    assert.equal(broadcastAddress(c), 0x0affffff)
    assert.equal(prefixMask(24), 0xffffff00)
    assert.equal(prefixMask(0), 0)
    assert.equal(prefixMask(32), 0xffffffff)
    assert.equal(maskPrefix(0xffffff00), 24)
    assert.equal(maskPrefix(0), 0)
    assert.equal(maskPrefix(0xffffffff), 32)
    assert.equal(maskPrefix(0xff00ff00), null)
    assert.equal(cidrContains(c, ip('10.255.0.1')), true)
    assert.equal(cidrContains(c, ip('11.0.0.0')), false)
    assert.equal(cidrContains(ok(parseCidr('0.0.0.0/0')), ip('8.8.8.8')), true)
    assert.equal(cidrOverlaps(ok(parseCidr('10.0.0.0/8')), ok(parseCidr('10.20.0.0/16'))), true)
    assert.equal(cidrOverlaps(ok(parseCidr('192.168.0.0/24')), ok(parseCidr('192.168.1.0/24'))), false)
    assert.equal(broadcastAddress(ok(parseCidr('192.168.1.77/32'))), ip('192.168.1.77'))
    for (const s of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/08', '10.0.0.0/', '10.0.0/8', '10.0.0.0/8/8']) assertWireError(parseCidr(s), 'ipv4-address', 'bad-syntax', 0)
  })

  test('address classes', () => {
    assert.deepEqual(['10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '172.32.0.1', '11.0.0.1'].map((s) => isPrivate(ip(s))), [true, true, true, true, false, false])
    assert.deepEqual(['169.254.1.1', '169.255.0.1'].map((s) => isLinkLocal(ip(s))), [true, false])
    assert.deepEqual(['192.0.2.1', '198.51.100.7', '203.0.113.255', '192.0.3.1'].map((s) => isDocumentation(ip(s))), [true, true, true, false])
    assert.deepEqual(['224.0.0.1', '239.255.255.250', '240.0.0.1'].map((s) => isMulticastIpv4(ip(s))), [true, true, false])
    assert.deepEqual(['127.0.0.1', '128.0.0.1'].map((s) => isLoopback(ip(s))), [true, false])
    assert.equal(isLimitedBroadcast(0xffffffff), true)
    assert.deepEqual(['100.64.0.0', '100.127.255.255', '100.63.255.255', '100.128.0.0'].map((s) => isSharedAddressSpace(ip(s))), [true, true, false, false])
    assert.deepEqual(['198.18.0.1', '198.19.255.255', '198.17.255.255', '198.20.0.0'].map((s) => isBenchmarking(ip(s))), [true, true, false, false])
    assert.deepEqual(['0.0.0.0', '0.255.255.255', '1.0.0.0'].map((s) => isThisNetwork(ip(s))), [true, true, false])
    assert.deepEqual(['240.0.0.0', '255.255.255.255', '239.255.255.255'].map((s) => isReserved(ip(s))), [true, true, false])
  })

  test('property: format/parse round-trip', () => {
    fc.assert(fc.property(arbU32, (a) => assert.equal(ip(formatIpv4(a)), a)), {seed: 791, numRuns: 500})
  })
})
