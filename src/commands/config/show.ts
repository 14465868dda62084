import {HvnetCommand} from '../../cli/base-command.js'
import {renderDocument} from '../../render/config.js'

export default class ConfigShow extends HvnetCommand {
  static override description = 'Print the lab document (the whole stored configuration). A lab not yet written shows the new laptop every store starts as.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --json | jq .switches', description: 'The stored switches'},
  ]

  async run() {
    const {lab} = await this.loadLab()
    if (!this.jsonEnabled()) this.log(renderDocument(lab))
    return lab
  }
}
