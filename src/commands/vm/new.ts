import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {describeVm, newVm} from '../../model/vm.js'
import {renderVm} from '../../render/vm.js'

export default class VmNew extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'Name of the new VM (unique, compared case-insensitively).', required: true}),
  }

  static override description = `Create a virtual machine (New-VM).

Like New-VM, the VM is Off and has one network adapter, "Network Adapter", connected to --switch or not connected. Its MAC is dynamic and reads 000000000000 until the VM first starts. The guest is a Linux with DHCP, firewall off, listening on tcp/22 and tcp/80 (see \`vm set-guest\` and \`vm set-ip\`). Generation 1 unless --generation 2, as New-VM.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> web1 --switch NATSwitch --generation 2', description: 'A generation 2 VM on the NAT walkthrough\'s switch'},
    {command: '<%= config.bin %> <%= command.id %> router', description: 'A generation 1 VM whose adapter is not connected'},
    {command: '<%= config.bin %> <%= command.id %> client --switch "Default Switch" --json', description: 'The new VM as JSON'},
  ]

  static override flags = {
    generation: Flags.option({char: 'g', description: 'VM generation (New-VM -Generation; default 1).', options: ['1', '2'] as const})(),
    switch: Flags.string({char: 's', description: 'Connect the first adapter to this switch.'}),
  }

  async run() {
    const {args, flags} = await this.parse(VmNew)
    const {result: view} = await this.change((lab) => describeVm(lab, newVm(lab, {
      generation: flags.generation === undefined ? undefined : (Number(flags.generation) as 1 | 2),
      name: args.name,
      switchName: flags.switch,
    })))
    if (!this.jsonEnabled()) this.log(await renderVm(view))
    return view
  }
}
