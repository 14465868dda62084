import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {describeSwitch, renameSwitch} from '../../model/vswitch.js'
import {renderSwitch} from '../../render/vswitch.js'

export default class VswitchRename extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'Current name.', required: true}),
    newName: Args.string({description: 'New name.', required: true}),
  }

  static override description = `Rename a virtual switch (Rename-VMSwitch).

The switch and its management-OS adapter object take the new name; the host adapter keeps its name "vEthernet (OLD)", as Windows keeps it.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> "QoS Switch" "Lab Switch"',
  ]

  async run() {
    const {args} = await this.parse(VswitchRename)
    const {result: view} = await this.change((lab) => describeSwitch(lab, renameSwitch(lab, args.name, args.newName)))
    if (!this.jsonEnabled()) this.log(await renderSwitch(view))
    return view
  }
}
