// The runtime file beside the lab: absent, corrupt, written under the lab's lock, reset.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import type {RuntimeDocument} from '../../src/model/runtime-store.js'

import {HvnetError} from '../../src/model/errors.js'
import {readRuntime, resetRuntime, runtimePathOf, transactRuntime} from '../../src/model/runtime-store.js'
import {transact, withLock} from '../../src/model/store.js'
import {newVm} from '../../src/model/vm.js'
import {tempLab} from '../support.js'

/** A lab file that exists (one VM), and its runtime file's path. */
async function labWithVm(): Promise<{lab: string; runtime: string}> {
  const lab = tempLab()
  await transact(lab, (l) => newVm(l, {name: 'web'}))
  return {lab, runtime: path.join(path.dirname(lab), 'lab.runtime.json')}
}

/** A runtime step as the engine would take one: the clock moves on. */
function tick(runtime: RuntimeDocument | null, ms: number): {result: number; runtime: RuntimeDocument} {
  const now = (runtime?.now as number | undefined ?? 0) + ms
  return {result: now, runtime: {leases: runtime?.leases ?? [], now, schemaVersion: 1}}
}

async function rejection(promise: Promise<unknown>): Promise<HvnetError> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof HvnetError, String(error))
    return error
  }
  assert.fail('no error was thrown')
}

