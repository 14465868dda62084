// The Hyper-V host's IP stack: one stack core (./stack.ts) with an interface per host adapter —
// each `vEthernet (…)` vNIC on a switch, and each physical adapter not bound to an External switch
// (HostInterfaceConfig). What it does, and hvnet's decisions (README "Guests and the host"):
//
//   - Answers ARP and ICMP echo for its own addresses (the host's firewall is not modelled for
//     echo: hvnet's labs are the host's private and domain networks, where File and Printer Sharing
//     echo is commonly allowed, and a trace that ends at the host should show the path, not a policy).
//   - Closed ports: TCP answers RST; UDP is dropped silently (`closed-port`), as Windows Firewall
//     drops unsolicited inbound UDP without an ICMP port unreachable. The host listens on nothing
//     by default; the Default Switch's DNS proxy is `listen: udp/53` given by the caller.
//   - Routes between interfaces only when Forwarding is enabled on both (Set-NetIPInterface
//     -Forwarding, Disabled by default); otherwise `host-forwarding-disabled`, naming the fix.
//   - Decrements TTL when routing; at TTL 1 the packet is dropped (`ttl-exceeded`) and an ICMP
//     time exceeded goes back from the ingress interface's address.
//   - The NAT hook (src/engine/nat-hook.ts) is called as documented there: `outbound` before a
//     packet is routed out (before the TTL decrement), `inbound` for a packet to one of the host's
//     addresses before local delivery (ingress null when the host sent it to itself). A packet the
//     NAT translates is routed whatever the Forwarding setting: WinNAT forwards its own traffic.
//   - An interface with DHCP enabled and no address runs the same DHCP client as a guest: on an
//     Internal switch with no DHCP server it ends with an APIPA address (reference §1.3).
//   - A DhcpServer attached to an interface (the Default Switch's ICS scope) answers the DHCP
//     requests arriving there; a DNS proxy attached to an interface answers udp/53 on its addresses.
import type {Scheduler} from '../clock.js'
import type {HostInterfaceConfig} from '../config.js'
import type {DhcpServer} from '../dhcp/server.js'
import type {NatHook} from '../nat-hook.js'
import type {Ipv4Address} from '../wire/index.js'
import {DhcpClient} from './dhcp-client.js'
import type {DhcpClientSavedState} from './dhcp-client.js'
import {IpStack} from './stack.js'
import type {ListenPort, StackInterface, StackListener} from './stack.js'

export interface HostStackOptions {
  readonly nat?: NatHook | null
  /** Ports the host serves (none by default). */
  readonly listen?: readonly ListenPort[]
  readonly resolve?: (name: string) => Ipv4Address | null
  /** The computer name sent in DHCP option 12. */
  readonly hostname?: string
}

export interface HostSavedState {
  readonly arp: ReturnType<IpStack['exportArp']>
  /** By interface alias, for the interfaces that run a DHCP client. */
  readonly dhcp: Readonly<Record<string, DhcpClientSavedState>>
}

export class HostStack {
  readonly stack: IpStack
  /** DHCP clients by interface alias (interfaces with DHCP on and no address). */
  readonly dhcpClients = new Map<string, DhcpClient>()

  constructor(
    readonly interfaces: readonly HostInterfaceConfig[],
    scheduler: Scheduler,
    options: HostStackOptions = {},
  ) {
    this.stack = new IpStack({who: 'the host', os: 'windows', router: true, listen: options.listen ?? [], firewall: null, closedUdp: 'silent', nat: options.nat ?? null, resolve: options.resolve}, scheduler)
    for (const c of interfaces) {
      const iface = this.stack.addInterface({
        alias: c.alias,
        place: {kind: 'host', name: c.alias},
        ref: `host ${c.alias}`,
        mac: c.macAddress,
        addresses: c.addresses,
        gateway: c.defaultGateway,
        forwarding: c.forwarding,
      })
      if (c.dhcp && c.addresses.length === 0) this.dhcpClients.set(c.alias, new DhcpClient(this.stack, iface, scheduler, {hostname: options.hostname ?? 'HVHOST', os: 'windows'}))
    }
  }

  /** The interface `alias` (case-insensitive), e.g. to plug its `sink` into a switch port. */
  interface(alias: string): StackInterface {
    const i = this.stack.interface(alias)
    if (i === null) throw new RangeError(`the host has no interface "${alias}" (it has ${this.interfaces.map((c) => `"${c.alias}"`).join(', ') || 'none'})`)
    return i
  }

  /** The host adapters come up: DHCP clients start. */
  start(): void {
    for (const c of this.dhcpClients.values()) c.start()
  }

  attachDhcpServer(alias: string, server: DhcpServer): void {
    this.interface(alias).dhcpServer = server
  }

  /**
   * A DNS proxy on the interface's addresses (the Default Switch's ICS DNS proxy: the address DHCP
   * gives VMs as their DNS server): udp/53 there is answered from `resolve` (null: NXDOMAIN).
   */
  attachDnsProxy(alias: string, resolve: (name: string) => Ipv4Address | null): void {
    this.interface(alias).dnsProxy = resolve
  }

  on(listener: StackListener): () => void {
    return this.stack.on(listener)
  }

  ping(dst: Ipv4Address, o: {ident?: number; seqNo?: number; size?: number; ttl?: number; via?: string} = {}): void {
    this.stack.ping(dst, o)
  }

  sendUdp(dst: Ipv4Address, dstPort: number, payload: Uint8Array, o: {srcPort?: number; ttl?: number; via?: string} = {}): number {
    return this.stack.sendUdp(dst, dstPort, payload, o)
  }

  connectTcp(dst: Ipv4Address, dstPort: number, o: {srcPort?: number; via?: string} = {}): number {
    return this.stack.connectTcp(dst, dstPort, o)
  }

  sendTcpSyn(dst: Ipv4Address, dstPort: number, o: {srcPort?: number; via?: string} = {}): number {
    return this.stack.sendTcpSyn(dst, dstPort, o)
  }

  sendIp(packet: Uint8Array, o: {via?: string} = {}): void {
    this.stack.sendIp(packet, o)
  }

  exportState(): HostSavedState {
    const dhcp: Record<string, DhcpClientSavedState> = {}
    for (const [alias, c] of this.dhcpClients) dhcp[alias] = c.exportState()
    return {arp: this.stack.exportArp(), dhcp}
  }

  /** Restores ARP caches and DHCP leases (instead of `start()`); clients with no saved state start. */
  importState(state: HostSavedState): void {
    this.stack.importArp(state.arp)
    for (const [alias, c] of this.dhcpClients) {
      const s = state.dhcp[alias]
      if (s === undefined) c.start()
      else c.importState(s)
    }
  }
}
