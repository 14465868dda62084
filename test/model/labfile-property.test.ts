// Property: any lab the configuration commands can build round-trips through a lab file exactly.
// Random sequences of commands (refused ones are dropped, as transact() drops them) build a lab;
// export → apply into an empty store must give the same store bytes and the same file.
import fc from 'fast-check'
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import type {Lab} from '../../src/model/schema.js'

import {HvnetError} from '../../src/model/errors.js'
import {addPhysicalAdapter, setPhysicalAdapter} from '../../src/model/host.js'
import {addIpAddress, removeIpAddress, setIpInterface} from '../../src/model/ip.js'
import {emptyLab, newLab} from '../../src/model/lab.js'
import {exportLab, planApply} from '../../src/model/labfile.js'
import {addExternalAddress, addStaticMapping, disableNat, enableNat, setNat} from '../../src/model/nat.js'
import {serializeLab} from '../../src/model/store.js'
import {addAcl, addAdapter, addExtendedAcl, connectAdapter, disconnectAdapter, findVm, newVm, removeAdapter, removeVm, renameAdapter, renameVm, setAdapter, setGuest, setGuestIp, setManagementOsVlan, setVlan, startVm, stopVm} from '../../src/model/vm.js'
import {addManagementOsAdapter, newSwitch, removeManagementOsAdapter, removeSwitch, renameSwitch, restartHost, setSwitch} from '../../src/model/vswitch.js'
import {stored} from './labs.js'

const SWITCHES = ['A', 'B', 'C']
const VMS = ['v1', 'v2', 'v3']
const NICS = ['Network Adapter', 'n2']
const ADAPTERS = ['Ethernet', 'Wi-Fi', 'Ethernet 2']

const pick = <T>(items: readonly T[]) => fc.constantFrom(...items)

type Op = (lab: Lab) => unknown

/** Commands that create things come more often, so that the others find something to act on. */
const creating: fc.Arbitrary<Op>[] = [
  fc.tuple(pick(SWITCHES), pick(['internal', 'private'] as const)).map(([name, type]) => (lab: Lab) => newSwitch(lab, {name, type})),
  fc.tuple(pick(VMS), pick([...SWITCHES, undefined]), pick([1, 2] as const)).map(([name, sw, generation]) => (lab: Lab) => newVm(lab, {generation, name, switchName: sw})),
  fc.tuple(pick(SWITCHES), fc.integer({max: 9, min: 0})).map(([sw, n]) => (lab: Lab) => addIpAddress(lab, {interfaceAlias: `vEthernet (${sw})`}, {ipAddress: `192.168.${n}.1`, prefixLength: 24})),
  pick(VMS).map((name) => (lab: Lab) => startVm(lab, name)),
]

