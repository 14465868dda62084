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
    ['HostVnics', s.hostVnics.map((n) => `${n.interfaceAlias} (ifIndex ${n.ifIndex}, ${n.macAddress}${n.addresses.length > 0 ? ', ' + n.addresses.join(' ') : ''})`).join('; ')],
  ])
  return s.remarks.length === 0 ? list : `${list}\n\n${s.remarks.map((r) => `Note: ${r}`).join('\n')}`
}
