import {Args} from '@oclif/core'

import {HvnetCommand} from '../../../cli/base-command.js'
import {removePhysicalAdapter} from '../../../model/host.js'

export default class HostAdapterRemove extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'Physical adapter name.', required: true}),
  }

  static override description = 'Remove a physical adapter from the simulated host. An adapter bound to a virtual switch cannot be removed until the switch is removed or moved.'

  static override examples = ['<%= config.bin %> <%= command.id %> "Ethernet 2"']

  async run() {
    const {args} = await this.parse(HostAdapterRemove)
    const {result: adapter} = await this.change((lab) => removePhysicalAdapter(lab, args.name))
    if (!this.jsonEnabled()) this.log(`Removed the adapter "${adapter.name}".`)
    return {name: adapter.name}
  }
}
