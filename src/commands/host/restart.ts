import {HvnetCommand} from '../../cli/base-command.js'
import {restartHost} from '../../model/vswitch.js'
import {renderRestart} from '../../render/host.js'

export default class HostRestart extends HvnetCommand {
  static override description = `Restart the simulated host, as a reboot does: the Default Switch's /20 is chosen again (seeded by the lab's seed and the restart count, clear of every host prefix and NAT prefix), and its vNIC moves to the new subnet's first address. Everything else is kept.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --json | jq -r .defaultSwitchPrefix.after', description: 'The Default Switch\'s new subnet'},
  ]

  async run() {
    const {result} = await this.change((lab) => restartHost(lab))
    if (!this.jsonEnabled()) this.log(renderRestart(result))
    return result
  }
}
