import assert from 'node:assert/strict'
import fs from 'node:fs'
import {describe, test} from 'node:test'

import type {Lab} from '../../src/model/schema.js'

import {setPhysicalAdapter} from '../../src/model/host.js'
import {addIpAddress} from '../../src/model/ip.js'
import {emptyLab, newLab} from '../../src/model/lab.js'
import {parseLabFile, planApply} from '../../src/model/labfile.js'
import {FINDINGS, findingsFail, lintFile, lintLab} from '../../src/model/lint.js'
import {addStaticMapping, enableNat} from '../../src/model/nat.js'
import {addCheck, checkFromFile} from '../../src/model/checks.js'
import {addAdapter, findVm, newVm, renameVm, setAdapter, setGuest, setGuestIp, setVlan} from '../../src/model/vm.js'
import {newSwitch} from '../../src/model/vswitch.js'
import {EXAMPLES, examplePath} from '../support.js'
import {richLab} from './labs.js'

function codes(lab: Lab): string[] {
  return lintLab(lab).map((f) => f.code)
}

/** A laptop with an Internal switch whose host vNIC is 192.168.0.1/24: VMs on it have a gateway. */
function natLab(): Lab {
  const lab = newLab()
  newSwitch(lab, {name: 'NATSwitch', type: 'internal'})
  addIpAddress(lab, {interfaceAlias: 'vEthernet (NATSwitch)'}, {ipAddress: '192.168.0.1', prefixLength: 24})
  enableNat(lab, {internalPrefix: '192.168.0.0/24', name: 'MyNAT'})
  return lab
}

function vmAt(lab: Lab, name: string, switchName: string | undefined, address?: string, gateway?: string): void {
  newVm(lab, {name, switchName})
  if (address) setGuestIp(lab, name, 'Network Adapter', {address, gateway})
}

