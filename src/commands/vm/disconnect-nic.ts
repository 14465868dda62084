import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {nicName} from '../../cli/flags.js'
import {describeAdapter, disconnectAdapter, findVm} from '../../model/vm.js'
import {renderAdapter} from '../../render/vm.js'

export default class VmDisconnectNic extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name.', required: true}),
  }

  static override description = 'Disconnect a VM\'s network adapter from its switch (Disconnect-VMNetworkAdapter). The adapter stays, not connected; its settings are kept.'

  static override examples = ['<%= config.bin %> <%= command.id %> web1 --name "Network Adapter"', {command: '<%= config.bin %> <%= command.id %> web1 -n Backend --json', description: 'The adapter as JSON'}]

  static override flags = {name: nicName}

  async run() {
    const {args, flags} = await this.parse(VmDisconnectNic)
    const {result: view} = await this.change((lab) => describeAdapter(lab, findVm(lab, args.vm), disconnectAdapter(lab, args.vm, flags.name)))
    if (!this.jsonEnabled()) this.log(await renderAdapter(view))
    return view
  }
}
