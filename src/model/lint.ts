// `hvnet validate`: designs every configuration rule allows but that will not work, or are risky.
// Pure functions over a Lab. Each finding has a stable code (part of the --json contract), a
// severity, the objects it names and a fix (an hvnet command where one exists). The rules' order
// here is the order of the README's findings table.
import type {LabFile} from './labfile-schema.js'
import type {Lab, VM, VMNetworkAdapter, VMSwitch, VlanSetting} from './schema.js'

import {type Cidr, broadcastOf, formatCidr, formatIpv4, inPrefix, networkOf, parseCidr, parseIpv4, prefixesOverlap} from './address.js'
import {checkProblems} from './checks.js'
import {hostPrefixes} from './host.js'
import {emptyLab} from './lab.js'
import {planApply} from './labfile.js'
import {findByName, sameName} from './names.js'
import {inRanges} from './vlan.js'
import {switchType} from './vswitch.js'

export type Severity = 'error' | 'info' | 'warning'

export interface Finding {
  code: FindingCode
  severity: Severity
  message: string
  /** The objects it names: `vm web/Network Adapter`, `vswitch NATSwitch`, `nat MyNAT` … */
  objects: string[]
  fix: string
}

/** Every finding code, with its severity: the README's table. */
export const FINDINGS = {
  'nat-no-gateway': 'error',
  'internal-no-host-address': 'error',
  'vm-address-off-subnet': 'error',
  'vm-gateway-off-subnet': 'error',
  'static-in-dhcp-range': 'warning',
  'duplicate-mac': 'error',
  'duplicate-ip': 'error',
  'adapter-not-connected': 'warning',
  'external-on-wireless': 'warning',
  'port-security-exceeded': 'error',
  'router-without-mac-spoofing': 'warning',
  'lonely-vlan': 'warning',
  'mapping-to-nobody': 'warning',
  'dhcp-no-server': 'warning',
  'second-nat': 'error',
  'overlapping-host-subnets': 'error',
  'check-invalid': 'error',
  'lab-file-invalid': 'error',
} as const satisfies Record<string, Severity>

export type FindingCode = keyof typeof FINDINGS

function finding(code: FindingCode, message: string, objects: string[], fix: string): Finding {
  return {code, fix, message, objects, severity: FINDINGS[code]}
}

interface Port {
  vm: VM
  adapter: VMNetworkAdapter
  label: string
}

function ports(lab: Lab): Port[] {
  return lab.vms.flatMap((vm) => vm.networkAdapters.map((adapter) => ({adapter, label: `vm ${vm.name}/${adapter.name}`, vm})))
}

function staticOf(adapter: VMNetworkAdapter): {address: number; gateway: number | undefined; length: number; text: string} | undefined {
  if (adapter.guestIPv4.mode !== 'Static') return undefined
  const cidr = parseCidr(adapter.guestIPv4.ipAddress)!
  const gateway = adapter.guestIPv4.defaultGateway === null ? undefined : parseIpv4(adapter.guestIPv4.defaultGateway)
  return {address: cidr.address, gateway, length: cidr.length, text: adapter.guestIPv4.ipAddress}
}

/** The subnets a switch is known to carry: its host vNICs' addresses, its LAN, the Default Switch's /20. */
function switchSubnets(lab: Lab, sw: VMSwitch): Cidr[] {
  const out: Cidr[] = []
  if (sw.icsPrefix) out.push(parseCidr(sw.icsPrefix)!)
  for (const n of lab.host.vnics.filter((x) => x.switchId === sw.id)) {
    for (const e of n.ipv4.addresses) out.push({address: parseIpv4(e.ipAddress)!, length: e.prefixLength})
  }
  const uplink = sw.netAdapterName === null ? undefined : findByName(lab.host.adapters, sw.netAdapterName)
  if (uplink?.network) out.push(parseCidr(uplink.network.prefix)!)
  return out
}

