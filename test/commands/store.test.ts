import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import {cli, cliJson, ok, run, snapshot, tempLab} from '../support.js'

describe('the store', () => {
  test('50 hvnet processes started at once, each adding a switch, leave exactly 50 switches', async () => {
    const lab = tempLab()
    const results = await Promise.all(Array.from({length: 50}, (_, i) => cli(['vswitch', 'new', `S${i}`, '--type', 'private'], {lab})))
    assert.deepEqual(results.filter((r) => r.exitCode !== 0).map((r) => r.stderr), [])
    const {json} = await cliJson<{name: string}[]>(['vswitch', 'list'], lab)
    const names = json.map((s) => s.name).filter((n) => n !== 'Default Switch').sort()
    assert.deepEqual(names, Array.from({length: 50}, (_, i) => `S${i}`).sort())
    assert.equal(fs.existsSync(`${lab}.lock`), false)
  })

  const corruptions: [string, string, RegExp][] = [
    ['not JSON', '{"schemaVersion": 1, "seed": ', /is not valid JSON/],
    ['JSON that is not a lab', '[1, 2, 3]\n', /does not match the lab schema/],
    ['a lab with an unknown key', 'PATCH:extra', /does not match the lab schema \(extra/],
    ['a lab whose vNIC points at a missing switch', 'PATCH:dangling', /is inconsistent \(host\.vnics\["Default Switch"\]\.switchId/],
    ['a lab from a newer hvnet', 'PATCH:newer', /schemaVersion 99; this hvnet reads up to 3/],
  ]
  for (const [what, content, message] of corruptions) {
    test(`a store that is ${what} is reported (exit 1) and left byte-for-byte as it was`, async () => {
      const lab = tempLab()
      let text = content
      if (content.startsWith('PATCH:')) {
        await ok(['vswitch', 'new', 'A', '--type', 'internal'], lab)
        const document = JSON.parse(fs.readFileSync(lab, 'utf8'))
        if (content === 'PATCH:extra') document.extra = true
        if (content === 'PATCH:dangling') document.host.vnics[0].switchId = '00000000-0000-4000-8000-000000000000'
        if (content === 'PATCH:newer') document.schemaVersion = 99
        text = JSON.stringify(document)
      }
      fs.writeFileSync(lab, text)
      const before = snapshot(lab)
      for (const args of [['vswitch', 'list'], ['vswitch', 'new', 'B', '--type', 'private'], ['host', 'adapter', 'add', 'E2', '--kind', 'wired']]) {
        const r = await cli(args, {lab})
        assert.equal(r.exitCode, 1, `${args.join(' ')}: ${r.stderr}`)
        const lines = r.stderr.trimEnd().split('\n')
        assert.equal(lines.length, 1, r.stderr)
        assert.ok(lines[0].includes(lab), lines[0])
        assert.match(lines[0], message)
        assert.deepEqual(snapshot(lab), before)
      }
    })
  }

  test('config reset --force replaces a corrupt store and keeps the old file beside it', async () => {
    const lab = tempLab()
    fs.writeFileSync(lab, 'not json')
    const refused = await run(['config', 'reset'], lab)
    assert.equal(refused.exitCode, 1)
    assert.match(refused.error ?? '', /--force/)
    const r = await ok<{keptCorrupt: string}>(['config', 'reset', '--force'], lab)
    assert.equal(r.keptCorrupt, `${lab}.corrupt`)
    assert.equal(fs.readFileSync(`${lab}.corrupt`, 'utf8'), 'not json')
    assert.equal((await ok<unknown[]>(['vswitch', 'list'], lab)).length, 1)
  })

  test('--config wins over HVNET_CONFIG, and HVNET_CONFIG over the default', async () => {
    const viaEnv = tempLab()
    const viaFlag = tempLab('other.json')
    const home = path.dirname(tempLab())
    const env = {HOME: home, XDG_CONFIG_HOME: path.join(home, 'xdg')}
    assert.equal((await cli(['vswitch', 'new', 'EnvSwitch', '--type', 'private'], {env, lab: viaEnv})).exitCode, 0)
    assert.equal((await cli(['vswitch', 'new', 'FlagSwitch', '--type', 'private', '--config', viaFlag], {env, lab: viaEnv})).exitCode, 0)
    assert.match(fs.readFileSync(viaEnv, 'utf8'), /EnvSwitch/)
    assert.doesNotMatch(fs.readFileSync(viaEnv, 'utf8'), /FlagSwitch/)
    assert.match(fs.readFileSync(viaFlag, 'utf8'), /FlagSwitch/)
    const pathEnv = await cli(['config', 'path'], {env, lab: viaEnv})
    assert.equal(pathEnv.stdout.trim(), viaEnv)
    const pathDefault = await cli(['config', 'path'], {env: {...env, HVNET_CONFIG: undefined}})
    assert.equal(pathDefault.stdout.trim(), path.join(home, 'xdg', 'hvnet-nodejs', 'config.json'))
  })

  test('a read-only command does not create the store; the first change writes it with schemaVersion 3', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'list'], lab)
    await ok(['host', 'adapter', 'list'], lab)
    assert.equal(fs.existsSync(lab), false)
    await ok(['vswitch', 'new', 'S', '--type', 'private'], lab)
    const document = JSON.parse(fs.readFileSync(lab, 'utf8'))
    assert.equal(document.schemaVersion, 3)
    assert.equal(document.seed, 2017)
    const shown = await ok<{switches: {name: string}[]}>(['config', 'show'], lab)
    assert.deepEqual(shown.switches.map((s) => s.name), ['Default Switch', 'S'])
  })

  test('a version-1 lab (no VMs, no vNIC VLANs) is read as version 3 with no VMs and untagged vNICs, and the next change stores version 3', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'S', '--type', 'internal'], lab)
    const document = JSON.parse(fs.readFileSync(lab, 'utf8'))
    delete document.vms
    for (const vnic of document.host.vnics) delete vnic.vlanSetting
    document.schemaVersion = 1
    fs.writeFileSync(lab, JSON.stringify(document, null, 2) + '\n')
    const before = snapshot(lab)
    assert.deepEqual(await ok(['vm', 'list'], lab), [])
    assert.deepEqual(snapshot(lab), before, 'a read does not rewrite the file')
    await ok(['vm', 'new', 'web1', '--switch', 'S'], lab)
    const upgraded = JSON.parse(fs.readFileSync(lab, 'utf8'))
    assert.equal(upgraded.schemaVersion, 3)
    assert.deepEqual(upgraded.checks, [])
    assert.deepEqual(upgraded.vms.map((m: {name: string}) => m.name), ['web1'])
    assert.deepEqual(upgraded.switches, document.switches)
    assert.deepEqual(upgraded.host.vnics.map((n: {name: string; vlanSetting: unknown}) => [n.name, n.vlanSetting]), [['Default Switch', {operationMode: 'Untagged'}], ['S', {operationMode: 'Untagged'}]])
  })

  test('the same seed gives the same lab; another seed other MACs, GUIDs and Default Switch subnet', async () => {
    const a = tempLab()
    const b = tempLab()
    const c = tempLab()
    await ok(['config', 'reset', '--force'], a)
    await ok(['config', 'reset', '--force'], b)
    await ok(['config', 'reset', '--force', '--seed', '7'], c)
    assert.deepEqual(snapshot(a), snapshot(b))
    const ethernetMac = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')).host.adapters[0].macAddress
    assert.notEqual(ethernetMac(a), ethernetMac(c))
  })
})

