import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {force} from '../../cli/flags.js'
import {removeVm} from '../../model/vm.js'

export default class VmRemove extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'VM name.', required: true}),
  }

  static override description = 'Remove a virtual machine and its network adapters (Remove-VM). A running VM needs --force, which turns it off first. Its pool MACs are free again.'

  static override examples = ['<%= config.bin %> <%= command.id %> web1', {command: '<%= config.bin %> <%= command.id %> web1 --force', description: 'Remove a running VM'}]

  static override flags = {force}

  async run() {
    const {args, flags} = await this.parse(VmRemove)
    const {result: vm} = await this.change((lab) => removeVm(lab, args.name, flags.force))
    const summary = {id: vm.id, name: vm.name, removedAdapters: vm.networkAdapters.map((a) => a.name)}
    if (!this.jsonEnabled()) this.log(`Removed the virtual machine "${vm.name}" and its ${vm.networkAdapters.length} network adapter(s).`)
    return summary
  }
}
