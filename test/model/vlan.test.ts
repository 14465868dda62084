import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {formatVlanList, parseVlanList, pvlanConflict, vlanListText, vlanSettingFrom} from '../../src/model/vlan.js'
import {code} from './support.js'

describe('VLAN ID lists', () => {
  const good: [string, [number, number][], string][] = [
    ['1-100,200', [[1, 100], [200, 200]], '1-100,200'],
    ['200, 1-100', [[1, 100], [200, 200]], '1-100,200'],
    ['10,20,30', [[10, 10], [20, 20], [30, 30]], '10,20,30'],
    ['5,1-3,4', [[1, 5]], '1-5'],
    ['1-10,5-20', [[1, 20]], '1-20'],
    ['4094', [[4094, 4094]], '4094'],
    ['200-201', [[200, 201]], '200-201'],
  ]
  for (const [text, ranges, formatted] of good) {
    test(`"${text}" → ${JSON.stringify(ranges)} → "${formatted}"`, () => {
      assert.deepEqual(parseVlanList(text, 'AllowedVlanIdList'), ranges)
      assert.equal(formatVlanList(ranges), formatted)
    })
  }
  for (const text of ['', '0', '4095', '1-4095', '10-5', 'a', '1,,2', '1-', '-5', '1 2', '1.5']) {
    test(`refuses "${text}"`, () => {
      assert.equal(code(() => parseVlanList(text, 'AllowedVlanIdList')), 'invalid-value')
    })
  }
})

describe('VLAN settings', () => {
  test('each mode with its IDs', () => {
    assert.deepEqual(vlanSettingFrom({untagged: true}), {operationMode: 'Untagged'})
    assert.deepEqual(vlanSettingFrom({access: true, vlanId: '121'}), {accessVlanId: 121, operationMode: 'Access'})
    assert.deepEqual(vlanSettingFrom({allowedVlanIdList: '1-100', nativeVlanId: '10', trunk: true}), {allowedVlanIdList: [[1, 100]], nativeVlanId: 10, operationMode: 'Trunk'})
    assert.deepEqual(vlanSettingFrom({isolated: true, primaryVlanId: '10', secondaryVlanId: '200'}), {operationMode: 'Private', primaryVlanId: 10, privateVlanMode: 'Isolated', secondaryVlanId: 200})
    assert.deepEqual(vlanSettingFrom({community: true, primaryVlanId: '10', secondaryVlanId: '300'}), {operationMode: 'Private', primaryVlanId: 10, privateVlanMode: 'Community', secondaryVlanId: 300})
    const promiscuous = vlanSettingFrom({primaryVlanId: '10', promiscuous: true, secondaryVlanIdList: '200-201'})
    assert.deepEqual(promiscuous, {operationMode: 'Private', primaryVlanId: 10, privateVlanMode: 'Promiscuous', secondaryVlanIdList: [[200, 201]]})
    assert.equal(vlanListText(promiscuous), '10,200-201')
  })

  const refusals: [string, Parameters<typeof vlanSettingFrom>[0], string][] = [
    ['no mode', {}, 'invalid-value'],
    ['two modes', {access: true, trunk: true, vlanId: '5'}, 'invalid-value'],
    ['access without an ID', {access: true}, 'invalid-value'],
    ['access with ID 0', {access: true, vlanId: '0'}, 'invalid-value'],
    ['access with ID 4095', {access: true, vlanId: '4095'}, 'invalid-value'],
    ['access with a trunk list', {access: true, allowedVlanIdList: '1-5', vlanId: '5'}, 'invalid-value'],
    ['untagged with an ID', {untagged: true, vlanId: '5'}, 'invalid-value'],
    ['a trunk without a native VLAN', {allowedVlanIdList: '1-100', trunk: true}, 'invalid-value'],
    ['a native VLAN outside the allowed list', {allowedVlanIdList: '1-100', nativeVlanId: '200', trunk: true}, 'rule-violation'],
    ['an isolated port whose secondary is its primary', {isolated: true, primaryVlanId: '10', secondaryVlanId: '10'}, 'rule-violation'],
    ['a promiscuous port listing its primary', {primaryVlanId: '10', promiscuous: true, secondaryVlanIdList: '5-15'}, 'rule-violation'],
    ['a promiscuous port with a single secondary flag', {primaryVlanId: '10', promiscuous: true, secondaryVlanId: '20'}, 'invalid-value'],
  ]
  for (const [what, input, expected] of refusals) {
    test(`refuses ${what}`, () => assert.equal(code(() => vlanSettingFrom(input)), expected))
  }

  test('PVLAN consistency across the ports of a switch', () => {
    const iso = (p: number, s: number) => ({operationMode: 'Private', primaryVlanId: p, privateVlanMode: 'Isolated', secondaryVlanId: s}) as const
    const com = (p: number, s: number) => ({operationMode: 'Private', primaryVlanId: p, privateVlanMode: 'Community', secondaryVlanId: s}) as const
    assert.equal(pvlanConflict([{owner: 'a', setting: iso(10, 200)}, {owner: 'b', setting: iso(10, 200)}, {owner: 'c', setting: com(10, 300)}]), undefined)
    assert.match(pvlanConflict([{owner: 'a', setting: iso(10, 200)}, {owner: 'b', setting: com(10, 200)}]) ?? '', /is isolated on a but community on b/)
    assert.match(pvlanConflict([{owner: 'a', setting: iso(10, 200)}, {owner: 'b', setting: iso(10, 201)}]) ?? '', /two isolated secondary VLANs/)
    assert.equal(pvlanConflict([{owner: 'a', setting: iso(10, 200)}, {owner: 'b', setting: iso(20, 201)}]), undefined)
  })
})