/** Addresses that answer as a router on a switch: host vNICs, the LAN's gateway, the VMs' own addresses. */
function routersOn(lab: Lab, sw: VMSwitch): Set<number> {
  const out = new Set<number>()
  for (const n of lab.host.vnics.filter((x) => x.switchId === sw.id)) for (const e of n.ipv4.addresses) out.add(parseIpv4(e.ipAddress)!)
  const uplink = sw.netAdapterName === null ? undefined : findByName(lab.host.adapters, sw.netAdapterName)
  if (uplink?.network) out.add(parseIpv4(uplink.network.gateway)!)
  for (const p of ports(lab)) {
    const own = p.adapter.switchId === sw.id ? staticOf(p.adapter) : undefined
    if (own) out.add(own.address)
  }
  return out
}

function ruleNatNoGateway(lab: Lab, out: Finding[]): void {
  const defaultIds = new Set(lab.switches.filter((s) => s.isDefaultSwitch).map((s) => s.id))
  for (const nat of lab.nats) {
    const inside = parseCidr(nat.internalIPInterfaceAddressPrefix)!
    const held = lab.host.vnics.some((n) => !defaultIds.has(n.switchId) && n.ipv4.addresses.some((e) => inPrefix(parseIpv4(e.ipAddress)!, inside.address, inside.length)))
    if (held) continue
    const bare = lab.host.vnics.find((n) => !defaultIds.has(n.switchId) && n.ipv4.addresses.length === 0)
    const alias = bare?.interfaceAlias ?? 'vEthernet (NATSwitch)'
    out.push(finding('nat-no-gateway', `No host vNIC has an address in ${nat.internalIPInterfaceAddressPrefix}, the internal prefix of the NAT "${nat.name}": VMs on it have no gateway and nothing reaches the NAT.`, [`nat ${nat.name}`], `hvnet host ip add --interface-alias "${alias}" --ip-address ${formatIpv4(inside.address + 1)} --prefix-length ${inside.length}`))
  }
}

function ruleInternalNoHostAddress(lab: Lab, out: Finding[]): void {
  for (const sw of lab.switches) {
    if (sw.isDefaultSwitch || switchType(sw) !== 'Internal') continue
    const vnics = lab.host.vnics.filter((n) => n.switchId === sw.id)
    if (vnics.some((n) => n.ipv4.addresses.length > 0)) continue
    const expecting = ports(lab).filter((p) => p.adapter.switchId === sw.id && staticOf(p.adapter)?.gateway !== undefined)
    if (expecting.length === 0) continue
    const gw = staticOf(expecting[0].adapter)!
    const alias = vnics[0]?.interfaceAlias ?? `vEthernet (${sw.name})`
    out.push(finding('internal-no-host-address', `The Internal switch "${sw.name}" has no host address, but ${expecting.map((p) => p.label.slice(3)).join(', ')} expect${expecting.length === 1 ? 's' : ''} the gateway ${formatIpv4(gw.gateway!)} on it.`, [`vswitch ${sw.name}`, ...expecting.map((p) => p.label)], `hvnet host ip add --interface-alias "${alias}" --ip-address ${formatIpv4(gw.gateway!)} --prefix-length ${gw.length}`))
  }
}

function ruleVmSubnet(lab: Lab, out: Finding[]): void {
  const routers = new Map<string, Set<number>>()
  for (const p of ports(lab)) {
    const own = staticOf(p.adapter)
    if (!own || p.adapter.switchId === null) continue
    const sw = lab.switches.find((s) => s.id === p.adapter.switchId)!
    const subnets = switchSubnets(lab, sw)
    if (subnets.length === 0) continue
    const shown = subnets.map((c) => formatCidr(networkOf(c.address, c.length), c.length)).join(', ')
    if (!subnets.some((c) => inPrefix(own.address, c.address, c.length))) {
      out.push(finding('vm-address-off-subnet', `${p.label.slice(3)} has the static address ${own.text}, outside ${shown}, the subnet${subnets.length > 1 ? 's' : ''} of its switch "${sw.name}".`, [p.label, `vswitch ${sw.name}`], `hvnet vm set-ip "${p.vm.name}" -n "${p.adapter.name}" --address ${formatIpv4(networkOf(subnets[0].address, subnets[0].length) + 10)}/${subnets[0].length}`))
      continue
    }
    if (!routers.has(sw.id)) routers.set(sw.id, routersOn(lab, sw))
    if (own.gateway !== undefined && !routers.get(sw.id)!.has(own.gateway)) {
      out.push(finding('vm-gateway-off-subnet', `${p.label.slice(3)} uses the gateway ${formatIpv4(own.gateway)}, which nothing on the switch "${sw.name}" holds (${shown}).`, [p.label, `vswitch ${sw.name}`], `Give the gateway address to the switch's host vNIC (\`hvnet host ip add\`), or point the VM at an existing one: \`hvnet vm set-ip "${p.vm.name}" -n "${p.adapter.name}" --address ${own.text} --gateway A.B.C.D\`.`))
    }
  }
}

