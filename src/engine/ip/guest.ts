// What the OS inside a running VM does on one network adapter: the IP stack core (./stack.ts)
// configured from the VM's `vm set-ip` and `vm set-guest` settings.
//
//   - IP: static (address, prefix, gateway, DNS) or DHCP (the default), with APIPA when no DHCP
//     server answers (./dhcp-client.ts).
//   - Listening ports from GuestOsConfig.listen (a Linux guest listens on tcp/22 and tcp/80 by
//     default): TCP answers SYN-ACK, udp/7 echoes, udp/53 answers DNS; other UDP ports take the
//     datagram silently.
//   - Windows guest with its firewall on (Windows Firewall's defaults): inbound ICMP echo, and
//     anything to a port it does not listen on, is dropped with `guest-firewall`, with no RST and no
//     ICMP error. A Linux guest's `firewall` flag drops unsolicited traffic to closed ports the same
//     way but lets ping through (the default of firewalld and ufw).
//   - A guest never routes: a packet for another address is dropped `not-for-me`.
//   - One stack per adapter: a VM with two adapters is two independent stacks (hvnet does not
//     model a guest routing between its own adapters).
//   - A stopped VM has no stack: `createGuestStack` returns null and the switch port drops what
//     reaches it (`vm-off`).
//
// Traffic a trace injects "as the guest would send it" goes through `ping`, `sendUdp`,
// `connectTcp`, `sendTcpSyn` and `sendIp`: while the adapter has no address yet (DHCP still
// running) the send waits for it; ARP for the next hop happens inside the stack.
import type {Scheduler} from '../clock.js'
import type {VmAdapterConfig, VmConfig} from '../config.js'
import {formatMac} from '../wire/index.js'
import type {Ipv4Address} from '../wire/index.js'
import {DhcpClient} from './dhcp-client.js'
import type {DhcpClientSavedState} from './dhcp-client.js'
import {IpStack} from './stack.js'
import type {StackEvent, StackInterface, StackListener} from './stack.js'

export interface GuestOptions {
  /** The guest's DNS server answers (udp/53 in `listen`): the address for a name, null for NXDOMAIN. */
  readonly resolve?: (name: string) => Ipv4Address | null
}

export interface GuestSavedState {
  readonly dhcp: DhcpClientSavedState | null
  readonly arp: ReturnType<IpStack['exportArp']>
}

/** The guest stack of a running VM's adapter; null when the VM is off (a stopped VM has no stack). */
export function createGuestStack(vm: VmConfig, adapter: VmAdapterConfig, scheduler: Scheduler, options: GuestOptions = {}): GuestStack | null {
  return vm.running ? new GuestStack(vm, adapter, scheduler, options) : null
}

export class GuestStack {
  readonly stack: IpStack
  readonly iface: StackInterface
  readonly dhcp: DhcpClient | null
  private readonly waiting: (() => void)[] = []

  constructor(
    readonly vm: VmConfig,
    readonly adapter: VmAdapterConfig,
    scheduler: Scheduler,
    options: GuestOptions = {},
  ) {
    if (!vm.running) throw new RangeError(`GuestStack: VM ${vm.name} is not running (a stopped VM has no stack)`)
    if (adapter.macAddress === 0) throw new RangeError(`GuestStack: adapter ${adapter.key} has no MAC address`)
    const g = vm.guest
    const firewall = g.firewall ? {ref: `vm ${vm.name}.guest.firewall`, blocksEcho: g.os === 'windows'} : null
    this.stack = new IpStack({who: vm.name, os: g.os, router: false, listen: g.listen, firewall, closedUdp: 'port-unreachable', nat: null, resolve: options.resolve}, scheduler)
    const ipc = adapter.ip
    this.iface = this.stack.addInterface({
      alias: adapter.key,
      place: {kind: 'vm', name: adapter.key},
      ref: `vm ${adapter.key}`,
      mac: adapter.macAddress,
      addresses: ipc.mode === 'static' ? [{address: ipc.address, prefixLength: ipc.prefixLength}] : [],
      gateway: ipc.mode === 'static' ? ipc.gateway : null,
      forwarding: false,
    })
    if (ipc.mode === 'static') this.iface.dns = ipc.dns
    this.dhcp = ipc.mode === 'dhcp' ? new DhcpClient(this.stack, this.iface, scheduler, {hostname: vm.name, os: g.os}) : null
    this.stack.on((e) => {
      if (e.kind === 'address' && e.addresses.length > 0) this.flush()
    })
  }

  /** The VM boots: a DHCP adapter starts looking for a server. */
  start(): void {
    this.dhcp?.start()
  }

  /** The FrameSink the switch port delivers to. */
  receive(frame: Uint8Array): void {
    this.iface.receive(frame)
  }

  discardsFlooded(frame: Uint8Array): boolean {
    return this.iface.discardsFlooded(frame)
  }

  on(listener: StackListener): () => void {
    return this.stack.on(listener)
  }

  get ready(): boolean {
    return this.iface.addresses.length > 0
  }

  /** Runs `fn` now if the adapter has an address, else once DHCP (or APIPA) gives it one. */
  whenReady(fn: () => void): void {
    if (this.ready) fn()
    else this.waiting.push(fn)
  }

  ping(dst: Ipv4Address, o: {ident?: number; seqNo?: number; size?: number; ttl?: number} = {}): void {
    this.whenReady(() => this.stack.ping(dst, o))
  }

  sendUdp(dst: Ipv4Address, dstPort: number, payload: Uint8Array, o: {srcPort?: number; ttl?: number} = {}): void {
    this.whenReady(() => this.stack.sendUdp(dst, dstPort, payload, o))
  }

  connectTcp(dst: Ipv4Address, dstPort: number, o: {srcPort?: number} = {}): void {
    this.whenReady(() => this.stack.connectTcp(dst, dstPort, o))
  }

  sendTcpSyn(dst: Ipv4Address, dstPort: number, o: {srcPort?: number} = {}): void {
    this.whenReady(() => this.stack.sendTcpSyn(dst, dstPort, o))
  }

  sendIp(packet: Uint8Array): void {
    this.whenReady(() => this.stack.sendIp(packet))
  }

  private flush(): void {
    const fns = this.waiting.splice(0)
    for (const fn of fns) fn()
  }

  /**
   * Whether a stack that never booted learned something worth keeping: with a static address (a
   * boot starts nothing there) it answers frames sent to it, and remembers the ARP entries of those
   * it answered, as any running VM would.
   */
  get learnedUnbooted(): boolean {
    return this.dhcp === null && this.iface.arp.list(this.stack.scheduler.now).length > 0
  }

  exportState(): GuestSavedState {
    return {dhcp: this.dhcp === null ? null : this.dhcp.exportState(), arp: this.stack.exportArp()}
  }

  /** Restores the lease and ARP cache a previous command left (instead of `start()`). */
  importState(state: GuestSavedState): void {
    this.stack.importArp(state.arp)
    if (this.dhcp !== null) {
      if (state.dhcp === null) this.dhcp.start()
      else this.dhcp.importState(state.dhcp)
    }
  }

  toString(): string {
    return `guest ${this.adapter.key} (${formatMac(this.adapter.macAddress)})`
  }
}

export type {StackEvent}
