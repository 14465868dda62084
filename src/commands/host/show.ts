import {HvnetCommand} from '../../cli/base-command.js'
import {describeHost} from '../../model/host.js'
import {renderHost} from '../../render/host.js'

export default class HostShow extends HvnetCommand {
  static override description = 'Show the simulated host (Get-VMHost): its name and the dynamic MAC address pool (00-15-5D, two octets of the host\'s IP, 00..FF).'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run() {
    const {lab} = await this.loadLab()
    const view = describeHost(lab)
    if (!this.jsonEnabled()) this.log(await renderHost(view))
    return view
  }
}
