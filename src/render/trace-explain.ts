// `hvnet trace --explain`: one or two sentences per hop on the Hyper-V concept at work, and for a
// drop the hvnet command that would change the outcome. Data, keyed by the step reason codes the
// engine reports (observe.ts's DropReasons, and the non-drop codes below) and, as a fallback, by
// the kind of place. Every sentence follows the Hyper-V reference (switch forwarding and its
// DECISIONS, VLANs, ACLs, WinNAT, the Default Switch, Wi-Fi uplinks); where hvnet models what
// Hyper-V does not define (the LAN, the internet, guests) the text says "in hvnet's model".
// This lives beside the renderer, not in the engine: it speaks of hvnet commands.
//
// Non-drop reason codes are the engine's own (REASON_EXPLAIN lists them by component); a test runs
// real traces across scenario labs and checks that every reason they report is explained here.
import type {DropReason, PlaceKind} from '../engine/observe.js'
import type {TraceFlow, TraceHop, TraceStep} from '../engine/trace/index.js'
import {decodeFrame, fromHex} from '../engine/wire/index.js'

const DHCP_EXPLAIN = 'A guest with no lease broadcasts DHCPDISCOVER; a server offers an address, the guest requests it, the server acknowledges (DORA). The lease gives the address, the gateway and the DNS server.'
const NAT_OUT_EXPLAIN = 'NAT is needed because the VMs\' private addresses mean nothing beyond the host: WinNAT rewrites the source to the host\'s external address and a port of its own, and records a session. On a network that allows one MAC per port it is also what keeps VMs reachable: everything leaves with the host\'s MAC.'
const INTERNET_EXPLAIN = 'Beyond the LAN\'s router: in hvnet\'s model public addresses answer ICMP echo, TCP 80 and 443 and DNS; private and documentation addresses beyond the LAN do not answer.'

/** What each kind of place is, when no step of the hop has a more precise explanation. */
export const PLACE_EXPLAIN: Readonly<Record<PlaceKind, string>> = {
  vm: 'A VM network adapter is a port on one virtual switch; what the guest sends enters the switch there, and the port\'s own settings (MAC address spoofing, DHCP and router guard, ACLs, VLAN) are checked first.',
  switch: 'A Hyper-V virtual switch is a layer-2 Ethernet switch: it forwards on MAC addresses only, and it knows each VM and host port\'s MAC from configuration instead of learning them.',
  host: 'The host\'s vEthernet adapter is a port on the switch like a VM\'s, with its own MAC; behind it sits the host\'s own IP stack, the one Get-NetIPAddress shows.',
  nat: 'WinNAT translates traffic from its internal prefix to the host\'s external address and keeps a session, so that the answer is translated back. It hands out no addresses: VMs on a NAT network need a static IP, the gateway and a DNS server.',
  physical: 'The physical adapter is the external port of an External switch: VM frames leave the host there with their own MAC addresses, as if the VM were plugged into the LAN.',
  lan: 'The LAN beyond the physical adapter: its router is the host\'s default gateway and hands out addresses by DHCP.',
  internet: INTERNET_EXPLAIN,
}

/**
 * Non-drop reasons, keyed by the codes the engine's components report (README "How the switch
 * forwards", "Guests and the host", "The NAT", "The network beyond the host"): the concept behind
 * the decision. A test runs real traces across scenario labs and checks every reason they report
 * is here or in DROP_EXPLAIN.
 */
