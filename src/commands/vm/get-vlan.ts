import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {selectAdapters} from '../../model/vm.js'
import {vlanViewOf} from '../../model/vlan.js'
import {renderVlanTable} from '../../render/vm.js'

export default class VmGetVlan extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name (default: every VM).'}),
  }

  static override description = 'Show the VLAN settings of VM network adapters (Get-VMNetworkAdapterVlan): VMName, VMNetworkAdapterName, Mode, VlanList. VlanList gives the access VLAN; for a trunk the native VLAN, then the allowed list; for a private VLAN the primary, then the secondary VLAN(s). --json adds the stored vlanSetting.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> Redmond',
    {command: '<%= config.bin %> <%= command.id %> Redmond --name "Network Adapter" --json', description: 'One adapter\'s setting as JSON'},
  ]

  static override flags = {
    name: Flags.string({char: 'n', description: 'Only this adapter of the VM.'}),
  }

  async run() {
    const {args, flags} = await this.parse(VmGetVlan)
    const {lab} = await this.loadLab()
    const rows = selectAdapters(lab, args.vm, flags.name).map(({adapter, vm}) => vlanViewOf(vm.name, adapter.name, adapter.vlanSetting))
    if (!this.jsonEnabled()) this.log(await renderVlanTable(rows))
    return rows
  }
}
