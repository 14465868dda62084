// `npm run build`'s second step, after `tsc -b`: bundles the compiled CLI (dist/src) with @oclif/core
// and every runtime dependency into one CommonJS file, dist/bundle/hvnet.cjs, then runs a few commands
// from it and saves V8's code cache of everything they compiled beside it (hvnet.cjs.cache).
// bin/bundle.js loads the pair. Why: an unbundled `hvnet trace` resolves, reads and compiles ~180
// modules, over half its cold start (bench/trace.ts prints the figures). The bundle exports COMMANDS
// (oclif's "explicit" command discovery) and main(); the manifest, `oclif manifest` and in-process
// tests keep using dist/src/commands through package.json. `BUNDLE_ANALYZE=1` prints what is inside.
import * as esbuild from 'esbuild'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {BUNDLE, loadBundle} from '../bin/bundle.js'
import {hookExport} from '../dist/src/cli/main.js'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const commandsDir = path.join(root, 'dist/src/commands')

/** oclif's command id of a compiled command file: `vm/set-nic.js` → `vm:set-nic`, `nat/index.js` → `nat`. */
function commandId(relative) {
  const parts = relative.replace(/\.js$/, '').split(path.sep)
  if (parts.at(-1) === 'index') parts.pop()
  return parts.join(':')
}

const files = fs
  .readdirSync(commandsDir, {recursive: true})
  .filter((f) => f.endsWith('.js') && !f.endsWith('.test.js') && !f.endsWith('.d.js'))
  .sort()
if (files.length === 0) throw new Error(`no compiled commands in ${commandsDir}: run tsc -b first`)

const pjson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const hooks = Object.values(pjson.oclif.hooks ?? {}).flat()
for (const target of hooks) if (typeof target !== 'string') throw new Error(`bundle.js handles hook targets given as paths, not ${JSON.stringify(target)}`)

// Each command is a getter around require(): esbuild then wraps the command's module graph in a
// function run on first access, so a start evaluates oclif and the one command it runs, not all.
const require = (file) => `require(${JSON.stringify(`./${path.posix.join('dist/src', file)}`)})`
const entry = `const {main, redirectOutput} = ${require('cli/main.js')}
module.exports = {
  main,
  redirectOutput,
  COMMANDS: {
${files.map((f) => `    get ${JSON.stringify(commandId(f))}() { return ${require(`commands/${f.split(path.sep).join('/')}`)}.default },`).join('\n')}
  },
${hooks.map((t) => `  get ${JSON.stringify(hookExport(t))}() { return ${require(path.posix.relative('./dist/src', t))}.default },`).join('\n')}
}
`

// The bundle runs as a vm.Script (bin/bundle.js), where import() needs a flag on Node 20; oclif
// imports ES-module plugins (help, autocomplete) with it. Those calls go to the function
// bin/bundle.js passes in as __hvnetImport, which is a real import() of an ES module.
const DYNAMIC_IMPORT = /\bawait import\(/
const routeDynamicImports = {
  name: 'route-dynamic-imports',
  setup(build) {
    build.onLoad({filter: /[\\/]node_modules[\\/].*\.js$/}, async (args) => {
      const contents = await fs.promises.readFile(args.path, 'utf8')
      if (!DYNAMIC_IMPORT.test(contents)) return undefined
      return {contents: contents.replaceAll(new RegExp(DYNAMIC_IMPORT, 'g'), 'await __hvnetImport('), loader: 'js'}
    })
  },
}

const result = await esbuild.build({
  banner: {js: "const __hvnetImportMetaUrl = require('node:url').pathToFileURL(__filename).href;"},
  bundle: true,
  // The modules' own import.meta.url, which CommonJS has not: the bundle's URL.
  define: {'import.meta.url': '__hvnetImportMetaUrl'},
  // Only oclif's development mode (ts-node) loads these.
  external: ['typescript', 'ts-node'],
  format: 'cjs',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // Whitespace and syntax only: a third less to read, and stack traces keep their names.
  minifySyntax: true,
  minifyWhitespace: true,
  outfile: path.join(root, BUNDLE),
  platform: 'node',
  plugins: [routeDynamicImports],
  sourcemap: 'linked',
  stdin: {contents: entry, loader: 'js', resolveDir: root, sourcefile: 'hvnet-bundle-entry.js'},
  target: 'node20',
})
if (process.env.BUNDLE_ANALYZE) console.log(await esbuild.analyzeMetafile(result.metafile))
// esbuild escapes non-ASCII characters except in regular expressions (ansi-regex's CSI, U+009B);
// escaped there too, the file is ASCII, which bin/bundle.js reads without decoding UTF-8.
const bundled = fs.readFileSync(path.join(root, BUNDLE), 'utf8')
const ascii = bundled.replaceAll(/[^\0-\x7F]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
if (ascii !== bundled) fs.writeFileSync(path.join(root, BUNDLE), ascii)
const left = ascii.match(/.{0,60}\bimport\((?!\)).{0,30}/g)
if (left) throw new Error(`${BUNDLE} still calls import(), which fails inside a vm.Script on Node 20: ${left.join(' | ')}`)

// The code cache: what a run compiles, saved after it. The runs cover the store (apply), the engine
// and the trace (the command people judge hvnet by) and the listing commands; whatever they did not
// reach still compiles lazily, as without a cache.
const cacheFile = path.join(root, `${BUNDLE}.cache`)
fs.rmSync(cacheFile, {force: true})
delete process.env.HVNET_NO_BUNDLE
const bundle = loadBundle(root)
if (bundle === null) throw new Error(`${BUNDLE} did not load`)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hvnet-bundle-'))
const lab = path.join(dir, 'lab.json')
const runs = [
  ['apply', '-f', path.join(root, 'examples/nat-network/lab.yaml')],
  ['trace', '--from', 'web', '--to', '8.8.8.8'],
  ['trace', '--from', 'web', '--to', '8.8.8.8', '--stateless', '--json'],
  ['vswitch', 'list'],
  ['vm', 'list', '--json'],
]
const restore = bundle.exports.redirectOutput({err() {}, out() {}})
try {
  for (const args of runs) {
    await bundle.exports.main(root, [...args, '--config', lab])
    if (process.exitCode) throw new Error(`hvnet ${args.join(' ')} exited ${process.exitCode} while making the code cache`)
  }
} finally {
  restore()
  fs.rmSync(dir, {force: true, recursive: true})
}
fs.writeFileSync(cacheFile, bundle.script.createCachedData())
