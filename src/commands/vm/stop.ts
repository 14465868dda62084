import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {describeVm, stopVm} from '../../model/vm.js'

export default class VmStop extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'VM name.', required: true}),
  }

  static override description = 'Stop (turn off) a virtual machine (Stop-VM). A stopped VM sends and receives nothing; its adapters keep their MACs. Stopping a VM that is off changes nothing.'

  static override examples = ['<%= config.bin %> <%= command.id %> web1', {command: '<%= config.bin %> <%= command.id %> web1 --json | jq .vm.state', description: 'The new state'}]

  async run() {
    const {args} = await this.parse(VmStop)
    const {result} = await this.change((lab) => {
      const change = stopVm(lab, args.name)
      return {assignedMacs: change.assignedMacs, changed: change.changed, vm: describeVm(lab, change.vm)}
    })
    if (!this.jsonEnabled()) {
      this.log(result.changed ? `Stopped "${result.vm.name}": it is ${result.vm.state}.` : `"${result.vm.name}" is already ${result.vm.state}; nothing changed.`)
      for (const m of result.assignedMacs) this.log(`"${m.name}" took the dynamic MAC ${m.macAddress}.`)
    }
    return result
  }
}