export const REASON_EXPLAIN: Readonly<Record<string, string>> = {
  // The virtual switch (src/engine/switch)
  'port-ingress': 'A frame enters the switch at the sender\'s port; the port\'s policies run at ingress, in order: MAC address spoofing (Off: only the adapter\'s own source MAC), DHCP guard, router guard, outbound ACLs, VLAN classification.',
  'ingress-checks': 'The port\'s ingress policies let the frame in: MAC address spoofing (Off: only the adapter\'s own source MAC), DHCP guard, router guard and the outbound ACLs found nothing against it.',
  'vlan-access': 'An access port puts its untagged frames in one VLAN and delivers only that VLAN, untagged; ports reach each other only inside one VLAN.',
  'vlan-trunk': 'A trunk port carries its allowed VLANs tagged and its native VLAN untagged; a frame it sends tagged keeps its VLAN if the VLAN is allowed.',
  'vlan-private': 'A private VLAN port: isolated and community ports send on their secondary VLAN, a promiscuous port on the primary; isolated ports reach only promiscuous ones, community ports their own community and promiscuous ones.',
  'vlan-tag': 'Leaving by a trunk or the external port, a frame carries its VLAN as an 802.1Q tag; an access or untagged port receives it untagged.',
  'acl-allow': 'Port ACLs: with no entry every packet passes; among IP entries the longest prefix wins, and at an equal prefix Deny beats Allow.',
  'extended-acl-allow': 'Extended port ACLs apply by weight, largest first; the first entry that matches decides, and no match allows.',
  'stateful-flow': 'A stateful extended ACL entry remembered this flow: its packets pass both ways until the session has been idle for its IdleSessionTimeout.',
  'mac-learned': 'With MAC address spoofing On, the switch also learns the source MACs seen on that port: this is what lets a nested Hyper-V host forward its own VMs\' frames.',
  'learned-mac': 'The destination MAC was learned behind a port with MAC address spoofing On (a nested host\'s VM): the frame goes to that port.',
  'known-mac': 'The switch knows the MAC of every VM and host port from configuration, so a frame for a known MAC goes to that one port and no other.',
  broadcast: 'Broadcast and multicast go to every other port in the same VLAN, the external port included. This is how ARP and DHCP find their answer.',
  'unknown-unicast-external': 'A destination MAC that is on no port is assumed to be beyond the external port: unknown unicast leaves by the external port only, and is never flooded to VM ports. On an Internal or Private switch, which has no external port, it is dropped.',
  'port-mirroring': 'Port mirroring: a frame sent or received by a Source port is copied to every Destination port of the switch, for a monitoring VM.',
  // The guest and host IP stacks (src/engine/ip)
  transmitted: 'The sender\'s IP stack picks the route: on its subnet it sends to the destination\'s MAC, otherwise to its default gateway\'s, from its ARP cache or after asking.',
  received: 'The frame reaches an IP stack at one of its interfaces (a VM\'s adapter, or a host vEthernet or physical adapter): the stack takes what is addressed to it, the host also routes and hands packets to its NAT.',
  'arp-request': 'Before sending an IP packet on its subnet, a stack needs the next hop\'s MAC: it broadcasts an ARP who-has and waits for the owner to answer.',
  'arp-reply': 'The owner of the address answers the ARP request with its MAC, and the asker caches it.',
  'arp-learned': 'The asker caches the answer (for 30 s here) and sends the packets that waited for it.',
  'echo-reply': 'ICMP echo (ping): the destination answers an echo request with an echo reply carrying the same identifier, sequence number and data.',
  'dst-unreachable': 'An ICMP destination unreachable says the packet could not be delivered: port unreachable from the destination itself (nothing listens on that UDP port), net or host unreachable from a router on the path.',
  'time-exceeded': 'A router that receives a packet with TTL 1 may not forward it: it drops it and sends ICMP time exceeded back to the sender (what traceroute relies on).',
  udp: 'UDP has no handshake: the datagram is delivered to the socket listening on its port, and an answer, if any, comes back to the sender\'s port.',
  'udp-echo': 'The guest answers on UDP port 7 (echo) with the datagram it got.',
  'dns-answer': 'A DNS server answers the query: on the Default Switch the host\'s ICS DNS proxy (the DNS server its DHCP hands out), on a LAN its router, on the internet the resolver asked.',
  'tcp-syn-ack': 'The guest listens on this port (hvnet vm set-guest --listen): a SYN gets a SYN-ACK, the second step of TCP\'s three-way handshake.',
  'tcp-connected': 'The SYN-ACK arrived: the sender completes the three-way handshake with an ACK, and the connection is open.',
  'tcp-open': 'The SYN-ACK says the port is open; a probe that does not want the connection resets it.',
  'tcp-refused': 'A RST answering a SYN means nothing listens on that port: the connection is refused.',
  'tcp-reset': 'A RST ends the connection at once.',
  'tcp-accepted': 'The handshake completed: the listening side accepts the connection.',
  'tcp-data': 'Data on an open connection: the receiver acknowledges the bytes it got.',
  'tcp-fin': 'A FIN closes one direction of the connection; the other side acknowledges it and closes its own.',
  'tcp-fin-acked': 'The FIN was acknowledged: that direction of the connection is closed.',
  'tcp-closed': 'Both sides sent FIN and acknowledged the other\'s: the connection is closed.',
  forwarded: 'The host routes between its interfaces only where IP forwarding is enabled on both (Set-NetIPInterface -Forwarding; Disabled by default).',
  'nat-routed': 'Translated by the NAT, the packet is routed out by its new addresses whatever the Forwarding setting, as WinNAT does: it leaves from the host\'s own address and MAC, as from any Windows machine.',
  injected: 'The trace put these exact bytes on the wire here, as if the VM, the host or a machine on the LAN had sent them; everything after is the network\'s own doing.',
  // DHCP (the client in every stack, the servers of the Default Switch and of each LAN)
  dhcp: DHCP_EXPLAIN,
  'dhcp-bound': 'The DHCP client is bound: it uses the address until the lease ends, renewing with its server at half the lease (T1) and with any server at 7/8 (T2).',
  'dhcp-nak': 'A DHCPNAK refuses the address the client asked for: it drops the address and starts over with DISCOVER.',
  'dhcp-decline': 'The client found its offered address in use and declines it.',
  'dhcp-release': 'The client gives its lease back.',
  'dhcp-other-server': 'The request names another DHCP server: this one stays silent.',
  'address-dhcp': 'The guest configures its adapter from the lease: address and prefix, default gateway, DNS servers.',
  'address-apipa': 'With no DHCP server answering, Windows gives itself a link-local 169.254.x.x address (APIPA), as on an Internal switch without NAT or DHCP: it reaches only its own link.',
  'address-static': 'The adapter\'s address is static (hvnet vm set-ip): no DHCP exchange.',
  'address-none': 'The adapter lost its address (its lease ended): it sends nothing until it has one again.',
  // The NAT (src/engine/nat)
  'nat-internal': NAT_OUT_EXPLAIN,
  'nat-inbound': 'An answer from outside matches the session the request created (address-dependent filtering by default: only from the address the VM contacted) and is translated back to the VM. Unsolicited traffic gets in only through a static mapping (Add-NetNatStaticMapping).',
  'nat-translated': 'The NAT rewrites the addresses and ports (or ICMP query id) of its session and patches every checksum incrementally (RFC 1624); each changed field is shown before → after.',
  'nat-hairpin': 'From another VM on the same NAT, the external address and port of a mapping work (hair-pinning); from the NAT host itself they do not.',
  // The physical adapter and the network beyond it (src/engine/lan)
  physical: 'The physical adapter: what the host (or an External switch) sends leaves here onto the LAN, and what the LAN sends arrives here. On an External switch VM frames leave unchanged, with the VM\'s own MAC, so the LAN sees each VM as its own machine.',
  'wifi-bridge': 'A Wi-Fi access point accepts frames only from the MAC of the station that associated. An External switch on Wi-Fi therefore rewrites the VMs\' source MACs (and ARP) to the Wi-Fi adapter\'s on the way out, and back to the VM\'s on the way in.',
  'port-security': 'The upstream switch port admits a few source MACs only (port security); this one is among them.',
  'to-gateway': 'The LAN\'s router is the host\'s default gateway: it answers for its own address (ping, DNS, DHCP) and forwards to addresses beyond the LAN.',
  routed: 'The LAN\'s router forwards to addresses beyond the LAN, decrementing the TTL: public addresses go to the internet one hop away.',
  'lan-device': 'A machine on the LAN beyond the physical adapter (a colleague\'s laptop, a server) sends or receives here.',
  arp: 'ARP on the LAN: the router answers for its own address; nothing else is on the LAN unless a trace puts a machine there.',
  absorbed: 'Taken in without an answer, as a real host does with traffic it does not serve.',
  internet: INTERNET_EXPLAIN,
  'syn-ack': 'An internet host answers TCP 80 and 443 with SYN-ACK in hvnet\'s model (RST on other ports).',
}

