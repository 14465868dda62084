// `apply` and `diff`: one flow, the plan of a lab file against the store; apply then writes it.
import {Flags} from '@oclif/core'

import type {Plan} from '../model/labfile.js'

import {planApply, planCounts} from '../model/labfile.js'
import {renderPlan} from '../render/plan.js'
import {HvnetCommand} from './base-command.js'
import {labFileProblems, readLabFile} from './lab-file.js'

export interface PlanResult {
  file: string
  applied: boolean
  changes: Plan['changes']
  kept: Plan['kept']
  counts: {add: number; change: number; remove: number}
  storeChanges: boolean
}

export abstract class PlanCommand extends HvnetCommand {
  static dryRunFlag = Flags.boolean({default: false, description: 'Print the plan and change nothing.'})

  static override baseFlags = {
    ...HvnetCommand.baseFlags,
    'detailed-exitcode': Flags.boolean({default: false, description: 'Exit 0 when there are no changes, 4 when there are (planned or made), 1 on an error.'}),
    file: Flags.string({char: 'f', description: 'The lab file (YAML or JSON).', required: true}),
    prune: Flags.boolean({default: false, description: 'Remove switches, VMs, NATs and host adapters the file does not name (without it they are kept).'}),
  }

  protected async plan(flags: {'detailed-exitcode': boolean; file: string; prune: boolean}, write: boolean): Promise<PlanResult> {
    const file = await readLabFile(flags.file)
    let plan: Plan
    if (write) {
      const {result} = await this.change((lab, store) => {
        const planned = planApply(lab, store.exists, file, flags.prune)
        if (planned.problems.length > 0) throw labFileProblems(flags.file, planned.problems)
        Object.assign(lab, planned.lab)
        return planned
      })
      plan = result
    } else {
      const loaded = await this.loadLab()
      plan = planApply(loaded.lab, loaded.exists, file, flags.prune)
      if (plan.problems.length > 0) throw labFileProblems(flags.file, plan.problems)
    }
    const changed = plan.changes.length > 0 || plan.storeChanges
    if (!this.jsonEnabled()) {
      this.log(await renderPlan(plan, flags.file))
      if (write && plan.changes.length > 0) {
        const n = planCounts(plan)
        this.log(`Applied: ${n.add} added, ${n.change} changed, ${n.remove} removed.`)
      }
    }
    if (flags['detailed-exitcode'] && changed) process.exitCode = 4
    return {applied: write && changed, changes: plan.changes, counts: planCounts(plan), file: flags.file, kept: plan.kept, storeChanges: plan.storeChanges}
  }
}
