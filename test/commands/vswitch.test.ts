import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {ok, run, snapshot, tempLab} from '../support.js'

interface SwitchJson {
  name: string
  switchType: string
  netAdapterName: string | null
  allowManagementOS: boolean
  hostVnics: {interfaceAlias: string; macAddress: string; addresses: string[]}[]
  remarks: string[]
}
interface AdapterJson {
  name: string
  ifIndex: number
  macAddress: string
  ipv4Addresses: string[]
  boundToSwitch: string | null
  status: string
}

describe('vswitch new', () => {
  test('an Internal switch gives the host a vEthernet adapter with a pool MAC and the next ifIndex', async () => {
    const lab = tempLab()
    const sw = await ok<SwitchJson>(['vswitch', 'new', 'NATSwitch', '--type', 'internal'], lab)
    assert.equal(sw.switchType, 'Internal')
    assert.equal(sw.allowManagementOS, true)
    assert.deepEqual(sw.hostVnics.map((n) => n.interfaceAlias), ['vEthernet (NATSwitch)'])
    assert.match(sw.hostVnics[0].macAddress, /^00155D0017[0-9A-F]{2}$/)
    const adapters = await ok<AdapterJson[]>(['host', 'adapter', 'list'], lab)
    const vnic = adapters.find((a) => a.name === 'vEthernet (NATSwitch)')
    assert.equal(vnic?.ifIndex, 24)
  })

  test('a Private switch gives the host nothing', async () => {
    const lab = tempLab()
    const before = await ok<AdapterJson[]>(['host', 'adapter', 'list'], lab)
    const sw = await ok<SwitchJson>(['vswitch', 'new', 'Isolated', '--type', 'private'], lab)
    assert.equal(sw.switchType, 'Private')
    assert.deepEqual(sw.hostVnics, [])
    assert.deepEqual(await ok<AdapterJson[]>(['host', 'adapter', 'list'], lab), before)
  })

  test('an External switch with sharing moves the adapter\'s MAC and IP configuration onto vEthernet', async () => {
    const lab = tempLab()
    const sw = await ok<SwitchJson>(['vswitch', 'new', 'External', '--adapter', 'Ethernet'], lab)
    assert.equal(sw.switchType, 'External')
    assert.equal(sw.allowManagementOS, true)
    const adapters = await ok<AdapterJson[]>(['host', 'adapter', 'list'], lab)
    const ethernet = adapters.find((a) => a.name === 'Ethernet')!
    const vnic = adapters.find((a) => a.name === 'vEthernet (External)')!
    assert.equal(ethernet.boundToSwitch, 'External')
    assert.deepEqual(ethernet.ipv4Addresses, [])
    assert.equal(vnic.macAddress, ethernet.macAddress)
    assert.deepEqual(vnic.ipv4Addresses, ['10.0.0.23/24'])
  })

  test('turning sharing off, then removing the switch, gives the IP configuration back', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'External', '--adapter', 'Ethernet'], lab)
    const off = await ok<SwitchJson>(['vswitch', 'set', 'External', '--allow-management-os=false'], lab)
    assert.deepEqual(off.hostVnics, [])
    let adapters = await ok<AdapterJson[]>(['host', 'adapter', 'list'], lab)
    assert.equal(adapters.some((a) => a.name === 'vEthernet (External)'), false)
    await ok(['vswitch', 'remove', 'External'], lab)
    adapters = await ok<AdapterJson[]>(['host', 'adapter', 'list'], lab)
    const ethernet = adapters.find((a) => a.name === 'Ethernet')!
    assert.equal(ethernet.boundToSwitch, null)
    assert.deepEqual(ethernet.ipv4Addresses, ['10.0.0.23/24'])
  })

  test('an External switch without sharing leaves the host without an interface on the adapter', async () => {
    const lab = tempLab()
    const sw = await ok<SwitchJson>(['vswitch', 'new', 'VMsOnly', '--adapter', 'Ethernet', '--allow-management-os=false'], lab)
    assert.equal(sw.allowManagementOS, false)
    assert.deepEqual(sw.hostVnics, [])
    assert.ok(sw.remarks.some((r) => r.includes('Management OS sharing is off')))
  })

  test('a wireless adapter can back an External switch, and show says what that means', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'WiFiSwitch', '--adapter', 'Wi-Fi'], lab)
    const shown = await run(['vswitch', 'show', 'wifiswitch'], lab)
    assert.equal(shown.exitCode, 0)
    assert.match(shown.stdout, /wireless adapter/)
    assert.match(shown.stdout, /rewrites the source MAC/)
  })

  const refusals: [string, string[], RegExp, string][] = [
    ['a duplicate name, compared case-insensitively', ['vswitch', 'new', 'default switch', '--type', 'private'], /already exists/, 'duplicate-name'],
    ['an empty name', ['vswitch', 'new', '', '--type', 'private'], /cannot be empty/, 'invalid-name'],
    ['External without an adapter', ['vswitch', 'new', 'X', '--type', 'external'], /needs a physical adapter/, 'invalid-value'],
    ['an unknown adapter', ['vswitch', 'new', 'X', '--adapter', 'Ethernet 9'], /No MSFT_NetAdapter objects found/, 'not-found'],
    ['an adapter with an Internal type', ['vswitch', 'new', 'X', '--type', 'internal', '--adapter', 'Ethernet'], /makes an External switch/, 'invalid-value'],
    ['management OS sharing on a Private switch', ['vswitch', 'new', 'X', '--type', 'private', '--allow-management-os=true'], /External switches only/, 'invalid-value'],
    ['no type at all', ['vswitch', 'new', 'X'], /Say what kind of switch/, 'invalid-value'],
  ]
  for (const [what, args, message, code] of refusals) {
    test(`refuses ${what}, exit 1, store byte-identical`, async () => {
      const lab = tempLab()
      await ok(['vswitch', 'new', 'Existing', '--type', 'internal'], lab)
      const before = snapshot(lab)
      const r = await run(args, lab)
      assert.equal(r.exitCode, 1)
      assert.match(r.error ?? '', message)
      assert.deepEqual(snapshot(lab), before)
      const json = await run<unknown>([...args, '--json'], lab)
      assert.match(json.stdout, new RegExp(`"code": "${code}"`))
    })
  }

  test('one physical adapter serves at most one switch (Hyper-V\'s ObjectInUse message)', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'First', '--adapter', 'Ethernet'], lab)
    const before = snapshot(lab)
    const r = await run(['vswitch', 'new', 'Second', '--adapter', 'ethernet'], lab)
    assert.equal(r.exitCode, 1)
    assert.match(r.error ?? '', /is already bound to the Microsoft Virtual Switch protocol/)
    assert.deepEqual(snapshot(lab), before)
  })
})

