import {existsSync} from 'node:fs'

import {HvnetCommand} from '../../cli/base-command.js'

export default class ConfigPath extends HvnetCommand {
  static override description = 'Print the lab file in use: --config FILE, else $HVNET_CONFIG, else the per-user store.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: 'HVNET_CONFIG=./lab.json <%= config.bin %> <%= command.id %>', description: 'A lab kept in a repository'},
  ]

  async run() {
    const file = await this.labFile()
    const result = {exists: existsSync(file), path: file}
    if (!this.jsonEnabled()) this.log(file)
    return result
  }
}
