import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {nicName} from '../../cli/flags.js'
import {describeAdapter, findVm, renameAdapter} from '../../model/vm.js'
import {renderAdapter} from '../../render/vm.js'

export default class VmRenameNic extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name.', required: true}),
  }

  static override description = 'Rename a VM\'s network adapter (Rename-VMNetworkAdapter). The new name must be unique in the VM.'

  static override examples = ['<%= config.bin %> <%= command.id %> Redmond --name "Network Adapter" --new-name CoreNet', {command: '<%= config.bin %> <%= command.id %> web1 -n Backend --new-name Storage --json', description: 'The renamed adapter as JSON'}]

  static override flags = {
    name: nicName,
    'new-name': Flags.string({description: 'The new adapter name.', required: true}),
  }

  async run() {
    const {args, flags} = await this.parse(VmRenameNic)
    const {result: view} = await this.change((lab) => describeAdapter(lab, findVm(lab, args.vm), renameAdapter(lab, args.vm, flags.name, flags['new-name'])))
    if (!this.jsonEnabled()) this.log(await renderAdapter(view))
    return view
  }
}
