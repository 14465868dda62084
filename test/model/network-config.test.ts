// networkConfigOf: the stored lab → the engine's snapshot, field by field. Expected addresses and
// MACs are computed here from their octets, not through the parsers the translation uses.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import type {Lab} from '../../src/model/schema.js'

import {addIpAddress} from '../../src/model/ip.js'
import {newLab} from '../../src/model/lab.js'
import {addExternalAddress, addStaticMapping, enableNat, setNat} from '../../src/model/nat.js'
import {adapterIndexOf} from '../../src/engine/adapters.js'
import {networkConfigOf} from '../../src/model/network-config.js'
import {parseLab, serializeLab} from '../../src/model/store.js'
import {addAcl, addAdapter, addExtendedAcl, findVm, newVm, setAdapter, setGuest, setGuestIp, setManagementOsVlan, setVlan, startVm} from '../../src/model/vm.js'
import {findSwitch, newSwitch, restartHost, setSwitch} from '../../src/model/vswitch.js'

/** `10.0.0.23` → its 32-bit number. */
function ip(text: string): number {
  return text.split('.').reduce((n, octet) => n * 256 + Number(octet), 0)
}

/** `00155D001700` → hi16 * 2**32 + lo32. */
function mac(text: string): number {
  return Number.parseInt(text.slice(0, 4), 16) * 2 ** 32 + Number.parseInt(text.slice(4), 16)
}

function prefix(text: string): {address: number; length: number} {
  const [address, length] = text.split('/')
  return {address: ip(address), length: Number(length)}
}

const DEFAULT_SWITCH_ID = 'c08cb7b8-9b3c-408e-8e30-5e16a3aeb444'

const untaggedHostPort = (alias: string) => ({
  acls: [],
  dhcpGuard: false,
  extendedAcls: [],
  macAddressSpoofing: false,
  portMirroring: 'none',
  ref: `host ${alias}`,
  routerGuard: false,
  vlan: {mode: 'untagged'},
})

const icsNat = (icsPrefix: string) => ({
  externalAddresses: [],
  icmpQueryTimeoutS: 30,
  ics: true,
  internalPrefix: prefix(icsPrefix),
  name: 'ICS (Default Switch)',
  ref: 'vswitch Default Switch.icsNat',
  staticMappings: [],
  tcpEstablishedConnectionTimeoutS: 1800,
  tcpFilteringBehavior: 'AddressDependentFiltering',
  tcpTransientConnectionTimeoutS: 120,
  udpFilteringBehavior: 'AddressDependentFiltering',
  udpIdleSessionTimeoutS: 120,
  udpInboundRefresh: false,
})

/** Microsoft's NAT walkthrough (reference §6.3) through the model API, plus a mapping, an external address and a VM. */
function walkthroughLab(): Lab {
  const lab = newLab()
  newSwitch(lab, {name: 'NATSwitch', type: 'internal'})
  addIpAddress(lab, {interfaceIndex: 24}, {ipAddress: '192.168.0.1', prefixLength: 24})
  enableNat(lab, {internalPrefix: '192.168.0.0/24', name: 'MyNATnetwork'})
  setNat(lab, 'MyNATnetwork', {udpInboundRefresh: true, udpIdleSessionTimeout: 300})
  addStaticMapping(lab, {externalIPAddress: '0.0.0.0', externalPort: 8080, internalIPAddress: '192.168.0.10', internalPort: 80, natName: 'MyNATnetwork', protocol: 'TCP'})
  addStaticMapping(lab, {externalIPAddress: '10.0.0.23', externalPort: 53, internalIPAddress: '192.168.0.10', natName: 'MyNATnetwork', protocol: 'UDP', remoteExternalIPAddressPrefix: '203.0.113.0/24'})
  addExternalAddress(lab, {ipAddress: '10.0.0.23', natName: 'MyNATnetwork', portEnd: 5999, portStart: 5000})
  newVm(lab, {name: 'web', switchName: 'NATSwitch'})
  setGuestIp(lab, 'web', 'Network Adapter', {address: '192.168.0.10/24', dns: ['192.168.0.1', '1.1.1.1'], gateway: '192.168.0.1'})
  setGuest(lab, 'web', {listen: 'tcp/80,udp/53', os: 'windows'})
  startVm(lab, 'web')
  // As a command would leave it: through the store's own validation.
  return parseLab(serializeLab(lab), 'lab.json')
}

