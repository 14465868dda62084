import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {removeStaticMappings} from '../../model/nat.js'
import {renderMappingTable} from '../../render/nat.js'

export default class NatRemoveMapping extends HvnetCommand {
  static override description = 'Remove static port mappings of a NAT by StaticMappingID, or all of them with --all (Remove-NetNatStaticMapping). Prints what was removed.'

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --nat MyNATnetwork --id 0', description: 'Remove-NetNatStaticMapping -NatName MyNATnetwork -StaticMappingID 0'},
    {command: '<%= config.bin %> <%= command.id %> --nat MyNATnetwork --id 0 --id 2', description: 'Several at once'},
    {command: '<%= config.bin %> <%= command.id %> --nat MyNATnetwork --all', description: 'Every mapping of the NAT'},
  ]

  static override flags = {
    all: Flags.boolean({description: 'Remove every mapping of the NAT.', exactlyOne: ['all', 'id']}),
    id: Flags.integer({description: 'StaticMappingID (repeatable).', exactlyOne: ['all', 'id'], multiple: true}),
    nat: Flags.string({description: 'NatName.', required: true}),
  }

  async run() {
    const {flags} = await this.parse(NatRemoveMapping)
    const {result} = await this.change((lab) => removeStaticMappings(lab, flags.nat, flags.all ? 'all' : flags.id!))
    if (!this.jsonEnabled()) this.log(await renderMappingTable(result))
    return result
  }
}
