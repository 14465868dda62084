import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {listStaticMappings} from '../../model/nat.js'
import {renderMappingTable} from '../../render/nat.js'

export default class NatListMappings extends HvnetCommand {
  static override description = 'List static port mappings (Get-NetNatStaticMapping), of one NAT or of all.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --nat MyNATnetwork --json', description: 'Get-NetNatStaticMapping -NatName MyNATnetwork'},
  ]

  static override flags = {
    nat: Flags.string({description: 'Only this NAT\'s mappings (NatName).'}),
  }

  async run() {
    const {flags} = await this.parse(NatListMappings)
    const {lab} = await this.loadLab()
    const rows = listStaticMappings(lab, flags.nat)
    if (!this.jsonEnabled()) this.log(await renderMappingTable(rows))
    return rows
  }
}