describe('networkConfigOf: the new-laptop lab', () => {
  const lab = newLab()
  const config = networkConfigOf(lab)
  const icsPrefix = lab.switches[0].icsPrefix!

  test('the seed, the Default Switch, no VMs', () => {
    assert.equal(icsPrefix, '172.28.160.0/20')
    assert.equal(config.seed, 2017)
    assert.deepEqual(config.switches, [{id: DEFAULT_SWITCH_ID, isDefaultSwitch: true, name: 'Default Switch', netAdapterName: null, switchType: 'Internal'}])
    assert.deepEqual(config.vms, [])
  })

  test('Ethernet and Wi-Fi: physical adapters on their LANs, and host interfaces before the Default Switch\'s vNIC', () => {
    assert.deepEqual(config.physicalAdapters, [
      {boundSwitchId: null, kind: 'wired', macAddress: mac('001B21545F3E'), name: 'Ethernet', network: {dhcp: true, gateway: ip('10.0.0.1'), prefix: prefix('10.0.0.0/24')}, portSecurityMaxMacs: null, up: true},
      {boundSwitchId: null, kind: 'wireless', macAddress: mac('985FD3A0E7C0'), name: 'Wi-Fi', network: {dhcp: true, gateway: ip('192.168.1.1'), prefix: prefix('192.168.1.0/24')}, portSecurityMaxMacs: null, up: true},
    ])
    assert.deepEqual(config.hostInterfaces, [
      {addresses: [{address: 167_772_183, prefixLength: 24}], alias: 'Ethernet', attachment: {adapterName: 'Ethernet', kind: 'physical'}, defaultGateway: ip('10.0.0.1'), dhcp: true, forwarding: false, ifIndex: 12, macAddress: mac('001B21545F3E')},
      {addresses: [{address: ip('192.168.1.40'), prefixLength: 24}], alias: 'Wi-Fi', attachment: {adapterName: 'Wi-Fi', kind: 'physical'}, defaultGateway: ip('192.168.1.1'), dhcp: true, forwarding: false, ifIndex: 18, macAddress: mac('985FD3A0E7C0')},
      {
        addresses: [{address: ip('172.28.160.1'), prefixLength: 20}],
        alias: 'vEthernet (Default Switch)',
        attachment: {features: untaggedHostPort('vEthernet (Default Switch)'), kind: 'vnic', switchId: DEFAULT_SWITCH_ID},
        defaultGateway: null,
        dhcp: false,
        forwarding: false,
        ifIndex: 21,
        macAddress: mac('00155D001700'),
      },
    ])
  })

  test('the Default Switch\'s ICS NAT over its /20 and its DHCP scope: server .1, range .2 to the last but one, one-day leases', () => {
    assert.deepEqual(config.nats, [icsNat(icsPrefix)])
    assert.deepEqual(config.dhcpScopes, [{
      leaseSeconds: 86_400,
      prefix: prefix('172.28.160.0/20'),
      rangeEnd: ip('172.28.175.254'),
      rangeStart: ip('172.28.160.2'),
      serverAddress: ip('172.28.160.1'),
      switchId: DEFAULT_SWITCH_ID,
    }])
  })

  test('after a host restart, the ICS NAT and the DHCP scope follow the Default Switch to its new /20', () => {
    const restarted = newLab()
    const {defaultSwitchPrefix} = restartHost(restarted)
    assert.notEqual(defaultSwitchPrefix?.after, icsPrefix)
    const snapshot = networkConfigOf(restarted)
    const moved = prefix(defaultSwitchPrefix!.after)
    assert.deepEqual(snapshot.nats, [icsNat(defaultSwitchPrefix!.after)])
    assert.deepEqual([snapshot.dhcpScopes[0].prefix, snapshot.dhcpScopes[0].serverAddress], [moved, moved.address + 1])
    assert.deepEqual(snapshot.hostInterfaces[2].addresses, [{address: moved.address + 1, prefixLength: 20}])
  })

  test('a lab with no Default Switch has no ICS NAT and no DHCP scope', () => {
    const server = newLab()
    server.switches = []
    server.host.vnics = []
    const snapshot = networkConfigOf(server)
    assert.deepEqual([snapshot.nats, snapshot.dhcpScopes, snapshot.switches], [[], [], []])
    assert.deepEqual(snapshot.hostInterfaces.map((h) => h.alias), ['Ethernet', 'Wi-Fi'])
  })
})

