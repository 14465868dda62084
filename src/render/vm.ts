import type {ExtendedAcl, PortAcl, VlanSetting} from '../model/schema.js'
import type {VlanView} from '../model/vlan.js'
import type {AclView, AdapterView, VmView} from '../model/vm.js'

import {aclAddressText, formatPortRange, formatProtocol} from '../model/acl.js'
import {vlanListText, vlanModeName} from '../model/vlan.js'
import {renderList, renderTable} from './table.js'

/** PowerShell prints a collection property as `{a, b}`. */
function collection(items: readonly string[]): string {
  return `{${items.join(', ')}}`
}

function onOff(value: boolean): string {
  return value ? 'On' : 'Off'
}

export function renderVmTable(rows: readonly VmView[]): Promise<string> {
  return renderTable<VmView>([
    {header: 'Name', value: (m) => m.name},
    {header: 'State', value: (m) => m.state},
    {align: 'right', header: 'Generation', value: (m) => m.generation},
    {align: 'right', header: 'NetworkAdapters', value: (m) => m.networkAdapters.length},
    {header: 'Status', value: (m) => m.status},
  ], rows)
}

export function renderAdapterTable(rows: readonly AdapterView[]): Promise<string> {
  const withHost = rows.some((r) => r.isManagementOs)
  return renderTable<AdapterView>([
    {header: 'Name', value: (a) => a.name},
    ...(withHost ? [{header: 'IsManagementOs', value: (a: AdapterView) => (a.isManagementOs ? 'True' : 'False')}] : []),
    {header: 'VMName', value: (a) => a.vmName},
    {header: 'SwitchName', value: (a) => a.switchName},
    {header: 'MacAddress', value: (a) => a.macAddress},
    {header: 'Status', value: (a) => (a.status === null ? '' : collection([a.status]))},
    {header: 'IPAddresses', value: (a) => (a.status === 'Disconnected' && a.ipAddresses.length === 0 ? '' : collection(a.ipAddresses))},
  ], rows)
}

function guestIpText(a: AdapterView): string {
  const g = a.guestIPv4
  if (g.mode === 'Dhcp') return 'DHCP'
  return [g.ipAddress, g.defaultGateway ? `gateway ${g.defaultGateway}` : null, g.dnsServers.length > 0 ? `DNS ${g.dnsServers.join(' ')}` : null].filter(Boolean).join(', ')
}

export function renderAdapter(a: AdapterView): Promise<string> {
  return renderList([
    ['Name', a.name],
    ['Id', a.id],
    ['VMName', a.vmName],
    ['IsLegacy', a.isLegacy ? 'True' : 'False'],
    ['SwitchName', a.switchName],
    ['Connected', a.connected ? 'True' : 'False'],
    ['Status', a.status === null ? '' : collection([a.status])],
    ['MacAddress', a.macAddress],
    ['DynamicMacAddressEnabled', a.dynamicMacAddressEnabled ? 'True' : 'False'],
    ['MacAddressSpoofing', onOff(a.macAddressSpoofing)],
    ['DhcpGuard', onOff(a.dhcpGuard)],
    ['RouterGuard', onOff(a.routerGuard)],
    ['PortMirroringMode', a.portMirroringMode],
    ['MaximumBandwidth', a.maximumBandwidth],
    ['VlanSetting', `${vlanModeName(a.vlanSetting)} ${vlanListText(a.vlanSetting)}`.trim()],
    ['Acls', a.acls.length],
    ['ExtendedAcls', a.extendedAcls.length],
    ['GuestIPv4', guestIpText(a)],
    ['IPAddresses', collection(a.ipAddresses)],
  ])
}

export async function renderVm(m: VmView): Promise<string> {
  const list = await renderList([
    ['Name', m.name],
    ['Id', m.id],
    ['State', m.state],
    ['Generation', m.generation],
    ['Status', m.status],
    ['GuestOS', m.guest.os],
    ['GuestFirewall', onOff(m.guest.firewall)],
    ['GuestListening', m.guest.listeningPorts.map((p) => `${p.protocol}/${p.port}`).join(',')],
  ])
  return m.networkAdapters.length === 0 ? list : `${list}\n\n${await renderAdapterTable(m.networkAdapters)}`
}

export function renderVlanTable(rows: readonly VlanView[]): Promise<string> {
  return renderTable<VlanView>([
    {header: 'VMName', value: (r) => r.vmName ?? ''},
    {header: 'VMNetworkAdapterName', value: (r) => r.vmNetworkAdapterName},
    {header: 'Mode', value: (r) => r.mode},
    {header: 'VlanList', value: (r) => r.vlanList},
  ], rows)
}

export function renderAclTable(rows: readonly AclView<PortAcl>[]): Promise<string> {
  return renderTable<AclView<PortAcl>>([
    {header: 'VMName', value: (r) => r.vmName},
    {header: 'VMNetworkAdapterName', value: (r) => r.vmNetworkAdapterName},
    {header: 'Direction', value: (r) => r.direction},
    {header: 'Action', value: (r) => r.action},
    {header: 'Scope', value: (r) => r.applicability},
    {header: 'Address', value: (r) => aclAddressText(r)},
    {align: 'right', header: 'Index', value: (r) => r.index},
  ], rows)
}

export function renderExtendedAclTable(rows: readonly AclView<ExtendedAcl>[]): Promise<string> {
  const any = (prefix: string) => (prefix === '0.0.0.0/0' ? 'ANY' : prefix)
  return renderTable<AclView<ExtendedAcl>>([
    {header: 'VMName', value: (r) => r.vmName},
    {header: 'VMNetworkAdapterName', value: (r) => r.vmNetworkAdapterName},
    {header: 'Direction', value: (r) => r.direction},
    {align: 'right', header: 'Weight', value: (r) => r.weight},
    {header: 'Action', value: (r) => r.action},
    {header: 'LocalIPAddress', value: (r) => any(r.localIPAddress)},
    {header: 'RemoteIPAddress', value: (r) => any(r.remoteIPAddress)},
    {header: 'LocalPort', value: (r) => formatPortRange(r.localPort)},
    {header: 'RemotePort', value: (r) => formatPortRange(r.remotePort)},
    {header: 'Protocol', value: (r) => formatProtocol(r.protocol)},
    {header: 'Stateful', value: (r) => (r.stateful ? `True (${r.idleSessionTimeout} s)` : 'False')},
    {align: 'right', header: 'Index', value: (r) => r.index},
  ], rows)
}

export interface HostVnicRow {
  name: string
  interfaceAlias: string
  switchName: string
  macAddress: string
  ifIndex: number
  vlanSetting: VlanSetting
}

export function renderHostVnicTable(rows: readonly HostVnicRow[]): Promise<string> {
  return renderTable<HostVnicRow>([
    {header: 'Name', value: (r) => r.name},
    {header: 'SwitchName', value: (r) => r.switchName},
    {header: 'MacAddress', value: (r) => r.macAddress},
    {header: 'InterfaceAlias', value: (r) => r.interfaceAlias},
    {align: 'right', header: 'ifIndex', value: (r) => r.ifIndex},
    {header: 'VlanMode', value: (r) => vlanModeName(r.vlanSetting)},
    {header: 'VlanList', value: (r) => vlanListText(r.vlanSetting)},
  ], rows)
}
