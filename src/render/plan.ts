import type {Plan} from '../model/labfile.js'
import type {Finding} from '../model/lint.js'

import {planCounts} from '../model/labfile.js'
import {colours} from './colour.js'

/** The plan in terraform's spirit: one line per change, then what is kept, then the counts. */
export async function renderPlan(plan: Plan, fileName: string): Promise<string> {
  const c = await colours()
  const paint = {'+': c.green, '-': c.red, '~': c.yellow}
  const lines = plan.changes.map((change) => paint[change.action](change.text))
  if (plan.kept.length > 0) {
    lines.push(`${plan.kept.length} object${plan.kept.length === 1 ? '' : 's'} in the store but not in ${fileName} ${plan.kept.length === 1 ? 'is' : 'are'} kept (--prune removes them): ${plan.kept.map((k) => `${k.kind} ${k.name}`).join(', ')}.`)
  }
  if (plan.changes.length === 0) {
    lines.push(plan.storeChanges ? 'no changes to the design; generated values (IDs, MACs, ifIndexes) are written.' : `no changes (the store matches ${fileName})`)
    return lines.join('\n')
  }
  const n = planCounts(plan)
  lines.push(`Plan: ${n.add} to add, ${n.change} to change, ${n.remove} to remove.`)
  return lines.join('\n')
}

export async function renderFindings(findings: readonly Finding[]): Promise<string> {
  const c = await colours()
  const paint = {error: c.red, info: c.cyan, warning: c.yellow}
  const lines: string[] = []
  for (const f of findings) {
    lines.push(`${paint[f.severity](f.severity.padEnd(7))} ${f.code}: ${f.message}`, `        objects: ${f.objects.join('; ')}`, `        fix: ${f.fix}`)
  }
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length
  lines.push(findings.length === 0 ? 'No findings.' : `${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info.`)
  return lines.join('\n')
}
