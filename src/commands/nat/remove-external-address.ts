import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {removeExternalAddresses} from '../../model/nat.js'
import {renderExternalAddressTable} from '../../render/nat.js'

export default class NatRemoveExternalAddress extends HvnetCommand {
  static override description = 'Remove external addresses of a NAT by ExternalAddressID, or all of them with --all (Remove-NetNatExternalAddress). Prints what was removed.'

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --nat MyNATnetwork --id 0', description: 'Remove-NetNatExternalAddress -NatName MyNATnetwork -ExternalAddressID 0'},
    {command: '<%= config.bin %> <%= command.id %> --nat MyNATnetwork --all', description: 'Every external address of the NAT'},
  ]

  static override flags = {
    all: Flags.boolean({description: 'Remove every external address of the NAT.', exactlyOne: ['all', 'id']}),
    id: Flags.integer({description: 'ExternalAddressID (repeatable).', exactlyOne: ['all', 'id'], multiple: true}),
    nat: Flags.string({description: 'NatName.', required: true}),
  }

  async run() {
    const {flags} = await this.parse(NatRemoveExternalAddress)
    const {result} = await this.change((lab) => removeExternalAddresses(lab, flags.nat, flags.all ? 'all' : flags.id!))
    if (!this.jsonEnabled()) this.log(await renderExternalAddressTable(result))
    return result
  }
}
