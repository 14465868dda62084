import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import type {LabFile} from '../../src/model/labfile-schema.js'

import {labFileJsonSchema} from '../../src/model/json-schema.js'
import {emptyLab, newLab} from '../../src/model/lab.js'
import {checkLabFileShape, formatPath} from '../../src/model/labfile-schema.js'
import {exportLab, formatLabFile, parseLabFile, planApply} from '../../src/model/labfile.js'
import {serializeLab} from '../../src/model/store.js'
import {EXAMPLES, examplePath, repoRoot} from '../support.js'
import {richLab} from './labs.js'

async function fileOf(text: string): Promise<LabFile> {
  const parsed = await parseLabFile(text, 'lab.yaml')
  if ('problems' in parsed) assert.fail(JSON.stringify(parsed.problems))
  return parsed.file
}

/** Applies a file to a store that does not exist yet; fails on problems. */
function applyToEmpty(file: LabFile) {
  const plan = planApply(emptyLab(), false, file, false)
  assert.deepEqual(plan.problems, [])
  return plan.lab!
}

describe('export and apply round-trip', () => {
  for (const format of ['yaml', 'json'] as const) {
    test(`a rich lab in ${format}: export, apply into an empty store, export again: the same text byte for byte, and the same store bytes`, async () => {
      const lab = richLab()
      const text = await formatLabFile(exportLab(lab), format)
      const rebuilt = applyToEmpty(await fileOf(text))
      assert.equal(await formatLabFile(exportLab(rebuilt), format), text)
      assert.equal(serializeLab(rebuilt), serializeLab(lab))
    })
  }

  test('the exported YAML leaves defaults out and keeps generated values in assigned', async () => {
    const yaml = await formatLabFile(exportLab(richLab()), 'yaml')
    assert.match(yaml, /^schemaVersion: 1\nseed: 77\n/)
    assert.doesNotMatch(yaml, /macAddressSpoofing: false|portMirroringMode: None|operationMode: Untagged|computerName/)
    assert.match(yaml, /interfaceAlias: vEthernet \(Old\)/)
    const [design, assigned] = yaml.split('\nassigned:\n')
    assert.doesNotMatch(design, /ifIndex|[0-9a-f]{8}-[0-9a-f]{4}-/, 'GUIDs and ifIndexes only in assigned')
    assert.match(assigned, /nextIfIndex: \d+/)
  })

  test('applying the export of a store to that store changes nothing', () => {
    const lab = richLab()
    const plan = planApply(lab, true, exportLab(lab), false)
    assert.deepEqual(plan.changes, [])
    assert.equal(plan.storeChanges, false)
  })

  test('a hand-written file without assigned: the second apply of it plans nothing', async () => {
    const file = await fileOf(fs.readFileSync(path.join(repoRoot, 'examples/nat-network/lab.yaml'), 'utf8'))
    const first = applyToEmpty(file)
    const second = planApply(first, true, file, false)
    assert.deepEqual(second.changes, [])
    assert.equal(second.storeChanges, false)
  })
})

