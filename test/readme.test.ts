// The README is the user's reference: its one drop-reason table must list exactly the engine's
// drop reasons, and its Commands table every command of the manifest. A code or command added to
// the code and not to the README (or a stale row left behind) fails here.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'

import {DROP_REASONS} from '../src/engine/observe.js'
import {repoRoot} from './support.js'

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8')

/** The lines of the level-2 section `## TITLE`, up to the next level-2 heading (outside code fences). */
function section(title: string): string[] {
  const lines = readme.split('\n')
  const out: string[] = []
  let inside = false
  let fenced = false
  for (const line of lines) {
    if (line.startsWith('```')) fenced = !fenced
    if (!fenced && line.startsWith('## ')) {
      if (inside) break
      inside = line === `## ${title}`
      continue
    }
    if (inside) out.push(line)
  }
  assert.ok(out.length > 0, `README.md has no section "## ${title}"`)
  return out
}

/** The first cells of the first table in a section's lines. */
function firstColumn(lines: string[]): string[] {
  const start = lines.findIndex((l) => l.startsWith('|'))
  assert.ok(start >= 0, 'the section has no table')
  const rows: string[] = []
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break
    rows.push(line.split(/(?<!\\)\|/)[1].trim())
  }
  return rows
}

test('the README has one drop-reason table, listing exactly the codes of DROP_REASONS', () => {
  const codes = firstColumn(section('Drop reasons')).map((cell) => {
    const m = /^`([a-z0-9-]+)`$/.exec(cell)
    assert.ok(m, `a drop-reason row's first cell is one code in backticks, not ${cell}`)
    return m[1]
  })
  const duplicates = codes.filter((c, i) => codes.indexOf(c) !== i)
  assert.deepEqual(duplicates, [], 'each code has one row')
  assert.deepEqual(DROP_REASONS.filter((c) => !codes.includes(c)), [], 'codes of DROP_REASONS missing from the README table')
  assert.deepEqual(codes.filter((c) => !(DROP_REASONS as readonly string[]).includes(c)), [], 'README rows that are not drop reasons')
  const headings = readme.split('\n').filter((l) => /^#{2,4} Drop reasons$/.test(l))
  assert.equal(headings.length, 1, 'one "Drop reasons" section')
})

test('the Commands table has a row for every command of oclif.manifest.json', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
  const documented = new Set<string>()
  for (const cell of firstColumn(section('Commands'))) {
    // `vm start NAME` / `vm stop NAME`: every backticked usage in the cell; its command is the
    // leading lower-case words before the first argument or flag.
    for (const [, usage] of cell.matchAll(/`([^`]+)`/g)) {
      const words: string[] = []
      for (const word of usage.split(' ')) {
        if (!/^[a-z][a-z-]*$/.test(word)) break
        words.push(word)
      }
      documented.add(words.join(':'))
    }
  }
  const missing = Object.keys(manifest.commands).filter((id) => !documented.has(id)).sort()
  assert.deepEqual(missing, [], 'commands of the manifest missing from the README Commands table')
})