describe('runtime file', () => {
  test('sits beside the lab: lab.json → lab.runtime.json', () => {
    assert.equal(runtimePathOf('/labs/lab.json'), '/labs/lab.runtime.json')
    assert.equal(runtimePathOf('/home/u/.config/hvnet-nodejs/config.json'), '/home/u/.config/hvnet-nodejs/config.runtime.json')
    assert.equal(runtimePathOf('office.JSON'), 'office.runtime.json')
    assert.equal(runtimePathOf('/labs/office'), '/labs/office.runtime.json')
    assert.equal(runtimePathOf('/labs/office.lab'), '/labs/office.lab.runtime.json')
  })

  test('absent: null, for a lab that exists and one that does not', async () => {
    const {lab} = await labWithVm()
    assert.equal(readRuntime(lab), null)
    assert.equal(readRuntime(tempLab()), null)
  })

  test('corrupt: store-corrupt naming the file and `hvnet runtime reset`; a transaction neither runs nor overwrites it', async () => {
    const {lab, runtime} = await labWithVm()
    const cases: [string, RegExp][] = [
      ['{"schemaVersion": 1, "now": ', /is not valid JSON/],
      ['[1, 2]', /is not a runtime document \(it is not a JSON object\)/],
      ['null', /is not a JSON object/],
      ['{"now": 5}', /has no schemaVersion/],
      ['{"schemaVersion": "1"}', /has schemaVersion "1", not a positive integer/],
      ['{"schemaVersion": 0}', /has schemaVersion 0/],
      ['{"schemaVersion": 1.5}', /has schemaVersion 1.5/],
    ]
    for (const [text, problem] of cases) {
      fs.writeFileSync(runtime, text)
      const error = (() => {
        try {
          readRuntime(lab)
        } catch (error_) {
          return error_ as HvnetError
        }
        assert.fail(`no error for ${text}`)
      })()
      assert.equal(error.code, 'store-corrupt')
      assert.match(error.message, problem)
      assert.ok(error.message.startsWith(`The runtime file ${runtime} `), error.message)
      assert.match(error.message, /it was left as it is\.$/)
      assert.match(error.fix ?? '', /`hvnet runtime reset`/)
      let ran = false
      const refused = await rejection(transactRuntime(lab, (_l, r) => {
        ran = true
        return tick(r, 1)
      }))
      assert.equal(refused.code, 'store-corrupt')
      assert.equal(ran, false)
      assert.equal(fs.readFileSync(runtime, 'utf8'), text)
    }
  })

  test('a directory where the file should be is reported, and reset does not remove it', async () => {
    const {lab, runtime} = await labWithVm()
    fs.mkdirSync(runtime)
    assert.throws(() => readRuntime(lab), (error: HvnetError) => error.code === 'store-corrupt' && /is a directory/.test(error.message))
    assert.equal((await rejection(resetRuntime(lab))).code, 'store-corrupt')
    assert.ok(fs.statSync(runtime).isDirectory())
  })

  test('a transaction reads the lab and the runtime, writes the runtime, and leaves the lab byte-identical', async () => {
    const {lab, runtime} = await labWithVm()
    const labBytes = fs.readFileSync(lab)
    const first = await transactRuntime(lab, (l, r) => {
      assert.deepEqual(l.vms.map((vm) => vm.name), ['web'])
      assert.equal(r, null)
      return tick(r, 90_000)
    })
    assert.deepEqual(first, {changed: true, file: runtime, result: 90_000})
    assert.equal(fs.readFileSync(runtime, 'utf8'), '{"leases":[],"now":90000,"schemaVersion":1}\n')
    const second = await transactRuntime(lab, (_l, r) => tick(r, 30_000))
    assert.deepEqual(second, {changed: true, file: runtime, result: 120_000})
    assert.deepEqual(readRuntime(lab), {leases: [], now: 120_000, schemaVersion: 1})
    assert.deepEqual(fs.readFileSync(lab), labBytes)
    assert.deepEqual(fs.readdirSync(path.dirname(lab)).sort(), ['lab.json', 'lab.runtime.json'])
  })

  test('an unchanged runtime is not rewritten; a refused change writes nothing', async () => {
    const {lab, runtime} = await labWithVm()
    await transactRuntime(lab, (_l, r) => tick(r, 1000))
    const mtime = fs.statSync(runtime).mtimeMs
    const same = await transactRuntime(lab, (_l, r) => ({result: 'same', runtime: r!}))
    assert.equal(same.changed, false)
    assert.equal(fs.statSync(runtime).mtimeMs, mtime)
    await assert.rejects(transactRuntime(lab, () => {
      throw new HvnetError('not-found', 'no such VM')
    }), /no such VM/)
    await assert.rejects(transactRuntime(lab, () => ({result: 0, runtime: {now: 5} as unknown as RuntimeDocument})), /has no schemaVersion/)
    assert.equal(fs.readFileSync(runtime, 'utf8'), '{"leases":[],"now":1000,"schemaVersion":1}\n')
  })

  test('written under the lab\'s lock: it waits for a lab change in progress, and concurrent steps never lose one', async () => {
    const {lab, runtime} = await labWithVm()
    let step: Promise<unknown> | undefined
    await withLock(lab, async () => {
      step = transactRuntime(lab, (_l, r) => {
        assert.ok(fs.existsSync(`${lab}.lock`), 'the lock is held while the runtime changes')
        return tick(r, 1)
      })
      await new Promise((resolve) => {
        setTimeout(resolve, 150)
      })
      assert.equal(fs.existsSync(runtime), false, 'nothing was written while another process held the lock')
    })
    await step
    assert.deepEqual(readRuntime(lab), {leases: [], now: 1, schemaVersion: 1})
    const steps = Array.from({length: 8}, () => transactRuntime(lab, (_l, r) => tick(r, 10)))
    const results = (await Promise.all(steps)).map((s) => s.result).sort((a, b) => a - b)
    assert.deepEqual(results, [11, 21, 31, 41, 51, 61, 71, 81])
    assert.equal(readRuntime(lab)?.now, 81)
    assert.equal(fs.existsSync(`${lab}.lock`), false)
  })

  test('reset removes the file (a corrupt one too) and nothing else; again, there is nothing to remove', async () => {
    const {lab, runtime} = await labWithVm()
    const labBytes = fs.readFileSync(lab)
    fs.writeFileSync(runtime, 'not json')
    assert.deepEqual(await resetRuntime(lab), {file: runtime, removed: true})
    assert.equal(fs.existsSync(runtime), false)
    assert.equal(readRuntime(lab), null)
    assert.deepEqual(await resetRuntime(lab), {file: runtime, removed: false})
    assert.deepEqual(fs.readFileSync(lab), labBytes)
    assert.deepEqual(fs.readdirSync(path.dirname(lab)), ['lab.json'])
  })

  test('a corrupt lab stops a runtime step before it runs', async () => {
    const {lab, runtime} = await labWithVm()
    fs.writeFileSync(lab, '{')
    const error = await rejection(transactRuntime(lab, (_l, r) => tick(r, 1)))
    assert.equal(error.code, 'store-corrupt')
    assert.match(error.message, /^The lab file /)
    assert.equal(fs.existsSync(runtime), false)
  })
})
