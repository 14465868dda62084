import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {ok, run, snapshot, tempLab} from '../support.js'

interface AdapterJson {
  name: string
  interfaceDescription: string
  ifIndex: number
  status: string
  macAddress: string
  linkSpeed: string
  kind: string
  ipv4Addresses: string[]
  defaultGateway: string | null
  dhcp: boolean
  portSecurityMaxMacs: number | null
  network: {prefix: string; gateway: string} | null
}

describe('the new laptop host', () => {
  test('has Ethernet and Wi-Fi on their LANs and the Default Switch vNIC, in Get-NetAdapter\'s columns', async () => {
    const lab = tempLab()
    const rows = await ok<AdapterJson[]>(['host', 'adapter', 'list'], lab)
    assert.deepEqual(rows.map((r) => [r.name, r.ifIndex, r.status, r.linkSpeed]), [
      ['Ethernet', 12, 'Up', '1 Gbps'],
      ['Wi-Fi', 18, 'Up', '1.2 Gbps'],
      ['vEthernet (Default Switch)', 21, 'Up', '10 Gbps'],
    ])
    const [ethernet, wifi, vnic] = rows
    assert.deepEqual(ethernet.ipv4Addresses, ['10.0.0.23/24'])
    assert.equal(ethernet.defaultGateway, '10.0.0.1')
    assert.equal(ethernet.dhcp, true)
    assert.deepEqual(wifi.ipv4Addresses, ['192.168.1.40/24'])
    assert.equal(wifi.kind, 'wireless')
    assert.equal(vnic.interfaceDescription, 'Hyper-V Virtual Ethernet Adapter')
    assert.match(vnic.macAddress, /^00-15-5D-00-17-00$/)
    const table = await run(['host', 'adapter', 'list'], lab)
    assert.match(table.stdout.split('\n')[0], /^Name\s+InterfaceDescription\s+ifIndex\s+Status\s+MacAddress\s+LinkSpeed/)
  })

  test('host show gives the MAC pool from the host\'s address (KB 2804678)', async () => {
    const lab = tempLab()
    const host = await ok<{macAddressMinimum: string; macAddressMaximum: string; dynamicMacAddressesInUse: number; dynamicMacAddressesTotal: number}>(['host', 'show'], lab)
    assert.equal(host.macAddressMinimum, '00155D001700')
    assert.equal(host.macAddressMaximum, '00155D0017FF')
    assert.equal(host.dynamicMacAddressesTotal, 256)
    assert.equal(host.dynamicMacAddressesInUse, 1)
  })
})

