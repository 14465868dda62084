import {HvnetCommand} from '../../cli/base-command.js'
import {resetRuntime} from '../../model/runtime-store.js'

export default class RuntimeReset extends HvnetCommand {
  static override description = `Start the runtime state over: remove the runtime file beside the lab (lab.json → lab.runtime.json).

Leases, ARP caches, learned MACs, NAT sessions and the virtual clock start fresh on the next command; the lab's configuration is never touched, so no --force is needed. A corrupt runtime file is removed as well.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --config lab.json', description: 'Remove lab.runtime.json, keep lab.json'},
  ]

  async run() {
    await this.parse(RuntimeReset)
    const result = await resetRuntime(await this.labFile())
    if (!this.jsonEnabled()) {
      this.log(result.removed ? `Removed ${result.file}: the network starts fresh at time 0.` : `No runtime state to remove (${result.file} does not exist).`)
    }
    return result
  }
}
