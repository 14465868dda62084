import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {listExternalAddresses} from '../../model/nat.js'
import {renderExternalAddressTable} from '../../render/nat.js'

export default class NatListExternalAddresses extends HvnetCommand {
  static override description = 'List NAT external addresses and their port ranges (Get-NetNatExternalAddress), of one NAT or of all.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --nat MyNATnetwork --json', description: 'Get-NetNatExternalAddress -NatName MyNATnetwork'},
  ]

  static override flags = {
    nat: Flags.string({description: 'Only this NAT\'s addresses (NatName).'}),
  }

  async run() {
    const {flags} = await this.parse(NatListExternalAddresses)
    const {lab} = await this.loadLab()
    const rows = listExternalAddresses(lab, flags.nat)
    if (!this.jsonEnabled()) this.log(await renderExternalAddressTable(rows))
    return rows
  }
}
