// Reading a lab file named by -f: its text, its YAML, its shape. Every problem is reported at once
// as one HvnetError whose details list them, path first.
import fs from 'node:fs'

import type {FileProblem, LabFile} from '../model/labfile-schema.js'
import type {Lab} from '../model/schema.js'

import {HvnetError} from '../model/errors.js'
import {parseLabFile, planApply} from '../model/labfile.js'

export function labFileProblems(name: string, problems: readonly FileProblem[]): HvnetError {
  const error = new HvnetError(
    'lab-file-invalid',
    `${name} has ${problems.length} problem${problems.length === 1 ? '' : 's'} (listed above, or in \`details\` under --json); nothing was changed.`,
    'Fix them in the file and run the command again (`hvnet schema` prints the format).',
  )
  error.details = problems.map((p) => `${p.path}: ${p.message}`)
  return error
}

export async function readLabFile(name: string): Promise<LabFile> {
  let text: string
  try {
    text = fs.readFileSync(name, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new HvnetError('not-found', `Cannot read the lab file ${name} (${code ?? (error as Error).message}).`, code === 'ENOENT' ? 'Check the path given to -f; `hvnet export > lab.yaml` writes one from the store.' : 'Check its permissions.')
  }
  const parsed = await parseLabFile(text, name)
  if ('problems' in parsed) throw labFileProblems(name, parsed.problems)
  return parsed.file
}

/**
 * The lab `apply -f name` would make of `store` (an empty host when there is none), built in memory
 * and never written: for commands that read a lab file instead of the store (`check -f`).
 */
export async function labAsApplied(name: string, store: {exists: boolean; lab: Lab}): Promise<Lab> {
  const file = await readLabFile(name)
  const plan = planApply(store.lab, store.exists, file, false)
  if (plan.problems.length > 0 || plan.lab === undefined) throw labFileProblems(name, plan.problems)
  return plan.lab
}
