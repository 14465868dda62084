import assert from 'node:assert/strict'
import fs from 'node:fs'
import {describe, test} from 'node:test'

import {cli, cliJson, ok, run, snapshot, tempLab} from '../support.js'

interface AdapterJson {
  name: string
  vmName: string | null
  switchName: string | null
  macAddress: string
  dynamicMacAddressEnabled: boolean
  status: string | null
  ipAddresses: string[]
  isLegacy: boolean
  isManagementOs: boolean
  macAddressSpoofing: boolean
  dhcpGuard: boolean
  routerGuard: boolean
  portMirroringMode: string
  maximumBandwidth: number
  guestIPv4: {mode: string; ipAddress?: string; defaultGateway?: string | null; dnsServers?: string[]}
}
interface VmJson {
  id: string
  name: string
  state: string
  generation: number
  guest: {os: string; firewall: boolean; listeningPorts: {protocol: string; port: number}[]}
  networkAdapters: AdapterJson[]
}

/** A lab with NATSwitch (Internal) and web1 (generation 2) on it. */
async function labWithVm(): Promise<string> {
  const lab = tempLab()
  await ok(['vswitch', 'new', 'NATSwitch', '--type', 'internal'], lab)
  await ok(['vm', 'new', 'web1', '--switch', 'NATSwitch', '--generation', '2'], lab)
  return lab
}

/** A refused command: exit 1, the message, the --json code, and the store byte-identical. */
async function refused(lab: string, args: string[], message: RegExp, code: string): Promise<void> {
  const before = snapshot(lab)
  const r = await run(args, lab)
  assert.equal(r.exitCode, 1, `${args.join(' ')} succeeded`)
  assert.match(r.error ?? '', message)
  assert.deepEqual(snapshot(lab), before, `${args.join(' ')} changed the store`)
  const json = await run(args.concat('--json'), lab)
  assert.equal(JSON.parse(json.stdout).error.code, code)
  assert.deepEqual(snapshot(lab), before)
}

