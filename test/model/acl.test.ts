import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {extendedAclFrom, parseAclPrefix, parsePortRange, parseProtocol, portAclsFrom} from '../../src/model/acl.js'
import {code} from './support.js'

describe('port ACL entries', () => {
  test('addresses are stored as networks; a host is a /32; ANY is 0.0.0.0/0', () => {
    assert.equal(parseAclPrefix('10.1.2.3/8', 'x'), '10.0.0.0/8')
    assert.equal(parseAclPrefix('192.168.1.7', 'x'), '192.168.1.7/32')
    assert.equal(parseAclPrefix('any', 'x'), '0.0.0.0/0')
    assert.equal(code(() => parseAclPrefix('10.0.0.0/33', 'x')), 'invalid-prefix')
    assert.equal(code(() => parseAclPrefix('f001::1/64', 'x')), 'invalid-prefix')
  })

  test('--direction both is two entries, one per direction, as WMI stores them', () => {
    const entries = portAclsFrom({action: 'allow', direction: 'both', remoteIp: '10.0.0.0/8'})
    assert.deepEqual(entries, [
      {aclType: 'IPv4', action: 'Allow', applicability: 'Remote', direction: 'Inbound', ipAddress: '10.0.0.0/8'},
      {aclType: 'IPv4', action: 'Allow', applicability: 'Remote', direction: 'Outbound', ipAddress: '10.0.0.0/8'},
    ])
  })

  test('MAC entries: Microsoft\'s dashed lowercase form, stored as 12 hex digits; ANY kept', () => {
    assert.deepEqual(portAclsFrom({action: 'deny', direction: 'inbound', remoteMac: '03-0f-01-0e-aa-b2'}), [{aclType: 'MAC', action: 'Deny', applicability: 'Remote', direction: 'Inbound', macAddress: '030F010EAAB2'}])
    assert.deepEqual(portAclsFrom({action: 'deny', direction: 'outbound', localMac: 'ANY'}), [{aclType: 'MAC', action: 'Deny', applicability: 'Local', direction: 'Outbound', macAddress: 'ANY'}])
  })

  test('refusals: no address, two addresses, a metering MAC entry, a bad MAC', () => {
    assert.equal(code(() => portAclsFrom({action: 'allow', direction: 'inbound'})), 'invalid-value')
    assert.equal(code(() => portAclsFrom({action: 'allow', direction: 'inbound', remoteIp: '1.2.3.4', remoteMac: 'ANY'})), 'invalid-value')
    assert.equal(code(() => portAclsFrom({action: 'meter', direction: 'inbound', remoteMac: '00-15-5D-00-00-01'})), 'invalid-value')
    assert.equal(code(() => portAclsFrom({action: 'deny', direction: 'inbound', remoteMac: '00-15-5D'})), 'invalid-mac')
  })
})

describe('extended ACL entries', () => {
  test('WMI defaults: ANY everywhere, not stateful, idle timeout 255', () => {
    assert.deepEqual(extendedAclFrom({action: 'deny', direction: 'inbound', weight: 1}), {
      action: 'Deny', direction: 'Inbound', idleSessionTimeout: 255, localIPAddress: '0.0.0.0/0', localPort: null, protocol: null, remoteIPAddress: '0.0.0.0/0', remotePort: null, stateful: false, weight: 1,
    })
  })

  test('protocols by name or number, ports and ranges', () => {
    assert.equal(parseProtocol('TCP'), 6)
    assert.equal(parseProtocol('udp'), 17)
    assert.equal(parseProtocol('1'), 1)
    assert.equal(parseProtocol('ANY'), null)
    assert.equal(code(() => parseProtocol('256')), 'invalid-value')
    assert.deepEqual(parsePortRange('49152-49182', 'LocalPort'), [49152, 49182])
    assert.deepEqual(parsePortRange('80', 'LocalPort'), [80, 80])
    assert.equal(parsePortRange('any', 'LocalPort'), null)
    for (const bad of ['65536', '90-80', 'http', '']) assert.equal(code(() => parsePortRange(bad, 'LocalPort')), 'invalid-value')
  })

  test('refusals: ports without TCP/UDP, a stateful Deny, a timeout without --stateful, a negative weight', () => {
    assert.equal(code(() => extendedAclFrom({action: 'allow', direction: 'inbound', localPort: '80', weight: 1})), 'invalid-value')
    assert.equal(code(() => extendedAclFrom({action: 'allow', direction: 'inbound', localPort: '80', protocol: 'icmp', weight: 1})), 'invalid-value')
    assert.equal(code(() => extendedAclFrom({action: 'deny', direction: 'inbound', stateful: true, weight: 1})), 'invalid-value')
    assert.equal(code(() => extendedAclFrom({action: 'allow', direction: 'inbound', idleSessionTimeout: 60, weight: 1})), 'invalid-value')
    assert.equal(code(() => extendedAclFrom({action: 'allow', direction: 'inbound', weight: -1})), 'invalid-value')
  })
})