describe('validate rules: each fires on a lab made to trigger it, and only it', () => {
  test('clean labs stay silent: a new laptop, a NAT network with a VM, and every example', async () => {
    assert.deepEqual(codes(newLab()), [])
    const lab = natLab()
    vmAt(lab, 'web', 'NATSwitch', '192.168.0.10/24', '192.168.0.1')
    assert.deepEqual(codes(lab), [])
    for (const example of EXAMPLES) {
      const parsed = await parseLabFile(fs.readFileSync(examplePath(example), 'utf8'), example)
      assert.ok('file' in parsed)
      assert.deepEqual(lintFile(parsed.file), [])
      const plan = planApply(emptyLab(), false, parsed.file, false)
      assert.deepEqual(plan.problems, [])
      assert.deepEqual(lintLab(plan.lab!), [], example)
    }
  })

  test('nat-no-gateway: a NAT prefix no host vNIC address lies in', () => {
    const lab = newLab()
    newSwitch(lab, {name: 'NATSwitch', type: 'internal'})
    enableNat(lab, {internalPrefix: '192.168.0.0/24', name: 'MyNAT'})
    const [f] = lintLab(lab)
    assert.equal(f.code, 'nat-no-gateway')
    assert.equal(f.severity, 'error')
    assert.deepEqual(f.objects, ['nat MyNAT'])
    assert.equal(f.fix, 'hvnet host ip add --interface-alias "vEthernet (NATSwitch)" --ip-address 192.168.0.1 --prefix-length 24')
    assert.equal(lintLab(lab).length, 1)
  })

  test('internal-no-host-address: VMs on an Internal switch expect a gateway the host does not hold', () => {
    const lab = newLab()
    newSwitch(lab, {name: 'Lab', type: 'internal'})
    vmAt(lab, 'web', 'Lab', '192.168.5.10/24', '192.168.5.1')
    const [f] = lintLab(lab)
    assert.deepEqual(codes(lab), ['internal-no-host-address'])
    assert.match(f.fix, /--ip-address 192\.168\.5\.1 --prefix-length 24/)
  })

  test('vm-address-off-subnet and vm-gateway-off-subnet', () => {
    const lab = natLab()
    vmAt(lab, 'web', 'NATSwitch', '192.168.1.10/24', '192.168.1.1')
    vmAt(lab, 'db', 'NATSwitch', '192.168.0.20/24', '192.168.0.254')
    addStaticMapping(lab, {externalIPAddress: '0.0.0.0', externalPort: 5432, internalIPAddress: '192.168.0.20', natName: 'MyNAT', protocol: 'TCP'})
    assert.deepEqual(codes(lab), ['vm-address-off-subnet', 'vm-gateway-off-subnet'])
    assert.deepEqual(lintLab(lab)[0].objects, ['vm web/Network Adapter', 'vswitch NATSwitch'])
  })

  test('static-in-dhcp-range: a static address inside the Default Switch\'s DHCP range', () => {
    const lab = newLab()
    const ics = lab.switches.find((s) => s.isDefaultSwitch)!.icsPrefix!
    const base = ics.split('/')[0].split('.').map(Number)
    vmAt(lab, 'dev', 'Default Switch', `${base[0]}.${base[1]}.${base[2]}.50/20`, `${base[0]}.${base[1]}.${base[2]}.1`)
    assert.deepEqual(codes(lab), ['static-in-dhcp-range'])
    assert.equal(lintLab(lab)[0].severity, 'warning')
  })

  test('duplicate-mac and duplicate-ip', () => {
    const lab = natLab()
    vmAt(lab, 'a', 'NATSwitch', '192.168.0.10/24', '192.168.0.1')
    vmAt(lab, 'b', 'NATSwitch', '192.168.0.10/24', '192.168.0.1')
    setAdapter(lab, 'a', 'Network Adapter', {staticMac: '00155D99AA01'})
    setAdapter(lab, 'b', 'Network Adapter', {staticMac: '00155D99AA01'})
    assert.deepEqual(codes(lab), ['duplicate-mac', 'duplicate-ip'])
    assert.deepEqual(lintLab(lab)[0].objects, ['vm a/Network Adapter', 'vm b/Network Adapter'])
  })

  test('adapter-not-connected', () => {
    const lab = newLab()
    vmAt(lab, 'loose', undefined)
    assert.deepEqual(codes(lab), ['adapter-not-connected'])
  })

  test('external-on-wireless', () => {
    const lab = newLab()
    newSwitch(lab, {name: 'WiFiBridge', netAdapterName: 'Wi-Fi'})
    assert.deepEqual(codes(lab), ['external-on-wireless'])
  })

  test('port-security-exceeded: an External switch on a port that allows fewer MACs than use it', () => {
    const lab = newLab()
    setPhysicalAdapter(lab, 'Ethernet', {portSecurityMaxMacs: 1})
    newSwitch(lab, {name: 'Uplink', netAdapterName: 'Ethernet'})
    assert.deepEqual(codes(lab), [], 'the host alone uses one MAC')
    vmAt(lab, 'bridged', 'Uplink')
    assert.deepEqual(codes(lab), ['port-security-exceeded'])
    assert.match(lintLab(lab)[0].fix, /--port-security-max-macs 2/)
  })

  test('router-without-mac-spoofing: a VM with adapters on two networks and spoofing off', () => {
    const lab = newLab()
    newSwitch(lab, {name: 'A', type: 'private'})
    newSwitch(lab, {name: 'B', type: 'private'})
    vmAt(lab, 'router', 'A', '192.168.1.1/24')
    addAdapter(lab, findVm(lab, 'router'), {name: 'Second', switchName: 'B'})
    setGuestIp(lab, 'router', 'Second', {address: '192.168.2.1/24'})
    assert.deepEqual(codes(lab), ['router-without-mac-spoofing'])
    setAdapter(lab, 'router', 'Network Adapter', {macAddressSpoofing: true})
    setAdapter(lab, 'router', 'Second', {macAddressSpoofing: true})
    assert.deepEqual(codes(lab), [])
  })

  test('lonely-vlan: an access VLAN no other port of the switch carries', () => {
    const lab = newLab()
    newSwitch(lab, {name: 'Lab', type: 'private'})
    vmAt(lab, 'a', 'Lab', '192.168.1.1/24')
    vmAt(lab, 'b', 'Lab', '192.168.1.2/24')
    setVlan(lab, 'a', 'Network Adapter', {access: true, vlanId: '10'})
    assert.deepEqual(codes(lab), ['lonely-vlan'])
    setVlan(lab, 'b', 'Network Adapter', {allowedVlanIdList: '1-100', nativeVlanId: '1', trunk: true})
    assert.deepEqual(codes(lab), [], 'a trunk carrying VLAN 10 is a peer')
  })

  test('mapping-to-nobody: a static mapping to an address no VM has', () => {
    const lab = natLab()
    addStaticMapping(lab, {externalIPAddress: '0.0.0.0', externalPort: 80, internalIPAddress: '192.168.0.50', natName: 'MyNAT', protocol: 'TCP'})
    assert.deepEqual(codes(lab), ['mapping-to-nobody'])
  })

  test('dhcp-no-server: a DHCP guest on a switch where nothing serves DHCP; a VM listening on udp/67 is a server', () => {
    const lab = natLab()
    vmAt(lab, 'client', 'NATSwitch')
    assert.deepEqual(codes(lab), ['dhcp-no-server'])
    vmAt(lab, 'dhcpd', 'NATSwitch', '192.168.0.2/24')
    setGuest(lab, 'dhcpd', {listen: 'udp/67'})
    assert.deepEqual(codes(lab), [])
    const laptop = newLab()
    vmAt(laptop, 'dev', 'Default Switch')
    newSwitch(laptop, {name: 'Uplink', netAdapterName: 'Ethernet'})
    vmAt(laptop, 'bridged', 'Uplink')
    assert.deepEqual(codes(laptop), [], 'ICS and the LAN\'s DHCP server answer')
  })

  test('check-invalid: a stored check that names a VM renamed since', () => {
    const lab = natLab()
    vmAt(lab, 'web', 'NATSwitch', '192.168.0.10/24', '192.168.0.1')
    addCheck(lab, checkFromFile({expect: 'replied', from: 'web', to: 'internet'}))
    assert.deepEqual(codes(lab), [])
    renameVm(lab, 'web', 'web1')
    const [f] = lintLab(lab)
    assert.equal(f.code, 'check-invalid')
    assert.match(f.message, /^Check 1: from "web" is not host, internet, an IPv4 address, a VM or VM\/Adapter \(did you mean "web1"\?\)\.$/)
  })

  test('second-nat: the store holds one NAT, so the rule checks the file', async () => {
    const parsed = await parseLabFile('schemaVersion: 1\nnats:\n  A: {internalIPInterfaceAddressPrefix: 192.168.0.0/24}\n  B: {internalIPInterfaceAddressPrefix: 192.168.1.0/24}\n', 'lab.yaml')
    assert.ok('file' in parsed)
    const findings = lintFile(parsed.file)
    assert.deepEqual(findings.map((f) => [f.code, f.severity, f.objects]), [['second-nat', 'error', ['nat A', 'nat B']]])
  })

  test('overlapping-host-subnets: a NAT on the Default Switch\'s subnet, or two interfaces on one prefix (a hand-edited store)', () => {
    const lab = newLab()
    newSwitch(lab, {name: 'NATSwitch', type: 'internal'})
    const ics = lab.switches.find((s) => s.isDefaultSwitch)!.icsPrefix!
    const [a, b, c] = ics.split('/')[0].split('.')
    addIpAddress(lab, {interfaceAlias: 'vEthernet (NATSwitch)'}, {ipAddress: '192.168.0.1', prefixLength: 24})
    enableNat(lab, {internalPrefix: `${a}.${b}.${c}.0/24`, name: 'Clash'})
    assert.ok(codes(lab).includes('overlapping-host-subnets'))
    const other = newLab()
    newSwitch(other, {name: 'X', type: 'internal'})
    other.host.vnics.at(-1)!.ipv4.addresses = [{ipAddress: '10.0.0.99', prefixLength: 24}]
    assert.deepEqual(codes(other), ['overlapping-host-subnets'])
  })

  test('the rich test lab shows several findings; each code is in the table with its severity', () => {
    for (const f of lintLab(richLab())) assert.equal(f.severity, FINDINGS[f.code])
  })

  test('findingsFail: errors fail; warnings only with --strict; info never', () => {
    const warning = {code: 'lonely-vlan' as const, fix: '', message: '', objects: [], severity: 'warning' as const}
    assert.equal(findingsFail([warning], false), false)
    assert.equal(findingsFail([warning], true), true)
    assert.equal(findingsFail([{...warning, severity: 'info'}], true), false)
    assert.equal(findingsFail([{...warning, severity: 'error'}], false), true)
  })
})