describe('networkConfigOf: Microsoft\'s NAT walkthrough', () => {
  const lab = walkthroughLab()
  const config = networkConfigOf(lab)
  const natSwitch = findSwitch(lab, 'NATSwitch')
  const vm = findVm(lab, 'web')

  test('the Internal switch and its vNIC, ifIndex 24, holding the gateway 192.168.0.1/24 with DHCP off', () => {
    assert.deepEqual(config.switches[1], {id: natSwitch.id, isDefaultSwitch: false, name: 'NATSwitch', netAdapterName: null, switchType: 'Internal'})
    assert.deepEqual(config.hostInterfaces[3], {
      addresses: [{address: ip('192.168.0.1'), prefixLength: 24}],
      alias: 'vEthernet (NATSwitch)',
      attachment: {features: untaggedHostPort('vEthernet (NATSwitch)'), kind: 'vnic', switchId: natSwitch.id},
      defaultGateway: null,
      dhcp: false,
      forwarding: false,
      ifIndex: 24,
      macAddress: mac('00155D001701'),
    })
  })

  test('the WinNAT object with its settings, mappings and external address, then the ICS NAT', () => {
    assert.deepEqual(config.nats, [
      {
        externalAddresses: [{address: ip('10.0.0.23'), id: 0, portEnd: 5999, portStart: 5000}],
        icmpQueryTimeoutS: 30,
        ics: false,
        internalPrefix: prefix('192.168.0.0/24'),
        name: 'MyNATnetwork',
        ref: 'nat MyNATnetwork',
        staticMappings: [
          {externalAddress: 0, externalPort: 8080, id: 0, internalAddress: ip('192.168.0.10'), internalPort: 80, protocol: 'tcp', ref: 'nat MyNATnetwork mapping 0', remoteExternalPrefix: {address: 0, length: 0}},
          {externalAddress: ip('10.0.0.23'), externalPort: 53, id: 1, internalAddress: ip('192.168.0.10'), internalPort: 53, protocol: 'udp', ref: 'nat MyNATnetwork mapping 1', remoteExternalPrefix: prefix('203.0.113.0/24')},
        ],
        tcpEstablishedConnectionTimeoutS: 1800,
        tcpFilteringBehavior: 'AddressDependentFiltering',
        tcpTransientConnectionTimeoutS: 120,
        udpFilteringBehavior: 'AddressDependentFiltering',
        udpIdleSessionTimeoutS: 300,
        udpInboundRefresh: true,
      },
      icsNat(lab.switches[0].icsPrefix!),
    ])
  })

  test('the running VM: its adapter on NATSwitch with its pool MAC, static address, gateway and DNS servers; its guest OS', () => {
    assert.deepEqual(config.vms, [{
      adapters: [{
        features: {acls: [], dhcpGuard: false, extendedAcls: [], macAddressSpoofing: false, portMirroring: 'none', ref: 'vm web/Network Adapter', routerGuard: false, vlan: {mode: 'untagged'}},
        ip: {address: ip('192.168.0.10'), dns: [ip('192.168.0.1'), ip('1.1.1.1')], gateway: ip('192.168.0.1'), mode: 'static', prefixLength: 24},
        key: 'web/Network Adapter',
        macAddress: mac(vm.networkAdapters[0].macAddress),
        name: 'Network Adapter',
        switchId: natSwitch.id,
        vmName: 'web',
      }],
      guest: {firewall: true, listen: [{port: 80, protocol: 'tcp'}, {port: 53, protocol: 'udp'}], os: 'windows'},
      name: 'web',
      running: true,
    }])
    assert.equal(vm.networkAdapters[0].macAddress, '00155D001702')
  })

  test('the same lab gives the same snapshot; the lab is not touched, and later changes to it do not reach what the snapshot converted', () => {
    const before = serializeLab(lab)
    assert.deepEqual(networkConfigOf(lab), config)
    assert.equal(serializeLab(lab), before)
    const copy = structuredClone(lab)
    const snapshot = networkConfigOf(copy)
    assert.equal(snapshot.vms.length, lab.vms.length, 'the VMs are converted on first access')
    copy.vms[0].guest.listeningPorts.push({port: 22, protocol: 'tcp'})
    copy.vms[0].networkAdapters[0].guestIPv4 = {mode: 'Dhcp'}
    copy.host.vnics[1].ipv4.addresses.push({ipAddress: '192.168.0.2', prefixLength: 24})
    copy.nats[0].staticMappings[0].internalPort = 81
    assert.deepEqual(snapshot, config)
  })

  test('a NAT, mapping or external address that is not Active (a hand-edited store) is left out', () => {
    const edited = structuredClone(lab)
    edited.nats[0].staticMappings[0].active = false
    edited.nats[0].externalAddresses[0].active = false
    const snapshot = networkConfigOf(edited)
    assert.deepEqual(snapshot.nats[0].staticMappings.map((m) => m.id), [1])
    assert.deepEqual(snapshot.nats[0].externalAddresses, [])
    edited.nats[0].active = false
    assert.deepEqual(networkConfigOf(edited).nats.map((n) => n.name), ['ICS (Default Switch)'])
  })
})

