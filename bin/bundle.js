// Loads dist/bundle/hvnet.cjs, the one-file build of hvnet that scripts/bundle.js makes: the CLI,
// @oclif/core and every runtime dependency. It is compiled with the V8 code cache made beside it at
// build time (hvnet.cjs.cache), so a cold start neither resolves ~180 modules nor parses them.
// A cache that V8 rejects (another Node build) is ignored and the bundle compiles as usual.
import {isAscii} from 'node:buffer'
import fs from 'node:fs'
import Module from 'node:module'
import path from 'node:path'
import vm from 'node:vm'

export const BUNDLE = 'dist/bundle/hvnet.cjs'

/**
 * The bundle's exports and its compiled script, or null when there is no current bundle: none was
 * built, or `tsc -b` has run since (dist/.tsbuildinfo is newer), or HVNET_NO_BUNDLE is set.
 */
export function loadBundle(root) {
  if (process.env.HVNET_NO_BUNDLE) return null
  const file = path.join(root, BUNDLE)
  let source
  try {
    const built = fs.statSync(file).mtimeMs
    const compiled = fs.statSync(path.join(root, 'dist/.tsbuildinfo'), {throwIfNoEntry: false})
    if (compiled !== undefined && compiled.mtimeMs > built) return null
    // scripts/bundle.js writes ASCII only: read as Latin-1, a copy, not a UTF-8 decode (~5 ms).
    const bytes = fs.readFileSync(file)
    source = bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8')
  } catch {
    return null
  }
  let cachedData
  try {
    cachedData = fs.readFileSync(`${file}.cache`)
  } catch {
    cachedData = undefined
  }
  // CommonJS's wrapper, plus __hvnetImport: scripts/bundle.js routes the bundle's import() calls
  // (oclif loading the help and autocomplete plugins, which are ES modules) to it.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __hvnetImport) {${source}\n})`, {cachedData, filename: file})
  // Registered as the CommonJS module it is, so oclif's require() of the bundle (its command
  // discovery target) finds this instance instead of loading a second one.
  const module = new Module(file, null)
  module.filename = file
  module.paths = Module._nodeModulePaths(path.dirname(file))
  Module._cache[file] = module
  const importModule = (specifier) => import(specifier)
  script.runInThisContext()(module.exports, Module.createRequire(file), module, file, path.dirname(file), importModule)
  module.loaded = true
  return {exports: module.exports, script}
}
