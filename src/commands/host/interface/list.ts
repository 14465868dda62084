import {HvnetCommand} from '../../../cli/base-command.js'
import {listIpInterfaces} from '../../../model/ip.js'
import {renderIpInterfaceTable} from '../../../render/ip.js'

export default class HostInterfaceList extends HvnetCommand {
  static override description = 'List the host\'s IPv4 interfaces (Get-NetIPInterface -AddressFamily IPv4): physical adapters no switch is bound to, and the host vNICs. A physical adapter bound to a switch carries no IP stack and is not listed.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --json | jq \'.[] | select(.forwarding == "Enabled")\'', description: 'Interfaces the host routes between'},
  ]

  async run() {
    const {lab} = await this.loadLab()
    const rows = listIpInterfaces(lab)
    if (!this.jsonEnabled()) this.log(await renderIpInterfaceTable(rows))
    return rows
  }
}
