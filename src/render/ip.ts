import type {IpAddressChange, IpAddressView, IpInterfaceView} from '../model/ip.js'

import {renderList, renderTable} from './table.js'

/** Get-NetIPAddress's columns, as a console shows them. */
export function renderIpAddressTable(rows: readonly IpAddressView[]): Promise<string> {
  return renderTable<IpAddressView>([
    {header: 'IPAddress', value: (a) => a.ipAddress},
    {align: 'right', header: 'InterfaceIndex', value: (a) => a.interfaceIndex},
    {header: 'InterfaceAlias', value: (a) => a.interfaceAlias},
    {header: 'AddressFamily', value: (a) => a.addressFamily},
    {header: 'Type', value: (a) => a.type},
    {align: 'right', header: 'PrefixLength', value: (a) => a.prefixLength},
    {header: 'PrefixOrigin', value: (a) => a.prefixOrigin},
  ], rows)
}

/** New-NetIPAddress / Remove-NetIPAddress: the address object (Format-List), then what else changed. */
export async function renderIpAddressChange(a: IpAddressChange): Promise<string> {
  const list = await renderList([
    ['IPAddress', a.ipAddress],
    ['InterfaceIndex', a.interfaceIndex],
    ['InterfaceAlias', a.interfaceAlias],
    ['AddressFamily', a.addressFamily],
    ['Type', a.type],
    ['PrefixLength', a.prefixLength],
    ['PrefixOrigin', a.prefixOrigin],
    ['SuffixOrigin', a.suffixOrigin],
    ['AddressState', a.addressState],
    ['DefaultGateway', a.defaultGateway],
    ['Dhcp', a.dhcp],
  ])
  return a.remarks.length === 0 ? list : `${list}\n\n${a.remarks.map((r) => `Note: ${r}`).join('\n')}`
}

/** Get-NetIPInterface's columns, with Forwarding (Set-NetIPInterface -Forwarding) beside Dhcp. */
export function renderIpInterfaceTable(rows: readonly IpInterfaceView[]): Promise<string> {
  return renderTable<IpInterfaceView>([
    {align: 'right', header: 'ifIndex', value: (i) => i.ifIndex},
    {header: 'InterfaceAlias', value: (i) => i.interfaceAlias},
    {header: 'AddressFamily', value: (i) => i.addressFamily},
    {header: 'Forwarding', value: (i) => i.forwarding},
    {header: 'Dhcp', value: (i) => i.dhcp},
    {header: 'ConnectionState', value: (i) => i.connectionState},
    {header: 'IPv4Address', value: (i) => i.ipv4Addresses.join(' ')},
  ], rows)
}

export function renderIpInterface(i: IpInterfaceView): Promise<string> {
  return renderList([
    ['ifIndex', i.ifIndex],
    ['InterfaceAlias', i.interfaceAlias],
    ['AddressFamily', i.addressFamily],
    ['Forwarding', i.forwarding],
    ['Dhcp', i.dhcp],
    ['ConnectionState', i.connectionState],
    ['IPv4Address', i.ipv4Addresses.join(' ')],
    ['DefaultGateway', i.defaultGateway],
  ])
}
