import assert from 'node:assert/strict'
import fs from 'node:fs'
import {describe, test} from 'node:test'

import {assertRefused, cli, ok, run, tempLab} from '../support.js'

interface NatJson {
  name: string
  externalIPInterfaceAddressPrefix: string | null
  internalIPInterfaceAddressPrefix: string
  icmpQueryTimeout: number
  tcpEstablishedConnectionTimeout: number
  tcpTransientConnectionTimeout: number
  tcpFilteringBehavior: string
  udpFilteringBehavior: string
  udpIdleSessionTimeout: number
  udpInboundRefresh: boolean
  store: string
  active: boolean
  gatewayInterfaces: {interfaceAlias: string; ipAddress: string}[]
  warnings: string[]
  remarks: string[]
}

interface MappingJson {
  staticMappingId: number
  natName: string
  protocol: string
  remoteExternalIPAddressPrefix: string
  externalIPAddress: string
  externalPort: number
  internalIPAddress: string
  internalPort: number
  internalRoutingDomainId: string
  active: boolean
}

interface ExternalAddressJson {
  externalAddressId: number
  natName: string
  ipAddress: string
  portStart: number
  portEnd: number
  active: boolean
}

/** Microsoft's NAT walkthrough (reference §6.3), in hvnet's commands. */
async function walkthrough(): Promise<string> {
  const lab = tempLab()
  await ok(['vswitch', 'new', 'NATSwitch', '--type', 'internal'], lab)
  await ok(['host', 'ip', 'add', '--interface-index', '24', '--ip-address', '192.168.0.1', '--prefix-length', '24'], lab)
  await ok(['nat', 'enable', 'MyNATnetwork', '--internal-prefix', '192.168.0.0/24'], lab)
  return lab
}