describe('schema migrations', () => {
  /** A version-1 document as hvnet 1 wrote it: today's lab without `nats`. */
  async function versionOneLab(): Promise<string> {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'NATSwitch', '--type', 'internal'], lab)
    const document = JSON.parse(fs.readFileSync(lab, 'utf8'))
    delete document.nats
    document.schemaVersion = 1
    fs.writeFileSync(lab, `${JSON.stringify(document, null, 2)}\n`)
    return lab
  }

  test('a version-1 lab reads as version 3 with no NATs, is left as it is by reads, and is upgraded by the next write', async () => {
    const lab = await versionOneLab()
    const before = snapshot(lab)
    const shown = await ok<{nats: unknown[]; schemaVersion: number}>(['config', 'show'], lab)
    assert.equal(shown.schemaVersion, 3)
    assert.deepEqual(shown.nats, [])
    assert.deepEqual(await ok(['nat', 'list'], lab), [])
    assert.deepEqual(snapshot(lab), before)
    await ok(['nat', 'enable', 'MyNATnetwork', '--internal-prefix', '192.168.0.0/24'], lab)
    const document = JSON.parse(fs.readFileSync(lab, 'utf8'))
    assert.equal(document.schemaVersion, 3)
    assert.deepEqual(document.nats.map((n: {name: string}) => n.name), ['MyNATnetwork'])
    assert.deepEqual(document.switches.map((s: {name: string}) => s.name), ['Default Switch', 'NATSwitch'])
  })

  test('migration 1 -> 2 is addNats then addVmsAndVnicVlans: it adds empty `nats` and `vms` and nothing else', async () => {
    const {addNats, migrations} = await import('../../src/model/migrations.js')
    assert.deepEqual(addNats({host: {}, schemaVersion: 1, seed: 3, switches: []}), {host: {}, nats: [], schemaVersion: 1, seed: 3, switches: []})
    assert.deepEqual(migrations[1]({host: {vnics: []}, schemaVersion: 1, seed: 3, switches: []}), {host: {vnics: []}, nats: [], schemaVersion: 1, seed: 3, switches: [], vms: []})
  })

  test('migration 2 -> 3 adds empty `checks` and nothing else; a version-2 store is upgraded by the next write', async () => {
    const {migrations} = await import('../../src/model/migrations.js')
    assert.deepEqual(migrations[2]({host: {}, nats: [], schemaVersion: 2, seed: 3, switches: [], vms: []}), {checks: [], host: {}, nats: [], schemaVersion: 2, seed: 3, switches: [], vms: []})
    const lab = tempLab()
    await ok(['vswitch', 'new', 'S', '--type', 'private'], lab)
    const document = JSON.parse(fs.readFileSync(lab, 'utf8'))
    delete document.checks
    document.schemaVersion = 2
    fs.writeFileSync(lab, `${JSON.stringify(document, null, 2)}\n`)
    await ok(['vswitch', 'new', 'T', '--type', 'private'], lab)
    const upgraded = JSON.parse(fs.readFileSync(lab, 'utf8'))
    assert.equal(upgraded.schemaVersion, 3)
    assert.deepEqual(upgraded.checks, [])
  })
})

