// Labs built through the model's functions, for the lab-file and lint tests.
import type {Lab} from '../../src/model/schema.js'

import {addCheck, checkFromFile} from '../../src/model/checks.js'
import {addPhysicalAdapter, setPhysicalAdapter} from '../../src/model/host.js'
import {addIpAddress, setIpInterface} from '../../src/model/ip.js'
import {newLab} from '../../src/model/lab.js'
import {addExternalAddress, addStaticMapping, enableNat, removeStaticMappings, setNat} from '../../src/model/nat.js'
import {checkLabShape} from '../../src/model/schema.js'
import {addAcl, addAdapter, addExtendedAcl, findVm, newVm, setAdapter, setGuest, setGuestIp, setVlan, startVm, stopVm} from '../../src/model/vm.js'
import {addManagementOsAdapter, newSwitch, renameSwitch} from '../../src/model/vswitch.js'
import {restartHost} from '../../src/model/vswitch.js'
import {setManagementOsVlan} from '../../src/model/vm.js'

/** As the store holds it: parsed by the schema, keys in schema order. */
export function stored(lab: Lab): Lab {
  const shape = checkLabShape(lab)
  if ('problem' in shape) throw new Error(shape.problem)
  return shape.lab
}

/**
 * Every kind of object and setting a lab file carries: a renamed switch (its vNIC keeps the old
 * alias), Private and External switches (one without sharing), extra vNICs with VLANs, trunk and
 * PVLAN ports, ACLs, a static MAC, a legacy adapter, a VM started then stopped (it keeps its pool
 * MACs), a disconnected adapter, a NAT with ID gaps, a restart, checks.
 */
export function richLab(): Lab {
  const lab = newLab(77)
  addPhysicalAdapter(lab, {gateway: '172.30.0.254', ip: '172.30.0.5/24', kind: 'wired', linkSpeedBps: 10_000_000_000, name: 'Ethernet 2', staticIp: true})
  setPhysicalAdapter(lab, 'Ethernet 2', {portSecurityMaxMacs: 8})
  addPhysicalAdapter(lab, {kind: 'wired', name: 'Ethernet 3'})
  setPhysicalAdapter(lab, 'Ethernet 3', {status: 'disabled'})
  newSwitch(lab, {name: 'Old', notes: 'renamed later', type: 'internal'})
  renameSwitch(lab, 'Old', 'NATSwitch')
  addIpAddress(lab, {interfaceAlias: 'vEthernet (Old)'}, {ipAddress: '192.168.0.1', prefixLength: 24})
  setIpInterface(lab, {interfaceAlias: 'vEthernet (Old)'}, {forwarding: true})
  newSwitch(lab, {name: 'Isolated', type: 'private'})
  newSwitch(lab, {name: 'Lab', netAdapterName: 'Ethernet 2'})
  newSwitch(lab, {allowManagementOS: false, name: 'VMsOnly', netAdapterName: 'Ethernet'})
  addManagementOsAdapter(lab, 'Lab', 'Storage')
  setManagementOsVlan(lab, 'Storage', {access: true, vlanId: '30'})
  enableNat(lab, {internalPrefix: '192.168.0.0/24', name: 'MyNATnetwork'})
  setNat(lab, 'MyNATnetwork', {tcpFilteringBehavior: 'EndpointIndependentFiltering', udpIdleSessionTimeout: 300})
  addStaticMapping(lab, {externalIPAddress: '0.0.0.0', externalPort: 2222, internalIPAddress: '192.168.0.10', internalPort: 22, natName: 'MyNATnetwork', protocol: 'TCP'})
  addStaticMapping(lab, {externalIPAddress: '0.0.0.0', externalPort: 8080, internalIPAddress: '192.168.0.10', internalPort: 80, natName: 'MyNATnetwork', protocol: 'TCP', remoteExternalIPAddressPrefix: '10.0.0.0/24'})
  removeStaticMappings(lab, 'MyNATnetwork', [0])
  addExternalAddress(lab, {ipAddress: '10.0.0.23', natName: 'MyNATnetwork', portEnd: 40000, portStart: 30000})
  newVm(lab, {generation: 2, name: 'web', switchName: 'NATSwitch'})
  setGuestIp(lab, 'web', 'Network Adapter', {address: '192.168.0.10/24', dns: ['192.168.0.1'], gateway: '192.168.0.1'})
  addAcl(lab, 'web', 'Network Adapter', {action: 'deny', direction: 'both', remoteIp: '10.0.0.0/8'})
  addAcl(lab, 'web', 'Network Adapter', {action: 'allow', direction: 'inbound', remoteMac: '00-15-5D-00-00-01'})
  addExtendedAcl(lab, 'web', 'Network Adapter', {action: 'allow', direction: 'inbound', localPort: '80', protocol: 'tcp', weight: 10})
  addExtendedAcl(lab, 'web', 'Network Adapter', {action: 'allow', direction: 'outbound', idleSessionTimeout: 600, stateful: true, weight: 5})
  setGuest(lab, 'web', {listen: 'tcp/80,udp/53'})
  addAdapter(lab, findVm(lab, 'web'), {name: 'Trunk', switchName: 'Lab'})
  setVlan(lab, 'web', 'Trunk', {allowedVlanIdList: '10-20,30', nativeVlanId: '10', trunk: true})
  setAdapter(lab, 'web', 'Trunk', {dhcpGuard: true, macAddressSpoofing: true, maximumBandwidth: 100_000_000, portMirroringMode: 'Source', routerGuard: true})
  startVm(lab, 'web')
  newVm(lab, {name: 'legacy', switchName: 'Isolated'})
  addAdapter(lab, findVm(lab, 'legacy'), {legacy: true, name: 'Boot', staticMac: '00-15-5D-AA-BB-CC'})
  setVlan(lab, 'legacy', 'Network Adapter', {isolated: true, primaryVlanId: '100', secondaryVlanId: '201'})
  addAdapter(lab, findVm(lab, 'legacy'), {name: 'Spare'})
  setGuest(lab, 'legacy', {firewall: true, os: 'windows'})
  startVm(lab, 'legacy')
  stopVm(lab, 'legacy')
  newVm(lab, {name: 'promisc', switchName: 'Isolated'})
  setVlan(lab, 'promisc', 'Network Adapter', {primaryVlanId: '100', promiscuous: true, secondaryVlanIdList: '200-201'})
  restartHost(lab)
  addCheck(lab, checkFromFile({expect: 'replied', from: 'web', to: 'internet', via: ['MyNATnetwork']}))
  addCheck(lab, checkFromFile({expect: 'dropped', from: 'internet', name: 'no SSH from outside', port: 22, protocol: 'tcp', reason: 'nat-no-mapping', to: '10.0.0.23'}))
  return stored(lab)
}
