import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {nicName} from '../../cli/flags.js'
import {connectAdapter, describeAdapter, findVm} from '../../model/vm.js'
import {renderAdapter} from '../../render/vm.js'

export default class VmConnectNic extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name.', required: true}),
  }

  static override description = 'Connect a VM\'s network adapter to a virtual switch (Connect-VMNetworkAdapter), also while the VM runs. An adapter already connected moves to the new switch.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> web1 --name "Network Adapter" --switch NATSwitch',
    {command: '<%= config.bin %> <%= command.id %> Test1 --name Internet --switch InternetAccess', description: 'Microsoft\'s example'},
  ]

  static override flags = {
    name: nicName,
    switch: Flags.string({char: 's', description: 'Switch name.', required: true}),
  }

  async run() {
    const {args, flags} = await this.parse(VmConnectNic)
    const {result: view} = await this.change((lab) => describeAdapter(lab, findVm(lab, args.vm), connectAdapter(lab, args.vm, flags.name, flags.switch)))
    if (!this.jsonEnabled()) this.log(await renderAdapter(view))
    return view
  }
}
