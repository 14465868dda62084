// Labs for `hvnet trace` tests, built through the real commands (in process), and the traces that
// exercise them: every disposition, every injection mode, the NAT, VLANs, ACLs, the network beyond.
import {encodeFrame, ipv4Repr, parseIpv4Address, parseMac} from '../src/engine/wire/index.js'
import {ok, tempLab} from './support.js'

export interface TraceLab {
  readonly name: string
  readonly setup: readonly (readonly string[])[]
  /** Traces (argv after `trace`) whose reasons every --explain must know. */
  readonly traces: readonly (readonly string[])[]
}

const NIC = 'Network Adapter'

function num(x: number | object): number {
  if (typeof x !== 'number') throw new TypeError('bad test address')
  return x
}

/** An ICMP echo request frame in hex, for --frame. */
export function echoFrameHex(srcMac: string, dstMac: string, src: string, dst: string): string {
  const bytes = encodeFrame([
    {layer: 'ethernet', repr: {src: num(parseMac(srcMac)), dst: num(parseMac(dstMac)), etherType: 0x0800}},
    {layer: 'ipv4', repr: ipv4Repr({src: num(parseIpv4Address(src)), dst: num(parseIpv4Address(dst)), protocol: 1, ttl: 64, ident: 1})},
    {layer: 'icmpv4', repr: {kind: 'echo-request', ident: 1, seqNo: 1, data: new Uint8Array(32)}},
  ])
  return Buffer.from(bytes).toString('hex')
}

/** Microsoft's documented NAT setup, then db beside web. */
export const NAT_SETUP: readonly (readonly string[])[] = [
  ['vswitch', 'new', 'NATSwitch', '--type', 'internal'],
  ['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.0.1', '--prefix-length', '24'],
  ['nat', 'enable', 'MyNATnetwork', '--internal-prefix', '192.168.0.0/24'],
  ['vm', 'new', 'web', '--switch', 'NATSwitch', '--generation', '2'],
  ['vm', 'set-ip', 'web', '--name', NIC, '--address', '192.168.0.10/24', '--gateway', '192.168.0.1', '--dns', '192.168.0.1'],
  ['vm', 'start', 'web'],
]

const DB: readonly (readonly string[])[] = [
  ['vm', 'new', 'db', '--switch', 'NATSwitch'],
  ['vm', 'set-ip', 'db', '--name', NIC, '--address', '192.168.0.20/24', '--gateway', '192.168.0.1'],
  ['vm', 'set-guest', 'db', '--listen', 'tcp/22,udp/514'],
  ['vm', 'start', 'db'],
]