/** Why a frame was dropped, for a learner. */
export const DROP_EXPLAIN: Readonly<Record<DropReason, string>> = {
  malformed: 'The frame could not be parsed; the switch and the stacks drop what they cannot read.',
  'bad-checksum': 'A checksum does not match its bytes; the receiving stack discards the packet, as any IP stack would.',
  'port-disconnected': 'The adapter is not connected to any switch (Connect-VMNetworkAdapter): it has no port, so nothing it sends goes anywhere.',
  'vm-off': 'A VM\'s switch port exists only while the VM runs: a stopped VM neither sends nor receives.',
  'mac-spoofing': 'With MAC address spoofing Off (the default) an adapter may send only from the MAC assigned to it; nested virtualization and containers need it On.',
  'dhcp-guard': 'DHCP guard drops DHCP server messages (OFFER, ACK) sent by the VM, so that a rogue VM cannot hand out addresses.',
  'router-guard': 'Router guard drops router advertisements and redirects sent by the VM.',
  'acl-deny': 'A port ACL denies it: among IP entries the longest prefix wins, and at an equal prefix Deny beats Allow.',
  'extended-acl-deny': 'An extended ACL denies it: entries apply by weight, largest first, and the first that matches decides.',
  'vlan-mismatch': 'The two ports are not members of the same VLAN: an Access-121 adapter and an untagged one on the same switch cannot talk.',
  'vlan-tagged-on-access': 'An access port accepts only untagged frames from its VM; a frame the VM tagged itself is dropped.',
  'vlan-not-allowed': 'A trunk port carries only the VLANs of its allowed list (plus its native VLAN untagged).',
  'pvlan-isolated': 'Private VLAN: isolated ports reach only promiscuous ports, never each other.',
  'pvlan-community': 'Private VLAN: a community port reaches its own community and promiscuous ports, not another community.',
  'unknown-unicast': 'The destination MAC is on no port of this switch and the switch has no external port to send it to (Internal and Private switches): unknown unicast is dropped, never flooded.',
  'same-port': 'The destination MAC sits behind the very port the frame came in on (a MAC learned there, or the external port\'s own network): a switch never sends a frame back out of its ingress port.',
  'not-for-me': 'The frame reached a stack it is not addressed to, which ignores it.',
  'no-route': 'No route covers the destination: no matching subnet and no default gateway.',
  'host-forwarding-disabled': 'The host routes between two interfaces only when forwarding is Enabled on them (Set-NetIPInterface -Forwarding); it is Disabled by default.',
  'arp-unresolved': 'No one answered the ARP request for the next hop, so the packet could not be sent: the address is not on that network.',
  'ttl-exceeded': 'The packet\'s TTL reached zero at a router; routers drop it and send back ICMP time exceeded.',
  'port-security': 'The upstream switch port accepts only a few source MACs (common on office and campus networks). Bridged VMs each bring their own MAC and are dropped; NAT is the fix, since everything then leaves with the host\'s MAC.',
  'wifi-unassociated-mac': 'A Wi-Fi access point accepts only the MAC of its associated station; frames from any other MAC are dropped. Hyper-V rewrites VM MACs on a Wi-Fi External switch for this reason.',
  'adapter-down': 'The physical adapter is disabled or disconnected: nothing leaves or arrives through it.',
  'guest-firewall': 'A Windows guest with its firewall on drops inbound ICMP echo by default: "my VMs can\'t ping each other" is often this, not the network.',
  'closed-port': 'Nothing listens on that port in the guest: TCP answers RST, UDP answers ICMP port unreachable.',
  'tcp-unexpected': 'A TCP segment that does not fit its connection\'s state (an ACK before the handshake, data on a closing connection) is ignored, as a TCP stack does.',
  'nat-no-mapping': 'Unsolicited inbound traffic reaches a VM behind WinNAT only through a static mapping (Add-NetNatStaticMapping).',
  'nat-filtered': 'Address-dependent filtering (WinNAT\'s default): a session accepts answers only from the address the VM contacted.',
  'nat-port-exhausted': 'WinNAT has no free external port left for a new session in its range.',
  'nat-hairpin-from-host': 'From the NAT host itself a mapped endpoint cannot be reached through its external address and port; the host must use the internal address.',
  'no-answer': 'The address does not answer: in hvnet\'s model private and documentation addresses beyond the LAN have no host behind them.',
}

