import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import {serializeLab} from '../../src/model/store.js'
import {richLab} from '../model/labs.js'
import {cli, EXAMPLES, examplePath, ok, repoRoot, run, snapshot, tempLab} from '../support.js'


/** A lab file beside a store path, with the given text. */
function labFile(text: string, name = 'lab.yaml'): string {
  const file = path.join(path.dirname(tempLab()), name)
  fs.writeFileSync(file, text)
  return file
}

/** A store with Microsoft's NAT network and a VM, built through the configuration commands. */
async function builtStore(): Promise<string> {
  const lab = tempLab()
  await ok(['vswitch', 'new', 'NATSwitch', '--type', 'internal'], lab)
  await ok(['host', 'ip', 'add', '--interface-alias', 'vEthernet (NATSwitch)', '--ip-address', '192.168.0.1', '--prefix-length', '24'], lab)
  await ok(['nat', 'enable', 'MyNATnetwork', '--internal-prefix', '192.168.0.0/24'], lab)
  await ok(['vm', 'new', 'web', '--switch', 'NATSwitch', '--generation', '2'], lab)
  await ok(['vm', 'set-vlan', 'web', '-n', 'Network Adapter', '--access', '--vlan-id', '10'], lab)
  await ok(['vm', 'set-ip', 'web', '-n', 'Network Adapter', '--address', '192.168.0.10/24', '--gateway', '192.168.0.1'], lab)
  await ok(['vm', 'add-acl', 'web', '-n', 'Network Adapter', '--action', 'deny', '--direction', 'both', '--remote-ip', '10.0.0.0/8'], lab)
  await ok(['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '0.0.0.0', '--external-port', '8080', '--internal-ip', '192.168.0.10', '--internal-port', '80'], lab)
  await ok(['vm', 'start', 'web'], lab)
  return lab
}

describe('hvnet export, apply, diff (the real binary)', () => {
  test('export then apply into an empty store: the same store bytes; a second apply prints no changes and exits 0', async () => {
    const store = await builtStore()
    const exported = await cli(['export'], {lab: store})
    assert.equal(exported.exitCode, 0, exported.stderr)
    const file = labFile(exported.stdout)
    const fresh = tempLab()
    const first = await cli(['apply', '-f', file, '--detailed-exitcode'], {lab: fresh})
    assert.equal(first.exitCode, 4, first.stderr)
    assert.match(first.stdout, /^\+ vswitch NATSwitch \(internal\)$/m)
    assert.match(first.stdout, /^Applied: \d+ added, 0 changed, 0 removed\.$/m)
    assert.deepEqual(snapshot(fresh), snapshot(store))
    const again = await cli(['apply', '-f', file], {lab: fresh})
    assert.equal(again.exitCode, 0)
    assert.equal(again.stdout, `no changes (the store matches ${file})`)
    const detailed = await cli(['apply', '-f', file, '--detailed-exitcode'], {lab: fresh})
    assert.equal(detailed.exitCode, 0)
    assert.equal((await cli(['export'], {lab: fresh})).stdout, exported.stdout)
  })

  test('the rich test lab (every kind of object and setting) round-trips through the binary: export, apply into an empty store, same store bytes', async () => {
    const store = tempLab()
    fs.writeFileSync(store, serializeLab(richLab()))
    const exported = await cli(['export'], {lab: store})
    assert.equal(exported.exitCode, 0, exported.stderr)
    const fresh = tempLab()
    const applied = await cli(['apply', '-f', labFile(exported.stdout)], {lab: fresh})
    assert.equal(applied.exitCode, 0, applied.stderr)
    assert.deepEqual(snapshot(fresh), snapshot(store))
  })

  test('a file with several errors reports all of them with their paths, changes nothing and exits 1', async () => {
    const store = await builtStore()
    const before = snapshot(store)
    const file = labFile(`schemaVersion: 1
switches:
  NATSwitch: {switchType: Internal}
vms:
  web:
    adapters:
      Network Adapter: {switchName: NATSwitch, vlan: {operationMode: Access, accessVlanId: 5000}}
  db:
    generation: 3
    adapters:
      Network Adapter: {switchName: NATSwitch, colour: blue}
`)
    const r = await cli(['apply', '-f', file], {lab: store})
    assert.equal(r.exitCode, 1)
    assert.match(r.stderr, /vms\.web\.adapters\["Network Adapter"\]\.vlan\.accessVlanId: must be 1-4094/)
    assert.match(r.stderr, /vms\.db\.generation: /)
    assert.match(r.stderr, /vms\.db\.adapters\["Network Adapter"\]\.colour: is not a key of the lab-file format/)
    assert.match(r.stderr, /Error: .* has 3 problems \(listed above, or in `details` under --json\); nothing was changed\./)
    assert.deepEqual(snapshot(store), before)
    const rules = labFile('schemaVersion: 1\nswitches:\n  Ext: {switchType: External, netAdapterName: Nope}\nvms:\n  web:\n    adapters:\n      A: {switchName: Missing}\n')
    const refused = await cli(['apply', '-f', rules, '--json'], {lab: store})
    assert.equal(refused.exitCode, 1)
    const error = JSON.parse(refused.stdout).error
    assert.equal(error.code, 'lab-file-invalid')
    assert.equal(error.details.length, 2)
    assert.match(error.details[0], /^switches\.Ext: No MSFT_NetAdapter objects found/)
    assert.match(error.details[1], /^vms\.web\.adapters\.A\.switchName: Hyper-V was unable to find a virtual switch with name "Missing"/)
    assert.deepEqual(snapshot(store), before)
  })

  test('hvnet validate exits 1 on an error finding, 0 on warnings unless --strict; hvnet schema prints the JSON Schema', async () => {
    const store = tempLab()
    await ok(['vm', 'new', 'loose'], store)
    const warned = await cli(['validate'], {lab: store})
    assert.equal(warned.exitCode, 0)
    assert.match(warned.stdout, /^warning adapter-not-connected: /m)
    assert.equal((await cli(['validate', '--strict'], {lab: store})).exitCode, 1)
    await ok(['vswitch', 'new', 'NATSwitch', '--type', 'internal'], store)
    await ok(['nat', 'enable', 'MyNAT', '--internal-prefix', '192.168.0.0/24'], store)
    const failed = await cli(['validate', '--json'], {lab: store})
    assert.equal(failed.exitCode, 1)
    const json = JSON.parse(failed.stdout)
    assert.equal(json.ok, false)
    assert.deepEqual(json.findings.map((f: {code: string}) => f.code), ['nat-no-gateway', 'adapter-not-connected'])
    const schema = await cli(['schema'])
    assert.equal(schema.exitCode, 0)
    assert.equal(JSON.parse(schema.stdout).title, 'hvnet lab file')
    assert.equal(schema.stdout, fs.readFileSync(path.join(repoRoot, 'schemas/lab.schema.json'), 'utf8').trimEnd(), 'the shipped schema, byte for byte')
  })
})

describe('hvnet apply, diff, export, validate (in process)', () => {
  test('the dry-run plan of Microsoft\'s NAT network on a new laptop (golden file); the store is unchanged', async () => {
    const store = tempLab()
    await ok(['config', 'reset', '--force'], store)
    const before = snapshot(store)
    const r = await run(['apply', '-f', examplePath('nat-network'), '--dry-run'], store)
    assert.equal(r.exitCode, 0, r.error)
    const text = r.stdout.replaceAll(repoRoot, '<repo>')
    const golden = path.join(repoRoot, 'test/golden/apply-dry-run.txt')
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(golden, text)
    assert.equal(text, fs.readFileSync(golden, 'utf8'))
    assert.deepEqual(snapshot(store), before)
    const diff = await run(['diff', '-f', examplePath('nat-network')], store)
    assert.equal(diff.stdout, r.stdout, 'diff is the plan alone')
    assert.deepEqual(snapshot(store), before)
  })

  test('--detailed-exitcode: 4 for a planned change (dry run and diff too), 0 for none, 1 for an error', async () => {
    const store = tempLab()
    const file = examplePath('nat-network')
    assert.equal((await run(['diff', '-f', file, '--detailed-exitcode'], store)).exitCode, 4)
    assert.equal((await run(['apply', '-f', file, '--dry-run', '--detailed-exitcode'], store)).exitCode, 4)
    assert.equal(snapshot(store), null, 'a dry run writes no store')
    assert.equal((await run(['apply', '-f', file, '--detailed-exitcode'], store)).exitCode, 4)
    assert.equal((await run(['diff', '-f', file, '--detailed-exitcode'], store)).exitCode, 0)
    const broken = labFile('schemaVersion: 1\nvms: {web: {generation: 5}}\n')
    assert.equal((await run(['apply', '-f', broken, '--detailed-exitcode'], store)).exitCode, 1)
  })

  test('without --prune, store objects the file does not name are kept and said so in one line; with it they go', async () => {
    const store = await builtStore()
    await ok(['vswitch', 'new', 'Spare', '--type', 'private'], store)
    const file = labFile((await run(['export'], store)).stdout.replace(/ {2}Spare:\n {4}switchType: Private\n/, ''))
    await ok(['vswitch', 'new', 'Other', '--type', 'private'], store)
    const kept = await ok<{changes: {text: string}[]; kept: {kind: string; name: string}[]}>(['diff', '-f', file], store)
    assert.deepEqual(kept.changes, [])
    assert.deepEqual(kept.kept, [{kind: 'vswitch', name: 'Spare'}, {kind: 'vswitch', name: 'Other'}])
    const text = await run(['diff', '-f', file], store)
    assert.match(text.stdout, /^2 objects in the store but not in .* are kept \(--prune removes them\): vswitch Spare, vswitch Other\.$/m)
    const pruned = await ok<{changes: {text: string}[]}>(['apply', '-f', file, '--prune'], store)
    assert.deepEqual(pruned.changes.map((c) => c.text), ['- vswitch Spare', '- vswitch Other'])
    const switches = await ok<{name: string}[]>(['vswitch', 'list'], store)
    assert.deepEqual(switches.map((s) => s.name), ['Default Switch', 'NATSwitch'])
  })

  test('a changed setting is planned as ~ with old → new, and applied', async () => {
    const store = await builtStore()
    const yaml = (await run(['export'], store)).stdout
    const file = labFile(yaml.replace('accessVlanId: 10', 'accessVlanId: 20'))
    const r = await run(['apply', '-f', file], store)
    assert.equal(r.exitCode, 0, r.error)
    assert.match(r.stdout, /^~ vm web\/Network Adapter: vlan access 10 → access 20$/m)
    const vlan = await ok<{vlanSetting: {accessVlanId: number}}[]>(['vm', 'get-vlan', 'web'], store)
    assert.equal(vlan[0].vlanSetting.accessVlanId, 20)
  })

  test('export --format json and -o FILE; an exported JSON file applies like the YAML one', async () => {
    const store = await builtStore()
    const out = labFile('', 'lab.json')
    await ok(['export', '--format', 'json', '-o', out], store)
    const fresh = tempLab()
    await ok(['apply', '-f', out], fresh)
    assert.deepEqual(snapshot(fresh), snapshot(store))
  })

  test('each example applies into an empty store and validates clean; its checks are stored', async () => {
    for (const name of EXAMPLES) {
      const store = tempLab()
      await ok(['apply', '-f', examplePath(name)], store)
      const findings = await ok<{findings: unknown[]; ok: boolean}>(['validate'], store)
      assert.deepEqual(findings, {findings: [], ok: true}, name)
      assert.deepEqual(await ok(['validate', '-f', examplePath(name)], store), {findings: [], ok: true}, name)
      const stored = JSON.parse(fs.readFileSync(store, 'utf8')) as {checks: unknown[]}
      assert.equal(stored.checks.length, 4, name)
    }
  })

  test('validate -f reports a second NAT as second-nat, and the rest of the file is still linted', async () => {
    const file = labFile(`schemaVersion: 1
switches:
  A: {switchType: Internal, hostVnics: {A: {ipv4: {addresses: [192.168.0.1/24]}}}}
nats:
  One: {internalIPInterfaceAddressPrefix: 192.168.0.0/24}
  Two: {internalIPInterfaceAddressPrefix: 192.168.1.0/24}
vms:
  loose: {adapters: {LAN: {}}}
`)
    const r = await run<{findings: {code: string}[]}>(['validate', '-f', file, '--json'], tempLab())
    assert.equal(r.exitCode, 1)
    assert.deepEqual(r.result!.findings.map((f) => f.code), ['second-nat', 'adapter-not-connected'])
  })
})
