import {Errors, Flags} from '@oclif/core'

import type {TraceResult} from '../engine/trace/result.js'
import type {TraceRequest} from '../model/trace.js'

import {HvnetCommand} from '../cli/base-command.js'
import {TRACE_PROTOCOLS, parseExpectation} from '../engine/trace/expect.js'
import type {Expectation} from '../engine/trace/expect.js'
import {TRACE_DETAILS} from '../render/trace-detail.js'

const expect = Flags.custom<Expectation>({
  description: 'What the trace must end in, DISPOSITION[:REASON]: replied, refused, delivered, dropped[:REASON], unreachable[:REASON], timeout. Exit 0 when met, 3 when not. Default: replied for icmp, dns and tcp to a port that should be open; delivered otherwise.',
  helpValue: 'DISPOSITION[:REASON]',
  async parse(input) {
    const p = parseExpectation(input)
    // A bad value is a usage error (exit 2), as for any flag.
    if (!p.ok) throw new Errors.CLIError(`${p.message} ${p.fix}`, {exit: 2})
    return p.value
  },
})

const port = (description: string) => Flags.integer({description, min: 1, max: 65_535, helpValue: 'N'})

export default class Trace extends HvnetCommand {
  static override description = `Inject a packet into the simulated network and show its path, hop by hop: every decision of the switches, the host, the NAT and the network beyond, with its reason and the configuration object that made it, and a verdict (replied, refused, delivered, dropped, unreachable, timeout).

--from VM[/NIC] sends as the guest would: a VM with no DHCP lease gets one first, and ARP for the next hop happens on its own (both appear as folded hops). --to is an IPv4 address, a VM (its address), host (the host's address on the VM's network) or gateway. --from host sends from the host's own IP stack; --from external:ADAPTER from a machine on the LAN beyond a physical adapter. --frame HEX or --frame-file FILE (hex lines, pcap or pcapng) with --at PORT injects exact bytes at a VM adapter (web, web/Second), a host vNIC (host/NATSwitch) or the physical network (external:Ethernet).

The trace uses and updates the runtime state beside the lab (DHCP leases, ARP caches, NAT sessions, the virtual clock), so a second trace finds what the first left; --stateless starts from nothing and saves nothing. Exit status: 0 when the outcome meets --expect (or its default), 3 when not.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --from web --to 8.8.8.8', description: 'Ping the internet from a VM (through the Default Switch or WinNAT)'},
    {command: '<%= config.bin %> <%= command.id %> --from web --to db --protocol tcp --dport 5432 --explain', description: 'Can web open a connection to db? With the Hyper-V concept behind each hop'},
    {command: '<%= config.bin %> <%= command.id %> --from web --to db --expect dropped:vlan-mismatch', description: 'In CI: exit 0 only if the VLANs keep web and db apart'},
    {command: '<%= config.bin %> <%= command.id %> --from external:Ethernet --to 10.0.0.23 --protocol tcp --dport 8080', description: 'From the office LAN to a static NAT mapping on the host'},
    {command: '<%= config.bin %> <%= command.id %> --frame 00155d00170302000000009908004500003c000100004001f951c0a8000ac0a800140800f7fd000100010000000000000000000000000000000000000000000000000000000000000000 --at web', description: 'Exact bytes sent by web with a source MAC that is not its own'},
    {command: '<%= config.bin %> <%= command.id %> --from web --to 8.8.8.8 --pcap trace.pcapng --detail summary', description: 'One line per hop, and every frame on every link for Wireshark'},
    {command: '<%= config.bin %> <%= command.id %> --from web --to 8.8.8.8 --stateless --json | jq .disposition', description: 'From empty runtime state, as JSON'},
  ]

  static override flags = {
    at: Flags.string({description: 'Where injected frames enter: web or web/Second (a VM adapter), host/NATSwitch (a host vNIC), external:Ethernet (the network beyond a physical adapter).', helpValue: 'PORT'}),
    detail: Flags.option({default: 'default', description: 'full: every hop, each frame layer by layer; default: one line per step; summary: one line per hop; minimal: compact and stable, for golden tests.', options: TRACE_DETAILS})(),
    dport: port('Destination port (tcp: 80, dns: 53; udp needs one).'),
    expect: expect(),
    explain: Flags.boolean({default: false, description: 'Explain under each hop the Hyper-V concept at work and, under a drop, the hvnet command that would change the outcome.'}),
    frame: Flags.string({description: 'One Ethernet frame in hex to inject at --at.', exclusive: ['frame-file', 'from'], helpValue: 'HEX'}),
    'frame-file': Flags.string({description: 'Frames to inject at --at, one after the other: hex lines, pcap or pcapng.', exclusive: ['frame', 'from'], helpValue: 'FILE'}),
    from: Flags.string({description: 'Who sends: VM or VM/NIC, host, or external:ADAPTER.', helpValue: 'SOURCE'}),
    pcap: Flags.string({description: 'Write every frame on every link, dropped ones included, to this pcapng file (one interface per place, a comment per packet).', helpValue: 'FILE'}),
    protocol: Flags.option({default: 'icmp', description: 'What to send: an ICMP echo, a UDP datagram, a TCP connection, a DNS query, a DHCP exchange, an ARP request.', options: TRACE_PROTOCOLS})(),
    size: Flags.integer({description: 'ICMP echo data or UDP payload bytes.', min: 0, max: 1472, helpValue: 'BYTES'}),
    sport: port('Source port (default: the sender\'s next ephemeral port).'),
    src: Flags.string({description: 'With --from external:ADAPTER: the LAN machine\'s address (default: a free one on that LAN).', helpValue: 'IP'}),
    stateless: Flags.boolean({default: false, description: 'Start from empty runtime state and save nothing.'}),
    to: Flags.string({description: 'The destination: an IPv4 address, a VM or VM/NIC, host, or gateway.', helpValue: 'TARGET'}),
    ttl: Flags.integer({description: 'IP time to live of the packet sent (icmp, udp).', min: 1, max: 255, helpValue: 'N'}),
  }

  async run(): Promise<TraceResult> {
    const {flags} = await this.parse(Trace)
    if (flags.from === undefined && flags.frame === undefined && flags['frame-file'] === undefined) this.error('Nothing to trace. Give --from SOURCE --to TARGET, or --frame HEX --at PORT.', {exit: 2})
    if ((flags.frame !== undefined || flags['frame-file'] !== undefined) && flags.at === undefined) this.error('Injected frames need --at PORT (web, web/Second, host/NATSwitch, external:Ethernet).', {exit: 2})
    if (flags.at !== undefined && flags.frame === undefined && flags['frame-file'] === undefined) this.error('--at goes with --frame or --frame-file.', {exit: 2})
    let frames: Uint8Array[] | null = null
    if (flags.frame !== undefined || flags['frame-file'] !== undefined) {
      const {framesFromHex, readFrameFile} = await import('../model/frames.js')
      frames = flags.frame !== undefined ? framesFromHex(flags.frame).map((f) => f.bytes) : (await readFrameFile(flags['frame-file']!)).map((f) => f.bytes)
    }
    const request: TraceRequest = {
      from: flags.from ?? null,
      to: flags.to ?? null,
      protocol: flags.protocol,
      dstPort: flags.dport ?? null,
      srcPort: flags.sport ?? null,
      size: flags.size ?? null,
      ttl: flags.ttl ?? null,
      src: flags.src ?? null,
      frames,
      at: flags.at ?? null,
      expectation: flags.expect,
    }
    const {traceStoredLab} = await import('../model/trace.js')
    const result = await traceStoredLab(await this.labFile(), request, {pcap: flags.pcap ?? null, stateless: flags.stateless})
    if (!this.jsonEnabled()) {
      const {renderTrace} = await import('../render/trace.js')
      this.log((await renderTrace(result, {detail: flags.detail, explain: flags.explain})).replace(/\n$/, ''))
    }
    const {traceExitCode} = await import('../engine/trace/result.js')
    process.exitCode = traceExitCode(result)
    return result
  }
}
