import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../../cli/base-command.js'
import {removeManagementOsAdapter} from '../../../model/vswitch.js'

export default class HostVnicRemove extends HvnetCommand {
  static override description = 'Remove a management-OS virtual network adapter (Remove-VMNetworkAdapter -ManagementOS). A switch\'s own management vNIC goes with `vswitch set --allow-management-os=false` instead.'

  static override examples = ['<%= config.bin %> <%= command.id %> --name SMB_1', {command: '<%= config.bin %> <%= command.id %> --name "vEthernet (Backup)"', description: 'By its host adapter name'}]

  static override flags = {
    name: Flags.string({char: 'n', description: 'vNIC name, or its host adapter name "vEthernet (NAME)".', required: true}),
  }

  async run() {
    const {flags} = await this.parse(HostVnicRemove)
    const {result: vnic} = await this.change((lab) => removeManagementOsAdapter(lab, flags.name))
    if (!this.jsonEnabled()) this.log(`Removed the host adapter "${vnic.interfaceAlias}".`)
    return {interfaceAlias: vnic.interfaceAlias, macAddress: vnic.macAddress, name: vnic.name}
  }
}
