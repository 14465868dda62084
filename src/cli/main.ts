// The entry point of the one-file build (dist/bundle/hvnet.cjs, made by scripts/bundle.js and run by
// bin/run.js). oclif runs as usual from package.json, except that commands and hooks come from the
// bundle's exports (oclif's "explicit" discovery) instead of one module graph per file in dist/src.
import {execute} from '@oclif/core'
import type {Interfaces} from '@oclif/core'
import fs from 'node:fs'
import path from 'node:path'

export {redirectOutput} from './output.js'

const BUNDLE = './dist/bundle/hvnet.cjs'

/** Runs hvnet with `args` (default: the process's arguments) from the package at `root`. */
export async function main(root: string, args?: string[]): Promise<unknown> {
  const pjson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Interfaces.PJSON
  const hooks = Object.entries(pjson.oclif.hooks ?? {}).map(([event, targets]) => [
    event,
    // scripts/bundle.js exports each hook as `hook <its target in package.json>`.
    [targets].flat().map((target) => ({identifier: `hook ${target as string}`, target: BUNDLE})),
  ])
  pjson.oclif = {...pjson.oclif, commands: {identifier: 'COMMANDS', strategy: 'explicit', target: BUNDLE}, hooks: Object.fromEntries(hooks)}
  return execute({args, loadOptions: {isRoot: true, pjson, root}})
}
