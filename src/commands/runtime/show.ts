import {HvnetCommand} from '../../cli/base-command.js'
import {showRuntime} from '../../model/runtime.js'
import {renderRuntime} from '../../render/runtime.js'

export default class RuntimeShow extends HvnetCommand {
  static override description = `Show the runtime state beside the lab: the virtual clock, DHCP leases, ARP caches, learned MACs, port-security MACs and NAT sessions.

It is the state the next command resumes: what a configuration change made wrong since it was saved (a VM adapter whose MAC or switch changed) is not shown. With no runtime file yet the state is empty, at time 0.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --json | jq \'.clientLeases[] | {owner, ipAddress}\'', description: 'The address each VM adapter got from DHCP'},
    {command: '<%= config.bin %> <%= command.id %> --config lab.json', description: 'The runtime state beside lab.json (lab.runtime.json)'},
  ]

  async run() {
    await this.parse(RuntimeShow)
    const view = showRuntime(await this.labFile())
    if (!this.jsonEnabled()) this.log(await renderRuntime(view))
    return view
  }
}
