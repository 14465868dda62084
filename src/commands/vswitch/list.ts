import {HvnetCommand} from '../../cli/base-command.js'
import {describeSwitch} from '../../model/vswitch.js'
import {renderSwitchTable} from '../../render/vswitch.js'

export default class VswitchList extends HvnetCommand {
  static override description = 'List the virtual switches (Get-VMSwitch): name, type and the physical adapter of External switches.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --json | jq -r \'.[] | select(.switchType == "Internal") | .name\'', description: 'Names of the Internal switches'},
    {command: '<%= config.bin %> <%= command.id %> --config lab.json', description: 'The switches of a lab kept in a repository'},
  ]

  async run() {
    const {lab} = await this.loadLab()
    const views = lab.switches.map((sw) => describeSwitch(lab, sw))
    if (!this.jsonEnabled()) this.log(await renderSwitchTable(views))
    return views
  }
}
