import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {describeVm, findVm} from '../../model/vm.js'
import {renderVm} from '../../render/vm.js'

export default class VmShow extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'VM name (case-insensitive).', required: true}),
  }

  static override description = 'Show one virtual machine: its state, generation, guest settings and network adapters (Get-VM NAME | Format-List, Get-VMNetworkAdapter).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> web1',
    {command: '<%= config.bin %> <%= command.id %> web1 --json | jq \'.networkAdapters[] | {name, macAddress}\'', description: 'Adapter names and MACs'},
  ]

  async run() {
    const {args} = await this.parse(VmShow)
    const {lab} = await this.loadLab()
    const view = describeVm(lab, findVm(lab, args.name))
    if (!this.jsonEnabled()) this.log(await renderVm(view))
    return view
  }
}