describe('host adapter add, set, remove', () => {
  test('add a wired adapter on a LAN: next ifIndex, gateway defaults to the first address', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'I', '--type', 'internal'], lab)
    const a = await ok<AdapterJson>(['host', 'adapter', 'add', 'Ethernet 2', '--kind', 'wired', '--ip', '172.20.5.14/24', '--mac', '00:1b:21:aa:bb:cc'], lab)
    assert.equal(a.ifIndex, 25)
    assert.equal(a.macAddress, '00-1B-21-AA-BB-CC')
    assert.equal(a.defaultGateway, '172.20.5.1')
    assert.deepEqual(a.network, {dhcp: true, gateway: '172.20.5.1', prefix: '172.20.5.0/24'})
  })

  test('add without --ip: nothing plugged in, Status Disconnected', async () => {
    const lab = tempLab()
    const a = await ok<AdapterJson>(['host', 'adapter', 'add', 'USB', '--kind', 'wired'], lab)
    assert.equal(a.status, 'Disconnected')
    assert.deepEqual(a.ipv4Addresses, [])
  })

  const refusals: [string, string[], RegExp][] = [
    ['a duplicate name', ['host', 'adapter', 'add', 'ethernet', '--kind', 'wired'], /already exists/],
    ['a vEthernet name', ['host', 'adapter', 'add', 'vEthernet (X)', '--kind', 'wired'], /host vNIC/],
    ['a bad MAC', ['host', 'adapter', 'add', 'E2', '--kind', 'wired', '--mac', '00-15-5D-01-02'], /is not a MAC address/],
    ['a multicast MAC', ['host', 'adapter', 'add', 'E2', '--kind', 'wired', '--mac', '01-00-5E-01-02-03'], /multicast/],
    ['the all-zero MAC', ['host', 'adapter', 'add', 'E2', '--kind', 'wired', '--mac', '000000000000'], /all-zero/],
    ['a MAC another adapter has', ['host', 'adapter', 'add', 'E2', '--kind', 'wired', '--mac', '00-15-5D-00-17-00'], /already used/],
    ['a prefix without length', ['host', 'adapter', 'add', 'E2', '--kind', 'wired', '--ip', '10.9.0.5'], /prefix length/],
    ['a network address', ['host', 'adapter', 'add', 'E2', '--kind', 'wired', '--ip', '10.9.0.0/24'], /network address/],
    ['an octet over 255', ['host', 'adapter', 'add', 'E2', '--kind', 'wired', '--ip', '10.9.0.256/24'], /prefix length/],
    ['a gateway off the subnet', ['host', 'adapter', 'add', 'E2', '--kind', 'wired', '--ip', '10.9.0.5/24', '--gateway', '10.9.1.1'], /not in 10\.9\.0\.0\/24/],
    ['a LAN overlapping Ethernet\'s', ['host', 'adapter', 'add', 'E2', '--kind', 'wired', '--ip', '10.0.0.99/16'], /overlaps 10\.0\.0\.0\/24 on "Ethernet"/],
    ['removing an adapter bound to a switch', ['host', 'adapter', 'remove', 'Ethernet'], /bound to the virtual switch "Ext"/],
    ['removing an unknown adapter', ['host', 'adapter', 'remove', 'Ethernt'], /Did you mean "Ethernet"\?/],
    ['moving Ethernet onto a LAN that overlaps Wi-Fi\'s', ['host', 'adapter', 'set', 'Ethernet', '--ip', '192.168.1.77/24'], /overlaps 192\.168\.1\.0\/24 on "Wi-Fi"/],
    ['a port-security limit of 0', ['host', 'adapter', 'set', 'Ethernet', '--port-security-max-macs', '0'], /from 1 to 4096/],
  ]
  for (const [what, args, message] of refusals) {
    test(`refuses ${what}, exit 1, store byte-identical`, async () => {
      const lab = tempLab()
      await ok(['vswitch', 'new', 'Ext', '--adapter', 'Ethernet'], lab)
      const before = snapshot(lab)
      const r = await run(args, lab)
      assert.equal(r.exitCode, 1, r.error)
      assert.match(r.error ?? '', message)
      assert.deepEqual(snapshot(lab), before)
    })
  }

  test('set: disable, port security, a new LAN landing on the shared vNIC', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'Ext', '--adapter', 'Ethernet'], lab)
    const a = await ok<AdapterJson>(['host', 'adapter', 'set', 'Ethernet', '--status', 'disabled', '--port-security-max-macs', '1', '--ip', '172.20.5.14/24'], lab)
    assert.equal(a.status, 'Disabled')
    assert.equal(a.portSecurityMaxMacs, 1)
    const rows = await ok<AdapterJson[]>(['host', 'adapter', 'list'], lab)
    assert.deepEqual(rows.find((r) => r.name === 'vEthernet (Ext)')!.ipv4Addresses, ['172.20.5.14/24'])
    assert.equal(rows.find((r) => r.name === 'vEthernet (Ext)')!.status, 'Disabled')
    const none = await ok<AdapterJson>(['host', 'adapter', 'set', 'Ethernet', '--port-security-max-macs', 'none', '--disconnect', '--status', 'enabled'], lab)
    assert.equal(none.portSecurityMaxMacs, null)
    assert.equal(none.status, 'Disconnected')
  })

  test('remove an unbound adapter', async () => {
    const lab = tempLab()
    await ok(['host', 'adapter', 'remove', 'wi-fi'], lab)
    const rows = await ok<AdapterJson[]>(['host', 'adapter', 'list'], lab)
    assert.deepEqual(rows.map((r) => r.name), ['Ethernet', 'vEthernet (Default Switch)'])
  })
})