describe('plans', () => {
  test('a changed VLAN, a new switch and (with --prune) a removed NAT, in terraform\'s spirit', async () => {
    const lab = richLab()
    const file = exportLab(lab)
    delete file.assigned
    file.vms!.web.adapters!['Network Adapter'].vlan = {accessVlanId: 20, operationMode: 'Access'}
    file.switches!.Extra = {switchType: 'Private'}
    delete file.nats
    const kept = planApply(lab, true, file, false)
    assert.deepEqual(kept.changes.map((c) => c.text), ['+ vswitch Extra (private)', '~ vm web/Network Adapter: vlan untagged → access 20'])
    assert.deepEqual(kept.kept, [{kind: 'nat', name: 'MyNATnetwork'}])
    // Pruned, the NAT goes, and the check that must pass through it no longer names anything.
    const refused = planApply(lab, true, file, true)
    assert.deepEqual(refused.problems, [{message: '"MyNATnetwork" is no switch, NAT or host interface', path: 'checks[0].via[0]'}])
    delete file.checks![0].via
    const pruned = planApply(lab, true, file, true)
    assert.deepEqual(pruned.changes.map((c) => c.text), [
      '+ vswitch Extra (private)',
      '~ vm web/Network Adapter: vlan untagged → access 20',
      '- nat MyNATnetwork',
      '+ check web → internet icmp expect replied',
      '- check web → internet icmp expect replied via MyNATnetwork',
    ])
    assert.deepEqual(pruned.kept, [])
  })

  test('left-out values read as their defaults in plan lines', () => {
    const lab = richLab()
    const file = exportLab(lab)
    file.host!.computerName = 'LAB-01'
    file.vms!.legacy.generation = 2
    delete file.vms!.legacy.adapters!.Boot
    file.vms!.web.state = 'Off'
    file.nats!.MyNATnetwork.icmpQueryTimeout = 60
    const plan = planApply(lab, true, file, false)
    assert.deepEqual(plan.problems, [])
    assert.deepEqual(plan.changes.map((c) => c.text), [
      '~ host: computerName HV-LAPTOP → LAB-01',
      '~ vm web: state Running → Off',
      '~ vm legacy: generation 1 → 2',
      '- vm legacy/Boot',
      '~ nat MyNATnetwork: icmpQueryTimeout 30 → 60',
    ])
  })

  test('new objects get fresh ifIndexes and pool MACs after the store\'s; existing ones keep theirs', () => {
    const lab = newLab()
    const file = exportLab(lab)
    delete file.assigned
    file.switches!.NATSwitch = {switchType: 'Internal'}
    const plan = planApply(lab, true, file, false)
    const vnic = plan.lab!.host.vnics.find((n) => n.name === 'NATSwitch')!
    assert.equal(vnic.ifIndex, 24)
    assert.equal(vnic.interfaceDescription, 'Hyper-V Virtual Ethernet Adapter #2')
    assert.deepEqual(plan.lab!.host.adapters.map((a) => [a.name, a.ifIndex, a.macAddress]), lab.host.adapters.map((a) => [a.name, a.ifIndex, a.macAddress]))
  })
})