const ops: fc.Arbitrary<Op>[] = [
  fc.tuple(pick(SWITCHES), pick(ADAPTERS), fc.boolean()).map(([name, adapter, share]) => (lab: Lab) => newSwitch(lab, {allowManagementOS: share, name, netAdapterName: adapter})),
  fc.tuple(pick(SWITCHES), pick(['internal', 'private', 'external'] as const), pick(ADAPTERS)).map(([name, type, adapter]) => (lab: Lab) => setSwitch(lab, name, type === 'external' ? {netAdapterName: adapter} : {type})),
  fc.tuple(pick(SWITCHES), pick(SWITCHES)).map(([a, b]) => (lab: Lab) => renameSwitch(lab, a, `${b}x`)),
  pick(SWITCHES).map((name) => (lab: Lab) => removeSwitch(lab, name, true)),
  fc.tuple(pick(SWITCHES), pick(['SMB', 'Mgmt'])).map(([sw, name]) => (lab: Lab) => addManagementOsAdapter(lab, sw, name)),
  fc.tuple(pick(['SMB', 'Mgmt', 'A', 'B']), fc.integer({max: 40, min: 2})).map(([name, vlan]) => (lab: Lab) => setManagementOsVlan(lab, name, {access: true, vlanId: String(vlan)})),
  fc.tuple(pick(SWITCHES), fc.integer({max: 9, min: 0})).map(([sw, n]) => (lab: Lab) => addIpAddress(lab, {interfaceAlias: `vEthernet (${sw})`}, {ipAddress: `192.168.${n}.1`, prefixLength: 24})),
  fc.tuple(pick(SWITCHES), fc.integer({max: 9, min: 0})).map(([sw, n]) => (lab: Lab) => removeIpAddress(lab, {interfaceAlias: `vEthernet (${sw})`}, `192.168.${n}.1`)),
  // The host's own addresses, which a shared External switch's vNIC takes over from its adapter.
  fc.tuple(pick([...SWITCHES.map((s) => `vEthernet (${s})`), ...ADAPTERS]), pick(['10.0.0.23', '192.168.1.40', '172.20.0.9'])).map(([alias, ip]) => (lab: Lab) => removeIpAddress(lab, {interfaceAlias: alias}, ip)),
  pick([...SWITCHES.map((s) => `vEthernet (${s})`), 'Ethernet']).map((alias) => (lab: Lab) => setIpInterface(lab, {interfaceAlias: alias}, {forwarding: true})),
  fc.constant((lab: Lab) => addPhysicalAdapter(lab, {gateway: '172.20.0.1', ip: '172.20.0.9/24', kind: 'wired', name: 'Ethernet 2'})),
  fc.tuple(pick(ADAPTERS), fc.integer({max: 4, min: 1})).map(([name, n]) => (lab: Lab) => setPhysicalAdapter(lab, name, {portSecurityMaxMacs: n, status: n === 4 ? 'disabled' : 'enabled'})),
  pick(ADAPTERS).map((name) => (lab: Lab) => setPhysicalAdapter(lab, name, {disconnect: true})),
  fc.integer({max: 9, min: 0}).map((n) => (lab: Lab) => enableNat(lab, {internalPrefix: `192.168.${n}.0/24`, name: 'NAT'})),
  fc.constant((lab: Lab) => disableNat(lab, 'NAT')),
  fc.tuple(fc.integer({max: 9, min: 0}), fc.integer({max: 9000, min: 8000})).map(([n, port]) => (lab: Lab) => addStaticMapping(lab, {externalIPAddress: '0.0.0.0', externalPort: port, internalIPAddress: `192.168.${n}.10`, natName: 'NAT', protocol: 'TCP'})),
  fc.tuple(pick(VMS), pick([...SWITCHES, undefined]), pick([1, 2] as const)).map(([name, sw, generation]) => (lab: Lab) => newVm(lab, {generation, name, switchName: sw})),
  fc.tuple(pick(VMS), pick(VMS)).map(([a, b]) => (lab: Lab) => renameVm(lab, a, `${b}r`)),
  pick(VMS).map((name) => (lab: Lab) => removeVm(lab, name, true)),
  fc.tuple(pick(VMS), pick(NICS), pick([...SWITCHES, undefined]), fc.boolean()).map(([vm, nic, sw, legacy]) => (lab: Lab) => addAdapter(lab, findVm(lab, vm), {legacy, name: nic, switchName: sw})),
  fc.tuple(pick(VMS), pick(NICS)).map(([vm, nic]) => (lab: Lab) => removeAdapter(lab, vm, nic)),
  fc.tuple(pick(VMS), pick(NICS), pick(SWITCHES)).map(([vm, nic, sw]) => (lab: Lab) => connectAdapter(lab, vm, nic, sw)),
  fc.tuple(pick(VMS), pick(NICS)).map(([vm, nic]) => (lab: Lab) => disconnectAdapter(lab, vm, nic)),
  fc.tuple(pick(VMS), pick(NICS)).map(([vm, nic]) => (lab: Lab) => renameAdapter(lab, vm, nic, `${nic}-r`)),
  fc.tuple(pick(VMS), pick(NICS), fc.boolean(), fc.option(fc.integer({max: 255, min: 1}))).map(([vm, nic, spoof, mac]) => (lab: Lab) => setAdapter(lab, vm, nic, {macAddressSpoofing: spoof, ...(mac === null ? {dynamicMac: true} : {staticMac: `00155DEE00${mac.toString(16).padStart(2, '0')}`})})),
  fc.tuple(pick(VMS), pick(NICS), fc.integer({max: 20, min: 1})).map(([vm, nic, vlan]) => (lab: Lab) => setVlan(lab, vm, nic, vlan > 15 ? {allowedVlanIdList: `1-${vlan}`, nativeVlanId: '1', trunk: true} : {access: true, vlanId: String(vlan)})),
  fc.tuple(pick(VMS), pick(NICS), fc.integer({max: 9, min: 0})).map(([vm, nic, n]) => (lab: Lab) => setGuestIp(lab, vm, nic, {address: `192.168.${n}.${20 + n}/24`, gateway: `192.168.${n}.1`})),
  pick(VMS).map((name) => (lab: Lab) => startVm(lab, name)),
  pick(VMS).map((name) => (lab: Lab) => stopVm(lab, name)),
  fc.constant((lab: Lab) => restartHost(lab)),
  fc.tuple(pick(VMS), pick(NICS), pick(['allow', 'deny'] as const), pick(['inbound', 'both'] as const), pick(['10.0.0.0/8', 'ANY', '00-15-5D-00-00-01'])).map(([vm, nic, action, direction, address]) => (lab: Lab) => addAcl(lab, vm, nic, {action, direction, ...(address.includes('-') ? {remoteMac: address} : {remoteIp: address})})),
  fc.tuple(pick(VMS), pick(NICS), fc.integer({max: 5, min: 1}), fc.boolean()).map(([vm, nic, weight, stateful]) => (lab: Lab) => addExtendedAcl(lab, vm, nic, stateful ? {action: 'allow', direction: 'outbound', idleSessionTimeout: 60 * weight, stateful, weight} : {action: 'deny', direction: 'inbound', localPort: `${weight}000-${weight}100`, protocol: 'udp', remoteIp: '10.1.0.0/16', weight})),
  fc.tuple(pick(VMS), pick(['linux', 'windows'] as const), fc.boolean()).map(([vm, os, listen]) => (lab: Lab) => setGuest(lab, vm, {os, ...(listen ? {listen: 'udp/67,tcp/443'} : {})})),
  fc.tuple(pick(VMS), pick(NICS), pick(['Isolated', 'Community', 'Promiscuous'] as const)).map(([vm, nic, mode]) => (lab: Lab) => setVlan(lab, vm, nic, mode === 'Promiscuous' ? {primaryVlanId: '100', promiscuous: true, secondaryVlanIdList: '200-202'} : {[mode.toLowerCase()]: true, primaryVlanId: '100', secondaryVlanId: mode === 'Isolated' ? '201' : '202'})),
  fc.integer({max: 600, min: 31}).map((timeout) => (lab: Lab) => setNat(lab, 'NAT', {icmpQueryTimeout: timeout, udpFilteringBehavior: 'EndpointIndependentFiltering', udpInboundRefresh: true})),
  fc.integer({max: 3, min: 0}).map((n) => (lab: Lab) => addExternalAddress(lab, {ipAddress: '10.0.0.23', natName: 'NAT', portEnd: 2000 + n * 100 + 99, portStart: 2000 + n * 100})),
  fc.tuple(pick(ADAPTERS), fc.integer({max: 40, min: 30})).map(([name, n]) => (lab: Lab) => setPhysicalAdapter(lab, name, {gateway: `10.${n}.0.1`, ip: `10.${n}.0.7/24`, staticIp: n % 2 === 0})),
  pick(['SMB', 'Mgmt']).map((name) => (lab: Lab) => removeManagementOsAdapter(lab, name)),
]