function ruleStaticInDhcpRange(lab: Lab, out: Finding[]): void {
  const sw = lab.switches.find((s) => s.isDefaultSwitch && s.icsPrefix !== null)
  if (!sw) return
  const ics = parseCidr(sw.icsPrefix!)!
  const first = ics.address + 2
  const last = broadcastOf(ics.address, ics.length) - 1
  for (const p of ports(lab)) {
    const own = staticOf(p.adapter)
    if (!own || p.adapter.switchId !== sw.id || own.address < first || own.address > last) continue
    out.push(finding('static-in-dhcp-range', `${p.label.slice(3)} has the static address ${own.text} inside the Default Switch's DHCP range ${formatIpv4(first)}-${formatIpv4(last)}: ICS may lease it to another VM, and the range moves when the host restarts.`, [p.label, `vswitch ${sw.name}`], `hvnet vm set-ip "${p.vm.name}" -n "${p.adapter.name}" --dhcp`))
  }
}

function ruleDuplicates(lab: Lab, out: Finding[]): void {
  const macs = new Map<string, string[]>()
  const note = (mac: string, who: string) => {
    if (mac === '000000000000') return
    macs.set(mac, [...(macs.get(mac) ?? []), who])
  }
  const sharedMacs = new Set(lab.switches.filter((s) => s.netAdapterName !== null && s.allowManagementOS).map((s) => findByName(lab.host.adapters, s.netAdapterName!)?.macAddress))
  for (const a of lab.host.adapters) note(a.macAddress, `netadapter ${a.name}`)
  for (const n of lab.host.vnics) if (!sharedMacs.has(n.macAddress)) note(n.macAddress, `vnic ${n.interfaceAlias}`)
  for (const p of ports(lab)) note(p.adapter.macAddress, p.label)
  for (const [mac, who] of macs) {
    if (who.length < 2) continue
    out.push(finding('duplicate-mac', `${who.length} adapters use the MAC ${mac.match(/../g)!.join('-')}: ${who.join(', ')}. A switch learns one port per MAC, so frames for them go to one only.`, who, `Give all but one a dynamic MAC: \`hvnet vm set-nic VM -n ADAPTER --dynamic-mac\`, or another --static-mac.`))
  }
  const ips = new Map<number, string[]>()
  for (const a of [...lab.host.adapters.map((x) => ({ipv4: x.ipv4, who: `netadapter ${x.name}`})), ...lab.host.vnics.map((n) => ({ipv4: n.ipv4, who: `vnic ${n.interfaceAlias}`}))]) {
    for (const e of a.ipv4.addresses) {
      const ip = parseIpv4(e.ipAddress)!
      ips.set(ip, [...(ips.get(ip) ?? []), a.who])
    }
  }
  for (const p of ports(lab)) {
    const own = staticOf(p.adapter)
    if (own) ips.set(own.address, [...(ips.get(own.address) ?? []), p.label])
  }
  for (const [ip, who] of ips) {
    if (who.length < 2) continue
    out.push(finding('duplicate-ip', `The address ${formatIpv4(ip)} is used ${who.length} times: ${who.join(', ')}. ARP answers for it race, and traffic goes to whichever answered last.`, who, 'Give each its own address (`hvnet vm set-ip`, `hvnet host ip remove`).'))
  }
}

