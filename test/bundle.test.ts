// The one-file build (scripts/bundle.js → dist/bundle/hvnet.cjs + its V8 code cache), which
// bin/run.js runs when it is current. It must be current after `npm run build`, its code cache must
// be one this Node accepts (else every start compiles 1.6 MB), and it must behave exactly as the
// compiled modules of dist/src do: same bytes out, same exit codes, help and hooks included.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {describe, test} from 'node:test'
import {pathToFileURL} from 'node:url'

import {cli, examplePath, repoRoot, tempLab} from './support.js'

interface LoadedBundle {
  exports: {COMMANDS: Record<string, unknown>; main: unknown}
  script: {cachedDataRejected?: boolean}
}
type LoadBundle = (root: string) => LoadedBundle | null

const {BUNDLE, loadBundle} = (await import(pathToFileURL(path.join(repoRoot, 'bin/bundle.js')).href)) as {BUNDLE: string; loadBundle: LoadBundle}

describe('the one-file build', () => {
  test('npm run build leaves a current bundle whose code cache this Node accepts', () => {
    const loaded = loadBundle(repoRoot)
    assert.ok(loaded, `${BUNDLE} is missing or older than dist/.tsbuildinfo: run npm run build`)
    assert.equal(loaded.script.cachedDataRejected, false, `V8 rejected ${BUNDLE}.cache`)
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
    assert.deepEqual(Object.keys(loaded.exports.COMMANDS).sort(), Object.keys(manifest.commands).sort())
    assert.equal(typeof (loaded.exports.COMMANDS.trace as {run?: unknown}).run, 'function')
  })

  test('a bundle older than the compiled sources is not used; HVNET_NO_BUNDLE turns it off', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hvnet-bundle-test-'))
    const file = path.join(root, BUNDLE)
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.writeFileSync(file, 'module.exports = {main: () => 42}\n')
    const info = path.join(root, 'dist/.tsbuildinfo')
    fs.writeFileSync(info, '{}')
    const past = new Date(Date.now() - 60_000)
    fs.utimesSync(info, past, past)
    const current = loadBundle(root)
    assert.ok(current)
    assert.equal((current.exports.main as () => number)(), 42)
    assert.equal(current.script.cachedDataRejected, undefined, 'no cache file, none offered')
    process.env.HVNET_NO_BUNDLE = '1'
    try {
      assert.equal(loadBundle(root), null)
    } finally {
      delete process.env.HVNET_NO_BUNDLE
    }
    fs.utimesSync(info, new Date(), new Date(Date.now() + 60_000))
    assert.equal(loadBundle(root), null, 'tsc -b ran after the bundle was made')
    fs.rmSync(root, {force: true, recursive: true})
  })

  test('the binary gives the same bytes and exit codes with and without the bundle', async () => {
    const lab = tempLab()
    assert.equal((await cli(['apply', '-f', examplePath('nat-network')], {lab})).exitCode, 0)
    const runs = [
      ['trace', '--from', 'web', '--to', '8.8.8.8', '--stateless', '--json'],
      ['trace', '--from', 'web', '--to', '192.168.0.99', '--stateless', '--detail', 'minimal'],
      ['vswitch', 'list'],
      ['check', '--json'],
      ['export'],
      ['schema'],
      ['config', 'path'],
      ['vm', 'list-nics', 'web', '--json'],
      // The help plugin's command: an ES module that the bundle imports through bin/bundle.js.
      ['help', 'vswitch', 'new'],
      ['vswitch', 'new', '--help'],
      // The command_not_found hook, bundled too: a usage error, exit 2.
      ['vswitch', 'lst'],
      // A rule error: exit 1, the store unchanged.
      ['vswitch', 'new', 'NATSwitch', '--type', 'internal'],
      ['--version'],
    ]
    for (const args of runs) {
      const bundled = await cli(args, {lab})
      const unbundled = await cli(args, {env: {HVNET_NO_BUNDLE: '1'}, lab})
      assert.deepEqual(bundled, unbundled, `hvnet ${args.join(' ')}`)
    }
    const trace = JSON.parse((await cli(runs[0], {lab})).stdout) as {disposition: string}
    assert.equal(trace.disposition, 'replied')
    assert.equal((await cli(['vswitch', 'lst'], {lab})).exitCode, 2)
    assert.match((await cli(['help', 'vswitch', 'new'], {lab})).stdout, /USAGE\n {2}\$ hvnet vswitch new/)
  })
})
