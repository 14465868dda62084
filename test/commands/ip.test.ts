import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import {assertRefused, cli, ok, run, tempLab} from '../support.js'

interface IpJson {
  ipAddress: string
  interfaceIndex: number
  interfaceAlias: string
  addressFamily: string
  type: string
  prefixLength: number
  prefixOrigin: string
  defaultGateway?: string | null
  dhcp?: string
  remarks?: string[]
}

interface InterfaceJson {
  ifIndex: number
  interfaceAlias: string
  forwarding: string
  dhcp: string
  connectionState: string
  ipv4Addresses: string[]
}

async function natSwitchLab(): Promise<string> {
  const lab = tempLab()
  await ok(['vswitch', 'new', 'NATSwitch', '--type', 'internal'], lab)
  return lab
}

describe('host ip add, list, remove (New-/Get-/Remove-NetIPAddress)', () => {
  test('the NAT gateway of Microsoft\'s walkthrough, by alias: a Manual address, DHCP off on the vNIC', async () => {
    const lab = await natSwitchLab()
    const added = await ok<IpJson>(['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.0.1', '--prefix-length', '24'], lab)
    assert.deepEqual(
      {alias: added.interfaceAlias, dhcp: added.dhcp, family: added.addressFamily, index: added.interfaceIndex, ip: added.ipAddress, len: added.prefixLength, origin: added.prefixOrigin, type: added.type},
      {alias: 'vEthernet (NATSwitch)', dhcp: 'Disabled', family: 'IPv4', index: 24, ip: '192.168.0.1', len: 24, origin: 'Manual', type: 'Unicast'},
    )
    const rows = await ok<IpJson[]>(['host', 'ip', 'list', '--interface-alias', 'vethernet (natswitch)'], lab)
    assert.deepEqual(rows.map((r) => `${r.ipAddress}/${r.prefixLength} ${r.prefixOrigin}`), ['192.168.0.1/24 Manual'])
    const table = await run(['host', 'ip', 'list'], lab)
    assert.match(table.stdout.split('\n')[0], /^IPAddress\s+InterfaceIndex\s+InterfaceAlias\s+AddressFamily\s+Type\s+PrefixLength\s+PrefixOrigin$/)
    assert.match(table.stdout, /10\.0\.0\.23\s+12 Ethernet\s+IPv4\s+Unicast\s+24 Dhcp/)
    assert.match(table.stdout, /192\.168\.0\.1\s+24 vEthernet \(NATSwitch\)\s+IPv4\s+Unicast\s+24 Manual/)
  })

  test('the same by --interface-index 24 (New-NetIPAddress -InterfaceIndex 24)', async () => {
    const lab = await natSwitchLab()
    const added = await ok<IpJson>(['host', 'ip', 'add', '--interface-index', '24', '--ip-address', '192.168.0.1', '--prefix-length', '24'], lab)
    assert.equal(added.interfaceAlias, 'vEthernet (NATSwitch)')
  })

  test('a static address on a DHCP interface turns DHCP off and releases the lease and its gateway', async () => {
    const lab = tempLab()
    const added = await ok<IpJson>(['host', 'ip', 'add', '--interface-alias', 'Ethernet', '--ip-address', '10.0.0.50', '--prefix-length', '24', '--default-gateway', '10.0.0.1'], lab)
    assert.equal(added.defaultGateway, '10.0.0.1')
    assert.match(added.remarks!.join(' '), /DHCP is now disabled on "Ethernet".*10\.0\.0\.23\/24/)
    const rows = await ok<IpJson[]>(['host', 'ip', 'list', '--interface-alias', 'Ethernet'], lab)
    assert.deepEqual(rows.map((r) => `${r.ipAddress} ${r.prefixOrigin}`), ['10.0.0.50 Manual'])
    const second = await ok<IpJson>(['host', 'ip', 'add', '--interface-alias', 'Ethernet', '--ip-address', '10.0.0.51', '--prefix-length', '24'], lab)
    assert.deepEqual(second.remarks, [])
    assert.equal(second.defaultGateway, '10.0.0.1')
    assert.equal((await ok<IpJson[]>(['host', 'ip', 'list', '--interface-alias', 'Ethernet'], lab)).length, 2)
  })

  test('remove: the address goes, and a gateway no other address reaches goes with it', async () => {
    const lab = await natSwitchLab()
    await ok(['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.0.1', '--prefix-length', '24', '--default-gateway', '192.168.0.254'], lab)
    await ok(['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.7.1', '--prefix-length', '24'], lab)
    const removed = await ok<IpJson>(['host', 'ip', 'remove', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.0.1'], lab)
    assert.equal(removed.ipAddress, '192.168.0.1')
    assert.equal(removed.defaultGateway, null)
    assert.match(removed.remarks!.join(' '), /default gateway 192\.168\.0\.254 .* removed/)
    const rows = await ok<IpJson[]>(['host', 'ip', 'list', '--interface-alias', 'vEthernet (NATSwitch)'], lab)
    assert.deepEqual(rows.map((r) => r.ipAddress), ['192.168.7.1'])
  })

  const refusals: [string, string[], RegExp, string][] = [
    ['an unknown alias', ['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwich)', '--ip-address', '192.168.5.1', '--prefix-length', '24'], /^No MSFT_NetIPInterface objects found with property 'InterfaceAlias' equal to 'vEthernet \(NATSwich\)'\. Verify the value of the property and retry\. Did you mean "vEthernet \(NATSwitch\)"\?/, 'not-found'],
    ['an unknown index', ['host', 'ip', 'add', '--interface-index', '99', '--ip-address', '192.168.5.1', '--prefix-length', '24'], /property 'InterfaceIndex' equal to '99'.*"vEthernet \(NATSwitch\)" \(24\)/, 'not-found'],
    ['a physical adapter bound to an External switch', ['host', 'ip', 'add', '--interface-alias', 'Wi-Fi', '--ip-address', '192.168.1.41', '--prefix-length', '24'], /no IP stack.*Use --interface-alias "vEthernet \(Ext\)"/, 'not-found'],
    ['an address the interface holds', ['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.0.1', '--prefix-length', '24'], /^Instance MSFT_NetIPAddress already exists /, 'rule-violation'],
    ['a second default gateway', ['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.0.2', '--prefix-length', '24', '--default-gateway', '192.168.0.253'], /^Instance DefaultGateway already exists .*192\.168\.0\.254/, 'rule-violation'],
    ['a gateway off the subnet', ['host', 'ip', 'add', '--interface-alias', 'Ethernet', '--ip-address', '10.0.0.50', '--prefix-length', '24', '--default-gateway', '10.0.1.1'], /default gateway 10\.0\.1\.1 is not in 10\.0\.0\.0\/24/, 'invalid-ip'],
    ['a prefix length of 33', ['host', 'ip', 'add', '--interface-alias', 'Ethernet', '--ip-address', '10.0.0.50', '--prefix-length', '33'], /^Cannot validate argument on parameter 'PrefixLength'\. The 33 argument is greater than the maximum allowed range of 32\./, 'invalid-prefix'],
    ['a network address', ['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.5.0', '--prefix-length', '24'], /192\.168\.5\.0 is the network address of 192\.168\.5\.0\/24/, 'invalid-ip'],
    ['a broadcast address', ['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.5.255', '--prefix-length', '24'], /broadcast address of 192\.168\.5\.0\/24/, 'invalid-ip'],
    ['a multicast address', ['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '224.0.0.5', '--prefix-length', '24'], /multicast address/, 'invalid-ip'],
    ['text that is no address', ['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.5', '--prefix-length', '24'], /"192\.168\.5" is not an IPv4 address/, 'invalid-ip'],
    ['a prefix overlapping Ethernet\'s LAN', ['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '10.0.9.1', '--prefix-length', '16'], /10\.0\.0\.0\/16 overlaps 10\.0\.0\.0\/24 on "Ethernet"/, 'rule-violation'],
    ['a prefix overlapping the Default Switch\'s /20', ['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '172.28.161.9', '--prefix-length', '24'], /overlaps 172\.28\.160\.0\/20 on "vEthernet \(Default Switch\)".*hvnet host restart/, 'rule-violation'],
    ['an address on the Default Switch\'s vNIC', ['host', 'ip', 'add', '--interface-alias', 'vEthernet (Default Switch)', '--ip-address', '192.168.50.1', '--prefix-length', '24'], /^The automatic Internet Connection Sharing switch cannot be modified\. .*managed by Internet Connection Sharing/, 'default-switch-immutable'],
    ['removing the Default Switch vNIC\'s address', ['host', 'ip', 'remove', '--interface-index', '21', '--ip-address', '172.28.160.1'], /Internet Connection Sharing/, 'default-switch-immutable'],
    ['forwarding on the Default Switch\'s vNIC', ['host', 'interface', 'set', '--interface-index', '21', '--forwarding', 'enabled'], /Internet Connection Sharing/, 'default-switch-immutable'],
    ['removing an address the interface lacks', ['host', 'ip', 'remove', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.0.9'], /^No MSFT_NetIPAddress objects found with property 'IPAddress' equal to '192\.168\.0\.9'\. .*holds 192\.168\.0\.1\/24/, 'not-found'],
    ['listing an unknown interface', ['host', 'ip', 'list', '--interface-alias', 'Ethernet 9'], /No MSFT_NetIPInterface objects found with property 'InterfaceAlias' equal to 'Ethernet 9'/, 'not-found'],
  ]
  for (const [what, args, message, code] of refusals) {
    test(`refuses ${what} (${code}), exit 1, store byte-identical`, async () => {
      const lab = await natSwitchLab()
      await ok(['vswitch', 'new', 'Ext', '--adapter', 'Wi-Fi'], lab)
      await ok(['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.0.1', '--prefix-length', '24', '--default-gateway', '192.168.0.254'], lab)
      await assertRefused(lab, args, message, code)
    })
  }

  test('an address on an External switch\'s shared vNIC may share its adapter\'s LAN', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'Ext', '--adapter', 'Ethernet'], lab)
    const added = await ok<IpJson>(['host', 'ip', 'add', '--interface-alias', 'vEthernet (Ext)', '--ip-address', '10.0.0.60', '--prefix-length', '24'], lab)
    assert.equal(added.interfaceIndex, 12 + 12)
  })

  test('--interface-alias and --interface-index together is a usage error (exit 2)', async () => {
    const lab = await natSwitchLab()
    const r = await run(['host', 'ip', 'add', '--interface-alias', 'Ethernet', '--interface-index', '12', '--ip-address', '10.0.0.50', '--prefix-length', '24'], lab)
    assert.equal(r.exitCode, 2)
  })
})

describe('host interface list, set (Get-/Set-NetIPInterface)', () => {
  test('lists unbound physical adapters and vNICs; forwarding is Disabled until set', async () => {
    const lab = await natSwitchLab()
    await ok(['vswitch', 'new', 'Ext', '--adapter', 'Wi-Fi'], lab)
    const rows = await ok<InterfaceJson[]>(['host', 'interface', 'list'], lab)
    assert.deepEqual(rows.map((r) => [r.ifIndex, r.interfaceAlias, r.forwarding, r.dhcp]), [
      [12, 'Ethernet', 'Disabled', 'Enabled'],
      [21, 'vEthernet (Default Switch)', 'Disabled', 'Disabled'],
      [24, 'vEthernet (NATSwitch)', 'Disabled', 'Enabled'],
      [25, 'vEthernet (Ext)', 'Disabled', 'Enabled'],
    ])
    const set = await ok<InterfaceJson>(['host', 'interface', 'set', '--interface-alias', 'vEthernet (NATSwitch)', '--forwarding', 'enabled'], lab)
    assert.equal(set.forwarding, 'Enabled')
    const table = await run(['host', 'interface', 'list'], lab)
    assert.match(table.stdout.split('\n')[0], /^ifIndex\s+InterfaceAlias\s+AddressFamily\s+Forwarding\s+Dhcp\s+ConnectionState/)
    assert.match(table.stdout, /24 vEthernet \(NATSwitch\)\s+IPv4\s+Enabled/)
  })
})

describe('the real binary', () => {
  test('host ip add: a duplicate is one line on stderr, exit 1; --json gives the error object', async () => {
    const lab = await natSwitchLab()
    const args = ['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.0.1', '--prefix-length', '24']
    assert.equal((await cli(args, {lab})).exitCode, 0)
    const again = await cli(args, {lab})
    assert.equal(again.exitCode, 1)
    assert.match(again.stderr, /^Error: Instance MSFT_NetIPAddress already exists \S/)
    assert.equal(again.stderr.trimEnd().split('\n').length, 1)
    const json = await cli([...args, '--json'], {lab})
    assert.equal(json.exitCode, 1)
    assert.deepEqual(JSON.parse(json.stdout).error.code, 'rule-violation')
  })
})
