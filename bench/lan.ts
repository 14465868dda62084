// buildNetwork's cost (issue 7): the time to build the running network of a lab of N running VMs
// (1,024 and smaller, to show it grows linearly), spread over an External switch on the wired
// adapter, an Internal NAT switch, the Default Switch with its DHCP scope and a Private switch; and
// the time to gather and restore its runtime state. Figures only, never asserted.
import type {HostInterfaceConfig, NetworkConfig, PortFeatures, SwitchConfig, VmConfig} from '../src/engine/config.js'
import {buildNetwork} from '../src/engine/network.js'
import {median} from './support.js'

const features = (ref: string): PortFeatures => ({macAddressSpoofing: false, dhcpGuard: false, routerGuard: false, portMirroring: 'none', vlan: {mode: 'untagged'}, acls: [], extendedAcls: [], ref})
const ip = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0

function lab(vmCount: number): NetworkConfig {
  const switches: SwitchConfig[] = [
    {id: 'ext', name: 'External', switchType: 'External', netAdapterName: 'Ethernet', isDefaultSwitch: false},
    {id: 'nat', name: 'NATSwitch', switchType: 'Internal', netAdapterName: null, isDefaultSwitch: false},
    {id: 'def', name: 'Default Switch', switchType: 'Internal', netAdapterName: null, isDefaultSwitch: true},
    {id: 'prv', name: 'Private', switchType: 'Private', netAdapterName: null, isDefaultSwitch: false},
  ]
  const vnic = (sw: SwitchConfig, mac: number, address: number, length: number, ifIndex: number): HostInterfaceConfig => ({
    alias: `vEthernet (${sw.name})`,
    ifIndex,
    macAddress: mac,
    attachment: {kind: 'vnic', switchId: sw.id, features: features(`host vEthernet (${sw.name})`)},
    addresses: [{address, prefixLength: length}],
    defaultGateway: null,
    dhcp: false,
    forwarding: true,
  })
  const vms: VmConfig[] = []
  for (let i = 0; i < vmCount; i++) {
    const sw = switches[i % 4]
    const key = `vm${i}/Network Adapter`
    vms.push({
      name: `vm${i}`,
      running: true,
      guest: {os: i % 2 === 0 ? 'linux' : 'windows', firewall: i % 2 === 1, listen: [{protocol: 'tcp', port: 22}, {protocol: 'tcp', port: 80}]},
      adapters: [{key, vmName: `vm${i}`, name: 'Network Adapter', macAddress: 0x00155d000000 + 0x100 + i, switchId: sw.id, features: features(`vm ${key}`), ip: {mode: 'static', address: ip(10, i % 4, (i >> 8) & 255, (i & 255) || 254), prefixLength: 16, gateway: null, dns: []}}],
    })
  }
  return {
    seed: 2017,
    switches,
    vms,
    hostInterfaces: [
      {...vnic(switches[0], 0x001b21000001, ip(192, 168, 1, 40), 24, 12), defaultGateway: ip(192, 168, 1, 1), forwarding: false},
      vnic(switches[1], 0x00155d000001, ip(192, 168, 0, 1), 24, 24),
      vnic(switches[2], 0x00155d000002, ip(172, 20, 16, 1), 20, 21),
    ],
    physicalAdapters: [
      {name: 'Ethernet', kind: 'wired', macAddress: 0x001b21000001, up: true, network: {prefix: {address: ip(192, 168, 1, 0), length: 24}, gateway: ip(192, 168, 1, 1), dhcp: true}, portSecurityMaxMacs: null, boundSwitchId: 'ext'},
      {name: 'Wi-Fi', kind: 'wireless', macAddress: 0x985fd3000001, up: true, network: {prefix: {address: ip(10, 99, 0, 0), length: 24}, gateway: ip(10, 99, 0, 1), dhcp: true}, portSecurityMaxMacs: null, boundSwitchId: null},
    ],
    nats: [],
    dhcpScopes: [{switchId: 'def', prefix: {address: ip(172, 20, 16, 0), length: 20}, serverAddress: ip(172, 20, 16, 1), rangeStart: ip(172, 20, 16, 2), rangeEnd: ip(172, 20, 31, 254), leaseSeconds: 86400}],
  }
}

export async function run(print: (line: string) => void): Promise<void> {
  for (const n of [64, 256, 1024]) {
    const config = lab(n)
    for (let i = 0; i < 3; i++) buildNetwork(config, null, {recorder: null})
    const times: number[] = []
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now()
      buildNetwork(config, null, {recorder: null})
      times.push(performance.now() - t0)
    }
    const ms = median(times)
    print(`buildNetwork ${n} VMs: ${ms.toFixed(2)} ms (${((ms * 1000) / n).toFixed(1)} µs per VM; 4 switches, median of 15)`)
  }
  const config = lab(1024)
  const net = buildNetwork(config, null, {recorder: null})
  for (let i = 0; i < 1024; i += 4) net.guest(`vm${i}/Network Adapter`)!.stack.ping(ip(192, 168, 1, 1))
  net.scheduler.run()
  const state = JSON.parse(JSON.stringify(net.exportState()))
  const t0 = performance.now()
  for (let i = 0; i < 10; i++) JSON.stringify(buildNetwork(config, null, {recorder: null}).exportState())
  const t1 = performance.now()
  for (let i = 0; i < 10; i++) buildNetwork(config, state, {recorder: null})
  const t2 = performance.now()
  print(`runtime state 1024 VMs: export ${((t1 - t0) / 10).toFixed(2)} ms (build included), build with restore ${((t2 - t1) / 10).toFixed(2)} ms (${JSON.stringify(state).length} bytes of JSON)`)
}