/** Runs the commands on a copy each, keeping only those the rules accept (as transact() does). */
function build(commands: Op[], seed: number): Lab {
  let lab = newLab(seed)
  for (const command of commands) {
    const draft = structuredClone(lab)
    try {
      command(draft)
      lab = draft
    } catch (error) {
      if (!(error instanceof HvnetError)) throw error
    }
  }
  return stored(lab)
}

describe('lab files round-trip every lab the commands build (property)', () => {
  test('export, then apply into an empty store: the same store bytes and the same file; without assigned it builds too, and every second apply changes nothing', () => {
    const command = fc.oneof(...creating.map((arbitrary) => ({arbitrary, weight: 8})), ...ops.map((arbitrary) => ({arbitrary, weight: 1})))
    fc.assert(fc.property(fc.array(command, {maxLength: 80, minLength: 30}), fc.integer({max: 1000, min: 0}), (commands, seed) => {
      const lab = build(commands, seed)
      const file = exportLab(lab)
      const plan = planApply(emptyLab(), false, structuredClone(file), false)
      assert.deepEqual(plan.problems, [])
      assert.equal(serializeLab(plan.lab!), serializeLab(lab))
      assert.deepEqual(exportLab(plan.lab!), file)
      const again = planApply(lab, true, file, false)
      assert.deepEqual(again.changes, [])
      assert.equal(again.storeChanges, false)
      // A file without `assigned` (as hand-written) takes the store's generated values: no changes.
      const bare = structuredClone(file)
      delete bare.assigned
      const handWritten = planApply(lab, true, bare, false)
      assert.deepEqual(handWritten.problems, [])
      assert.equal(serializeLab(handWritten.lab!), serializeLab(lab))
      // Into an empty store, the same file builds (with fresh generated values), and a second apply is idempotent.
      const fresh = planApply(emptyLab(), false, bare, false)
      assert.deepEqual(fresh.problems, [])
      const second = planApply(fresh.lab!, true, bare, false)
      assert.deepEqual(second.changes, [])
      assert.equal(second.storeChanges, false)
    }), {numRuns: 150, seed: 20261125})
  })
})
