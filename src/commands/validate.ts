import {Flags} from '@oclif/core'

import {HvnetCommand} from '../cli/base-command.js'
import {readLabFile} from '../cli/lab-file.js'
import {findingsFail, lintLab, lintLabFile} from '../model/lint.js'
import {renderFindings} from '../render/plan.js'

export default class Validate extends HvnetCommand {
  static override description = `Lint a lab for designs that are allowed but will not work, or are risky.

Each finding has a stable code, a severity (error, warning, info), the objects it names and a fix. Exit 1 when any finding is an error (with --strict, also a warning). With -f, the lab file is checked on its own (built on an empty host, as \`apply\` into a new store would); without it, the store.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'The store'},
    {command: '<%= config.bin %> <%= command.id %> -f lab.yaml --strict', description: 'A lab file; warnings fail too'},
    {command: '<%= config.bin %> <%= command.id %> --json', description: 'Findings as data'},
  ]

  static override flags = {
    file: Flags.string({char: 'f', description: 'A lab file to lint instead of the store.'}),
    strict: Flags.boolean({default: false, description: 'Fail on warnings too.'}),
  }

  async run() {
    const {flags} = await this.parse(Validate)
    const findings = flags.file === undefined ? lintLab((await this.loadLab()).lab) : lintLabFile(await readLabFile(flags.file))
    const failed = findingsFail(findings, flags.strict)
    if (!this.jsonEnabled()) this.log(await renderFindings(findings))
    if (failed) process.exitCode = 1
    return {findings, ok: !failed}
  }
}