describe('integrity of NATs in a hand-edited store', () => {
  const edits: [string, (document: {nats: Record<string, unknown>[]}) => void, RegExp][] = [
    ['two NATs', (d) => d.nats.push({...d.nats[0], internalIPInterfaceAddressPrefix: '192.168.9.0/24', name: 'Second'}), /nats: 2 NATs; WinNAT allows one internal prefix per host/],
    ['a prefix with host bits', (d) => { d.nats[0].internalIPInterfaceAddressPrefix = '192.168.0.1/24' }, /internalIPInterfaceAddressPrefix: 192\.168\.0\.1\/24 is not a network address/],
    ['a mapping outside the prefix', (d) => { (d.nats[0].staticMappings as Record<string, unknown>[])[0].internalIPAddress = '10.9.9.9' }, /internalIPAddress: 10\.9\.9\.9 is not in 192\.168\.0\.0\/24/],
    ['a mapping ID at the counter', (d) => { d.nats[0].nextStaticMappingId = 0 }, /nextStaticMappingId: 0 is not above StaticMappingID 0/],
    ['a NAT overlapping a LAN', (d) => { d.nats[0].internalIPInterfaceAddressPrefix = '10.0.0.0/8' }, /overlaps 10\.0\.0\.0\/24, the network of "Ethernet"/],
  ]
  for (const [what, edit, message] of edits) {
    test(`${what} is reported, exit 1, file untouched`, async () => {
      const lab = tempLab()
      await ok(['nat', 'enable', 'MyNATnetwork', '--internal-prefix', '192.168.0.0/24'], lab)
      await ok(['nat', 'add-mapping', '--nat', 'MyNATnetwork', '--protocol', 'tcp', '--external-ip', '0.0.0.0', '--external-port', '80', '--internal-ip', '192.168.0.10'], lab)
      const document = JSON.parse(fs.readFileSync(lab, 'utf8'))
      edit(document)
      fs.writeFileSync(lab, JSON.stringify(document))
      const before = snapshot(lab)
      const r = await run(['nat', 'list'], lab)
      assert.equal(r.exitCode, 1)
      assert.match(r.error ?? '', message)
      assert.deepEqual(snapshot(lab), before)
    })
  }
})

describe('the real binary', () => {
  test('a rule error is one line on stderr naming the thing and the fix, exit 1', async () => {
    const lab = tempLab()
    const r = await cli(['vswitch', 'remove', 'Nope'], {lab})
    assert.equal(r.exitCode, 1)
    assert.equal(r.stdout, '')
    assert.equal(r.stderr, 'Error: Hyper-V was unable to find a virtual switch with name "Nope". Existing switches: "Default Switch". Run `hvnet vswitch list`.')
  })

  test('--json errors are JSON on stdout with a stable code', async () => {
    const lab = tempLab()
    const r = await cli(['vswitch', 'show', 'Nope', '--json'], {lab})
    assert.equal(r.exitCode, 1)
    assert.deepEqual(JSON.parse(r.stdout), {
      error: {
        code: 'not-found',
        exit: 1,
        fix: 'Existing switches: "Default Switch". Run `hvnet vswitch list`.',
        message: 'Hyper-V was unable to find a virtual switch with name "Nope".',
      },
    })
  })

  test('usage errors exit 2: a bad option value, a missing argument, an unknown flag, an unknown command', async () => {
    const lab = tempLab()
    for (const args of [['vswitch', 'new', 'X', '--type', 'nat'], ['vswitch', 'new'], ['vswitch', 'list', '--bogus'], ['vswitch', 'lsit']]) {
      const r = await cli(args, {lab})
      assert.equal(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr)
      assert.equal(fs.existsSync(lab), false)
    }
    const unknown = await cli(['vswitch', 'lsit'], {lab})
    assert.match(unknown.stderr, /Did you mean `hvnet vswitch list`\?/)
  })

  test('--help of a command shows its examples', async () => {
    const r = await cli(['vswitch', 'new', '--help'])
    assert.equal(r.exitCode, 0)
    assert.match(r.stdout, /EXAMPLES/)
    assert.match(r.stdout, /hvnet vswitch new NATSwitch --type internal/)
  })

  test('no colour codes without a TTY', async () => {
    const lab = tempLab()
    const r = await cli(['vswitch', 'list'], {env: {NO_COLOR: undefined}, lab})
    assert.equal(r.stdout.includes("\u001b["), false)
  })
})
