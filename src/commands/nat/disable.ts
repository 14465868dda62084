import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {disableNat} from '../../model/nat.js'
import {renderNat} from '../../render/nat.js'

export default class NatDisable extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'The NAT\'s name (case-insensitive).', required: true}),
  }

  static override description = `Remove a WinNAT object with its static mappings and external addresses (Remove-NetNat -Name).

Translation stops. The internal switch and the gateway address on its vNIC stay, as Remove-NetNat leaves them; remove the address with \`hvnet host ip remove\` if you no longer want it. Unlike a bare Remove-NetNat, the name is required: hvnet never removes every NAT by default.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> MyNATnetwork', description: 'Remove-NetNat -Name MyNATnetwork'},
    {command: '<%= config.bin %> <%= command.id %> mynatnetwork --json', description: 'Names match case-insensitively'},
  ]

  async run() {
    const {args} = await this.parse(NatDisable)
    const {result} = await this.change((lab) => disableNat(lab, args.name))
    if (!this.jsonEnabled()) this.log(await renderNat(result))
    return result
  }
}
