import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {HvnetError} from '../../model/errors.js'
import {resetLab} from '../../model/store.js'

export default class ConfigReset extends HvnetCommand {
  static override description = `Start over: replace the lab with a new laptop host (Ethernet, Wi-Fi and the Default Switch).

Needs --force. A lab file that cannot be read (not JSON, or not a lab) is kept beside the new one as FILE.corrupt.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --force',
    {command: '<%= config.bin %> <%= command.id %> --force --seed 7', description: 'Another seed: other MACs, GUIDs and Default Switch subnet'},
  ]

  static override flags = {
    force: Flags.boolean({char: 'f', default: false, description: 'Really replace the lab.'}),
    seed: Flags.integer({description: 'Seed of every generated value (MACs, GUIDs, the Default Switch subnet); default 2017.', max: 0xffffffff, min: 0}),
  }

  async run() {
    const {flags} = await this.parse(ConfigReset)
    if (!flags.force) {
      throw new HvnetError('invalid-value', 'Resetting replaces the whole lab.', 'Add --force to do it.')
    }
    const file = await this.labFile()
    const {keptCorrupt, lab} = await resetLab(file, flags.seed)
    const result = {keptCorrupt, path: file, seed: lab.seed}
    if (!this.jsonEnabled()) {
      this.log(`Started a new lab in ${file} (seed ${lab.seed}).`)
      if (keptCorrupt) this.log(`The unreadable old file is kept as ${keptCorrupt}.`)
    }
    return result
  }
}
