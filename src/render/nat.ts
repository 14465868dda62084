import type {ExternalAddressView, NatView, StaticMappingView} from '../model/nat.js'
import type {NatSessionView} from '../model/nat-sessions.js'

import {renderList, renderTable} from './table.js'

const bool = (b: boolean): string => (b ? 'True' : 'False')

function notes(view: {remarks: string[]; warnings: string[]}): string {
  return [...view.warnings.map((w) => `Warning: ${w}`), ...view.remarks.map((r) => `Note: ${r}`)].join('\n')
}

export function renderNatTable(rows: readonly NatView[]): Promise<string> {
  return renderTable<NatView>([
    {header: 'Name', value: (n) => n.name},
    {header: 'InternalIPInterfaceAddressPrefix', value: (n) => n.internalIPInterfaceAddressPrefix},
    {header: 'ExternalIPInterfaceAddressPrefix', value: (n) => n.externalIPInterfaceAddressPrefix},
    {header: 'Active', value: (n) => bool(n.active)},
    {align: 'right', header: 'StaticMappings', value: (n) => n.staticMappingCount},
    {header: 'Gateway', value: (n) => n.gatewayInterfaces.map((g) => `${g.ipAddress} (${g.interfaceAlias})`).join(' ') || '(none)'},
  ], rows)
}

/** Get-NetNat NAME | Format-List, in Get-NetNat's order, then warnings and notes. */
export async function renderNat(n: NatView): Promise<string> {
  const list = await renderList([
    ['Name', n.name],
    ['ExternalIPInterfaceAddressPrefix', n.externalIPInterfaceAddressPrefix],
    ['InternalIPInterfaceAddressPrefix', n.internalIPInterfaceAddressPrefix],
    ['IcmpQueryTimeout', n.icmpQueryTimeout],
    ['TcpEstablishedConnectionTimeout', n.tcpEstablishedConnectionTimeout],
    ['TcpTransientConnectionTimeout', n.tcpTransientConnectionTimeout],
    ['TcpFilteringBehavior', n.tcpFilteringBehavior],
    ['UdpFilteringBehavior', n.udpFilteringBehavior],
    ['UdpIdleSessionTimeout', n.udpIdleSessionTimeout],
    ['UdpInboundRefresh', bool(n.udpInboundRefresh)],
    ['Store', n.store],
    ['Active', bool(n.active)],
  ])
  const extra = notes(n)
  return extra === '' ? list : `${list}\n\n${extra}`
}

export function renderMappingTable(rows: readonly StaticMappingView[]): Promise<string> {
  return renderTable<StaticMappingView>([
    {align: 'right', header: 'StaticMappingID', value: (m) => m.staticMappingId},
    {header: 'NatName', value: (m) => m.natName},
    {header: 'Protocol', value: (m) => m.protocol},
    {header: 'RemoteExternalIPAddressPrefix', value: (m) => m.remoteExternalIPAddressPrefix},
    {header: 'ExternalIPAddress', value: (m) => m.externalIPAddress},
    {align: 'right', header: 'ExternalPort', value: (m) => m.externalPort},
    {header: 'InternalIPAddress', value: (m) => m.internalIPAddress},
    {align: 'right', header: 'InternalPort', value: (m) => m.internalPort},
    {header: 'Active', value: (m) => bool(m.active)},
  ], rows)
}

/** Add-NetNatStaticMapping's object, in the console's order. */
export function renderMapping(m: StaticMappingView): Promise<string> {
  return renderList([
    ['StaticMappingID', m.staticMappingId],
    ['NatName', m.natName],
    ['Protocol', m.protocol],
    ['RemoteExternalIPAddressPrefix', m.remoteExternalIPAddressPrefix],
    ['ExternalIPAddress', m.externalIPAddress],
    ['ExternalPort', m.externalPort],
    ['InternalIPAddress', m.internalIPAddress],
    ['InternalPort', m.internalPort],
    ['InternalRoutingDomainId', m.internalRoutingDomainId],
    ['Active', bool(m.active)],
  ])
}

export function renderExternalAddressTable(rows: readonly ExternalAddressView[]): Promise<string> {
  return renderTable<ExternalAddressView>([
    {align: 'right', header: 'ExternalAddressID', value: (x) => x.externalAddressId},
    {header: 'NatName', value: (x) => x.natName},
    {header: 'IPAddress', value: (x) => x.ipAddress},
    {align: 'right', header: 'PortStart', value: (x) => x.portStart},
    {align: 'right', header: 'PortEnd', value: (x) => x.portEnd},
    {header: 'Active', value: (x) => bool(x.active)},
  ], rows)
}

export function renderExternalAddress(x: ExternalAddressView): Promise<string> {
  return renderList([
    ['ExternalAddressID', x.externalAddressId],
    ['NatName', x.natName],
    ['IPAddress', x.ipAddress],
    ['PortStart', x.portStart],
    ['PortEnd', x.portEnd],
    ['Active', bool(x.active)],
  ])
}

/** Get-NetNatSession's columns (Protocol as the cmdlet shows it, a number), then hvnet's Id, State and TimeLeft. */
export function renderNatSessions(rows: readonly NatSessionView[]): Promise<string> | string {
  if (rows.length === 0) return 'No NAT sessions. Traces through a NAT create them (`hvnet trace --from VM --to 8.8.8.8`); they expire on the virtual clock.'
  return renderTable<NatSessionView>([
    {header: 'NatName', value: (s) => s.natName},
    {align: 'right', header: 'Id', value: (s) => s.id},
    {align: 'right', header: 'Protocol', value: (s) => s.protocol},
    {header: 'InternalSourceAddress', value: (s) => `${s.internalSourceAddress}:${s.internalSourcePort}`},
    {header: 'InternalDestinationAddress', value: (s) => `${s.internalDestinationAddress}:${s.internalDestinationPort}`},
    {header: 'ExternalSourceAddress', value: (s) => `${s.externalSourceAddress}:${s.externalSourcePort}`},
    {header: 'ExternalDestinationAddress', value: (s) => `${s.externalDestinationAddress}:${s.externalDestinationPort}`},
    {align: 'right', header: 'CreationTime', value: (s) => `${s.creationTime}s`},
    {header: 'State', value: (s) => s.state},
    {align: 'right', header: 'TimeLeft', value: (s) => `${s.timeLeft}s`},
  ], rows)
}
