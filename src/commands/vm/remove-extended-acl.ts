import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {nicName} from '../../cli/flags.js'
import {findVmAdapter, removeExtendedAcl} from '../../model/vm.js'

export default class VmRemoveExtendedAcl extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name.', required: true}),
  }

  static override description = 'Remove an extended port ACL entry from a VM network adapter (Remove-VMNetworkAdapterExtendedAcl), named by its direction and weight.'

  static override examples = ['<%= config.bin %> <%= command.id %> ApplicationServer --name "Network Adapter" --direction inbound --weight 10', {command: '<%= config.bin %> <%= command.id %> web1 -n "Network Adapter" --direction outbound --weight 100 --json', description: 'The removed entry as JSON'}]

  static override flags = {
    direction: Flags.option({description: 'Inbound or outbound.', options: ['inbound', 'outbound'] as const, required: true})(),
    name: nicName,
    weight: Flags.integer({description: 'The entry\'s weight.', required: true}),
  }

  async run() {
    const {args, flags} = await this.parse(VmRemoveExtendedAcl)
    const {result: row} = await this.change((lab) => {
      const entry = removeExtendedAcl(lab, args.vm, flags.name, flags.direction, flags.weight)
      const {adapter, vm} = findVmAdapter(lab, args.vm, flags.name)
      return {...entry, vmName: vm.name, vmNetworkAdapterName: adapter.name}
    })
    if (!this.jsonEnabled()) this.log(`Removed the ${flags.direction} extended ACL with weight ${row.weight}.`)
    return row
  }
}