function ruleNotConnected(lab: Lab, out: Finding[]): void {
  for (const p of ports(lab)) {
    if (p.adapter.switchId !== null) continue
    out.push(finding('adapter-not-connected', `${p.label.slice(3)} is not connected to a switch: it sends and receives nothing.`, [p.label], `hvnet vm connect-nic "${p.vm.name}" -n "${p.adapter.name}" --switch SWITCH, or remove it: hvnet vm remove-nic "${p.vm.name}" -n "${p.adapter.name}"`))
  }
}

function ruleExternalUplink(lab: Lab, out: Finding[]): void {
  for (const sw of lab.switches) {
    if (sw.netAdapterName === null) continue
    const uplink = findByName(lab.host.adapters, sw.netAdapterName)!
    if (uplink.kind === 'wireless') {
      out.push(finding('external-on-wireless', `The External switch "${sw.name}" is on the wireless adapter "${uplink.name}": Hyper-V rewrites VM frames to its MAC ${uplink.macAddress.match(/../g)!.join('-')}, so DHCP reservations and MAC filters upstream see the host's MAC, not the VM's.`, [`vswitch ${sw.name}`, `netadapter ${uplink.name}`], `Bind the switch to a wired adapter (\`hvnet vswitch set "${sw.name}" --adapter Ethernet\`), or use an Internal switch with NAT.`))
      continue
    }
    if (uplink.portSecurityMaxMacs === null) continue
    const users = [...(sw.allowManagementOS ? [`vnic vEthernet (${sw.name})`] : []), ...ports(lab).filter((p) => p.adapter.switchId === sw.id).map((p) => p.label)]
    if (users.length <= uplink.portSecurityMaxMacs) continue
    out.push(finding('port-security-exceeded', `The upstream port of "${uplink.name}" accepts ${uplink.portSecurityMaxMacs} MAC address${uplink.portSecurityMaxMacs === 1 ? '' : 'es'}, but ${users.length} will use it through the External switch "${sw.name}" (${users.join(', ')}): the port drops the others' frames, or shuts down.`, [`vswitch ${sw.name}`, `netadapter ${uplink.name}`, ...users], `Raise the limit (\`hvnet host adapter set "${uplink.name}" --port-security-max-macs ${users.length}\`), or put the VMs behind an Internal switch with NAT.`))
  }
}

function ruleRouterWithoutSpoofing(lab: Lab, out: Finding[]): void {
  for (const vm of lab.vms) {
    const connected = vm.networkAdapters.filter((a) => a.switchId !== null)
    const places = new Set(connected.map((a) => `${a.switchId}|${JSON.stringify(a.vlanSetting)}`))
    if (places.size < 2) continue
    const strict = connected.filter((a) => !a.macAddressSpoofing)
    if (strict.length === 0) continue
    out.push(finding('router-without-mac-spoofing', `"${vm.name}" has adapters on ${places.size} networks (${connected.map((a) => a.name).join(', ')}) and looks like a router or nested host, but MAC address spoofing is off on ${strict.map((a) => `"${a.name}"`).join(', ')}: frames it forwards for others with their source MAC are dropped (a bridge or a nested host's VMs). A router that sends from its own MAC needs no spoofing.`, [`vm ${vm.name}`, ...strict.map((a) => `vm ${vm.name}/${a.name}`)], `hvnet vm set-nic "${vm.name}" -n "${strict[0].name}" --mac-spoofing on`))
  }
}

function carries(setting: VlanSetting, vlan: number): boolean {
  switch (setting.operationMode) {
    case 'Untagged': return false
    case 'Access': return setting.accessVlanId === vlan
    case 'Trunk': return inRanges(setting.allowedVlanIdList, vlan)
    case 'Private': return setting.primaryVlanId === vlan
  }
}

