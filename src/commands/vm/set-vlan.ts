import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {nicName} from '../../cli/flags.js'
import {findVmAdapter, setVlan} from '../../model/vm.js'
import {vlanListText, vlanModeName} from '../../model/vlan.js'
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

  static override flags = {
    access: Flags.boolean({description: 'Access mode (with --vlan-id).'}),
    'allowed-vlan-ids': Flags.string({description: 'Trunk: the allowed VLAN IDs, e.g. 1-100,200.'}),
    community: Flags.boolean({description: 'Private VLAN, community (with --primary-vlan-id and --secondary-vlan-id).'}),
    isolated: Flags.boolean({description: 'Private VLAN, isolated (with --primary-vlan-id and --secondary-vlan-id).'}),
    name: nicName,
    'native-vlan-id': Flags.string({description: 'Trunk: the VLAN of untagged frames.'}),
    'primary-vlan-id': Flags.string({description: 'Private VLAN: the primary VLAN ID.'}),
    promiscuous: Flags.boolean({description: 'Private VLAN, promiscuous (with --primary-vlan-id and --secondary-vlan-ids).'}),
    'secondary-vlan-id': Flags.string({description: 'Isolated or community: the secondary VLAN ID.'}),
    'secondary-vlan-ids': Flags.string({description: 'Promiscuous: the secondary VLAN IDs, e.g. 200-201.'}),
    trunk: Flags.boolean({description: 'Trunk mode (with --allowed-vlan-ids and --native-vlan-id).'}),
    untagged: Flags.boolean({description: 'Untagged mode.'}),
    'vlan-id': Flags.string({description: 'Access: the VLAN ID (1-4094).'}),
  }

  async run() {
    const {args, flags} = await this.parse(VmSetVlan)
    const {result: row} = await this.change((lab) => {
      const adapter = setVlan(lab, args.vm, flags.name, {
        access: flags.access,
        allowedVlanIdList: flags['allowed-vlan-ids'],
        community: flags.community,
        isolated: flags.isolated,
        nativeVlanId: flags['native-vlan-id'],
        primaryVlanId: flags['primary-vlan-id'],
        promiscuous: flags.promiscuous,
        secondaryVlanId: flags['secondary-vlan-id'],
        secondaryVlanIdList: flags['secondary-vlan-ids'],
        trunk: flags.trunk,
        untagged: flags.untagged,
        vlanId: flags['vlan-id'],
      })
      const {vm} = findVmAdapter(lab, args.vm, flags.name)
      return {mode: vlanModeName(adapter.vlanSetting), vlanList: vlanListText(adapter.vlanSetting), vlanSetting: adapter.vlanSetting, vmName: vm.name, vmNetworkAdapterName: adapter.name}
    })
    if (!this.jsonEnabled()) this.log(await renderVlanTable([row]))
    return row
  }
}