describe('vm new, list, show, rename, remove', () => {
  test('a new VM is Off, generation 1 by default (as New-VM), with one "Network Adapter" whose MAC is 000000000000', async () => {
    const lab = tempLab()
    const vm = await ok<VmJson>(['vm', 'new', 'router'], lab)
    assert.equal(vm.state, 'Off')
    assert.equal(vm.generation, 1)
    assert.match(vm.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    assert.deepEqual(vm.guest, {firewall: false, listeningPorts: [{port: 22, protocol: 'tcp'}, {port: 80, protocol: 'tcp'}], os: 'linux'})
    assert.deepEqual(vm.networkAdapters.map((a) => [a.name, a.switchName, a.macAddress, a.dynamicMacAddressEnabled, a.status]), [['Network Adapter', null, '000000000000', true, 'Disconnected']])
    const a = vm.networkAdapters[0]
    assert.deepEqual([a.macAddressSpoofing, a.dhcpGuard, a.routerGuard, a.portMirroringMode, a.maximumBandwidth, a.guestIPv4], [false, false, false, 'None', 0, {mode: 'Dhcp'}])
  })

  test('--switch connects the first adapter; list shows Get-VM columns', async () => {
    const lab = await labWithVm()
    const shown = await ok<VmJson>(['vm', 'show', 'WEB1'], lab)
    assert.equal(shown.networkAdapters[0].switchName, 'NATSwitch')
    const r = await run(['vm', 'list'], lab)
    const lines = r.stdout.trimEnd().split('\n')
    assert.match(lines[0], /^Name\s+State\s+Generation\s+NetworkAdapters\s+Status$/)
    assert.match(lines[2], /^web1\s+Off\s+2\s+1\s+Operating normally$/)
  })

  test('rename keeps the ID; remove of a running VM needs --force', async () => {
    const lab = await labWithVm()
    const before = await ok<VmJson>(['vm', 'show', 'web1'], lab)
    const renamed = await ok<VmJson>(['vm', 'rename', 'web1', 'frontend'], lab)
    assert.equal(renamed.id, before.id)
    await ok(['vm', 'start', 'frontend'], lab)
    await refused(lab, ['vm', 'remove', 'frontend'], /The operation cannot be performed while the virtual machine is in its current state\..*--force/, 'rule-violation')
    await ok(['vm', 'remove', 'frontend', '--force'], lab)
    assert.deepEqual(await ok(['vm', 'list'], lab), [])
  })

  test('an unknown VM: Hyper-V\'s sentence, what exists, and the closest name', async () => {
    const lab = await labWithVm()
    await refused(lab, ['vm', 'start', 'web2'], /^Hyper-V was unable to find a virtual machine with name "web2"\. Did you mean "web1"\? Existing virtual machines: "web1"\.$/, 'not-found')
    await refused(lab, ['vm', 'show', 'database'], /Existing virtual machines: "web1"\. Run `hvnet vm list`\./, 'not-found')
  })

  const refusals: [string, string[], RegExp, string][] = [
    ['a duplicate VM name, case-insensitively', ['vm', 'new', 'WEB1'], /A virtual machine named "web1" already exists/, 'duplicate-name'],
    ['an empty VM name', ['vm', 'new', ''], /cannot be empty/, 'invalid-name'],
    ['an unknown switch, with a suggestion', ['vm', 'new', 'x', '--switch', 'NATSwich'], /Hyper-V was unable to find a virtual switch with name "NATSwich"\. Did you mean "NATSwitch"\?/, 'not-found'],
    ['a rename onto another VM', ['vm', 'rename', 'db', 'Web1'], /already exists/, 'duplicate-name'],
  ]
  for (const [what, args, message, code] of refusals) {
    test(`refuses ${what}`, async () => {
      const lab = await labWithVm()
      await ok(['vm', 'new', 'db'], lab)
      await refused(lab, args, message, code)
    })
  }
})

describe('vm start and stop: dynamic MACs', () => {
  test('the first start assigns pool MACs in adapter order; stop keeps them; list-nics shows {Ok} while running', async () => {
    const lab = await labWithVm()
    await ok(['vm', 'add-nic', 'web1', '--name', 'Backend'], lab)
    const started = await ok<{changed: boolean; assignedMacs: {name: string; macAddress: string}[]}>(['vm', 'start', 'web1'], lab)
    assert.equal(started.changed, true)
    // 00155D001700 is the Default Switch's vNIC, 01 NATSwitch's.
    assert.deepEqual(started.assignedMacs, [{macAddress: '00155D001702', name: 'Network Adapter'}, {macAddress: '00155D001703', name: 'Backend'}])
    const again = await ok<{changed: boolean}>(['vm', 'start', 'web1'], lab)
    assert.equal(again.changed, false)
    const table = await run(['vm', 'list-nics', 'web1'], lab)
    const lines = table.stdout.trimEnd().split('\n')
    assert.match(lines[0], /^Name\s+VMName\s+SwitchName\s+MacAddress\s+Status\s+IPAddresses$/)
    assert.match(lines[2], /^Network Adapter\s+web1\s+NATSwitch\s+00155D001702\s+\{Ok\}\s+\{\}$/)
    assert.match(lines[3], /^Backend\s+web1\s+00155D001703\s+\{Disconnected\}$/)
    await ok(['vm', 'stop', 'web1'], lab)
    const nics = await ok<AdapterJson[]>(['vm', 'list-nics', 'web1'], lab)
    assert.deepEqual(nics.map((n) => [n.macAddress, n.status]), [['00155D001702', null], ['00155D001703', 'Disconnected']])
  })

  test('an exhausted pool refuses the start with KB 2804678\'s error and leaves the store byte-identical', async () => {
    const lab = await labWithVm()
    const document = JSON.parse(fs.readFileSync(lab, 'utf8'))
    // A pool of two: the Default Switch's vNIC and NATSwitch's hold both.
    document.host.macAddressMaximum = '00155D001701'
    fs.writeFileSync(lab, JSON.stringify(document, null, 2) + '\n')
    await refused(lab, ['vm', 'start', 'web1'], /Failed to power on with Error 'Attempt to access invalid address'\..*is exhausted.*static MAC/, 'rule-violation')
    await ok(['vm', 'set-nic', 'web1', '--name', 'Network Adapter', '--static-mac', '02:00:00:00:00:01'], lab)
    await ok(['vm', 'start', 'web1'], lab)
  })
})

describe('vm add-nic, remove-nic, connect-nic, disconnect-nic, rename-nic', () => {
  test('hot add on a running generation 2 VM takes a MAC at once; hot remove works', async () => {
    const lab = await labWithVm()
    await ok(['vm', 'start', 'web1'], lab)
    const added = await ok<AdapterJson>(['vm', 'add-nic', 'web1', '--name', 'Hot', '--switch', 'natswitch'], lab)
    assert.equal(added.macAddress, '00155D001703')
    assert.equal(added.status, 'Ok')
    await ok(['vm', 'remove-nic', 'web1', '--name', 'hot'], lab)
    assert.equal((await ok<AdapterJson[]>(['vm', 'list-nics', 'web1'], lab)).length, 1)
  })

  test('static MACs in the three forms, stored as 12 hex digits; duplicates across the host are allowed', async () => {
    const lab = await labWithVm()
    const forms = ['00155DAA0001', '00-15-5d-aa-00-01', '00:15:5D:AA:00:01']
    for (const [i, form] of forms.entries()) {
      const nic = await ok<AdapterJson>(['vm', 'add-nic', 'web1', '--name', `S${i}`, '--static-mac', form], lab)
      assert.equal(nic.macAddress, '00155DAA0001')
      assert.equal(nic.dynamicMacAddressEnabled, false)
    }
  })

  test('connect moves an adapter; disconnect leaves it Disconnected', async () => {
    const lab = await labWithVm()
    await ok(['vswitch', 'new', 'Isolated', '--type', 'private'], lab)
    const moved = await ok<AdapterJson>(['vm', 'connect-nic', 'web1', '--name', 'Network Adapter', '--switch', 'isolated'], lab)
    assert.equal(moved.switchName, 'Isolated')
    const off = await ok<AdapterJson>(['vm', 'disconnect-nic', 'web1', '-n', 'Network Adapter'], lab)
    assert.deepEqual([off.switchName, off.status], [null, 'Disconnected'])
    const renamed = await ok<AdapterJson>(['vm', 'rename-nic', 'web1', '-n', 'network adapter', '--new-name', 'LAN'], lab)
    assert.equal(renamed.name, 'LAN')
  })

  test('list-nics --all adds the host vNICs, IsManagementOs True', async () => {
    const lab = await labWithVm()
    const rows = await ok<AdapterJson[]>(['vm', 'list-nics', '--all'], lab)
    assert.deepEqual(rows.map((r) => [r.name, r.vmName, r.isManagementOs]), [['Network Adapter', 'web1', false], ['Default Switch', null, true], ['NATSwitch', null, true]])
  })

  const refusals: [string, (lab: string) => Promise<unknown>, string[], RegExp, string][] = [
    ['a second adapter with the default name', async () => {}, ['vm', 'add-nic', 'web1'], /already has a network adapter named "Network Adapter".*--name/, 'duplicate-name'],
    ['a legacy adapter on generation 2', async () => {}, ['vm', 'add-nic', 'web1', '--name', 'Boot', '--legacy'], /Legacy network adapters are not supported on generation 2/, 'rule-violation'],
    ['hot add on a running generation 1 VM', async (lab) => { await ok(['vm', 'new', 'old', '--generation', '1'], lab); await ok(['vm', 'start', 'old'], lab) }, ['vm', 'add-nic', 'old', '--name', 'X'], /^The operation cannot be performed while the virtual machine is in its current state\./, 'rule-violation'],
    ['hot remove on a running generation 1 VM', async (lab) => { await ok(['vm', 'new', 'old', '--generation', '1'], lab); await ok(['vm', 'start', 'old'], lab) }, ['vm', 'remove-nic', 'old', '--name', 'Network Adapter'], /current state/, 'rule-violation'],
    ['a multicast static MAC', async () => {}, ['vm', 'add-nic', 'web1', '--name', 'M', '--static-mac', '25:B6:00:00:00:01'], /Failed to modify device 'Synthetic Ethernet Port'\./, 'invalid-mac'],
    ['the all-zero static MAC', async () => {}, ['vm', 'add-nic', 'web1', '--name', 'Z', '--static-mac', '000000000000'], /all-zero MAC/, 'invalid-mac'],
    ['a MAC that is not one', async () => {}, ['vm', 'add-nic', 'web1', '--name', 'Z', '--static-mac', '00-15-5D-01'], /is not a MAC address/, 'invalid-mac'],
    ['an unknown adapter, with a suggestion', async () => {}, ['vm', 'disconnect-nic', 'web1', '--name', 'Network Adaptor'], /No network adapter is found with name "Network Adaptor" on the virtual machine "web1"\. Did you mean "Network Adapter"\?/, 'not-found'],
    ['connecting to an unknown switch', async () => {}, ['vm', 'connect-nic', 'web1', '--name', 'Network Adapter', '--switch', 'Nope'], /unable to find a virtual switch with name "Nope"\. Existing switches: "Default Switch", "NATSwitch"/, 'not-found'],
    ['a rename onto another adapter', async (lab) => ok(['vm', 'add-nic', 'web1', '--name', 'B'], lab), ['vm', 'rename-nic', 'web1', '--name', 'B', '--new-name', 'network adapter'], /already has a network adapter named/, 'duplicate-name'],
    ['a MAC change on a running VM', async (lab) => ok(['vm', 'start', 'web1'], lab), ['vm', 'set-nic', 'web1', '--name', 'Network Adapter', '--static-mac', '00155D990001'], /current state.*Changing the MAC address needs "web1" to be off/, 'rule-violation'],
  ]
  for (const [what, setup, args, message, code] of refusals) {
    test(`refuses ${what}`, async () => {
      const lab = await labWithVm()
      await setup(lab)
      await refused(lab, args, message, code)
    })
  }
})

describe('vm set-nic', () => {
  test('port features, bandwidth rounded to a multiple of 8, back to a dynamic MAC', async () => {
    const lab = await labWithVm()
    const set = await ok<AdapterJson>(['vm', 'set-nic', 'web1', '-n', 'Network Adapter', '--mac-spoofing', 'on', '--dhcp-guard', 'on', '--router-guard', 'on', '--port-mirroring', 'source', '--maximum-bandwidth', '1000004'], lab)
    assert.deepEqual([set.macAddressSpoofing, set.dhcpGuard, set.routerGuard, set.portMirroringMode, set.maximumBandwidth], [true, true, true, 'Source', 1000008])
    await ok(['vm', 'set-nic', 'web1', '-n', 'Network Adapter', '--static-mac', '00155D990001'], lab)
    const dynamic = await ok<AdapterJson>(['vm', 'set-nic', 'web1', '-n', 'Network Adapter', '--dynamic-mac'], lab)
    assert.deepEqual([dynamic.macAddress, dynamic.dynamicMacAddressEnabled], ['000000000000', true])
  })
})

describe('vswitch remove with VM adapters', () => {
  test('refused without --force; with --force the adapters stay, Disconnected', async () => {
    const lab = await labWithVm()
    await refused(lab, ['vswitch', 'remove', 'NATSwitch'], /has 1 VM network adapter\(s\) connected: "web1"\/"Network Adapter"/, 'switch-in-use')
    const removed = await ok<{disconnectedAdapters: unknown[]}>(['vswitch', 'remove', 'NATSwitch', '--force'], lab)
    assert.deepEqual(removed.disconnectedAdapters, [{name: 'Network Adapter', vmName: 'web1'}])
    const [nic] = await ok<AdapterJson[]>(['vm', 'list-nics', 'web1'], lab)
    assert.deepEqual([nic.switchName, nic.status], [null, 'Disconnected'])
  })
})

interface VlanJson {vmName: string; vmNetworkAdapterName: string; mode: string; vlanList: string; vlanSetting: unknown}

describe('vm set-vlan and get-vlan', () => {
  test('each mode, stored normalized, shown as Get-VMNetworkAdapterVlan', async () => {
    const lab = await labWithVm()
    const nic = ['web1', '-n', 'Network Adapter']
    const access = await ok<VlanJson>(['vm', 'set-vlan', ...nic, '--access', '--vlan-id', '121'], lab)
    assert.deepEqual([access.mode, access.vlanList, access.vlanSetting], ['Access', '121', {accessVlanId: 121, operationMode: 'Access'}])
    const trunk = await ok<VlanJson>(['vm', 'set-vlan', ...nic, '--trunk', '--allowed-vlan-ids', '200,1-100', '--native-vlan-id', '10'], lab)
    assert.deepEqual(trunk.vlanSetting, {allowedVlanIdList: [[1, 100], [200, 200]], nativeVlanId: 10, operationMode: 'Trunk'})
    await ok(['vm', 'set-vlan', ...nic, '--promiscuous', '--primary-vlan-id', '10', '--secondary-vlan-ids', '200-201'], lab)
    const table = await run(['vm', 'get-vlan'], lab)
    const lines = table.stdout.trimEnd().split('\n')
    assert.match(lines[0], /^VMName\s+VMNetworkAdapterName\s+Mode\s+VlanList$/)
    assert.match(lines[2], /^web1\s+Network Adapter\s+Promiscuous\s+10,200-201$/)
    const untagged = await ok<VlanJson>(['vm', 'set-vlan', ...nic, '--untagged'], lab)
    assert.deepEqual([untagged.mode, untagged.vlanList], ['Untagged', ''])
  })

  const nic = ['vm', 'set-vlan', 'web1', '-n', 'Network Adapter']
  const refusals: [string, string[], RegExp, string][] = [
    ['two modes', [...nic, '--access', '--untagged', '--vlan-id', '5'], /are mutually exclusive/, 'invalid-value'],
    ['VLAN 4095', [...nic, '--access', '--vlan-id', '4095'], /"4095" is not a VLAN ID/, 'invalid-value'],
    ['a trunk list with a hole', [...nic, '--trunk', '--allowed-vlan-ids', '1-10,,20', '--native-vlan-id', '1'], /not a VLAN ID list/, 'invalid-value'],
    ['a native VLAN outside the allowed list', [...nic, '--trunk', '--allowed-vlan-ids', '1-100', '--native-vlan-id', '200'], /The native VLAN 200 is not in the allowed list 1-100\..*1-100,200/, 'rule-violation'],
    ['a secondary VLAN that is the primary', [...nic, '--community', '--primary-vlan-id', '10', '--secondary-vlan-id', '10'], /primary VLAN 10 is also given as a secondary/, 'rule-violation'],
    ['a secondary VLAN isolated on one port and community on another', [...nic, '--community', '--primary-vlan-id', '10', '--secondary-vlan-id', '200'], /PVLAN configuration on a virtual switch must be consistent: on "NATSwitch", secondary VLAN 200 of primary VLAN 10 is community on "web1"\/"Network Adapter" but isolated on "db"\/"Network Adapter"/, 'rule-violation'],
  ]
  for (const [what, args, message, code] of refusals) {
    test(`refuses ${what}`, async () => {
      const lab = await labWithVm()
      await ok(['vm', 'new', 'db', '--switch', 'NATSwitch'], lab)
      await ok(['vm', 'set-vlan', 'db', '-n', 'Network Adapter', '--isolated', '--primary-vlan-id', '10', '--secondary-vlan-id', '200'], lab)
      await refused(lab, args, message, code)
    })
  }

  test('connecting a port with a conflicting PVLAN to the switch is refused too', async () => {
    const lab = await labWithVm()
    await ok(['vm', 'set-vlan', 'web1', '-n', 'Network Adapter', '--isolated', '--primary-vlan-id', '10', '--secondary-vlan-id', '200'], lab)
    await ok(['vm', 'new', 'db'], lab)
    await ok(['vm', 'set-vlan', 'db', '-n', 'Network Adapter', '--isolated', '--primary-vlan-id', '10', '--secondary-vlan-id', '201'], lab)
    await refused(lab, ['vm', 'connect-nic', 'db', '-n', 'Network Adapter', '--switch', 'NATSwitch'], /two isolated secondary VLANs/, 'rule-violation')
  })
})

interface AclJson {direction: string; action: string; aclType: string; applicability: string; index: number; ipAddress?: string; macAddress?: string; vmName: string}

describe('vm add-acl, remove-acl, list-acls', () => {
  test('both directions are two entries; list-acls shows them; remove --direction both removes both', async () => {
    const lab = await labWithVm()
    const nic = ['web1', '-n', 'Network Adapter']
    const added = await ok<AclJson[]>(['vm', 'add-acl', ...nic, '--remote-ip', '10.0.0.0/8', '--direction', 'both', '--action', 'allow'], lab)
    assert.deepEqual(added.map((a) => [a.direction, a.action, a.ipAddress]), [['Inbound', 'Allow', '10.0.0.0/8'], ['Outbound', 'Allow', '10.0.0.0/8']])
    await ok(['vm', 'add-acl', ...nic, '--remote-ip', 'ANY', '--direction', 'both', '--action', 'deny'], lab)
    await ok(['vm', 'add-acl', ...nic, '--remote-mac', '03-0f-01-0e-aa-b2', '--direction', 'inbound', '--action', 'deny'], lab)
    const table = await run(['vm', 'list-acls', 'web1'], lab)
    assert.match(table.stdout, /^VMName\s+VMNetworkAdapterName\s+Direction\s+Action\s+Scope\s+Address\s+Index$/m)
    assert.match(table.stdout, /web1\s+Network Adapter\s+Inbound\s+Deny\s+Remote\s+ANY\s+2$/m)
    assert.match(table.stdout, /web1\s+Network Adapter\s+Inbound\s+Deny\s+Remote\s+03-0F-01-0E-AA-B2\s+4$/m)
    // Index: the entry's place among its adapter's entries, as a trace names it (`…acl[4]`).
    const mac = await ok<AclJson[]>(['vm', 'add-acl', ...nic, '--local-mac', 'ANY', '--direction', 'outbound', '--action', 'allow'], lab)
    assert.deepEqual(mac.map((a) => a.index), [5])
    assert.deepEqual((await ok<AclJson[]>(['vm', 'list-acls', 'web1'], lab)).map((a) => a.index), [0, 1, 2, 3, 4, 5])
    await ok(['vm', 'remove-acl', ...nic, '--local-mac', 'ANY', '--direction', 'outbound', '--action', 'allow'], lab)
    const removed = await ok<AclJson[]>(['vm', 'remove-acl', ...nic, '--remote-ip', '0.0.0.0/0', '--direction', 'both', '--action', 'deny'], lab)
    assert.equal(removed.length, 2)
    assert.equal((await ok<AclJson[]>(['vm', 'list-acls'], lab)).length, 3)
  })

  const nic = ['web1', '-n', 'Network Adapter']
  const refusals: [string, string[], RegExp, string][] = [
    ['an exact duplicate', ['vm', 'add-acl', ...nic, '--remote-ip', '10.1.1.1/8', '--direction', 'inbound', '--action', 'allow'], /already has this inbound Allow entry/, 'rule-violation'],
    ['a metering MAC entry', ['vm', 'add-acl', ...nic, '--remote-mac', 'ANY', '--direction', 'inbound', '--action', 'meter'], /A metering ACL must be IP-based/, 'invalid-value'],
    ['two addresses in one entry', ['vm', 'add-acl', ...nic, '--remote-ip', '1.2.3.4', '--local-ip', '5.6.7.8', '--direction', 'inbound', '--action', 'deny'], /holds one address/, 'invalid-value'],
    ['a bad prefix', ['vm', 'add-acl', ...nic, '--remote-ip', '10.0.0.0/40', '--direction', 'inbound', '--action', 'deny'], /is not an IPv4 address or prefix/, 'invalid-prefix'],
    ['removing an entry that is not there', ['vm', 'remove-acl', ...nic, '--remote-ip', '10.0.0.0/8', '--direction', 'both', '--action', 'allow'], /has no such ACL entry in both directions/, 'not-found'],
  ]
  for (const [what, args, message, code] of refusals) {
    test(`refuses ${what}`, async () => {
      const lab = await labWithVm()
      await ok(['vm', 'add-acl', ...nic, '--remote-ip', '10.0.0.0/8', '--direction', 'inbound', '--action', 'allow'], lab)
      await refused(lab, args, message, code)
    })
  }
})

interface XaclJson {direction: string; index: number; weight: number; protocol: number | null; localPort: [number, number] | null; stateful: boolean; idleSessionTimeout: number}

describe('vm add-extended-acl, remove-extended-acl', () => {
  test('entries per direction, highest weight first; the same weight in the other direction is fine', async () => {
    const lab = await labWithVm()
    const nic = ['web1', '-n', 'Network Adapter']
    await ok(['vm', 'add-extended-acl', ...nic, '--action', 'deny', '--direction', 'inbound', '--weight', '1'], lab)
    const http = await ok<XaclJson>(['vm', 'add-extended-acl', ...nic, '--action', 'allow', '--direction', 'inbound', '--local-port', '80', '--protocol', 'TCP', '--weight', '10'], lab)
    assert.deepEqual([http.protocol, http.localPort, http.stateful, http.idleSessionTimeout], [6, [80, 80], false, 255])
    await ok(['vm', 'add-extended-acl', ...nic, '--action', 'allow', '--direction', 'outbound', '--weight', '10', '--stateful', '--idle-session-timeout', '3600'], lab)
    const listed = await ok<XaclJson[]>(['vm', 'list-acls', 'web1', '--extended'], lab)
    assert.deepEqual(listed.map((x) => [x.direction, x.weight, x.index]), [['Inbound', 10, 0], ['Inbound', 1, 1], ['Outbound', 10, 2]])
    assert.equal(http.index, 0)
    const table = await run(['vm', 'list-acls', 'web1', '--extended'], lab)
    assert.match(table.stdout, /\s+Stateful\s+Index$/m)
    assert.match(table.stdout, /Outbound\s+10\s+Allow\s+ANY\s+ANY\s+ANY\s+ANY\s+ANY\s+True \(3600 s\)\s+2$/m)
    await refused(lab, ['vm', 'add-extended-acl', ...nic, '--action', 'allow', '--direction', 'inbound', '--weight', '10', '--protocol', 'udp'], /already has an inbound extended ACL with weight 10/, 'rule-violation')
    await refused(lab, ['vm', 'add-extended-acl', ...nic, '--action', 'allow', '--direction', 'inbound', '--weight', '20', '--local-port', '80'], /Only TCP and UDP have ports/, 'invalid-value')
    await refused(lab, ['vm', 'remove-extended-acl', ...nic, '--direction', 'outbound', '--weight', '11'], /no outbound extended ACL with weight 11\. Its outbound weights: 10\./, 'not-found')
    await ok(['vm', 'remove-extended-acl', ...nic, '--direction', 'inbound', '--weight', '10'], lab)
    assert.equal((await ok<XaclJson[]>(['vm', 'list-acls', '--extended'], lab)).length, 2)
  })
})

describe('vm set-ip and set-guest', () => {
  test('a static address shows in IPAddresses while the VM runs', async () => {
    const lab = await labWithVm()
    const set = await ok<AdapterJson>(['vm', 'set-ip', 'web1', '-n', 'Network Adapter', '--address', '192.168.0.10/24', '--gateway', '192.168.0.1', '--dns', '192.168.0.1', '--dns', '1.1.1.1'], lab)
    assert.deepEqual(set.guestIPv4, {defaultGateway: '192.168.0.1', dnsServers: ['192.168.0.1', '1.1.1.1'], ipAddress: '192.168.0.10/24', mode: 'Static'})
    assert.deepEqual(set.ipAddresses, [])
    await ok(['vm', 'start', 'web1'], lab)
    assert.deepEqual((await ok<AdapterJson[]>(['vm', 'list-nics', 'web1'], lab))[0].ipAddresses, ['192.168.0.10'])
    const dhcp = await ok<AdapterJson>(['vm', 'set-ip', 'web1', '-n', 'Network Adapter', '--dhcp'], lab)
    assert.deepEqual(dhcp.guestIPv4, {mode: 'Dhcp'})
  })

  const nic = ['vm', 'set-ip', 'web1', '-n', 'Network Adapter']
  const refusals: [string, string[], RegExp, string][] = [
    ['an address without a prefix length', [...nic, '--address', '192.168.0.10'], /not an address with a prefix length/, 'invalid-prefix'],
    ['the network address', [...nic, '--address', '192.168.0.0/24'], /is the network address of 192\.168\.0\.0\/24/, 'invalid-ip'],
    ['a gateway off the subnet', [...nic, '--address', '192.168.0.10/24', '--gateway', '10.0.0.1'], /is not in 192\.168\.0\.0\/24/, 'invalid-ip'],
    ['a bad DNS server', [...nic, '--address', '192.168.0.10/24', '--dns', 'dns.example'], /is not an IPv4 address \(DNS server\)/, 'invalid-ip'],
    ['a gateway with DHCP', [...nic, '--dhcp', '--gateway', '10.0.0.1'], /a DHCP guest gets them from the DHCP server/, 'invalid-value'],
    ['neither --dhcp nor --address', [...nic], /Say how the guest gets its address/, 'invalid-value'],
    ['a bad listening port', ['vm', 'set-guest', 'web1', '--listen', 'tcp/22,sctp/9'], /"sctp\/9" is not a listening port/, 'invalid-value'],
  ]
  for (const [what, args, message, code] of refusals) {
    test(`refuses ${what}`, async () => {
      await refused(await labWithVm(), args, message, code)
    })
  }

  test('a Windows guest has its firewall on unless told otherwise; --listen replaces the ports, sorted', async () => {
    const lab = await labWithVm()
    const windows = await ok<VmJson>(['vm', 'set-guest', 'web1', '--os', 'windows', '--listen', 'udp/53,tcp/3389,tcp/53,tcp/53'], lab)
    assert.deepEqual(windows.guest, {firewall: true, listeningPorts: [{port: 53, protocol: 'tcp'}, {port: 3389, protocol: 'tcp'}, {port: 53, protocol: 'udp'}], os: 'windows'})
    const open = await ok<VmJson>(['vm', 'set-guest', 'web1', '--firewall', 'off', '--listen', 'none'], lab)
    assert.deepEqual([open.guest.firewall, open.guest.listeningPorts], [false, []])
  })
})

describe('host vnic', () => {
  test('add puts vEthernet (NAME) on the host with a pool MAC; list and remove', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'External', '--adapter', 'Ethernet', '--allow-management-os=false'], lab)
    const added = await ok<{name: string; macAddress: string; interfaceDescription: string}>(['host', 'vnic', 'add', '--switch', 'external', '--name', 'SMB_1'], lab)
    assert.equal(added.name, 'vEthernet (SMB_1)')
    assert.match(added.macAddress, /^00-15-5D-00-17-[0-9A-F]{2}$/)
    const adapters = await ok<{name: string}[]>(['host', 'adapter', 'list'], lab)
    assert.ok(adapters.some((a) => a.name === 'vEthernet (SMB_1)'))
    const listed = await ok<{name: string; switchName: string; ownAdapterOfSwitch: boolean}[]>(['host', 'vnic', 'list'], lab)
    assert.deepEqual(listed.map((n) => [n.name, n.switchName, n.ownAdapterOfSwitch]), [['Default Switch', 'Default Switch', true], ['SMB_1', 'External', false]])
    await ok(['host', 'vnic', 'remove', '--name', 'vEthernet (SMB_1)'], lab)
    assert.equal((await ok<unknown[]>(['host', 'vnic', 'list'], lab)).length, 1)
  })

  test('set-vlan tags the host\'s port; host vnic list and list-nics --all show it; PVLAN rules include host ports', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'External', '--adapter', 'Ethernet'], lab)
    const row = await ok<VlanJson>(['host', 'vnic', 'set-vlan', '--name', 'External', '--access', '--vlan-id', '20'], lab)
    assert.deepEqual([row.mode, row.vlanList, row.vlanSetting], ['Access', '20', {accessVlanId: 20, operationMode: 'Access'}])
    const table = await run(['host', 'vnic', 'list'], lab)
    assert.match(table.stdout, /^External\s+External\s+[0-9A-F]{12}\s+vEthernet \(External\)\s+\d+\s+Access\s+20$/m)
    const all = await ok<{name: string; vlanSetting: unknown}[]>(['vm', 'list-nics', '--all'], lab)
    assert.deepEqual(all.find((n) => n.name === 'External')?.vlanSetting, {accessVlanId: 20, operationMode: 'Access'})
    await ok(['host', 'vnic', 'set-vlan', '--name', 'vEthernet (External)', '--isolated', '--primary-vlan-id', '10', '--secondary-vlan-id', '200'], lab)
    await ok(['vm', 'new', 'web1', '--switch', 'External'], lab)
    await refused(lab, ['vm', 'set-vlan', 'web1', '-n', 'Network Adapter', '--community', '--primary-vlan-id', '10', '--secondary-vlan-id', '200'], /is community on "web1"\/"Network Adapter" but isolated on "vEthernet \(External\)"/, 'rule-violation')
    await refused(lab, ['host', 'vnic', 'set-vlan', '--name', 'Default Switch', '--access', '--vlan-id', '5'], /cannot be modified/, 'default-switch-immutable')
  })

  const refusals: [string, string[], RegExp, string][] = [
    ['a Private switch', ['host', 'vnic', 'add', '--switch', 'Isolated', '--name', 'X'], /is Private: the management OS has no port on it/, 'rule-violation'],
    ['the Default Switch', ['host', 'vnic', 'add', '--switch', 'Default Switch', '--name', 'X'], /cannot be modified/, 'default-switch-immutable'],
    ['a name the host already has', ['host', 'vnic', 'add', '--switch', 'NATSwitch', '--name', 'natswitch'], /already has a network adapter "vEthernet \(NATSwitch\)"/, 'duplicate-name'],
    ['an unknown switch', ['host', 'vnic', 'add', '--switch', 'NATSwich', '--name', 'X'], /Did you mean "NATSwitch"/, 'not-found'],
    ['removing a switch\'s own vNIC', ['host', 'vnic', 'remove', '--name', 'NATSwitch'], /own management adapter.*--allow-management-os=false/, 'rule-violation'],
    ['removing an unknown vNIC', ['host', 'vnic', 'remove', '--name', 'SMB_9'], /No management-OS network adapter is found with name "SMB_9"/, 'not-found'],
  ]
  for (const [what, args, message, code] of refusals) {
    test(`refuses ${what}`, async () => {
      const lab = tempLab()
      await ok(['vswitch', 'new', 'NATSwitch', '--type', 'internal'], lab)
      await ok(['vswitch', 'new', 'Isolated', '--type', 'private'], lab)
      await refused(lab, args, message, code)
    })
  }
})

