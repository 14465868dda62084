// The AdapterIndex of a configuration snapshot (./config.ts): the one src/model hands over with a
// lab's snapshot (it reads the lab's adapters in place, converting one only when asked), or one
// derived here from `vms` for a snapshot built directly (tests). Either way the engine reads a
// VM adapter it does not touch through these few facts.
import type {AdapterIndex, NetworkConfig, PortFeatures, VmAdapterConfig, VmConfig} from './config.js'
import type {Ipv4Address} from './wire/ipv4-address.js'

/** The VLAN of a plain port (see AdapterIndex.plainVid), or -1. */
export function plainVidOf(f: PortFeatures): number {
  if (f.macAddressSpoofing || f.dhcpGuard || f.routerGuard || f.portMirroring !== 'none' || f.acls.length > 0 || f.extendedAcls.length > 0) return -1
  return f.vlan.mode === 'untagged' ? 0 : f.vlan.mode === 'access' ? f.vlan.accessVlanId : -1
}

/** An AdapterIndex over converted VMs. */
class ArrayAdapterIndex implements AdapterIndex {
  private readonly adapters: VmAdapterConfig[] = []
  private readonly vms: VmConfig[] = []
  private keys: Map<string, number> | null = null

  constructor(vms: readonly VmConfig[]) {
    for (const vm of vms) {
      for (const a of vm.adapters) {
        this.adapters.push(a)
        this.vms.push(vm)
      }
    }
  }

  get count(): number {
    return this.adapters.length
  }

  key(i: number): string {
    return this.adapters[i].key
  }

  find(key: string): number {
    if (this.keys === null) {
      this.keys = new Map()
      for (let i = 0; i < this.adapters.length; i++) if (!this.keys.has(this.adapters[i].key)) this.keys.set(this.adapters[i].key, i)
    }
    return this.keys.get(key) ?? -1
  }

  switchId(i: number): string | null {
    return this.adapters[i].switchId
  }

  running(i: number): boolean {
    return this.vms[i].running
  }

  macAddress(i: number): number {
    return this.adapters[i].macAddress
  }

  hasMacAddress(i: number, mac: number): boolean {
    return this.adapters[i].macAddress === mac
  }

  plainVid(i: number): number {
    return plainVidOf(this.adapters[i].features)
  }

  vidOn(i: number, switchId: string): number {
    if (!this.vms[i].running) return -2
    if (this.adapters[i].switchId !== switchId) return -1
    const vid = this.plainVid(i)
    return vid >= 0 ? vid : -3
  }

  hasStaticAddress(i: number, address: Ipv4Address): boolean {
    const ip = this.adapters[i].ip
    return ip.mode === 'static' && ip.address === address
  }

  adapter(i: number): VmAdapterConfig {
    return this.adapters[i]
  }

  vm(i: number): VmConfig {
    return this.vms[i]
  }
}

const derived = new WeakMap<NetworkConfig, AdapterIndex>()

/** The snapshot's AdapterIndex: its own, or one derived from `vms` (once per snapshot). */
export function adapterIndexOf(config: NetworkConfig): AdapterIndex {
  if (config.adapterIndex !== undefined) return config.adapterIndex
  let index = derived.get(config)
  if (index === undefined) derived.set(config, (index = new ArrayAdapterIndex(config.vms)))
  return index
}
