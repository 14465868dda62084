import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {booleanValue, toBoolean} from '../../cli/flags.js'
import {describeSwitch, setSwitch} from '../../model/vswitch.js'
import {renderSwitch} from '../../render/vswitch.js'

export default class VswitchSet extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'Switch name.', required: true}),
  }

  static override description = `Change a virtual switch (Set-VMSwitch): its type, its physical adapter, management OS sharing, or its notes.

Binding an adapter makes the switch External; --type internal or private unbinds it and gives the adapter its IP configuration back. Turning management OS sharing off on an Internal switch makes it Private, and on again makes it Internal. The Default Switch cannot be changed.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> Lab --adapter Ethernet', description: 'Make a switch External on the wired adapter'},
    {command: '<%= config.bin %> <%= command.id %> Lab --type internal', description: 'Make it Internal again: the adapter gets its IP configuration back'},
    {command: '<%= config.bin %> <%= command.id %> Lab --allow-management-os=false', description: 'Take the host off the switch'},
    {command: '<%= config.bin %> <%= command.id %> Lab --notes "lab 3, VLAN 20"', description: 'Change the notes'},
  ]

  static override flags = {
    adapter: Flags.string({char: 'a', description: 'Bind this physical adapter (the switch becomes External).'}),
    'allow-management-os': booleanValue('Share the switch with the host through a vNIC.'),
    notes: Flags.string({description: 'Free text kept with the switch.'}),
    type: Flags.option({char: 't', description: 'Convert to this type.', options: ['external', 'internal', 'private'] as const})(),
  }

  async run() {
    const {args, flags} = await this.parse(VswitchSet)
    const {result: view} = await this.change((lab) => describeSwitch(lab, setSwitch(lab, args.name, {
      allowManagementOS: toBoolean(flags['allow-management-os']),
      netAdapterName: flags.adapter,
      notes: flags.notes,
      type: flags.type,
    })))
    if (!this.jsonEnabled()) this.log(await renderSwitch(view))
    return view
  }
}