function ruleLonelyVlan(lab: Lab, out: Finding[]): void {
  for (const sw of lab.switches) {
    // Beyond an External switch the LAN may carry the VLAN: hvnet cannot tell.
    if (switchType(sw) === 'External') continue
    const members = [
      ...ports(lab).filter((p) => p.adapter.switchId === sw.id).map((p) => ({label: p.label, setting: p.adapter.vlanSetting})),
      ...lab.host.vnics.filter((n) => n.switchId === sw.id).map((n) => ({label: `vnic ${n.interfaceAlias}`, setting: n.vlanSetting})),
    ]
    for (const m of members) {
      if (m.setting.operationMode !== 'Access') continue
      const vlan = m.setting.accessVlanId
      if (members.some((o) => o !== m && carries(o.setting, vlan))) continue
      out.push(finding('lonely-vlan', `${m.label} is in VLAN ${vlan}, which no other port of the switch "${sw.name}" carries: it can reach nothing.`, [m.label, `vswitch ${sw.name}`], `Put a peer in VLAN ${vlan} (\`hvnet vm set-vlan VM -n ADAPTER --access --vlan-id ${vlan}\`), or make this port untagged.`))
    }
  }
}

function ruleMappingToNobody(lab: Lab, out: Finding[]): void {
  const addresses = new Set(ports(lab).map((p) => staticOf(p.adapter)?.address).filter((a) => a !== undefined))
  for (const nat of lab.nats) {
    for (const m of nat.staticMappings) {
      if (addresses.has(parseIpv4(m.internalIPAddress)!)) continue
      out.push(finding('mapping-to-nobody', `Static mapping ${m.staticMappingId} of "${nat.name}" forwards ${m.protocol} port ${m.externalPort} to ${m.internalIPAddress}:${m.internalPort}, an address no VM has (WinNAT hands out no addresses: a VM behind it needs a static one).`, [`nat ${nat.name}`], `hvnet vm set-ip VM -n ADAPTER --address ${m.internalIPAddress}/${parseCidr(nat.internalIPInterfaceAddressPrefix)!.length} --gateway GATEWAY`))
    }
  }
}

function ruleOverlappingSubnets(lab: Lab, out: Finding[]): void {
  const held = hostPrefixes(lab)
  // A shared External switch's vNIC is on its adapter's own LAN: one interface, not two.
  const group = new Map<string, string>()
  for (const sw of lab.switches) {
    if (sw.netAdapterName === null || !sw.allowManagementOS) continue
    const uplink = findByName(lab.host.adapters, sw.netAdapterName)!
    for (const n of lab.host.vnics) if (n.switchId === sw.id && n.macAddress === uplink.macAddress) group.set(n.interfaceAlias, uplink.name)
  }
  const seen = new Set<string>()
  for (let i = 0; i < held.length; i++) {
    for (let j = i + 1; j < held.length; j++) {
      const a = held[i]
      const b = held[j]
      if (sameName(group.get(a.holder) ?? a.holder, group.get(b.holder) ?? b.holder) || !prefixesOverlap(a.prefix, b.prefix)) continue
      const key = [a.holder, b.holder].sort().join('|')
      if (seen.has(key)) continue
      seen.add(key)
      const text = (c: Cidr) => formatCidr(networkOf(c.address, c.length), c.length)
      out.push(finding('overlapping-host-subnets', `${text(a.prefix)} on "${a.holder}" overlaps ${text(b.prefix)} on "${b.holder}": the host's routing between them is ambiguous.`, [a.holder, b.holder], 'Move one of them to a prefix of its own (`hvnet host ip remove`, then `hvnet host ip add`).'))
    }
  }
  const ics = lab.switches.find((s) => s.isDefaultSwitch && s.icsPrefix !== null)
  for (const nat of lab.nats) {
    if (ics && prefixesOverlap(parseCidr(nat.internalIPInterfaceAddressPrefix)!, parseCidr(ics.icsPrefix!)!)) {
      out.push(finding('overlapping-host-subnets', `The NAT "${nat.name}"'s prefix ${nat.internalIPInterfaceAddressPrefix} overlaps the Default Switch's subnet ${ics.icsPrefix}.`, [`nat ${nat.name}`, 'vswitch Default Switch'], 'hvnet host restart (the Default Switch moves to a free /20)'))
    }
  }
}

/**
 * A DHCP guest where nothing answers DHCP: hvnet's DHCP servers are the Default Switch's (ICS), the
 * LAN's beyond an External switch, and a VM on the same switch listening on udp/67.
 */
