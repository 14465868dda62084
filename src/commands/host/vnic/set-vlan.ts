import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../../cli/base-command.js'
import {vlanFlags, vlanInput} from '../../../cli/flags.js'
import {setManagementOsVlan} from '../../../model/vm.js'
import {vlanViewOf} from '../../../model/vlan.js'
import {renderVlanTable} from '../../../render/vm.js'

export default class HostVnicSetVlan extends HvnetCommand {
  static override description = `Set the VLAN mode of a management-OS vNIC's switch port (Set-VMNetworkAdapterVlan -ManagementOS).

The same modes and rules as \`vm set-vlan\`: the host's traffic through "vEthernet (NAME)" is classified like a VM's. The Default Switch's vNIC stays untagged.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --name External --access --vlan-id 20', description: 'The host on VLAN 20, as in Microsoft\'s example'},
    {command: '<%= config.bin %> <%= command.id %> --name SMB_1 --trunk --allowed-vlan-ids 200-210 --native-vlan-id 200', description: 'A trunk to the host'},
    {command: '<%= config.bin %> <%= command.id %> --name External --untagged', description: 'Back to untagged'},
  ]

  static override flags = {
    ...vlanFlags,
    name: Flags.string({char: 'n', description: 'vNIC name (the switch\'s name for its own vNIC), or "vEthernet (NAME)".', required: true}),
  }

  async run() {
    const {flags} = await this.parse(HostVnicSetVlan)
    const {result: row} = await this.change((lab) => {
      const vnic = setManagementOsVlan(lab, flags.name, vlanInput(flags))
      return vlanViewOf(null, vnic.name, vnic.vlanSetting)
    })
    if (!this.jsonEnabled()) this.log(await renderVlanTable([row]))
    return row
  }
}