describe('the Default Switch', () => {
  test('is Internal, has vEthernet (Default Switch) at the first address of a /20 in 172.16.0.0/12', async () => {
    const lab = tempLab()
    const sw = await ok<SwitchJson>(['vswitch', 'show', 'Default Switch'], lab)
    assert.equal(sw.switchType, 'Internal')
    const [address] = sw.hostVnics[0].addresses
    const match = /^172\.(\d+)\.(\d+)\.1\/20$/.exec(address)
    assert.ok(match, address)
    assert.ok(Number(match[1]) >= 16 && Number(match[1]) <= 31)
    assert.equal(Number(match[2]) % 16, 0)
  })

  for (const args of [['vswitch', 'remove', 'Default Switch', '--force'], ['vswitch', 'rename', 'Default Switch', 'Mine'], ['vswitch', 'set', 'Default Switch', '--notes', 'x']]) {
    test(`cannot be changed: ${args.slice(0, 2).join(' ')}`, async () => {
      const lab = tempLab()
      await ok(['vswitch', 'list'], lab)
      await ok(['vswitch', 'new', 'Touch', '--type', 'private'], lab)
      const before = snapshot(lab)
      const r = await run(args, lab)
      assert.equal(r.exitCode, 1)
      assert.match(r.error ?? '', /The automatic Internet Connection Sharing switch cannot be modified/)
      assert.deepEqual(snapshot(lab), before)
    })
  }
})

