import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {nicName} from '../../cli/flags.js'
import {removeAdapter} from '../../model/vm.js'

export default class VmRemoveNic extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name.', required: true}),
  }

  static override description = 'Remove a network adapter from a VM (Remove-VMNetworkAdapter). A running VM gives one up only on generation 2 and only a synthetic one (hot remove).'

  static override examples = ['<%= config.bin %> <%= command.id %> Redmond --name Redmond_NIC1', {command: '<%= config.bin %> <%= command.id %> web1 --name Backend --json', description: 'The removed adapter as JSON'}]

  static override flags = {name: nicName}

  async run() {
    const {args, flags} = await this.parse(VmRemoveNic)
    const {result: adapter} = await this.change((lab) => removeAdapter(lab, args.vm, flags.name))
    if (!this.jsonEnabled()) this.log(`Removed the network adapter "${adapter.name}" from "${args.vm}".`)
    return {id: adapter.id, macAddress: adapter.macAddress, name: adapter.name}
  }
}
