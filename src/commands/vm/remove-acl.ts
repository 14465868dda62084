import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {aclFlags, aclInput, nicName} from '../../cli/flags.js'
import {findVmAdapter, removeAcl} from '../../model/vm.js'

export default class VmRemoveAcl extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name.', required: true}),
  }

  static override description = 'Remove a port ACL entry from a VM network adapter (Remove-VMNetworkAdapterAcl). The entry is matched on action, direction and address, as the cmdlet matches it; --direction both removes the inbound and the outbound entry.'

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> Redmond --name "Network Adapter" --remote-ip 0.0.0.0/0 --direction both --action allow', description: 'Microsoft\'s example'},
    '<%= config.bin %> <%= command.id %> Redmond -n "Network Adapter" --remote-mac 03-0f-01-0e-aa-b2 --direction inbound --action deny',
  ]

  static override flags = {...aclFlags, name: nicName}

  async run() {
    const {args, flags} = await this.parse(VmRemoveAcl)
    const {result: rows} = await this.change((lab) => {
      const removed = removeAcl(lab, args.vm, flags.name, aclInput(flags))
      const {adapter, vm} = findVmAdapter(lab, args.vm, flags.name)
      return removed.map((e) => ({...e, vmName: vm.name, vmNetworkAdapterName: adapter.name}))
    })
    if (!this.jsonEnabled()) this.log(`Removed ${rows.length} ACL entr${rows.length === 1 ? 'y' : 'ies'}.`)
    return rows
  }
}
