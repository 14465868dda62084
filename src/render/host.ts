import type {HostView, NetAdapterView} from '../model/host.js'
import type {RestartResult} from '../model/vswitch.js'

import {renderList, renderTable} from './table.js'

export function renderAdapterTable(rows: readonly NetAdapterView[]): Promise<string> {
  return renderTable<NetAdapterView>([
    {header: 'Name', value: (a) => a.name},
    {header: 'InterfaceDescription', value: (a) => a.interfaceDescription},
    {align: 'right', header: 'ifIndex', value: (a) => a.ifIndex},
    {header: 'Status', value: (a) => a.status},
    {header: 'MacAddress', value: (a) => a.macAddress},
    {align: 'right', header: 'LinkSpeed', value: (a) => a.linkSpeed},
    {header: 'IPv4Address', value: (a) => (a.boundToSwitch ? `(bound to switch "${a.boundToSwitch}")` : a.ipv4Addresses.join(' '))},
  ], rows)
}

export function renderAdapter(a: NetAdapterView): Promise<string> {
  return renderList([
    ['Name', a.name],
    ['InterfaceDescription', a.interfaceDescription],
    ['ifIndex', a.ifIndex],
    ['Status', a.status],
    ['MacAddress', a.macAddress],
    ['LinkSpeed', a.linkSpeed],
    ['Kind', a.kind],
    ['BoundToSwitch', a.boundToSwitch],
    ['IPv4Address', a.ipv4Addresses.join(' ')],
    ['DefaultGateway', a.defaultGateway],
    ['Dhcp', a.dhcp ? 'Enabled' : 'Disabled'],
    ['Network', a.network ? `${a.network.prefix} via ${a.network.gateway}${a.network.dhcp ? ' (DHCP server)' : ''}` : null],
    ['PortSecurityMaxMacs', a.portSecurityMaxMacs ?? (a.kind === 'vnic' ? null : 'unlimited')],
  ])
}

export function renderHost(h: HostView): Promise<string> {
  return renderList([
    ['ComputerName', h.computerName],
    ['MacAddressMinimum', h.macAddressMinimum],
    ['MacAddressMaximum', h.macAddressMaximum],
    ['DynamicMacAddresses', `${h.dynamicMacAddressesInUse} of ${h.dynamicMacAddressesTotal} in use`],
    ['Adapters', h.adapterCount],
    ['Switches', h.switchCount],
    ['Restarts', h.bootCount],
    ['Seed', h.seed],
  ])
}

export function renderRestart(r: RestartResult): string {
  const moved = r.defaultSwitchPrefix
  return `Restarted (restart ${r.bootCount}).${moved ? ` Default Switch subnet: ${moved.before} -> ${moved.after}.` : ''}`
}
