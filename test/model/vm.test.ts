// The MAC pool and the adapter limits through the model API (thousands of steps in milliseconds).
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {newLab} from '../../src/model/lab.js'
import {parseLab, serializeLab} from '../../src/model/store.js'
import {addAdapter, findVm, newVm, removeVm, startVm, stopVm, UNASSIGNED_MAC} from '../../src/model/vm.js'
import {newSwitch} from '../../src/model/vswitch.js'
import {refusal} from './support.js'

describe('dynamic MACs', () => {
  test('assigned at first start, in order, the same in every lab of one seed, and kept across power cycles', () => {
    const macs = () => {
      const lab = newLab()
      newVm(lab, {name: 'a'})
      addAdapter(lab, findVm(lab, 'a'), {name: 'second'})
      assert.deepEqual(findVm(lab, 'a').networkAdapters.map((n) => n.macAddress), [UNASSIGNED_MAC, UNASSIGNED_MAC])
      startVm(lab, 'a')
      const first = findVm(lab, 'a').networkAdapters.map((n) => n.macAddress)
      stopVm(lab, 'a')
      startVm(lab, 'a')
      assert.deepEqual(findVm(lab, 'a').networkAdapters.map((n) => n.macAddress), first)
      return first
    }
    // The Default Switch's vNIC holds 00155D001700.
    assert.deepEqual(macs(), ['00155D001701', '00155D001702'])
    assert.deepEqual(macs(), macs())
  })

  test('never handed out twice: every MAC of the pool once, then the documented error, lab unchanged', () => {
    const lab = newLab()
    const seen = new Set<string>()
    // 256 addresses, one held by the Default Switch's vNIC: 255 VMs start.
    for (let i = 0; i < 255; i++) {
      newVm(lab, {name: `vm${i}`})
      startVm(lab, `vm${i}`)
      const mac = findVm(lab, `vm${i}`).networkAdapters[0].macAddress
      assert.equal(seen.has(mac), false, mac)
      assert.match(mac, /^00155D0017[0-9A-F]{2}$/)
      seen.add(mac)
    }
    newVm(lab, {name: 'one-too-many'})
    const before = serializeLab(lab)
    const error = refusal(() => startVm(lab, 'one-too-many'))
    assert.equal(error.code, 'rule-violation')
    assert.match(error.message, /^The application encountered an error while attempting to change the state of 'one-too-many'\. Synthetic Ethernet Port \(Instance ID [0-9A-F-]{36}\): Failed to power on with Error 'Attempt to access invalid address'\./)
    assert.match(error.fix ?? '', /static MAC/)
    assert.equal(serializeLab(lab).length, before.length)
    // A removed VM's MAC is free again; a static MAC outside the pool always works.
    removeVm(lab, 'vm7', true)
    startVm(lab, 'one-too-many')
    assert.equal(findVm(lab, 'one-too-many').networkAdapters[0].macAddress, '00155D001708')
  })

  test('a host vNIC created after a VM start does not take the VM\'s MAC', () => {
    const lab = newLab()
    newVm(lab, {name: 'a'})
    startVm(lab, 'a')
    newSwitch(lab, {name: 'S', type: 'internal'})
    const vnic = lab.host.vnics.find((n) => n.name === 'S')!
    assert.notEqual(vnic.macAddress, findVm(lab, 'a').networkAdapters[0].macAddress)
  })
})

describe('adapter limits', () => {
  test('64 synthetic adapters per VM, then Hyper-V\'s limit', () => {
    const lab = newLab()
    const vm = newVm(lab, {generation: 2, name: 'big'})
    for (let i = 1; i < 64; i++) addAdapter(lab, vm, {name: `nic${i}`})
    const error = refusal(() => addAdapter(lab, vm, {name: 'nic64'}))
    assert.equal(error.code, 'rule-violation')
    assert.match(error.message, /already has 64 synthetic network adapters/)
    assert.doesNotThrow(() => parseLab(serializeLab(lab), 'lab.json'))
  })

  test('4 legacy adapters on generation 1, besides the synthetic ones', () => {
    const lab = newLab()
    const vm = newVm(lab, {generation: 1, name: 'old'})
    for (let i = 0; i < 4; i++) addAdapter(lab, vm, {legacy: true, name: `legacy${i}`})
    assert.match(refusal(() => addAdapter(lab, vm, {legacy: true, name: 'legacy4'})).message, /already has 4 legacy network adapters/)
    assert.doesNotThrow(() => addAdapter(lab, vm, {name: 'synthetic'}))
  })
})
