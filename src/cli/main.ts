// The entry point of the one-file build (dist/bundle/hvnet.cjs, made by scripts/bundle.js and run by
// bin/run.js). oclif runs as usual from package.json, except that commands and hooks come from the
// bundle's exports (oclif's "explicit" discovery) instead of one module graph per file in dist/src.
import {execute} from '@oclif/core'
import type {Interfaces} from '@oclif/core'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export {redirectOutput} from './output.js'

/** The bundle's export of a hook, from its target in package.json (scripts/bundle.js names them so). */
export function hookExport(target: string): string {
  return `hook ${target}`
}

/** Runs hvnet with `args` (default: the process's arguments) from the package at `root`. */
export async function main(root: string, args?: string[]): Promise<unknown> {
  // Bundled, this module's URL is the bundle's (scripts/bundle.js defines import.meta.url so).
  const bundle = `./${path.relative(root, fileURLToPath(import.meta.url)).split(path.sep).join('/')}`
  const pjson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Interfaces.PJSON
  const hooks = Object.entries(pjson.oclif.hooks ?? {}).map(([event, targets]) => [
    event,
    [targets].flat().map((target) => ({identifier: hookExport(target as string), target: bundle})),
  ])
  pjson.oclif = {...pjson.oclif, commands: {identifier: 'COMMANDS', strategy: 'explicit', target: bundle}, hooks: Object.fromEntries(hooks)}
  return execute({args, loadOptions: {isRoot: true, pjson, root}})
}