describe('nat enable, show, list, set, disable (New-/Get-/Set-/Remove-NetNat)', () => {
  test('Microsoft\'s walkthrough: every Get-NetNat property with its default, the gateway found, no warning', async () => {
    const lab = await walkthrough()
    const nat = await ok<NatJson>(['nat', 'show', 'mynatnetwork'], lab)
    assert.deepEqual({...nat, remarks: undefined}, {
      active: true,
      externalAddressCount: 0,
      externalIPInterfaceAddressPrefix: null,
      gatewayInterfaces: [{interfaceAlias: 'vEthernet (NATSwitch)', ipAddress: '192.168.0.1'}],
      icmpQueryTimeout: 30,
      internalIPInterfaceAddressPrefix: '192.168.0.0/24',
      name: 'MyNATnetwork',
      remarks: undefined,
      staticMappingCount: 0,
      store: 'Local',
      tcpEstablishedConnectionTimeout: 1800,
      tcpFilteringBehavior: 'AddressDependentFiltering',
      tcpTransientConnectionTimeout: 120,
      udpFilteringBehavior: 'AddressDependentFiltering',
      udpIdleSessionTimeout: 120,
      udpInboundRefresh: false,
      warnings: [],
    })
    const shown = await run(['nat', 'show', 'MyNATnetwork'], lab)
    assert.deepEqual(shown.stdout.split('\n').slice(0, 12).map((l) => l.replace(/\s+:\s?/, ': ')), [
      'Name: MyNATnetwork', 'ExternalIPInterfaceAddressPrefix: ', 'InternalIPInterfaceAddressPrefix: 192.168.0.0/24', 'IcmpQueryTimeout: 30',
      'TcpEstablishedConnectionTimeout: 1800', 'TcpTransientConnectionTimeout: 120', 'TcpFilteringBehavior: AddressDependentFiltering',
      'UdpFilteringBehavior: AddressDependentFiltering', 'UdpIdleSessionTimeout: 120', 'UdpInboundRefresh: False', 'Store: Local', 'Active: True',
    ])
    const list = await ok<NatJson[]>(['nat', 'list'], lab)
    assert.deepEqual(list.map((n) => n.name), ['MyNATnetwork'])
  })

  test('a NAT whose prefix holds no host vNIC address is accepted, and show says VMs on it have no gateway', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'VmNAT', '--type', 'internal'], lab)
    const nat = await ok<NatJson>(['nat', 'enable', 'VmNAT', '--internal-prefix', '192.168.100.0/24'], lab)
    assert.equal(nat.warnings.length, 1)
    assert.match(nat.warnings[0], /No host vNIC has an address in 192\.168\.100\.0\/24, so VMs on it have no gateway.*--interface-alias "vEthernet \(VmNAT\)" --ip-address 192\.168\.100\.1 --prefix-length 24/)
    assert.match((await run(['nat', 'show', 'VmNAT'], lab)).stdout, /\n\nWarning: No host vNIC has an address/)
    // NESTED's order: the NAT first, then the IP, which clears the warning.
    await ok(['host', 'ip', 'add', '--interface-alias', 'vEthernet (VmNat)', '--ip-address', '192.168.100.1', '--prefix-length', '24'], lab)
    assert.deepEqual((await ok<NatJson>(['nat', 'show', 'VmNAT'], lab)).warnings, [])
    // Removing the gateway address brings it back.
    await ok(['host', 'ip', 'remove', '--interface-alias', 'vEthernet (VmNAT)', '--ip-address', '192.168.100.1'], lab)
    assert.match((await ok<NatJson>(['nat', 'show', 'VmNAT'], lab)).warnings.join(' '), /no gateway/)
  })

  test('a NAT over the Default Switch\'s /20 is accepted with a warning; host restart moves the Default Switch off it', async () => {
    const lab = tempLab()
    const nat = await ok<NatJson>(['nat', 'enable', 'N', '--internal-prefix', '172.28.0.0/16'], lab)
    assert.match(nat.warnings.join(' '), /overlaps the Default Switch's subnet 172\.28\.160\.0\/20/)
    const moved = await ok<{defaultSwitchPrefix: {after: string}}>(['host', 'restart'], lab)
    assert.doesNotMatch(moved.defaultSwitchPrefix.after, /^172\.28\./)
    assert.doesNotMatch((await ok<NatJson>(['nat', 'show', 'N'], lab)).warnings.join(' '), /Default Switch/)
  })

  test('set changes timeouts, filtering and UDP inbound refresh; show reflects them', async () => {
    const lab = await walkthrough()
    const nat = await ok<NatJson>(['nat', 'set', 'MyNATnetwork', '--udp-idle-session-timeout', '300', '--icmp-query-timeout', '60', '--tcp-established-connection-timeout', '7200', '--tcp-transient-connection-timeout', '240', '--tcp-filtering-behavior', 'EndpointIndependentFiltering', '--udp-filtering-behavior', 'EndpointIndependentFiltering', '--udp-inbound-refresh', 'true'], lab)
    assert.deepEqual(
      [nat.udpIdleSessionTimeout, nat.icmpQueryTimeout, nat.tcpEstablishedConnectionTimeout, nat.tcpTransientConnectionTimeout, nat.tcpFilteringBehavior, nat.udpFilteringBehavior, nat.udpInboundRefresh],
      [300, 60, 7200, 240, 'EndpointIndependentFiltering', 'EndpointIndependentFiltering', true],
    )
    const stored = JSON.parse(fs.readFileSync(lab, 'utf8')).nats[0]
    assert.equal(stored.udpIdleSessionTimeout, 300)
    assert.equal(stored.udpInboundRefresh, true)
  })

  test('disable removes the NAT with its mappings; the switch and the gateway address stay', async () => {
    const lab = await walkthrough()
    await ok(['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '0.0.0.0', '--external-port', '8080', '--internal-ip', '192.168.0.10', '--internal-port', '80'], lab)
    const gone = await ok<NatJson>(['nat', 'disable', 'MyNATnetwork'], lab)
    assert.match(gone.remarks.join(' '), /gateway address 192\.168\.0\.1 on "vEthernet \(NATSwitch\)" stay/)
    assert.deepEqual(await ok(['nat', 'list'], lab), [])
    assert.deepEqual(await ok(['nat', 'list-mappings'], lab), [])
    const ips = await ok<{ipAddress: string}[]>(['host', 'ip', 'list', '--interface-alias', 'vEthernet (NATSwitch)'], lab)
    assert.deepEqual(ips.map((i) => i.ipAddress), ['192.168.0.1'])
    await ok(['vswitch', 'show', 'NATSwitch'], lab)
  })
})

describe('static mappings and external addresses', () => {
  test('add-mapping: IDs count from 0 and are not reused; the internal port defaults to the external one', async () => {
    const lab = await walkthrough()
    const web = await ok<MappingJson>(['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '0.0.0.0', '--external-port', '8080', '--internal-ip', '192.168.0.10', '--internal-port', '80'], lab)
    assert.deepEqual(web, {
      active: true, externalIPAddress: '0.0.0.0', externalPort: 8080, internalIPAddress: '192.168.0.10', internalPort: 80,
      internalRoutingDomainId: '{00000000-0000-0000-0000-000000000000}', natName: 'MyNATnetwork', protocol: 'TCP',
      remoteExternalIPAddressPrefix: '0.0.0.0/0', staticMappingId: 0,
    })
    const dns = await ok<MappingJson>(['nat', 'add-mapping', '--nat', 'mynatnetwork', '--protocol', 'udp', '--external-ip', '0.0.0.0', '--external-port', '8080', '--internal-ip', '192.168.0.2', '--remote-external-prefix', '10.0.0.0/24'], lab)
    assert.deepEqual([dns.staticMappingId, dns.protocol, dns.internalPort, dns.remoteExternalIPAddressPrefix], [1, 'UDP', 8080, '10.0.0.0/24'])
    const removed = await ok<MappingJson[]>(['nat', 'remove-mapping', '--nat', 'MyNATnetwork', '--id', '0'], lab)
    assert.deepEqual(removed.map((m) => m.staticMappingId), [0])
    const next = await ok<MappingJson>(['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '10.0.0.23', '--external-port', '8080', '--internal-ip', '192.168.0.10', '--internal-port', '80'], lab)
    assert.equal(next.staticMappingId, 2)
    assert.deepEqual((await ok<NatJson>(['nat', 'show', 'MyNATnetwork'], lab)).warnings, [])
    await ok(['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '203.0.113.9', '--external-port', '22', '--internal-ip', '192.168.0.10'], lab)
    assert.match((await ok<NatJson>(['nat', 'show', 'MyNATnetwork'], lab)).warnings.join(' '), /Static mapping 3 listens on 203\.0\.113\.9, which no host interface/)
    await ok(['nat', 'remove-mapping', '--nat', 'MyNATnetwork', '--id', '3'], lab)
    const table = await run(['nat', 'list-mappings', '--nat', 'MyNATnetwork'], lab)
    assert.match(table.stdout.split('\n')[0], /^StaticMappingID\s+NatName\s+Protocol\s+RemoteExternalIPAddressPrefix\s+ExternalIPAddress\s+ExternalPort\s+InternalIPAddress\s+InternalPort\s+Active$/)
    assert.deepEqual((await ok<MappingJson[]>(['nat', 'remove-mapping', '--nat', 'MyNATnetwork', '--all'], lab)).map((m) => m.staticMappingId), [1, 2])
    assert.deepEqual(await ok(['nat', 'list-mappings'], lab), [])
  })

  test('external addresses: IDs from 0, default ports 1024-65535, a warning for an address the host does not hold', async () => {
    const lab = await walkthrough()
    const a = await ok<ExternalAddressJson>(['nat', 'add-external-address', '--nat', 'MyNATnetwork', '--ip-address', '10.0.0.23'], lab)
    assert.deepEqual(a, {active: true, externalAddressId: 0, ipAddress: '10.0.0.23', natName: 'MyNATnetwork', portEnd: 65535, portStart: 1024})
    const b = await ok<ExternalAddressJson>(['nat', 'add-external-address', '--nat', 'MyNATnetwork', '--ip-address', '203.0.113.9', '--port-start', '40000', '--port-end', '40999'], lab)
    assert.deepEqual([b.externalAddressId, b.portStart, b.portEnd], [1, 40000, 40999])
    const nat = await ok<NatJson>(['nat', 'show', 'MyNATnetwork'], lab)
    assert.deepEqual(nat.warnings.length, 1)
    assert.match(nat.warnings[0], /203\.0\.113\.9 \(ID 1\) is not held by any host interface/)
    assert.deepEqual((await ok<ExternalAddressJson[]>(['nat', 'list-external-addresses'], lab)).map((x) => x.ipAddress), ['10.0.0.23', '203.0.113.9'])
    assert.deepEqual((await ok<ExternalAddressJson[]>(['nat', 'remove-external-address', '--nat', 'MyNATnetwork', '--id', '1'], lab)).map((x) => x.externalAddressId), [1])
    assert.deepEqual((await ok<ExternalAddressJson[]>(['nat', 'list-external-addresses', '--nat', 'MyNATnetwork'], lab)).map((x) => x.externalAddressId), [0])
  })
})

describe('NAT refusals: Windows\' message, exit 1, store byte-identical', () => {
  const refusals: [string, string[], RegExp, string][] = [
    ['a second NAT', ['nat', 'enable', 'Other', '--internal-prefix', '192.168.50.0/24'], /^The parameter is incorrect\. WinNAT allows one internal prefix per host, and "MyNATnetwork" already has 192\.168\.0\.0\/24\./, 'rule-violation'],
    ['a second NAT of the same name', ['nat', 'enable', 'mynatnetwork', '--internal-prefix', '192.168.0.0/24'], /^The parameter is incorrect\. A NAT named "MyNATnetwork" already exists/, 'rule-violation'],
    ['an unknown NAT', ['nat', 'show', 'MyNATnetwrk'], /^No MSFT_NetNat objects found with property 'Name' equal to 'MyNATnetwrk'\. Verify the value of the property and retry\. Did you mean "MyNATnetwork"\?/, 'not-found'],
    ['set on an unknown NAT', ['nat', 'set', 'Nope', '--udp-idle-session-timeout', '30'], /No MSFT_NetNat objects found/, 'not-found'],
    ['a zero timeout', ['nat', 'set', 'MyNATnetwork', '--udp-idle-session-timeout', '0'], /^Cannot validate argument on parameter 'UdpIdleSessionTimeout'\. 0 is not a timeout in seconds/, 'invalid-value'],
    ['a mapping to an address outside the prefix', ['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '0.0.0.0', '--external-port', '8081', '--internal-ip', '192.168.1.10'], /^The parameter is incorrect\. The internal address 192\.168\.1\.10 is not inside the NAT's internal prefix 192\.168\.0\.0\/24\./, 'rule-violation'],
    ['a mapping to the broadcast address', ['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '0.0.0.0', '--external-port', '8081', '--internal-ip', '192.168.0.255'], /is the broadcast address of/, 'rule-violation'],
    ['an external port already mapped (same protocol, any address)', ['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '10.0.0.23', '--external-port', '8080', '--internal-ip', '192.168.0.11'], /^You were not connected because a duplicate name exists on the network\. TCP port 8080 .* static mapping 0 \(to 192\.168\.0\.10:80\)/, 'rule-violation'],
    ['external port 0', ['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '0.0.0.0', '--external-port', '0', '--internal-ip', '192.168.0.10'], /parameter 'ExternalPort'\. 0 is not a port number from 1 to 65535/, 'invalid-value'],
    ['internal port 70000', ['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '0.0.0.0', '--external-port', '81', '--internal-ip', '192.168.0.10', '--internal-port', '70000'], /parameter 'InternalPort'/, 'invalid-value'],
    ['an external IP inside the prefix', ['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '192.168.0.1', '--external-port', '81', '--internal-ip', '192.168.0.10'], /external address 192\.168\.0\.1 lies inside/, 'rule-violation'],
    ['a remote prefix with host bits', ['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '0.0.0.0', '--external-port', '81', '--internal-ip', '192.168.0.10', '--remote-external-prefix', '10.0.0.5/24'], /10\.0\.0\.5\/24 is not a network address.*10\.0\.0\.0\/24/, 'invalid-prefix'],
    ['removing an unknown mapping', ['nat', 'remove-mapping', '--nat', 'MyNATnetwork', '--id', '7'], /^No MSFT_NetNatStaticMapping objects found with property 'StaticMappingID' equal to '7'\..*Existing IDs: 0/, 'not-found'],
    ['external address 0.0.0.0', ['nat', 'add-external-address', '--nat', 'MyNATnetwork', '--ip-address', '0.0.0.0'], /0\.0\.0\.0 is not an address/, 'invalid-ip'],
    ['an external address inside the prefix', ['nat', 'add-external-address', '--nat', 'MyNATnetwork', '--ip-address', '192.168.0.7'], /lies inside the NAT's internal prefix/, 'rule-violation'],
    ['a port range upside down', ['nat', 'add-external-address', '--nat', 'MyNATnetwork', '--ip-address', '10.0.0.23', '--port-start', '5000', '--port-end', '4000'], /PortStart 5000 is above PortEnd 4000/, 'invalid-value'],
    ['an overlapping port range of one address', ['nat', 'add-external-address', '--nat', 'MyNATnetwork', '--ip-address', '10.0.0.23', '--port-start', '60000', '--port-end', '60010'], /overlap external address 0 \(1024-65535\)/, 'rule-violation'],
    ['removing an unknown external address', ['nat', 'remove-external-address', '--nat', 'MyNATnetwork', '--id', '3'], /'ExternalAddressID' equal to '3'/, 'not-found'],
  ]
  for (const [what, args, message, code] of refusals) {
    test(`refuses ${what} (${code})`, async () => {
      const lab = await walkthrough()
      await ok(['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '0.0.0.0', '--external-port', '8080', '--internal-ip', '192.168.0.10', '--internal-port', '80'], lab)
      await ok(['nat', 'add-external-address', '--nat', 'MyNATnetwork', '--ip-address', '10.0.0.23'], lab)
      await assertRefused(lab, args, message, code)
    })
  }

  test('a physical network may not move inside a NAT\'s prefix: neither a host address nor a new LAN', async () => {
    const lab = tempLab()
    await ok(['nat', 'enable', 'N', '--internal-prefix', '172.31.0.0/16'], lab)
    await assertRefused(lab, ['host', 'ip', 'add', '--interface-alias', 'Ethernet', '--ip-address', '172.31.0.5', '--prefix-length', '24'], /172\.31\.0\.0\/24 on "Ethernet", a physical network, overlaps the internal prefix 172\.31\.0\.0\/16 of the NAT "N"/, 'rule-violation')
    await assertRefused(lab, ['host', 'adapter', 'set', 'Ethernet', '--ip', '172.31.5.5/24'], /The network 172\.31\.5\.0\/24 overlaps the internal prefix 172\.31\.0\.0\/16 of the NAT "N".*hvnet nat disable "N"/, 'rule-violation')
  })

  const fresh: [string, string[], RegExp][] = [
    ['a prefix that is not a network address', ['nat', 'enable', 'N', '--internal-prefix', '192.168.0.1/24'], /^The parameter is incorrect\. 192\.168\.0\.1\/24 is not a network address: its host bits are not zero\. Use the network it lies in: 192\.168\.0\.0\/24\./],
    ['a prefix overlapping Ethernet\'s LAN', ['nat', 'enable', 'N', '--internal-prefix', '10.0.0.0/16'], /^The parameter is incorrect\. 10\.0\.0\.0\/16 overlaps 10\.0\.0\.0\/24, the network of "Ethernet"/],
    ['a prefix overlapping a LAN of an adapter bound to an External switch', ['nat', 'enable', 'N', '--internal-prefix', '192.168.0.0/16'], /overlaps 192\.168\.1\.0\/24, the network of "Wi-Fi"/],
    ['a prefix without a length', ['nat', 'enable', 'N', '--internal-prefix', '192.168.0.0'], /^Cannot validate argument on parameter 'InternalIPInterfaceAddressPrefix'/],
    ['an external prefix overlapping the internal one', ['nat', 'enable', 'N', '--internal-prefix', '192.168.200.0/24', '--external-prefix', '192.168.200.0/25'], /external prefix 192\.168\.200\.0\/25 overlaps the internal prefix/],
  ]
  for (const [what, args, message] of fresh) {
    test(`refuses ${what}`, async () => {
      const lab = tempLab()
      await ok(['vswitch', 'new', 'Ext', '--adapter', 'Wi-Fi'], lab)
      await assertRefused(lab, args, message)
    })
  }
})

interface SwitchJson {
  icsPrefix: string
  layer3: {
    prefix: string
    subnetMask: string
    hostAddress: string
    hostInterfaceAlias: string
    dhcpScope: {startRange: string; endRange: string; subnetMask: string; router: string; dnsServers: string[]; leaseDurationSeconds: number}
    icsNat: {internalPrefix: string; externalInterfaceAlias: string | null; externalIPAddress: string | null}
  } | null
  remarks: string[]
}

describe('the Default Switch\'s layer 3 and host restart', () => {
  test('vswitch show gives the DHCP scope and the ICS NAT; nat list does not show it', async () => {
    const lab = tempLab()
    const sw = await ok<SwitchJson>(['vswitch', 'show', 'Default Switch'], lab)
    assert.deepEqual(sw.layer3, {
      dhcpScope: {dnsServers: ['172.28.160.1'], endRange: '172.28.175.254', leaseDurationSeconds: 86_400, router: '172.28.160.1', startRange: '172.28.160.2', subnetMask: '255.255.240.0'},
      hostAddress: '172.28.160.1',
      hostInterfaceAlias: 'vEthernet (Default Switch)',
      icsNat: {externalIPAddress: '10.0.0.23', externalInterfaceAlias: 'Ethernet', internalPrefix: '172.28.160.0/20'},
      prefix: '172.28.160.0/20',
      subnetMask: '255.255.240.0',
    })
    assert.deepEqual(await ok(['nat', 'list'], lab), [])
    assert.equal((await ok<SwitchJson>(['vswitch', 'show', 'NATSwitch'], await walkthrough())).layer3, null)
    assert.match((await run(['vswitch', 'show', 'Default Switch'], lab)).stdout, /IcsNat\s+: 172\.28\.160\.0\/20 -> 10\.0\.0\.23 on Ethernet/)
  })

  test('the ICS NAT follows the active connection: wired first, Wi-Fi when it is unplugged, the shared vNIC of an External switch', async () => {
    const lab = tempLab()
    await ok(['host', 'adapter', 'set', 'Ethernet', '--disconnect'], lab)
    assert.equal((await ok<SwitchJson>(['vswitch', 'show', 'Default Switch'], lab)).layer3!.icsNat.externalInterfaceAlias, 'Wi-Fi')
    await ok(['host', 'adapter', 'set', 'Ethernet', '--ip', '10.0.0.23/24'], lab)
    await ok(['vswitch', 'new', 'Ext', '--adapter', 'Ethernet'], lab)
    assert.deepEqual((await ok<SwitchJson>(['vswitch', 'show', 'Default Switch'], lab)).layer3!.icsNat, {externalIPAddress: '10.0.0.23', externalInterfaceAlias: 'vEthernet (Ext)', internalPrefix: '172.28.160.0/20'})
    await ok(['host', 'adapter', 'set', 'Ethernet', '--disconnect'], lab)
    await ok(['host', 'adapter', 'set', 'Wi-Fi', '--status', 'disabled'], lab)
    const none = await ok<SwitchJson>(['vswitch', 'show', 'Default Switch'], lab)
    assert.equal(none.layer3!.icsNat.externalInterfaceAlias, null)
    assert.match(none.remarks.join(' '), /No physical network is up/)
  })

  test('host restart re-chooses the /20, moves the vNIC, counts the restart, and avoids a NAT prefix', async () => {
    const a = tempLab()
    const restarted = await ok<{bootCount: number; defaultSwitchPrefix: {before: string; after: string}}>(['host', 'restart'], a)
    assert.equal(restarted.bootCount, 1)
    assert.equal(restarted.defaultSwitchPrefix.before, '172.28.160.0/20')
    assert.notEqual(restarted.defaultSwitchPrefix.after, restarted.defaultSwitchPrefix.before)
    const next = restarted.defaultSwitchPrefix.after
    const ips = await ok<{ipAddress: string; prefixLength: number}[]>(['host', 'ip', 'list', '--interface-alias', 'vEthernet (Default Switch)'], a)
    assert.deepEqual(ips.map((i) => `${i.ipAddress}/${i.prefixLength}`), [next.replace(/0\/20$/, '1/20')])
    assert.equal((await ok<{bootCount: number}>(['host', 'show'], a)).bootCount, 1)
    // The same restart on a lab whose NAT sits on that /20 picks another one.
    const b = tempLab()
    await ok(['nat', 'enable', 'N', '--internal-prefix', next], b)
    const avoided = await ok<{defaultSwitchPrefix: {after: string}}>(['host', 'restart'], b)
    assert.notEqual(avoided.defaultSwitchPrefix.after, next)
    assert.match(avoided.defaultSwitchPrefix.after, /^172\.(1[6-9]|2\d|3[01])\.\d+\.0\/20$/)
  })
})

describe('the real binary', () => {
  test('Microsoft\'s NAT walkthrough, step by step, exit 0; a second NAT exit 1 with Windows\' sentence', async () => {
    const lab = tempLab()
    for (const args of [
      ['vswitch', 'new', 'NATSwitch', '--type', 'internal'],
      ['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.0.1', '--prefix-length', '24'],
      ['nat', 'enable', 'MyNATnetwork', '--internal-prefix', '192.168.0.0/24'],
      ['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '0.0.0.0', '--external-port', '8080', '--internal-ip', '192.168.0.10', '--internal-port', '80'],
    ]) {
      const r = await cli(args, {lab})
      assert.equal(r.exitCode, 0, `${args.join(' ')}: ${r.stderr}`)
    }
    const second = await cli(['nat', 'enable', 'Second', '--internal-prefix', '192.168.9.0/24'], {lab})
    assert.equal(second.exitCode, 1)
    assert.match(second.stderr, /^Error: The parameter is incorrect\. WinNAT allows one internal prefix per host/)
    const json = await cli(['nat', 'show', 'MyNATnetwork', '--json'], {lab})
    assert.equal(JSON.parse(json.stdout).internalIPInterfaceAddressPrefix, '192.168.0.0/24')
  })
})