describe('networkConfigOf: an External switch on Ethernet', () => {
  test('with sharing: the vNIC carries Ethernet\'s MAC and its IP configuration; Ethernet is bound and no host interface', () => {
    const lab = newLab()
    const sw = newSwitch(lab, {name: 'External', netAdapterName: 'Ethernet'})
    const config = networkConfigOf(lab)
    assert.deepEqual(config.switches[1], {id: sw.id, isDefaultSwitch: false, name: 'External', netAdapterName: 'Ethernet', switchType: 'External'})
    assert.equal(config.physicalAdapters[0].boundSwitchId, sw.id)
    assert.equal(config.physicalAdapters[0].up, true)
    assert.equal(config.physicalAdapters[1].boundSwitchId, null)
    assert.deepEqual(config.hostInterfaces.map((h) => h.alias), ['Wi-Fi', 'vEthernet (Default Switch)', 'vEthernet (External)'])
    assert.deepEqual(config.hostInterfaces[2], {
      addresses: [{address: ip('10.0.0.23'), prefixLength: 24}],
      alias: 'vEthernet (External)',
      attachment: {features: untaggedHostPort('vEthernet (External)'), kind: 'vnic', switchId: sw.id},
      defaultGateway: ip('10.0.0.1'),
      dhcp: true,
      forwarding: false,
      ifIndex: 24,
      macAddress: mac('001B21545F3E'),
    })
  })

  test('without sharing: the host has no interface on Ethernet at all', () => {
    const lab = newLab()
    const sw = newSwitch(lab, {allowManagementOS: false, name: 'External', netAdapterName: 'Ethernet'})
    const config = networkConfigOf(lab)
    assert.equal(config.physicalAdapters[0].boundSwitchId, sw.id)
    assert.deepEqual(config.hostInterfaces.map((h) => h.alias), ['Wi-Fi', 'vEthernet (Default Switch)'])
    setSwitch(lab, 'External', {type: 'private'})
    assert.deepEqual(networkConfigOf(lab).hostInterfaces.map((h) => h.alias), ['Ethernet', 'Wi-Fi', 'vEthernet (Default Switch)'])
  })

  test('a disabled or unplugged adapter is not up; its port-security limit is carried', () => {
    const lab = newLab()
    lab.host.adapters[0].adminStatus = 'disabled'
    lab.host.adapters[1].network = null
    lab.host.adapters[1].portSecurityMaxMacs = 1
    const [ethernet, wifi] = networkConfigOf(lab).physicalAdapters
    assert.deepEqual([ethernet.up, ethernet.network?.prefix], [false, prefix('10.0.0.0/24')])
    assert.deepEqual([wifi.up, wifi.network, wifi.portSecurityMaxMacs], [false, null, 1])
  })
})