describe('problems of a lab file', () => {
  test('schema problems are reported all at once, with paths as the issue writes them', () => {
    const shape = checkLabFileShape({
      schemaVersion: 1,
      switches: {S: {switchType: 'Internl'}},
      vms: {web: {adapters: {'Network Adapter': {vlan: {accessVlanId: 5000, operationMode: 'Access'}}}, generation: 3}},
    })
    assert.ok('problems' in shape)
    const lines = shape.problems.map((p) => `${p.path}: ${p.message}`)
    assert.ok(lines.includes('vms.web.adapters["Network Adapter"].vlan.accessVlanId: must be 1-4094'), lines.join('\n'))
    assert.ok(lines.some((l) => l.startsWith('switches.S.switchType: ')), lines.join('\n'))
    assert.ok(lines.some((l) => l.startsWith('vms.web.generation: ')), lines.join('\n'))
  })

  test('rule problems are reported per object, all of them, with the configuration commands\' own messages', async () => {
    const file = await fileOf(`schemaVersion: 1
host:
  netAdapters:
    Ethernet: {kind: wired, lan: {prefix: 10.0.0.0/24, gateway: 10.0.0.1}}
switches:
  NATSwitch: {switchType: Internal}
  Ext: {switchType: External, netAdapterName: Ethernt}
nats:
  N: {internalIPInterfaceAddressPrefix: 10.0.0.0/24}
vms:
  web:
    generation: 2
    adapters:
      LAN: {switchName: NATSwitch, isLegacy: true}
      Other: {switchName: Nowhere}
checks:
  - {from: web, to: nobody, expect: replied}
`)
    const plan = planApply(emptyLab(), false, file, false)
    const lines = plan.problems.map((p) => `${p.path}: ${p.message}`)
    assert.equal(plan.lab, undefined)
    assert.match(lines.join('\n'), /^switches\.Ext: No MSFT_NetAdapter objects found .*Did you mean "Ethernet"\?/m)
    assert.match(lines.join('\n'), /^nats\.N: The parameter is incorrect\. 10\.0\.0\.0\/24 overlaps/m)
    assert.match(lines.join('\n'), /^vms\.web\.adapters\.LAN: Legacy network adapters are not supported on generation 2/m)
    assert.match(lines.join('\n'), /^vms\.web\.adapters\.Other\.switchName: Hyper-V was unable to find a virtual switch with name "Nowhere"/m)
    assert.match(lines.join('\n'), /^checks\[0\]\.to: "nobody" is not host, internet/m)
    assert.equal(lines.length, 5, lines.join('\n'))
  })

  test('rules across VMs hold: one name twice (as Windows compares names), and PVLAN roles on a switch', async () => {
    const file = await fileOf(`schemaVersion: 1
switches:
  P: {switchType: Private}
vms:
  web: {adapters: {A: {switchName: P, vlan: {operationMode: Private, privateVlanMode: Isolated, primaryVlanId: 100, secondaryVlanId: 201}}}}
  WEB: {}
  db: {adapters: {A: {switchName: P, vlan: {operationMode: Private, privateVlanMode: Community, primaryVlanId: 100, secondaryVlanId: 201}}}}
`)
    const plan = planApply(emptyLab(), false, file, false)
    assert.deepEqual(plan.problems.map((p) => p.path), ['vms.WEB', 'switches.P'])
    assert.match(plan.problems[0].message, /A virtual machine named "web" already exists/)
    assert.match(plan.problems[1].message, /PVLAN configuration on a virtual switch must be consistent: on "P", secondary VLAN 201 of primary VLAN 100 is isolated/)
  })

  test('YAML syntax errors and duplicate keys are reported with their line', async () => {
    const parsed = await parseLabFile('schemaVersion: 1\nswitches:\n  A: {switchType: Private}\n  A: {switchType: Private}\n', 'lab.yaml')
    assert.ok('problems' in parsed)
    assert.match(parsed.problems[0].message, /unique.*line 4/i)
  })

  test('formatPath writes plain keys with dots and others as ["…"]', () => {
    assert.equal(formatPath(['vms', 'web', 'adapters', 'Network Adapter', 'vlan', 'accessVlanId']), 'vms.web.adapters["Network Adapter"].vlan.accessVlanId')
    assert.equal(formatPath(['checks', 2, 'via', 0]), 'checks[2].via[0]')
    assert.equal(formatPath([]), '(document)')
  })
})

describe('the JSON Schema', () => {
  const shipped = JSON.parse(fs.readFileSync(path.join(repoRoot, 'schemas/lab.schema.json'), 'utf8')) as Record<string, unknown>

  test('schemas/lab.schema.json is the derivation of labfile-schema.ts (run `node scripts/lab-schema.js` after a change)', () => {
    assert.deepEqual(shipped, labFileJsonSchema())
  })

  test('ajv accepts real exports and the examples, and rejects broken documents', async () => {
    const {Ajv} = await import('ajv') as unknown as {Ajv: new (options: object) => {compile: (s: object) => ((d: unknown) => boolean) & {errors?: unknown[]}}}
    const validate = new Ajv({allErrors: true, strict: false, validateFormats: false}).compile(shipped)
    const {parse} = await import('yaml')
    const documents = [exportLab(richLab()), exportLab(newLab()), ...EXAMPLES.map((e) => parse(fs.readFileSync(examplePath(e), 'utf8')))]
    for (const d of documents) assert.ok(validate(JSON.parse(JSON.stringify(d))), JSON.stringify(validate.errors))
    const broken: unknown[] = [
      {schemaVersion: 2},
      {schemaVersion: 1, switches: {S: {switchType: 'Internal', colour: 'blue'}}},
      {schemaVersion: 1, vms: {web: {adapters: {A: {vlan: {accessVlanId: 0, operationMode: 'Access'}}}}}},
      {schemaVersion: 1, checks: [{from: 'a', to: 'b', expect: 'maybe'}]},
      {schemaVersion: 1, host: {netAdapters: {E: {kind: 'wired', lan: {prefix: '10.0.0.0/33', gateway: '10.0.0.1'}}}}},
    ]
    for (const d of broken) assert.equal(validate(d), false, JSON.stringify(d))
  })
})