export interface Fix {
  /** A command that would change the outcome; null where none exists (the network beyond is not yours). */
  readonly command: string | null
  readonly note: string
}

function quote(s: string): string {
  return /^[A-Za-z0-9_.:/-]+$/.test(s) ? s : `"${s.replace(/(["\\$`])/g, '\\$1')}"`
}

/** `vm web/Network Adapter.acl[2]` → {vm: 'web', adapter: 'Network Adapter', field: 'acl[2]'}. */
export function parseVmRef(ref: string | null): {vm: string; adapter: string | null; field: string | null} | null {
  if (ref === null) return null
  const m = /^vm ([^/.]+)(?:\/([^.]+))?(?:\.(.+))?$/.exec(ref)
  if (m === null) return null
  return {vm: m[1], adapter: m[2] ?? null, field: m[3] ?? null}
}

/** `host Ethernet.portSecurityMaxMacs` → {name: 'Ethernet', field}; `nat MyNAT session 3` → {name: 'MyNAT'}. */
function parseNamedRef(kind: 'host' | 'nat', ref: string | null): {name: string; field: string | null} | null {
  if (ref === null || !ref.startsWith(`${kind} `)) return null
  const rest = ref.slice(kind.length + 1)
  const session = / session \d+$/.exec(rest)
  const body = session === null ? rest : rest.slice(0, session.index)
  const dot = body.lastIndexOf('.')
  // `vEthernet (NATSwitch).forwarding`: the field follows the last dot outside parentheses.
  if (dot > body.lastIndexOf(')') && dot > 0) return {name: body.slice(0, dot), field: body.slice(dot + 1)}
  return {name: body, field: null}
}

