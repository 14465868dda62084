import {HvnetCommand} from '../../cli/base-command.js'
import {listVms} from '../../model/vm.js'
import {renderVmTable} from '../../render/vm.js'

export default class VmList extends HvnetCommand {
  static override description = 'List the virtual machines (Get-VM): name, state and generation. --json gives every VM with its adapters and their settings.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --json | jq -r \'.[] | select(.state == "Running") | .name\'', description: 'Names of the running VMs'},
  ]

  async run() {
    const {lab} = await this.loadLab()
    const views = listVms(lab)
    if (!this.jsonEnabled()) this.log(await renderVmTable(views))
    return views
  }
}
