import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../../cli/base-command.js'
import {netAdapterViewOf} from '../../../model/host.js'
import {addManagementOsAdapter} from '../../../model/vswitch.js'
import {renderAdapter} from '../../../render/host.js'

export default class HostVnicAdd extends HvnetCommand {
  static override description = `Add a management-OS virtual network adapter to a switch (Add-VMNetworkAdapter -ManagementOS).

It appears on the host as "vEthernet (NAME)" (\`host adapter list\`), with a MAC from the host's pool and an empty IP configuration (DHCP). The switch must be External or Internal; the Default Switch cannot be changed.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --switch SETswitch --name SMB_1', description: 'A second host vNIC, as in Microsoft\'s SET guide'},
    {command: '<%= config.bin %> <%= command.id %> --switch External --name Backup --json', description: 'The new host adapter as JSON'},
  ]

  static override flags = {
    name: Flags.string({char: 'n', description: 'vNIC name; the host adapter is "vEthernet (NAME)".', required: true}),
    switch: Flags.string({char: 's', description: 'Switch name.', required: true}),
  }

  async run() {
    const {flags} = await this.parse(HostVnicAdd)
    const {result: view} = await this.change((lab) => {
      const vnic = addManagementOsAdapter(lab, flags.switch, flags.name)
      return netAdapterViewOf(lab, vnic.ifIndex)
    })
    if (!this.jsonEnabled()) this.log(await renderAdapter(view))
    return view
  }
}
