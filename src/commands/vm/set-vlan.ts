import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {nicName, vlanFlags, vlanInput} from '../../cli/flags.js'
import {findVmAdapter, setVlan} from '../../model/vm.js'
import {vlanViewOf} from '../../model/vlan.js'
import {renderVlanTable} from '../../render/vm.js'

export default class VmSetVlan extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name.', required: true}),
  }

  static override description = `Set the VLAN mode of a VM network adapter (Set-VMNetworkAdapterVlan).

The modes are mutually exclusive: --untagged; --access --vlan-id N (the VM's frames belong to VLAN N, untagged at the VM); --trunk --allowed-vlan-ids LIST --native-vlan-id N (tagged frames of the allowed VLANs pass, untagged ones belong to the native VLAN, which must be in the list); private VLANs --isolated or --community with --primary-vlan-id and --secondary-vlan-id, or --promiscuous with --primary-vlan-id and --secondary-vlan-ids. IDs are 1-4094; lists are like 1-100,200. Under one primary VLAN on a switch, a secondary VLAN is isolated or community, not both, and there is one isolated secondary VLAN.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> Redmond --name "Network Adapter" --access --vlan-id 121', description: 'Access mode, as in Microsoft\'s example'},
    {command: '<%= config.bin %> <%= command.id %> Redmond -n "Network Adapter" --trunk --allowed-vlan-ids 1-100 --native-vlan-id 10', description: 'A trunk'},
    {command: '<%= config.bin %> <%= command.id %> Redmond -n "Network Adapter" --isolated --primary-vlan-id 10 --secondary-vlan-id 200', description: 'An isolated private VLAN port'},
    {command: '<%= config.bin %> <%= command.id %> WA -n "Network Adapter" --promiscuous --primary-vlan-id 10 --secondary-vlan-ids 200-201', description: 'A promiscuous private VLAN port'},
    {command: '<%= config.bin %> <%= command.id %> Redmond -n "Network Adapter" --untagged', description: 'Back to untagged'},
  ]

  static override flags = {...vlanFlags, name: nicName}

  async run() {
    const {args, flags} = await this.parse(VmSetVlan)
    const {result: row} = await this.change((lab) => {
      const adapter = setVlan(lab, args.vm, flags.name, vlanInput(flags))
      const {vm} = findVmAdapter(lab, args.vm, flags.name)
      return vlanViewOf(vm.name, adapter.name, adapter.vlanSetting)
    })
    if (!this.jsonEnabled()) this.log(await renderVlanTable([row]))
    return row
  }
}
