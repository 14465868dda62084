import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {force} from '../../cli/flags.js'
import {removeSwitch} from '../../model/vswitch.js'

export default class VswitchRemove extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'Switch name.', required: true}),
  }

  static override description = `Remove a virtual switch (Remove-VMSwitch).

Its host vNICs go with it; an External switch's adapter is unbound and gets its IP configuration back. A switch that carries other host vNICs or connected VM adapters needs --force: the vNICs go, the VM adapters stay, not connected (Status Disconnected), as with Remove-VMSwitch. The Default Switch cannot be removed.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> NATSwitch',
    {command: '<%= config.bin %> <%= command.id %> Lab --force', description: 'Remove a switch that is in use'},
  ]

  static override flags = {force}

  async run() {
    const {args, flags} = await this.parse(VswitchRemove)
    const {result} = await this.change((lab) => removeSwitch(lab, args.name, flags.force))
    const summary = {disconnectedAdapters: result.disconnectedAdapters, name: result.switch.name, removedVnics: result.removedVnics, restoredAdapter: result.restoredAdapter}
    if (!this.jsonEnabled()) {
      this.log(`Removed the virtual switch "${summary.name}".`)
      for (const alias of summary.removedVnics) this.log(`Removed the host adapter "${alias}".`)
      for (const a of summary.disconnectedAdapters) this.log(`Disconnected the network adapter "${a.name}" of "${a.vmName}".`)
      if (summary.restoredAdapter) this.log(`"${summary.restoredAdapter}" is no longer bound to a switch and has its IP configuration back.`)
    }
    return summary
  }
}
