import type {SwitchView} from '../model/vswitch.js'

import {renderList, renderTable} from './table.js'

export function renderSwitchTable(rows: readonly SwitchView[]): Promise<string> {
  return renderTable<SwitchView>([
    {header: 'Name', value: (s) => s.name},
    {header: 'SwitchType', value: (s) => s.switchType},
    {header: 'NetAdapterInterfaceDescription', value: (s) => s.netAdapterInterfaceDescription},
  ], rows)
}

export async function renderSwitch(s: SwitchView): Promise<string> {
  const list = await renderList([
    ['Name', s.name],
    ['Id', s.id],
    ['SwitchType', s.switchType],
    ['NetAdapterName', s.netAdapterName],
    ['NetAdapterInterfaceDescription', s.netAdapterInterfaceDescription],
    ['AllowManagementOS', s.allowManagementOS ? 'True' : 'False'],
    ['LinkSpeed', s.linkSpeed],
    ['Notes', s.notes],
    ['IcsPrefix', s.icsPrefix],
    ...(s.layer3 ? [
      ['HostAddress', `${s.layer3.hostAddress} on ${s.layer3.hostInterfaceAlias} (gateway and DNS server of the VMs)`],
      ['DhcpScope', `${s.layer3.dhcpScope.startRange} - ${s.layer3.dhcpScope.endRange}, mask ${s.layer3.dhcpScope.subnetMask}, router ${s.layer3.dhcpScope.router}, DNS ${s.layer3.dhcpScope.dnsServers.join(' ')}, lease ${s.layer3.dhcpScope.leaseDurationSeconds} s`],
      ['IcsNat', s.layer3.icsNat.externalInterfaceAlias ? `${s.layer3.icsNat.internalPrefix} -> ${s.layer3.icsNat.externalIPAddress} on ${s.layer3.icsNat.externalInterfaceAlias}` : `${s.layer3.icsNat.internalPrefix} -> (no physical network is up)`],
    ] as [string, string][] : []),
    ['HostVnics', s.hostVnics.map((n) => `${n.interfaceAlias} (ifIndex ${n.ifIndex}, ${n.macAddress}${n.addresses.length > 0 ? ', ' + n.addresses.join(' ') : ''})`).join('; ')],
  ])
  return s.remarks.length === 0 ? list : `${list}\n\n${s.remarks.map((r) => `Note: ${r}`).join('\n')}`
}