describe('vswitch set, rename, remove', () => {
  test('Internal → Private removes the host vNIC; → Internal adds one back (the type is derived)', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'S', '--type', 'internal'], lab)
    const priv = await ok<SwitchJson>(['vswitch', 'set', 'S', '--allow-management-os=false'], lab)
    assert.equal(priv.switchType, 'Private')
    assert.deepEqual(priv.hostVnics, [])
    const internal = await ok<SwitchJson>(['vswitch', 'set', 'S', '--type', 'internal'], lab)
    assert.equal(internal.switchType, 'Internal')
    assert.equal(internal.hostVnics.length, 1)
  })

  test('Internal → External rebinds: the vNIC takes the physical MAC and IP; → Internal gives them back', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'S', '--type', 'internal'], lab)
    const ext = await ok<SwitchJson>(['vswitch', 'set', 'S', '--adapter', 'Ethernet'], lab)
    assert.equal(ext.switchType, 'External')
    assert.deepEqual(ext.hostVnics.map((n) => n.addresses), [['10.0.0.23/24']])
    const back = await ok<SwitchJson>(['vswitch', 'set', 'S', '--type', 'internal'], lab)
    assert.equal(back.switchType, 'Internal')
    assert.match(back.hostVnics[0].macAddress, /^00155D/)
    const adapters = await ok<AdapterJson[]>(['host', 'adapter', 'list'], lab)
    assert.deepEqual(adapters.find((a) => a.name === 'Ethernet')!.ipv4Addresses, ['10.0.0.23/24'])
  })

  test('moving an External switch to another adapter returns the first adapter\'s configuration', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'S', '--adapter', 'Ethernet'], lab)
    const moved = await ok<SwitchJson>(['vswitch', 'set', 'S', '--adapter', 'Wi-Fi'], lab)
    assert.equal(moved.netAdapterName, 'Wi-Fi')
    assert.deepEqual(moved.hostVnics.map((n) => n.addresses), [['192.168.1.40/24']])
    const adapters = await ok<AdapterJson[]>(['host', 'adapter', 'list'], lab)
    assert.deepEqual(adapters.find((a) => a.name === 'Ethernet')!.ipv4Addresses, ['10.0.0.23/24'])
    assert.equal(adapters.find((a) => a.name === 'Ethernet')!.boundToSwitch, null)
  })

  test('rename keeps the host alias vEthernet (OLD), as Windows does, and says so', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'Old', '--type', 'internal'], lab)
    const renamed = await ok<SwitchJson>(['vswitch', 'rename', 'old', 'New'], lab)
    assert.equal(renamed.name, 'New')
    assert.deepEqual(renamed.hostVnics.map((n) => n.interfaceAlias), ['vEthernet (Old)'])
    assert.ok(renamed.remarks.some((r) => r.includes('keeps the name "vEthernet (Old)"')))
    // The kept alias blocks a new switch whose vNIC would take the same name.
    const r = await run(['vswitch', 'new', 'Old', '--type', 'internal'], lab)
    assert.equal(r.exitCode, 1)
  })

  test('remove of an unknown switch names the existing ones and suggests the closest', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'NATSwitch', '--type', 'internal'], lab)
    const r = await run(['vswitch', 'remove', 'NATSwich'], lab)
    assert.equal(r.exitCode, 1)
    assert.match(r.error ?? '', /Hyper-V was unable to find a virtual switch with name "NATSwich"\. Did you mean "NATSwitch"\?/)
  })

  test('list shows Get-VMSwitch columns', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'Ext', '--adapter', 'Ethernet'], lab)
    const r = await run(['vswitch', 'list'], lab)
    const lines = r.stdout.trimEnd().split('\n')
    assert.match(lines[0], /^Name\s+SwitchType\s+NetAdapterInterfaceDescription$/)
    assert.match(r.stdout, /Default Switch\s+Internal/)
    assert.match(r.stdout, /Ext\s+External\s+Intel\(R\) Ethernet Connection \(13\) I219-LM/)
  })
})