describe('networkConfigOf: port features', () => {
  function vlanLab(): Lab {
    const lab = newLab()
    newSwitch(lab, {name: 'Trunked', type: 'internal'})
    newVm(lab, {generation: 2, name: 'v'})
    for (const name of ['trunk', 'isolated', 'community', 'promiscuous']) addAdapter(lab, findVm(lab, 'v'), {name})
    setVlan(lab, 'v', 'Network Adapter', {access: true, vlanId: '10'})
    setVlan(lab, 'v', 'trunk', {allowedVlanIdList: '1-100,200', nativeVlanId: '1', trunk: true})
    setVlan(lab, 'v', 'isolated', {isolated: true, primaryVlanId: '100', secondaryVlanId: '101'})
    setVlan(lab, 'v', 'community', {community: true, primaryVlanId: '100', secondaryVlanId: '102'})
    setVlan(lab, 'v', 'promiscuous', {primaryVlanId: '100', promiscuous: true, secondaryVlanIdList: '101-103,110'})
    setManagementOsVlan(lab, 'Trunked', {access: true, vlanId: '5'})
    return lab
  }

  test('every VLAN mode: access, trunk ranges with the native VLAN, the three private VLAN modes; a host vNIC\'s own VLAN', () => {
    const config = networkConfigOf(vlanLab())
    assert.deepEqual(config.vms[0].adapters.map((a) => a.features.vlan), [
      {accessVlanId: 10, mode: 'access'},
      {allowedVlanIds: [[1, 100], [200, 200]], mode: 'trunk', nativeVlanId: 1},
      {mode: 'private', primaryVlanId: 100, privateVlanMode: 'isolated', secondaryVlanIds: [101]},
      {mode: 'private', primaryVlanId: 100, privateVlanMode: 'community', secondaryVlanIds: [102]},
      {mode: 'private', primaryVlanId: 100, privateVlanMode: 'promiscuous', secondaryVlanIds: [101, 102, 103, 110]},
    ])
    assert.deepEqual(config.hostInterfaces.at(-1)?.attachment, {features: {...untaggedHostPort('vEthernet (Trunked)'), vlan: {accessVlanId: 5, mode: 'access'}}, kind: 'vnic', switchId: findSwitch(vlanLab(), 'Trunked').id})
  })

  test('port ACLs: one entry per stored entry, local or remote by applicability, ANY as any-ip / any-mac, refs by list-acls row', () => {
    const lab = newLab()
    newVm(lab, {name: 'web'})
    addAcl(lab, 'web', 'Network Adapter', {action: 'allow', direction: 'both', remoteIp: '10.0.0.0/8'})
    addAcl(lab, 'web', 'Network Adapter', {action: 'deny', direction: 'both', remoteIp: 'ANY'})
    addAcl(lab, 'web', 'Network Adapter', {action: 'deny', direction: 'inbound', localMac: '00-ab-00-11-22-33'})
    addAcl(lab, 'web', 'Network Adapter', {action: 'allow', direction: 'outbound', remoteMac: 'any'})
    addAcl(lab, 'web', 'Network Adapter', {action: 'meter', direction: 'outbound', localIp: '192.168.7.9'})
    const {acls} = networkConfigOf(lab).vms[0].adapters[0].features
    const ref = (i: number) => `vm web/Network Adapter.acl[${i}]`
    assert.deepEqual(acls, [
      {action: 'allow', direction: 'inbound', local: null, ref: ref(0), remote: {kind: 'ip', prefix: prefix('10.0.0.0/8')}},
      {action: 'allow', direction: 'outbound', local: null, ref: ref(1), remote: {kind: 'ip', prefix: prefix('10.0.0.0/8')}},
      {action: 'deny', direction: 'inbound', local: null, ref: ref(2), remote: {kind: 'any-ip'}},
      {action: 'deny', direction: 'outbound', local: null, ref: ref(3), remote: {kind: 'any-ip'}},
      {action: 'deny', direction: 'inbound', local: {kind: 'mac', mac: mac('00AB00112233')}, ref: ref(4), remote: null},
      {action: 'allow', direction: 'outbound', local: null, ref: ref(5), remote: {kind: 'any-mac'}},
      {action: 'meter', direction: 'outbound', local: {kind: 'ip', prefix: prefix('192.168.7.9/32')}, ref: ref(6), remote: null},
    ])
    // The index is the entry's row among the adapter's rows of `vm list-acls`: the stored order.
    const stored = findVm(lab, 'web').networkAdapters[0].acls
    assert.deepEqual(stored.map((e) => `${e.direction} ${e.action}`), acls.map((e) => `${e.direction[0].toUpperCase()}${e.direction.slice(1)} ${e.action[0].toUpperCase()}${e.action.slice(1)}`))
  })

  test('extended ACLs in evaluation order: protocol numbers, port ranges, ANY as null, stateful timeouts', () => {
    const lab = newLab()
    newVm(lab, {name: 'web'})
    addExtendedAcl(lab, 'web', 'Network Adapter', {action: 'deny', direction: 'inbound', weight: 1})
    addExtendedAcl(lab, 'web', 'Network Adapter', {action: 'allow', direction: 'inbound', localPort: '80', protocol: 'TCP', remoteIp: '203.0.113.0/24', weight: 10})
    addExtendedAcl(lab, 'web', 'Network Adapter', {action: 'allow', direction: 'outbound', idleSessionTimeout: 3600, localIp: '192.168.0.10', protocol: 'udp', remotePort: '49152-49182', stateful: true, weight: 5})
    addExtendedAcl(lab, 'web', 'Network Adapter', {action: 'allow', direction: 'inbound', protocol: '1', weight: 5})
    const ref = (i: number) => `vm web/Network Adapter.extendedAcl[${i}]`
    assert.deepEqual(networkConfigOf(lab).vms[0].adapters[0].features.extendedAcls, [
      {action: 'allow', direction: 'inbound', idleSessionTimeoutS: 255, local: null, localPorts: [80, 80], protocol: 6, ref: ref(0), remote: prefix('203.0.113.0/24'), remotePorts: null, stateful: false, weight: 10},
      {action: 'allow', direction: 'inbound', idleSessionTimeoutS: 255, local: null, localPorts: null, protocol: 1, ref: ref(1), remote: null, remotePorts: null, stateful: false, weight: 5},
      {action: 'deny', direction: 'inbound', idleSessionTimeoutS: 255, local: null, localPorts: null, protocol: null, ref: ref(2), remote: null, remotePorts: null, stateful: false, weight: 1},
      {action: 'allow', direction: 'outbound', idleSessionTimeoutS: 3600, local: prefix('192.168.0.10/32'), localPorts: null, protocol: 17, ref: ref(3), remote: null, remotePorts: [49_152, 49_182], stateful: true, weight: 5},
    ])
  })

  test('guards, MAC spoofing and port mirroring', () => {
    const lab = newLab()
    newVm(lab, {name: 'router'})
    setAdapter(lab, 'router', 'Network Adapter', {dhcpGuard: true, macAddressSpoofing: true, portMirroringMode: 'Source', routerGuard: true})
    const {features} = networkConfigOf(lab).vms[0].adapters[0]
    assert.deepEqual([features.dhcpGuard, features.macAddressSpoofing, features.portMirroring, features.routerGuard], [true, true, 'source', true])
    setAdapter(lab, 'router', 'Network Adapter', {portMirroringMode: 'Destination'})
    assert.equal(networkConfigOf(lab).vms[0].adapters[0].features.portMirroring, 'destination')
  })
})

