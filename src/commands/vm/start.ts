import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {describeVm, startVm} from '../../model/vm.js'

export default class VmStart extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'VM name.', required: true}),
  }

  static override description = 'Start a virtual machine (Start-VM). Dynamic adapters that have no MAC yet take the next free one from the host\'s pool, in adapter order; an exhausted pool refuses the start with Hyper-V\'s error (KB 2804678). Starting a running VM changes nothing.'

  static override examples = ['<%= config.bin %> <%= command.id %> web1', {command: '<%= config.bin %> <%= command.id %> web1 --json | jq .vm.state', description: 'The new state'}]

  async run() {
    const {args} = await this.parse(VmStart)
    const {result} = await this.change((lab) => {
      const change = startVm(lab, args.name)
      return {assignedMacs: change.assignedMacs, changed: change.changed, vm: describeVm(lab, change.vm)}
    })
    if (!this.jsonEnabled()) {
      this.log(result.changed ? `Started "${result.vm.name}": it is ${result.vm.state}.` : `"${result.vm.name}" is already ${result.vm.state}; nothing changed.`)
      for (const m of result.assignedMacs) this.log(`"${m.name}" took the dynamic MAC ${m.macAddress}.`)
    }
    return result
  }
}