function nicArgs(r: {vm: string; adapter: string | null}): string {
  return r.adapter === null ? quote(r.vm) : `${quote(r.vm)} --name ${quote(r.adapter)}`
}

interface FrameFacts {
  protocol: 'tcp' | 'udp' | 'icmp' | null
  dstPort: number | null
}

function factsOf(hop: TraceHop): FrameFacts {
  const bytes = fromHex(hop.frame.hex)
  const facts: FrameFacts = {protocol: null, dstPort: null}
  if (bytes === null) return facts
  for (const l of decodeFrame(bytes).layers) {
    if (l.layer === 'tcp' || l.layer === 'udp') {
      facts.protocol = l.layer
      facts.dstPort = l.repr.dstPort
    }
    if (l.layer === 'icmpv4') facts.protocol = 'icmp'
  }
  return facts
}

/** The hvnet command that would change a drop's outcome, from its reason and ref. */
export function fixFor(step: TraceStep, hop: TraceHop, flow: TraceFlow): Fix | null {
  const vm = parseVmRef(step.ref)
  const host = parseNamedRef('host', step.ref)
  const nat = parseNamedRef('nat', step.ref)
  const facts = factsOf(hop)
  switch (step.reason as DropReason) {
    case 'mac-spoofing':
      return vm && {command: `hvnet vm set-nic ${nicArgs(vm)} --mac-spoofing on`, note: 'Let this adapter send from MACs other than its own (a nested Hyper-V host, a container host).'}
    case 'dhcp-guard':
      return vm && {command: `hvnet vm set-nic ${nicArgs(vm)} --dhcp-guard off`, note: 'Only if this VM is meant to be a DHCP server.'}
    case 'router-guard':
      return vm && {command: `hvnet vm set-nic ${nicArgs(vm)} --router-guard off`, note: 'Only if this VM is meant to be a router.'}
    case 'acl-deny':
      return vm && {command: `hvnet vm list-acls ${nicArgs(vm)}`, note: `Find ${vm.field ?? 'the Deny entry'}; remove it (hvnet vm remove-acl) or add a more specific Allow (hvnet vm add-acl … --action allow): the longest prefix wins.`}
    case 'extended-acl-deny':
      return vm && {command: `hvnet vm list-acls ${nicArgs(vm)} --extended`, note: `Find ${vm.field ?? 'the Deny entry'}; remove it (hvnet vm remove-extended-acl) or add an Allow with a larger weight.`}
    case 'vlan-mismatch':
    case 'vlan-not-allowed':
    case 'vlan-tagged-on-access':
      return {command: 'hvnet vm get-vlan', note: vm ? `Put both adapters in one VLAN, e.g. hvnet vm set-vlan ${nicArgs(vm)} --access --vlan-id ID (or --untagged).` : 'Put both adapters in one VLAN (hvnet vm set-vlan).'}
    case 'pvlan-isolated':
    case 'pvlan-community':
      return {command: 'hvnet vm get-vlan', note: 'Isolated and community ports reach promiscuous ports; make the server\'s adapter promiscuous (hvnet vm set-vlan … --promiscuous) or put both in one community.'}
    case 'port-disconnected':
      return vm && {command: `hvnet vm connect-nic ${nicArgs(vm)} --switch SWITCH`, note: 'Connect the adapter to a switch (hvnet vswitch list shows them).'}
    case 'vm-off':
      return vm && {command: `hvnet vm start ${quote(vm.vm)}`, note: 'A stopped VM has no switch port.'}
    case 'guest-firewall':
      return vm && {command: `hvnet vm set-guest ${quote(vm.vm)} --firewall off`, note: 'Or keep the firewall and test with TCP to a listening port.'}
    case 'closed-port':
      return vm && {command: `hvnet vm set-guest ${quote(vm.vm)} --listen ${facts.protocol === 'udp' ? 'udp' : 'tcp'}/${facts.dstPort ?? flow.dstPort ?? 'PORT'}`, note: '--listen replaces the list: name every port the guest should listen on.'}
    case 'host-forwarding-disabled':
      return {command: `hvnet host interface set --interface-alias ${quote(host?.name ?? 'vEthernet (SWITCH)')} --forwarding enabled`, note: 'Enable forwarding on both interfaces the packet crosses, or use WinNAT.'}
    case 'port-security':
      return {command: `hvnet host adapter set ${quote(host?.name ?? 'Ethernet')} --port-security-max-macs none`, note: 'On a real network the upstream port is not yours: put the VMs on an Internal switch behind WinNAT (hvnet nat enable) so that everything leaves with the host\'s MAC.'}
    case 'wifi-unassociated-mac':
      return {command: null, note: 'The access point is not yours: use the Default Switch or an Internal switch with WinNAT for VMs on a wireless host.'}
    case 'adapter-down':
      return {command: `hvnet host adapter set ${quote(host?.name ?? 'Ethernet')} --status enabled`, note: 'Enable the adapter (a disconnected one needs a LAN: hvnet host adapter set … --ip).'}
    case 'nat-no-mapping':
      return {command: `hvnet nat add-mapping --nat ${quote(nat?.name ?? 'NAT')} --protocol ${facts.protocol === 'udp' ? 'udp' : 'tcp'} --external-ip 0.0.0.0 --external-port ${facts.dstPort ?? 'PORT'} --internal-ip INTERNAL-IP`, note: 'Map the external port to the VM that serves it.'}
    case 'nat-filtered':
      return {command: `hvnet nat set ${quote(nat?.name ?? 'NAT')} --${facts.protocol === 'tcp' ? 'tcp' : 'udp'}-filtering-behavior EndpointIndependentFiltering`, note: 'Lets any remote address answer a session, not only the one the VM contacted.'}
    case 'nat-hairpin-from-host':
      return {command: null, note: 'From the host, use the internal address and port of the mapping.'}
    case 'no-route':
      return vm && {command: `hvnet vm set-ip ${nicArgs(vm)} --address ADDRESS/LEN --gateway GATEWAY`, note: 'Give the guest a default gateway on its subnet.'}
    default:
      return null
  }
}

