import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {booleanValue, toBoolean} from '../../cli/flags.js'
import {describeSwitch, newSwitch} from '../../model/vswitch.js'
import {renderSwitch} from '../../render/vswitch.js'

export default class VswitchNew extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'Name of the new switch (unique, compared case-insensitively).', required: true}),
  }

  static override description = `Create a virtual switch (New-VMSwitch).

External switches bind a physical adapter (--adapter) and, with management OS sharing (on unless --allow-management-os=false), give the host a vNIC "vEthernet (NAME)" that takes over the adapter's MAC and IP configuration. Internal switches always give the host a vNIC with a MAC from the 00-15-5D pool; Private switches give it none.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> NATSwitch --type internal', description: 'An Internal switch, as in Microsoft\'s NAT walkthrough'},
    {command: '<%= config.bin %> <%= command.id %> Isolated --type private', description: 'A Private switch: VMs only'},
    {command: '<%= config.bin %> <%= command.id %> "External Switch" --adapter Ethernet', description: 'An External switch on the wired adapter, shared with the host'},
    {command: '<%= config.bin %> <%= command.id %> Lab --adapter Ethernet --allow-management-os=false --notes "VM traffic only"', description: 'An External switch the host does not use'},
  ]

  static override flags = {
    adapter: Flags.string({char: 'a', description: 'Physical adapter to bind (makes the switch External); see `hvnet host adapter list`.'}),
    'allow-management-os': booleanValue('External only: share the adapter with the host (default true).'),
    notes: Flags.string({description: 'Free text kept with the switch.'}),
    type: Flags.option({char: 't', description: 'Switch type; External is implied by --adapter.', options: ['external', 'internal', 'private'] as const})(),
  }

  async run() {
    const {args, flags} = await this.parse(VswitchNew)
    const {result: view} = await this.change((lab) => describeSwitch(lab, newSwitch(lab, {
      allowManagementOS: toBoolean(flags['allow-management-os']),
      name: args.name,
      netAdapterName: flags.adapter,
      notes: flags.notes,
      type: flags.type,
    })))
    if (!this.jsonEnabled()) this.log(await renderSwitch(view))
    return view
  }
}
