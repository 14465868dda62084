// Test support for buildNetwork (not a test file): small NetworkConfig snapshots built directly,
// the way src/model will produce them, and a StackEvent collector.
import type {HostInterfaceConfig, NetworkConfig, PhysicalAdapterConfig, PortFeatures, SwitchConfig, VmConfig} from '../config.js'
import type {StackEvent} from '../ip/stack.js'
import {adapterConfig, ip} from './lan.js'

export const ETH_MAC = 0x001b_2100_0001
export const WIFI_MAC = 0x985f_d300_0001

export function portFeatures(ref: string, over: Partial<PortFeatures> = {}): PortFeatures {
  return {macAddressSpoofing: false, dhcpGuard: false, routerGuard: false, portMirroring: 'none', vlan: {mode: 'untagged'}, acls: [], extendedAcls: [], ref, ...over}
}

/** The LAN tests' wired adapter (testing/lan.ts), MAC ETH_MAC. */
export function lanAdapter(over: Partial<PhysicalAdapterConfig> = {}): PhysicalAdapterConfig {
  return adapterConfig({macAddress: ETH_MAC, ...over})
}

export function vm(name: string, over: {mac: number; switchId: string | null; address?: string; running?: boolean; spoofing?: boolean}): VmConfig {
  const key = `${name}/Network Adapter`
  return {
    name,
    running: over.running ?? true,
    guest: {os: 'linux', firewall: false, listen: [{protocol: 'tcp', port: 22}, {protocol: 'tcp', port: 80}]},
    adapters: [
      {
        key,
        vmName: name,
        name: 'Network Adapter',
        macAddress: over.mac,
        switchId: over.switchId,
        features: portFeatures(`vm ${key}`, {macAddressSpoofing: over.spoofing ?? false}),
        ip: over.address === undefined ? {mode: 'dhcp'} : {mode: 'static', address: ip(over.address), prefixLength: 24, gateway: ip(over.address.replace(/\.\d+$/, '.1')), dns: []},
      },
    ],
  }
}

/**
 * The laptop with an External switch `External` on `adapter` (management OS sharing on: the host's
 * `vEthernet (External)` carries the adapter's MAC and 192.168.1.40/24), and the given VMs.
 */
export function externalLab(adapter: PhysicalAdapterConfig, vms: VmConfig[], seed = 2017): NetworkConfig {
  const sw: SwitchConfig = {id: 'sw-ext', name: 'External', switchType: 'External', netAdapterName: adapter.name, isDefaultSwitch: false}
  const vnic: HostInterfaceConfig = {
    alias: 'vEthernet (External)',
    ifIndex: 24,
    macAddress: adapter.macAddress,
    attachment: {kind: 'vnic', switchId: sw.id, features: portFeatures('host vEthernet (External)')},
    addresses: [{address: ip('192.168.1.40'), prefixLength: 24}],
    defaultGateway: ip('192.168.1.1'),
    dhcp: false,
    forwarding: false,
  }
  return {seed, switches: [sw], vms, hostInterfaces: [vnic], physicalAdapters: [{...adapter, boundSwitchId: sw.id}], nats: [], dhcpScopes: []}
}

/** Collects a stack's events. */
export function events(stack: {on(l: (e: StackEvent) => void): unknown}): StackEvent[] {
  const out: StackEvent[] = []
  stack.on((e) => out.push(e))
  return out
}