describe('the stored VMs', () => {
  test('host show counts started VMs\' MACs as in use', async () => {
    const lab = await labWithVm()
    const before = await ok<{dynamicMacAddressesInUse: number}>(['host', 'show'], lab)
    await ok(['vm', 'start', 'web1'], lab)
    const after = await ok<{dynamicMacAddressesInUse: number}>(['host', 'show'], lab)
    assert.equal(after.dynamicMacAddressesInUse, before.dynamicMacAddressesInUse + 1)
  })

  const edits: [string, (d: {vms: {name: string; networkAdapters: Record<string, unknown>[]}[]}) => void, RegExp][] = [
    ['an adapter on a missing switch', (d) => { d.vms[0].networkAdapters[0].switchId = '00000000-0000-4000-8000-000000000000' }, /vms\["web1"\]\.networkAdapters\["Network Adapter"\]\.switchId: no switch/],
    ['two adapters with one name', (d) => { d.vms[0].networkAdapters.push({...d.vms[0].networkAdapters[0], id: '00000000-0000-4000-8000-000000000001', name: 'NETWORK ADAPTER'}) }, /two adapters are named "NETWORK ADAPTER"/],
    ['two VMs with one name', (d) => { d.vms.push({...d.vms[0], name: 'Web1', networkAdapters: []}) }, /two virtual machines are named/],
    ['a VLAN ID of 4095', (d) => { d.vms[0].networkAdapters[0].vlanSetting = {accessVlanId: 4095, operationMode: 'Access'} }, /vlanSetting\.accessVlanId: must be a VLAN ID from 1 to 4094/],
  ]
  for (const [what, edit, message] of edits) {
    test(`a hand-edited store with ${what} is reported and left as it is`, async () => {
      const lab = await labWithVm()
      const document = JSON.parse(fs.readFileSync(lab, 'utf8'))
      edit(document)
      fs.writeFileSync(lab, JSON.stringify(document))
      const before = snapshot(lab)
      const r = await run(['vm', 'list'], lab)
      assert.equal(r.exitCode, 1)
      assert.match(r.error ?? '', message)
      assert.deepEqual(snapshot(lab), before)
    })
  }
})

