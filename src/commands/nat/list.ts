import {HvnetCommand} from '../../cli/base-command.js'
import {listNats} from '../../model/nat.js'
import {renderNatTable} from '../../render/nat.js'

export default class NatList extends HvnetCommand {
  static override description = 'List the WinNAT objects (Get-NetNat). The Default Switch\'s NAT belongs to Internet Connection Sharing, not WinNAT, and is not listed: see `hvnet vswitch show "Default Switch"`.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --json | jq -r \'.[].internalIPInterfaceAddressPrefix\'', description: 'The internal prefix'},
  ]

  async run() {
    const {lab} = await this.loadLab()
    const rows = listNats(lab)
    if (!this.jsonEnabled()) this.log(await renderNatTable(rows))
    return rows
  }
}