describe('networkConfigOf: VMs that are off', () => {
  test('a stopped VM is not running; a dynamic adapter before the first start has MAC 0, a static one its MAC; not connected is null', () => {
    const lab = newLab()
    newVm(lab, {name: 'db', switchName: 'Default Switch'})
    addAdapter(lab, findVm(lab, 'db'), {name: 'static', staticMac: '00-15-5D-AA-BB-CC'})
    const [vm] = networkConfigOf(lab).vms
    assert.equal(vm.running, false)
    assert.deepEqual(vm.guest, {firewall: false, listen: [{port: 22, protocol: 'tcp'}, {port: 80, protocol: 'tcp'}], os: 'linux'})
    assert.deepEqual(vm.adapters.map((a) => [a.key, a.macAddress, a.switchId, a.ip]), [
      ['db/Network Adapter', 0, DEFAULT_SWITCH_ID, {mode: 'dhcp'}],
      ['db/static', mac('00155DAABBCC'), null, {mode: 'dhcp'}],
    ])
  })
})

describe("networkConfigOf: the snapshot's AdapterIndex, read in place", () => {
  /** Adapters of every kind the index tells apart: VLAN modes, guards, ACLs, mirroring, DHCP, off, unconnected, two per VM. */
  function mixedLab(): Lab {
    const lab = newLab()
    newSwitch(lab, {name: 'S1', type: 'internal'})
    newSwitch(lab, {name: 'S2', type: 'private'})
    newVm(lab, {generation: 2, name: 'v', switchName: 'S1'})
    for (const name of ['trunk', 'isolated', 'access', 'spoof', 'guard', 'mirror', 'acl', 'xacl', 'loose']) addAdapter(lab, findVm(lab, 'v'), {name, switchName: name === 'loose' ? undefined : name === 'acl' ? 'S2' : 'S1'})
    setVlan(lab, 'v', 'trunk', {allowedVlanIdList: '1-100,200', nativeVlanId: '1', trunk: true})
    setVlan(lab, 'v', 'isolated', {isolated: true, primaryVlanId: '100', secondaryVlanId: '101'})
    setVlan(lab, 'v', 'access', {access: true, vlanId: '10'})
    setAdapter(lab, 'v', 'spoof', {macAddressSpoofing: true})
    setAdapter(lab, 'v', 'guard', {dhcpGuard: true})
    setAdapter(lab, 'v', 'mirror', {portMirroringMode: 'Source'})
    addAcl(lab, 'v', 'acl', {action: 'deny', direction: 'inbound', remoteIp: '10.0.0.0/8'})
    addExtendedAcl(lab, 'v', 'xacl', {action: 'allow', direction: 'outbound', weight: 10})
    setGuestIp(lab, 'v', 'access', {address: '192.168.5.7/24', gateway: '192.168.5.1'})
    startVm(lab, 'v')
    newVm(lab, {generation: 2, name: 'off', switchName: 'S2'})
    setGuestIp(lab, 'off', 'Network Adapter', {address: '192.168.5.8/24'})
    newVm(lab, {generation: 2, name: 'dhcp', switchName: 'S1'})
    startVm(lab, 'dhcp')
    return parseLab(serializeLab(lab), 'lab.json')
  }

  test('it answers what an index over the converted VMs answers, converting only the VMs asked for', () => {
    const lab = mixedLab()
    const config = networkConfigOf(lab)
    const index = config.adapterIndex!
    // A copy has no index of its own (it is not enumerable): the engine derives one from `vms`.
    const derived = adapterIndexOf({...config})
    assert.equal(config.adapterIndex, index)
    assert.equal(index.count, 12)
    assert.equal(derived.count, 12)
    const switches = [...config.switches.map((s) => s.id)]
    for (let i = 0; i < index.count; i++) {
      const key = derived.key(i)
      assert.equal(index.key(i), key)
      assert.equal(index.find(key), i, key)
      assert.equal(index.switchId(i), derived.switchId(i), key)
      assert.equal(index.running(i), derived.running(i), key)
      assert.equal(index.macAddress(i), derived.macAddress(i), key)
      assert.equal(index.hasMacAddress(i, derived.macAddress(i)), true, key)
      assert.equal(index.hasMacAddress(i, derived.macAddress(i) + 1), false, key)
      assert.equal(index.plainVid(i), derived.plainVid(i), key)
      for (const id of switches) assert.equal(index.vidOn(i, id), derived.vidOn(i, id), `${key} on ${id}`)
      for (const address of [ip('192.168.5.7'), ip('192.168.5.8'), ip('192.168.5.70'), ip('192.168.5.1')]) assert.equal(index.hasStaticAddress(i, address), derived.hasStaticAddress(i, address), key)
      assert.deepEqual(index.adapter(i), derived.adapter(i), key)
    }
    assert.equal(index.find('v/nothing'), -1)
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => index.plainVid(i)), [0, -1, -1, 10, -1, -1, -1, -1, -1, 0])
    assert.equal(index.hasStaticAddress(3, ip('192.168.5.7')), true)
  })

  test('a VM is converted once, the first time it is asked for, and is the one `vms` holds', () => {
    const config = networkConfigOf(mixedLab())
    const index = config.adapterIndex!
    const dhcp = index.vm(11)
    assert.equal(dhcp.name, 'dhcp')
    assert.equal(index.vm(11), dhcp)
    assert.equal(config.vms[2], dhcp)
    assert.equal(index.adapter(3), config.vms[0].adapters[3])
  })
})
