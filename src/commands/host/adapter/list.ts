import {HvnetCommand} from '../../../cli/base-command.js'
import {listNetAdapters} from '../../../model/host.js'
import {renderAdapterTable} from '../../../render/host.js'

export default class HostAdapterList extends HvnetCommand {
  static override description = 'List the host\'s network adapters (Get-NetAdapter): physical adapters and the host vNICs "vEthernet (NAME)" of the switches.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --json | jq \'.[] | {name, ifIndex}\'', description: 'Names and interface indexes'},
  ]

  async run() {
    const {lab} = await this.loadLab()
    const rows = listNetAdapters(lab)
    if (!this.jsonEnabled()) this.log(await renderAdapterTable(rows))
    return rows
  }
}
