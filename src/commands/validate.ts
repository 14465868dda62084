import {Flags} from '@oclif/core'

import type {Finding} from '../model/lint.js'

import {HvnetCommand} from '../cli/base-command.js'
import {readLabFile} from '../cli/lab-file.js'
import {planApply} from '../model/labfile.js'
import {findingsFail, lintFile, lintLab} from '../model/lint.js'
import {emptyLab} from '../model/lab.js'
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
    let findings: Finding[]
    if (flags.file === undefined) {
      findings = lintLab((await this.loadLab()).lab)
    } else {
      const file = await readLabFile(flags.file)
      findings = lintFile(file)
      const plan = planApply(emptyLab(), false, file, true)
      for (const p of plan.problems) {
        // A second NAT is its own finding; New-NetNat's refusal of it says nothing more.
        if (findings.some((f) => f.code === 'second-nat') && /^nats\b/.test(p.path)) continue
        findings.push({code: 'lab-file-invalid', fix: 'Fix the file; `hvnet apply` refuses it as it is.', message: `${p.path}: ${p.message}`, objects: [p.path], severity: 'error'})
      }
      if (plan.lab) findings.push(...lintLab(plan.lab))
    }
    const failed = findingsFail(findings, flags.strict)
    if (!this.jsonEnabled()) this.log(await renderFindings(findings))
    if (failed) process.exitCode = 1
    return {findings, ok: !failed}
  }
}
