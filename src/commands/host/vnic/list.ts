import {HvnetCommand} from '../../../cli/base-command.js'
import {listManagementOsAdapters} from '../../../model/vswitch.js'
import {renderHostVnicTable} from '../../../render/vm.js'

export default class HostVnicList extends HvnetCommand {
  static override description = 'List the management-OS virtual network adapters (Get-VMNetworkAdapter -ManagementOS): each switch\'s own vNIC and those added with `host vnic add`.'

  static override examples = ['<%= config.bin %> <%= command.id %>', {command: '<%= config.bin %> <%= command.id %> --json | jq -r \'.[].interfaceAlias\'', description: 'Host adapter names'}]

  async run() {
    const {lab} = await this.loadLab()
    const rows = listManagementOsAdapters(lab)
    if (!this.jsonEnabled()) this.log(await renderHostVnicTable(rows))
    return rows
  }
}
