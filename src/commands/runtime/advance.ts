import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {advanceRuntime, parseDuration} from '../../model/runtime.js'
import {renderAdvance} from '../../render/runtime.js'

export default class RuntimeAdvance extends HvnetCommand {
  static override args = {
    duration: Args.string({description: 'Virtual time to let pass: 90s, 2h, 1d, 500ms, 1h30m, 1.5h.', required: true}),
  }

  static override description = `Let virtual time pass: the lab's network runs for DURATION on its virtual clock, and the runtime state is saved.

Running VMs boot (a DHCP adapter gets its lease, or APIPA when no server answers) and renew their leases; leases nobody renews, NAT sessions and ARP entries expire. Prints what expired and what was granted, and the new clock.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> 30s', description: 'Let running VMs get their DHCP leases'},
    {command: '<%= config.bin %> <%= command.id %> 2h', description: 'NAT sessions idle for 2 hours expire'},
    {command: '<%= config.bin %> <%= command.id %> 1d', description: 'A stopped VM\'s Default Switch lease (1 day) expires'},
    {command: '<%= config.bin %> <%= command.id %> 1h30m --json', description: 'What expired, as JSON'},
  ]

  async run() {
    const {args} = await this.parse(RuntimeAdvance)
    const ms = parseDuration(args.duration)
    const view = await advanceRuntime(await this.labFile(), ms)
    if (!this.jsonEnabled()) this.log(await renderAdvance(view))
    return view
  }
}