describe('the real binary', () => {
  test('builds a VM, starts it and lists it as JSON and as a table', async () => {
    const lab = tempLab()
    assert.equal((await cli(['vswitch', 'new', 'NATSwitch', '--type', 'internal'], {lab})).exitCode, 0)
    assert.equal((await cli(['vm', 'new', 'web1', '--switch', 'NATSwitch', '--generation', '2'], {lab})).exitCode, 0)
    const started = await cli(['vm', 'start', 'web1'], {lab})
    assert.equal(started.stdout, 'Started "web1": it is Running.\n"Network Adapter" took the dynamic MAC 00155D001702.')
    const {exitCode, json} = await cliJson<VmJson[]>(['vm', 'list'], lab)
    assert.equal(exitCode, 0)
    assert.deepEqual(json.map((m) => [m.name, m.state, m.networkAdapters[0].macAddress]), [['web1', 'Running', '00155D001702']])
    const table = await cli(['vm', 'list-nics'], {lab})
    assert.match(table.stdout, /^Network Adapter web1\s+NATSwitch\s+00155D001702 \{Ok\}\s+\{\}$/m)
  })

  test('a rule error: one line on stderr, exit 1; under --json the code on stdout', async () => {
    const lab = tempLab()
    const r = await cli(['vm', 'set-vlan', 'nope', '--name', 'x', '--untagged'], {lab})
    assert.equal(r.exitCode, 1)
    assert.equal(r.stderr, 'Error: Hyper-V was unable to find a virtual machine with name "nope". There are no virtual machines. Run `hvnet vm list`.')
    const j = await cli(['vm', 'add-nic', 'nope', '--json'], {lab})
    assert.equal(j.exitCode, 1)
    assert.equal(JSON.parse(j.stdout).error.code, 'not-found')
    assert.equal(fs.existsSync(lab), false)
  })
})