function ruleDhcpNoServer(lab: Lab, out: Finding[]): void {
  for (const sw of lab.switches) {
    if (sw.isDefaultSwitch) continue
    const uplink = sw.netAdapterName === null ? undefined : findByName(lab.host.adapters, sw.netAdapterName)
    if (uplink?.network?.dhcp) continue
    const on = ports(lab).filter((p) => p.adapter.switchId === sw.id)
    if (on.some((p) => p.vm.guest.listeningPorts.some((l) => l.protocol === 'udp' && l.port === 67))) continue
    for (const p of on.filter((x) => x.adapter.guestIPv4.mode === 'Dhcp')) {
      out.push(finding('dhcp-no-server', `${p.label.slice(3)} gets its address by DHCP, but nothing on the ${switchType(sw)} switch "${sw.name}" serves DHCP (WinNAT hands out no addresses): the guest ends up with a 169.254.x.x address.`, [p.label, `vswitch ${sw.name}`], `hvnet vm set-ip "${p.vm.name}" -n "${p.adapter.name}" --address A.B.C.D/LEN --gateway GATEWAY, or run a DHCP server in a VM on the switch (\`hvnet vm set-guest VM --listen udp/67\`).`))
    }
  }
}

/** Stored checks that name what no longer exists (a VM renamed or removed since). */
function ruleCheckInvalid(lab: Lab, out: Finding[]): void {
  lab.checks.forEach((c, i) => {
    for (const p of checkProblems(lab, c)) {
      out.push(finding('check-invalid', `Check ${i + 1}${c.name ? ` ("${c.name}")` : ''}: ${p.field} ${p.message}.`, [`check ${i + 1}`], 'Fix the check in the lab file and `hvnet apply` it again.'))
    }
  })
}

/** Findings a lab file can have that a store cannot hold: a second NAT. */
export function lintFile(file: LabFile): Finding[] {
  const names = Object.keys(file.nats ?? {})
  if (names.length < 2) return []
  return [finding('second-nat', `The file declares ${names.length} NATs (${names.join(', ')}); WinNAT allows one internal prefix per host, so New-NetNat refuses the second.`, names.map((n) => `nat ${n}`), 'Use one NAT on a prefix that covers every internal switch, e.g. 192.168.0.0/16.')]
}

/** Every finding of a lab, rule by rule, in the README's order. */
export function lintLab(lab: Lab): Finding[] {
  const out: Finding[] = []
  ruleNatNoGateway(lab, out)
  ruleInternalNoHostAddress(lab, out)
  ruleVmSubnet(lab, out)
  ruleStaticInDhcpRange(lab, out)
  ruleDuplicates(lab, out)
  ruleNotConnected(lab, out)
  ruleExternalUplink(lab, out)
  ruleRouterWithoutSpoofing(lab, out)
  ruleLonelyVlan(lab, out)
  ruleMappingToNobody(lab, out)
  ruleDhcpNoServer(lab, out)
  ruleOverlappingSubnets(lab, out)
  ruleCheckInvalid(lab, out)
  return out
}

/** Whether the findings fail validation: an error, or with --strict also a warning. */
export function findingsFail(findings: readonly Finding[], strict: boolean): boolean {
  return findings.some((f) => f.severity === 'error' || (strict && f.severity === 'warning'))
}

/**
 * A lab file on its own, as `apply` into a new store would build it: its own findings (a second
 * NAT: the lab is then built with the first), each refused step as `lab-file-invalid`, then the
 * rules over the lab it builds.
 */
export function lintLabFile(file: LabFile): Finding[] {
  const findings = lintFile(file)
  const nats = Object.entries(file.nats ?? {})
  const built = planApply(emptyLab(file.seed), false, nats.length > 1 ? {...file, nats: Object.fromEntries(nats.slice(0, 1))} : file, true)
  for (const p of built.problems) {
    findings.push({code: 'lab-file-invalid', fix: 'Fix the file; `hvnet apply` refuses it as it is.', message: `${p.path}: ${p.message}`, objects: [p.path], severity: FINDINGS['lab-file-invalid']})
  }
  if (built.lab) findings.push(...lintLab(built.lab))
  return findings
}
