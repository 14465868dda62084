// oclif.manifest.json is generated (`npm run manifest`) and committed; only the one command file
// is imported at start-up because of it. A command or flag in the source that the manifest lacks
// (or the reverse) means it is stale.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {test} from 'node:test'
import {pathToFileURL} from 'node:url'

import {repoRoot} from './support.js'

interface ManifestCommand {
  args: Record<string, unknown>
  flags: Record<string, {type: string; options?: string[]}>
  examples?: unknown[]
}

function commandFiles(dir: string): string[] {
  return fs.readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) return commandFiles(full)
    return e.name.endsWith('.js') && !e.name.endsWith('.test.js') ? [full] : []
  })
}

test('oclif.manifest.json lists exactly the commands, arguments, flags and options of the source', async () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, ManifestCommand>}
  const root = path.join(repoRoot, 'dist/src/commands')
  const fromSource: Record<string, {args: string[]; flags: string[]}> = {}
  for (const file of commandFiles(root)) {
    const id = path.relative(root, file).replace(/\.js$/, '').split(path.sep).join(':')
    const {default: command} = await import(pathToFileURL(file).href)
    const flags = {...command.baseFlags, ...command.flags, ...(command.enableJsonFlag ? {json: {type: 'boolean'}} : {})}
    fromSource[id] = {
      args: Object.keys(command.args ?? {}).sort(),
      flags: Object.entries(flags).map(([name, f]) => `${name}:${(f as {type: string}).type}:${((f as {options?: string[]}).options ?? []).join('|')}`).sort(),
    }
  }
  const fromManifest = Object.fromEntries(Object.entries(manifest.commands).map(([id, c]) => [id, {
    args: Object.keys(c.args).sort(),
    flags: Object.entries(c.flags).map(([name, f]) => `${name}:${f.type}:${(f.options ?? []).join('|')}`).sort(),
  }]))
  assert.deepEqual(fromManifest, fromSource, 'oclif.manifest.json is stale: run `npm run manifest` and commit it')
})

test('every command has a description and at least one example', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, ManifestCommand & {description?: string}>}
  for (const [id, command] of Object.entries(manifest.commands)) {
    assert.ok(command.description, `${id} has no description`)
    assert.ok((command.examples ?? []).length > 0, `${id} has no examples`)
  }
})
