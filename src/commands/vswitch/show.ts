import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {describeSwitch, findSwitch} from '../../model/vswitch.js'
import {renderSwitch} from '../../render/vswitch.js'

export default class VswitchShow extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'Switch name (case-insensitive).', required: true}),
  }

  static override description = 'Show one virtual switch with every property, its host vNICs, and what its setup means (Get-VMSwitch NAME | Format-List).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> "Default Switch"',
    {command: '<%= config.bin %> <%= command.id %> natswitch --json', description: 'Names match case-insensitively'},
  ]

  async run() {
    const {args} = await this.parse(VswitchShow)
    const {lab} = await this.loadLab()
    const view = describeSwitch(lab, findSwitch(lab, args.name))
    if (!this.jsonEnabled()) this.log(await renderSwitch(view))
    return view
  }
}
