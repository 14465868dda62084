import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {describeVm, renameVm} from '../../model/vm.js'
import {renderVm} from '../../render/vm.js'

export default class VmRename extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'Current VM name.', required: true}),
    newName: Args.string({description: 'New VM name (unique).', required: true}),
  }

  static override description = 'Rename a virtual machine (Rename-VM). Its ID, adapters and state stay.'

  static override examples = ['<%= config.bin %> <%= command.id %> web1 web-frontend', {command: '<%= config.bin %> <%= command.id %> "New Virtual Machine" dc1 --json', description: 'The renamed VM as JSON'}]

  async run() {
    const {args} = await this.parse(VmRename)
    const {result: view} = await this.change((lab) => describeVm(lab, renameVm(lab, args.name, args.newName)))
    if (!this.jsonEnabled()) this.log(await renderVm(view))
    return view
  }
}
