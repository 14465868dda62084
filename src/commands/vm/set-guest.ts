import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {onOff, toOnOff} from '../../cli/flags.js'
import {describeVm, setGuest} from '../../model/vm.js'
import {renderVm} from '../../render/vm.js'

export default class VmSetGuest extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name.', required: true}),
  }

  static override description = `Set what the guest OS inside a VM does on the network: its OS, its firewall and the ports its services listen on.

A new VM runs Linux, firewall off, listening on tcp/22 and tcp/80. Switching --os to windows turns the firewall on (Windows' default) unless --firewall says otherwise. --listen replaces the list ("none" empties it).`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> dc1 --os windows --listen tcp/53,udp/53,tcp/389', description: 'A Windows DNS/LDAP server, firewall on'},
    {command: '<%= config.bin %> <%= command.id %> web1 --firewall on', description: 'Turn a Linux guest\'s firewall on'},
    {command: '<%= config.bin %> <%= command.id %> sink --listen none', description: 'A guest that listens on nothing'},
  ]

  static override flags = {
    firewall: onOff('The guest firewall.'),
    listen: Flags.string({description: 'Listening ports, e.g. tcp/22,tcp/80,udp/53, or none.'}),
    os: Flags.option({description: 'Guest OS.', options: ['linux', 'windows'] as const})(),
  }

  async run() {
    const {args, flags} = await this.parse(VmSetGuest)
    const {result: view} = await this.change((lab) => describeVm(lab, setGuest(lab, args.vm, {firewall: toOnOff(flags.firewall), listen: flags.listen, os: flags.os})))
    if (!this.jsonEnabled()) this.log(await renderVm(view))
    return view
  }
}