/** The explanation of a folded ARP or DHCP exchange: what it is for, and who served it. */
export function explainExchange(hops: readonly TraceHop[]): string {
  if (hops[0]?.preliminary === 'dhcp') {
    // The server's side: the host's vEthernet (ICS on the Default Switch) or the LAN's router.
    const by = new Set(hops.flatMap((h) => (h.steps.some((s) => s.reason === 'dhcp') ? [h.location.kind] : [])))
    if (by.has('host')) return `${DHCP_EXPLAIN} ${EXCHANGE_EXPLAIN.icsDhcp}`
    if (by.has('lan')) return `${DHCP_EXPLAIN} ${EXCHANGE_EXPLAIN.lanDhcp}`
    return DHCP_EXPLAIN
  }
  const wifi = hops.some((h) => h.steps.some((s) => s.reason === 'wifi-bridge'))
  return wifi ? `${REASON_EXPLAIN['arp-request']} ${EXCHANGE_EXPLAIN.wifiArp}` : REASON_EXPLAIN['arp-request']
}

/** Who served a folded exchange. */
export const EXCHANGE_EXPLAIN = {
  icsDhcp: 'The Default Switch serves DHCP through Internet Connection Sharing: an address from its /20, with the host vNIC as gateway and DNS server.',
  lanDhcp: 'The LAN\'s router serves DHCP: the VM bridged by the External switch gets an address on the LAN, like any machine plugged into it. A WinNAT network has no DHCP server: its VMs need static addresses.',
  wifiArp: 'On a Wi-Fi uplink the bridge rewrites the VM\'s ARP to the adapter\'s own MAC, since the access point knows no other.',
} as const

/**
 * The explanation of a hop: its drop, else its most telling step, else its kind of place. The
 * most telling step is a translation; but at a NAT the `received` step says which way the packet
 * goes (out: why NAT is needed; in: the session it matches), which says more than the rewrite.
 */
export function explainHop(hop: TraceHop): string {
  const drop = hop.steps.find((s) => s.action === 'dropped')
  if (drop !== undefined && drop.reason in DROP_EXPLAIN) return DROP_EXPLAIN[drop.reason as DropReason]
  const transformed = hop.steps.filter((s) => s.action === 'transformed')
  const others = hop.steps.filter((s) => s.action !== 'transformed')
  const ordered = hop.location.kind === 'nat' ? hop.steps : [...transformed, ...others.reverse()]
  for (const s of ordered) {
    const text = REASON_EXPLAIN[s.reason]
    if (text !== undefined) return text
  }
  return PLACE_EXPLAIN[hop.location.kind]
}