export const TRACE_LABS: readonly TraceLab[] = [
  {
    name: 'default-switch',
    setup: [
      ['vm', 'new', 'fresh', '--switch', 'Default Switch'],
      ['vm', 'start', 'fresh'],
    ],
    traces: [
      ['--from', 'fresh', '--to', '8.8.8.8'],
      ['--from', 'fresh', '--to', 'host'],
      ['--from', 'fresh', '--to', 'gateway', '--protocol', 'dns'],
      ['--from', 'fresh', '--to', '1.1.1.1', '--protocol', 'tcp', '--dport', '443'],
      ['--from', 'fresh', '--to', '8.8.8.8', '--protocol', 'tcp', '--dport', '25'],
      ['--from', 'fresh', '--to', '198.51.100.7'],
      ['--from', 'fresh', '--protocol', 'dhcp'],
      ['--from', 'fresh', '--to', 'gateway', '--protocol', 'arp'],
    ],
  },
  {
    name: 'nat',
    setup: [...NAT_SETUP, ...DB, ['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '0.0.0.0', '--external-port', '2222', '--internal-ip', '192.168.0.20', '--internal-port', '22'], ['vm', 'new', 'nogw', '--switch', 'NATSwitch'], ['vm', 'set-ip', 'nogw', '--name', NIC, '--address', '192.168.0.30/24'], ['vm', 'start', 'nogw']],
    traces: [
      ['--from', 'web', '--to', '8.8.8.8'],
      ['--from', 'web', '--to', '8.8.8.8', '--protocol', 'dns'],
      ['--from', 'web', '--to', '8.8.8.8', '--protocol', 'udp', '--dport', '9999'],
      ['--from', 'web', '--to', 'db', '--protocol', 'tcp', '--dport', '22'],
      ['--from', 'web', '--to', 'db', '--protocol', 'tcp', '--dport', '23'],
      ['--from', 'web', '--to', 'db', '--protocol', 'udp', '--dport', '514'],
      ['--from', 'web', '--to', 'db', '--protocol', 'udp', '--dport', '515'],
      ['--from', 'web', '--to', '8.8.8.8', '--ttl', '1'],
      ['--from', 'web', '--to', '172.31.9.9'],
      ['--from', 'nogw', '--to', '8.8.8.8'],
      ['--from', 'web', '--to', '10.0.0.23', '--protocol', 'tcp', '--dport', '2222'],
      ['--from', 'host', '--to', '8.8.8.8'],
      ['--from', 'host', '--to', 'web'],
      ['--from', 'external:Ethernet', '--to', '10.0.0.23', '--protocol', 'tcp', '--dport', '2222'],
      ['--from', 'external:Ethernet', '--to', '10.0.0.23', '--protocol', 'udp', '--dport', '5000'],
      ['--from', 'external:Ethernet', '--to', '10.0.0.23'],
      ['--frame', 'ffffffffffff00155d00990008060001080006040001', '--at', 'web'],
      ['--frame', '00155d0017020200000000990800450000540001000040017b4ac0a8000ac0a800140800f7ff00000000', '--at', 'web'],
      ['--frame', '00155d001702000000000000', '--at', 'host/NATSwitch'],
    ],
  },
  {
    name: 'switch-policies',
    setup: [
      ['vswitch', 'new', 'Lab', '--type', 'private'],
      ['vm', 'new', 'a', '--switch', 'Lab'],
      ['vm', 'set-ip', 'a', '--name', NIC, '--address', '10.1.0.10/24'],
      ['vm', 'set-nic', 'a', '--name', NIC, '--static-mac', '00155D00AA01'],
      ['vm', 'new', 'b', '--switch', 'Lab'],
      ['vm', 'set-ip', 'b', '--name', NIC, '--address', '10.1.0.20/24'],
      ['vm', 'new', 'c', '--switch', 'Lab'],
      ['vm', 'set-ip', 'c', '--name', NIC, '--address', '10.1.0.30/24'],
      ['vm', 'set-nic', 'c', '--name', NIC, '--static-mac', '00155D00AA03'],
      ['vm', 'set-vlan', 'c', '--name', NIC, '--access', '--vlan-id', '121'],
      ['vm', 'new', 'w', '--switch', 'Lab'],
      ['vm', 'set-ip', 'w', '--name', NIC, '--address', '10.1.0.40/24'],
      ['vm', 'set-guest', 'w', '--os', 'windows', '--firewall', 'on'],
      ['vm', 'add-acl', 'b', '--name', NIC, '--remote-ip', '10.1.0.10/32', '--direction', 'inbound', '--action', 'deny'],
      ['vm', 'start', 'a'],
      ['vm', 'start', 'b'],
      ['vm', 'start', 'c'],
      ['vm', 'start', 'w'],
    ],
    traces: [
      ['--from', 'a', '--to', 'b'],
      ['--from', 'a', '--to', 'c'],
      ['--from', 'a', '--to', 'w'],
      ['--from', 'a', '--to', 'w', '--protocol', 'tcp', '--dport', '3389'],
      ['--from', 'a', '--to', '10.1.0.99'],
      ['--frame', echoFrameHex('00155D00AA01', '00155D00AA03', '10.1.0.10', '10.1.0.30'), '--at', 'a'],
    ],
  },
  {
    name: 'routing',
    setup: [
      ['vswitch', 'new', 'A', '--type', 'internal'],
      ['vswitch', 'new', 'B', '--type', 'internal'],
      ['host', 'ip', 'add', '--interface-alias', 'vEthernet (A)', '--ip-address', '10.2.0.1', '--prefix-length', '24'],
      ['host', 'ip', 'add', '--interface-alias', 'vEthernet (B)', '--ip-address', '10.3.0.1', '--prefix-length', '24'],
      ['vm', 'new', 'x', '--switch', 'A'],
      ['vm', 'set-ip', 'x', '--name', NIC, '--address', '10.2.0.10/24', '--gateway', '10.2.0.1'],
      ['vm', 'new', 'y', '--switch', 'B'],
      ['vm', 'set-ip', 'y', '--name', NIC, '--address', '10.3.0.10/24', '--gateway', '10.3.0.1'],
      ['vm', 'start', 'x'],
      ['vm', 'start', 'y'],
    ],
    traces: [['--from', 'x', '--to', 'y'], ['--from', 'x', '--to', '8.8.8.8']],
  },
  {
    name: 'campus',
    setup: [
      ['vswitch', 'new', 'External', '--adapter', 'Ethernet'],
      ['host', 'adapter', 'set', 'Ethernet', '--port-security-max-macs', '1'],
      ['vm', 'new', 'campus', '--switch', 'External'],
      ['vm', 'set-ip', 'campus', '--name', NIC, '--address', '10.0.0.60/24', '--gateway', '10.0.0.1'],
      ['vm', 'start', 'campus'],
    ],
    traces: [['--from', 'campus', '--to', '8.8.8.8'], ['--from', 'host', '--to', '8.8.8.8']],
  },
  {
    name: 'bridged',
    setup: [
      ['vswitch', 'new', 'External', '--adapter', 'Ethernet'],
      ['vswitch', 'new', 'Air', '--adapter', 'Wi-Fi'],
      ['vm', 'new', 'br', '--switch', 'External'],
      ['vm', 'start', 'br'],
      ['vm', 'new', 'air', '--switch', 'Air'],
      ['vm', 'start', 'air'],
      ['vm', 'new', 'campus', '--switch', 'External'],
      ['vm', 'set-ip', 'campus', '--name', NIC, '--address', '10.0.0.60/24', '--gateway', '10.0.0.1'],
      ['vm', 'start', 'campus'],
    ],
    traces: [
      ['--from', 'br', '--to', '8.8.8.8'],
      ['--from', 'air', '--to', '8.8.8.8'],
      ['--from', 'br', '--to', 'gateway', '--protocol', 'dns'],
      ['--from', 'br', '--to', 'gateway', '--protocol', 'udp', '--dport', '9'],
      ['--from', 'campus', '--to', '10.0.0.1', '--ttl', '1'],
      ['--from', 'external:Ethernet', '--to', 'campus'],
    ],
  },
]

/** A new lab file with `lab`'s setup applied. */
export async function buildTraceLab(lab: TraceLab): Promise<string> {
  const file = tempLab()
  for (const args of lab.setup) await ok([...args], file)
  return file
}
