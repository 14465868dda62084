import assert from 'node:assert/strict'
import fs from 'node:fs'
import {describe, test} from 'node:test'

import type {AdvanceView, RuntimeView} from '../../src/model/runtime.js'
import {HvnetError} from '../../src/model/errors.js'
import {MAX_ADVANCE_MS, openNetwork, parseDuration, runtimeDocumentOf} from '../../src/model/runtime.js'
import {runtimePathOf, transactRuntime} from '../../src/model/runtime-store.js'
import {readLab} from '../../src/model/store.js'
import {parseIpv4Address} from '../../src/engine/wire/index.js'
import {cli, ok, run, snapshot, tempLab} from '../support.js'

const NIC = 'Network Adapter'

/** A lab with the VM `web` running on the Default Switch (a DHCP adapter). */
async function dhcpLab(): Promise<string> {
  const lab = tempLab()
  await ok(['vm', 'new', 'web', '--switch', 'Default Switch'], lab)
  await ok(['vm', 'start', 'web'], lab)
  return lab
}

const show = (lab: string): Promise<RuntimeView> => ok<RuntimeView>(['runtime', 'show', '--json'], lab)
const advance = (lab: string, d: string): Promise<AdvanceView> => ok<AdvanceView>(['runtime', 'advance', d, '--json'], lab)

/** The Default Switch's /20 and its vNIC's address, from `host ip list`. */
async function defaultSwitchNet(lab: string): Promise<{gateway: string; prefixLength: number}> {
  const rows = await ok<{interfaceAlias: string; ipAddress: string; prefixLength: number}[]>(['host', 'ip', 'list', '--json'], lab)
  const r = rows.find((x) => x.interfaceAlias === 'vEthernet (Default Switch)')!
  return {gateway: r.ipAddress, prefixLength: r.prefixLength}
}

function inPrefix(address: string, network: string, length: number): boolean {
  const a = parseIpv4Address(address) as number
  const n = parseIpv4Address(network) as number
  const mask = length === 0 ? 0 : (0xffff_ffff << (32 - length)) >>> 0
  return ((a & mask) >>> 0) === ((n & mask) >>> 0)
}

describe('durations', () => {
  test('the accepted forms', () => {
    assert.equal(parseDuration('90s'), 90_000)
    assert.equal(parseDuration('2h'), 7_200_000)
    assert.equal(parseDuration('1d'), 86_400_000)
    assert.equal(parseDuration('500ms'), 500)
    assert.equal(parseDuration('1h30m'), 5_400_000)
    assert.equal(parseDuration('1.5h'), 5_400_000)
    assert.equal(parseDuration('1d2h3m4s5ms'), 93_784_005)
    assert.equal(parseDuration(' 2M '), 120_000, 'case and spaces around do not matter')
    assert.equal(parseDuration('0s'), 0)
    assert.equal(parseDuration('366d'), MAX_ADVANCE_MS)
  })

  test('anything else is invalid-value naming the accepted forms', () => {
    for (const bad of ['', '10', '1x', 'h', '30m1h', '1h1h', '-5s', '1h 30m', '1.h', 'ms5']) {
      assert.throws(() => parseDuration(bad), (e: unknown) => e instanceof HvnetError && e.code === 'invalid-value' && /90s, 2h, 1d, 500ms, 1h30m/.test(e.line), bad)
    }
    assert.throws(() => parseDuration('367d'), (e: unknown) => e instanceof HvnetError && e.code === 'invalid-value' && /longer than hvnet advances the virtual clock at once \(366 days\)\. Advance in steps of at most 366d\./.test(e.line))
  })

  test('a bad duration through the CLI: exit 1, the forms, nothing written', async () => {
    const lab = await dhcpLab()
    const before = snapshot(lab)
    const r = await run(['runtime', 'advance', '10'], lab)
    assert.equal(r.exitCode, 1)
    assert.match(r.error ?? '', /"10" is not a duration \(it has no unit\)\. Give a number and a unit/)
    assert.equal(fs.existsSync(runtimePathOf(lab)), false)
    assert.deepEqual(snapshot(lab), before)
    const json = await run(['runtime', 'advance', '1y', '--json'], lab)
    assert.equal(JSON.parse(json.stdout).error.code, 'invalid-value')
  })
})

describe('runtime show', () => {
  test('no runtime file yet: an empty state at time 0, said plainly, and no file created', async () => {
    const lab = await dhcpLab()
    const r = await run(['runtime', 'show'], lab)
    assert.equal(r.exitCode, 0)
    assert.match(r.stdout, /^No runtime state yet: .*lab\.runtime\.json does not exist, so the virtual clock is at 0/)
    assert.match(r.stdout, /DHCP leases \(servers\): none/)
    const v = await show(lab)
    assert.deepEqual(v, {
      file: runtimePathOf(lab),
      exists: false,
      clockMs: 0,
      dhcpLeases: [],
      clientLeases: [],
      arpCaches: [],
      learnedMacs: [],
      portSecurity: [],
      wifiBridges: [],
      natSessions: [{natName: 'ICS (Default Switch)', sessions: 0, tcp: 0, udp: 0, icmp: 0}],
    })
    assert.equal(fs.existsSync(runtimePathOf(lab)), false)
  })

  test('after the network ran: leases on both sides, the clock, the JSON shape', async () => {
    const lab = await dhcpLab()
    const a = await advance(lab, '30s')
    assert.equal(a.clockMs, 30_000)
    assert.equal(a.granted.clientLeases.length, 1)
    const {gateway, prefixLength} = await defaultSwitchNet(lab)
    assert.equal(prefixLength, 20)
    const v = await show(lab)
    assert.deepEqual(Object.keys(v), ['file', 'exists', 'clockMs', 'dhcpLeases', 'clientLeases', 'arpCaches', 'learnedMacs', 'portSecurity', 'wifiBridges', 'natSessions'])
    assert.equal(v.exists, true)
    assert.equal(v.clockMs, 30_000)
    const [client] = v.clientLeases
    assert.deepEqual(Object.keys(client), ['owner', 'kind', 'vmName', 'adapter', 'state', 'ipAddress', 'prefixLength', 'gateway', 'dnsServers', 'dhcpServer', 'leaseSeconds', 'renewInS', 'rebindInS', 'expiresInS'])
    assert.equal(client.owner, `web/${NIC}`)
    assert.equal(client.state, 'bound')
    assert.ok(inPrefix(client.ipAddress!, gateway, 20), `${client.ipAddress} is in the Default Switch's /20 of ${gateway}`)
    assert.notEqual(client.ipAddress, gateway)
    assert.equal(client.gateway, gateway, 'the gateway is the host vNIC')
    assert.deepEqual(client.dnsServers, [gateway])
    assert.equal(client.dhcpServer, gateway)
    assert.equal(client.leaseSeconds, 86_400)
    const vmMac = (await ok<{networkAdapters: {macAddress: string}[]}>(['vm', 'show', 'web', '--json'], lab)).networkAdapters[0].macAddress
    const scope = v.dhcpLeases.filter((l) => l.scopeKind === 'vswitch')
    assert.deepEqual(scope.map((l) => [l.scope, l.macAddress, l.ipAddress, l.state]), [['Default Switch', vmMac, client.ipAddress, 'bound']])
    assert.deepEqual(Object.keys(scope[0]), ['scope', 'scopeKind', 'macAddress', 'ipAddress', 'state', 'expiresAtMs', 'expiresInS'])
    assert.ok(Math.abs(scope[0].expiresInS - (86_400 - 30)) < 1)
    // The host's own addresses on its LANs are leases of those LANs' servers.
    assert.deepEqual(v.dhcpLeases.filter((l) => l.scopeKind === 'lan').map((l) => l.scope), ['LAN Ethernet', 'LAN Wi-Fi'])

    const text = await run(['runtime', 'show'], lab)
    assert.match(text.stdout, /Virtual clock: 30s \(30000 ms\)/)
    assert.match(text.stdout, new RegExp(`web/Network Adapter bound ${client.ipAddress!.replaceAll('.', '\\.')}/20 ${gateway.replaceAll('.', '\\.')}`))
    assert.match(text.stdout, /Default Switch\s+\S+\s+00-15-5D-\S+\s+Active\s+23h 59m 30s/)
  })

  test('show never writes the runtime file', async () => {
    const lab = await dhcpLab()
    await advance(lab, '30s')
    await ok(['vm', 'stop', 'web'], lab)
    const before = snapshot(runtimePathOf(lab))
    await show(lab)
    assert.deepEqual(snapshot(runtimePathOf(lab)), before)
  })
})

describe('runtime advance', () => {
  test('a running VM renews its lease; a stopped VM\'s Default Switch lease expires after the lease time (1 day)', async () => {
    const lab = await dhcpLab()
    await advance(lab, '30s')
    const renewed = await advance(lab, '2d')
    assert.deepEqual(renewed.expired, {dhcpLeases: [], clientLeases: [], natSessions: [], arpEntries: []}, 'renewed at T1, nothing expires')
    const address = (await show(lab)).clientLeases[0].ipAddress

    await ok(['vm', 'stop', 'web'], lab)
    const v = await show(lab)
    assert.deepEqual(v.clientLeases, [], 'a stopped VM has no DHCP client')
    const left = v.dhcpLeases.find((l) => l.scope === 'Default Switch')!
    // The lease was last renewed at T1 or later: it ends less than a day from now.
    const early = await advance(lab, `${Math.floor(left.expiresInS) - 1}s`)
    assert.deepEqual(early.expired.dhcpLeases, [])
    const due = await advance(lab, '2s')
    assert.deepEqual(due.expired.dhcpLeases.map((l) => [l.scope, l.ipAddress]), [['Default Switch', address]])
    assert.equal((await show(lab)).dhcpLeases.filter((l) => l.scope === 'Default Switch').length, 0)
    const text = await run(['runtime', 'advance', '1s'], lab)
    assert.match(text.stdout, /^Virtual clock: 3d 1s → 3d 2s \(advanced 1s\)\.\nExpired: 0 DHCP leases, 0 client leases, 0 NAT sessions; 0 ARP entries aged out\.\n$/)
  })

  test('the text names what expired', async () => {
    const lab = await dhcpLab()
    await advance(lab, '30s')
    await ok(['vm', 'stop', 'web'], lab)
    const r = await run(['runtime', 'advance', '1d'], lab)
    assert.equal(r.exitCode, 0)
    assert.match(r.stdout, /^Virtual clock: 30s → 1d 30s \(advanced 1d\)\.\nExpired: 1 DHCP lease, 0 client leases, 0 NAT sessions; 0 ARP entries aged out\./)
    assert.match(r.stdout, /Expired DHCP leases\nScope +IPAddress +ClientId/)
  })

  test('a NAT session and ARP entries expire on the virtual clock (a ping through the Default Switch\'s ICS NAT)', async () => {
    const lab = await dhcpLab()
    await advance(lab, '30s')
    // No command sends traffic yet (trace does): the guest pings an internet address in process,
    // and the state is saved the way every command saves it.
    await transactRuntime(lab, (l, doc) => {
      const network = openNetwork(l, doc, runtimePathOf(lab))
      network.guest(`web/${NIC}`)!.ping(parseIpv4Address('8.8.8.8') as number)
      network.advance(1000)
      return {result: null, runtime: runtimeDocumentOf(network)}
    })
    const v = await show(lab)
    assert.deepEqual(v.natSessions, [{natName: 'ICS (Default Switch)', sessions: 1, tcp: 0, udp: 0, icmp: 1}])
    const owners = v.arpCaches.map((c) => `${c.owner} ${c.interfaceAlias}`)
    assert.ok(owners.includes(`web ${NIC}`), owners.join())
    assert.ok(owners.includes('host vEthernet (Default Switch)'), owners.join())

    const early = await advance(lab, '20s')
    assert.deepEqual(early.expired.natSessions, [], 'ICMP queries live 30 s')
    const due = await advance(lab, '20s')
    assert.equal(due.expired.natSessions.length, 1)
    assert.deepEqual({...due.expired.natSessions[0], id: 0, internalSourceAddress: ''}, {natName: 'ICS (Default Switch)', id: 0, protocol: 1, internalSourceAddress: '', internalSourcePort: due.expired.natSessions[0].internalSourcePort, externalDestinationAddress: '8.8.8.8', externalDestinationPort: due.expired.natSessions[0].externalDestinationPort})
    assert.ok(due.expired.arpEntries.some((e) => e.owner === 'web'), 'the guest\'s entry for its gateway aged out (30 s)')
    assert.ok(due.expired.arpEntries.some((e) => e.owner === 'host'), 'the host\'s entry for the VM aged out')
    const after = await show(lab)
    assert.equal(after.natSessions[0].sessions, 0)
    assert.deepEqual(after.arpCaches, [])
    const text = await run(['runtime', 'show'], lab)
    assert.match(text.stdout, /ARP caches: empty/)
  })
})

describe('a configuration change drops just the state it made wrong', () => {
  test('a VM adapter moved to another switch loses its lease; the server keeps its record; the Internal switch gives APIPA', async () => {
    const lab = await dhcpLab()
    await ok(['vm', 'new', 'db', '--switch', 'Default Switch'], lab)
    await ok(['vm', 'start', 'db'], lab)
    await advance(lab, '30s')
    const before = await show(lab)
    assert.deepEqual(before.clientLeases.map((c) => [c.owner, c.state]), [[`web/${NIC}`, 'bound'], [`db/${NIC}`, 'bound']])
    const webAddress = before.clientLeases[0].ipAddress
    const dbAddress = before.clientLeases[1].ipAddress

    await ok(['vswitch', 'new', 'Lab', '--type', 'internal'], lab)
    await ok(['vm', 'connect-nic', 'web', '--name', NIC, '--switch', 'Lab'], lab)
    const moved = await show(lab)
    const web = moved.clientLeases.find((c) => c.vmName === 'web')!
    assert.equal(web.ipAddress, null, 'its Default Switch lease is gone from the guest')
    assert.notEqual(web.state, 'bound')
    const db = moved.clientLeases.find((c) => c.vmName === 'db')!
    assert.deepEqual([db.state, db.ipAddress], ['bound', dbAddress], 'the other VM keeps its lease')
    assert.ok(moved.dhcpLeases.some((l) => l.scope === 'Default Switch' && l.ipAddress === webAddress), 'the server still holds the lease until it expires')

    const a = await advance(lab, '30s')
    assert.deepEqual(a.expired.clientLeases, [], 'dropped, not expired')
    const apipa = (await show(lab)).clientLeases.find((c) => c.vmName === 'web')!
    assert.equal(apipa.state, 'apipa', 'no DHCP server on the Internal switch')
    assert.match(apipa.ipAddress!, /^169\.254\./)
  })

  test('disconnecting the adapter and connecting it back drops the lease too (a new DHCP exchange gets the same address)', async () => {
    const lab = await dhcpLab()
    await advance(lab, '30s')
    const address = (await show(lab)).clientLeases[0].ipAddress
    await ok(['vm', 'disconnect-nic', 'web', '--name', NIC], lab)
    await advance(lab, '1s')
    await ok(['vm', 'connect-nic', 'web', '--name', NIC, '--switch', 'Default Switch'], lab)
    assert.equal((await show(lab)).clientLeases[0].ipAddress, null)
    const a = await advance(lab, '30s')
    assert.deepEqual(a.granted.clientLeases.map((c) => c.ipAddress), [address], 'the scope gives a MAC back its address')
  })
})

describe('runtime reset', () => {
  test('removes the runtime file, never the lab; a second reset says there was none', async () => {
    const lab = await dhcpLab()
    await advance(lab, '30s')
    const labBytes = snapshot(lab)
    const r = await run(['runtime', 'reset'], lab)
    assert.equal(r.exitCode, 0)
    assert.match(r.stdout, /^Removed .*lab\.runtime\.json: the network starts fresh at time 0\.\n$/)
    assert.equal(fs.existsSync(runtimePathOf(lab)), false)
    assert.deepEqual(snapshot(lab), labBytes)
    assert.deepEqual(await ok(['runtime', 'reset', '--json'], lab), {file: runtimePathOf(lab), removed: false})
    assert.match((await run(['runtime', 'reset'], lab)).stdout, /No runtime state to remove/)
    assert.equal((await show(lab)).clockMs, 0)
  })
})

describe('a corrupt runtime file', () => {
  const cases: [string, (lab: string) => string][] = [
    ['not JSON', () => '{"schemaVersion": 1,'],
    ['no envelope', () => '[1, 2]'],
    ['a wrong outer shape', () => JSON.stringify({schemaVersion: 1, clockMs: 'soon'})],
    ['a component refusing its part (a guest\'s DHCP lease)', () => JSON.stringify({schemaVersion: 1, clockMs: 0, host: {arp: {}, dhcp: {}}, guests: {[`web/${NIC}`]: {arp: {}, dhcp: {state: 'bound', address: 'x'}}}, dhcpServers: {}, learnedMacs: {}, physical: {}, nat: null})],
    ['the NAT refusing its sessions', () => JSON.stringify({schemaVersion: 1, clockMs: 0, host: {arp: {}, dhcp: {}}, guests: {}, dhcpServers: {}, learnedMacs: {}, physical: {}, nat: {version: 9}})],
    ['an ARP cache of the wrong shape, with a basis', () => JSON.stringify({schemaVersion: 1, clockMs: 0, host: {arp: {Ethernet: null}, dhcp: {}}, guests: {}, dhcpServers: {}, learnedMacs: {}, physical: {}, nat: null, basis: {adapters: {}, physical: {}}})],
    ['a bad basis', () => JSON.stringify({schemaVersion: 1, clockMs: 0, host: {arp: {}, dhcp: {}}, guests: {}, dhcpServers: {}, learnedMacs: {}, physical: {}, nat: null, basis: {adapters: []}})],
  ]
  for (const [what, text] of cases) {
    test(`${what}: one line naming the file and \`hvnet runtime reset\`, exit 1, the file untouched`, async () => {
      const lab = await dhcpLab()
      const file = runtimePathOf(lab)
      fs.writeFileSync(file, text(lab))
      const bytes = snapshot(file)
      for (const args of [['runtime', 'show'], ['runtime', 'advance', '1m']]) {
        const r = await run(args, lab)
        assert.equal(r.exitCode, 1, args.join(' '))
        assert.match(r.error ?? '', new RegExp(`^The runtime file ${file.replaceAll('.', '\\.')} .*; it was left as it is\\. Start the runtime state over with \`hvnet runtime reset\``))
        assert.doesNotMatch(r.error ?? '', /\n|at .*\.js/)
        assert.deepEqual(snapshot(file), bytes)
        const json = await run([...args, '--json'], lab)
        assert.equal(JSON.parse(json.stdout).error.code, 'store-corrupt')
      }
      await ok(['runtime', 'reset'], lab)
      assert.equal((await advance(lab, '30s')).clockMs, 30_000)
    })
  }
})

test('any leaf of a saved state replaced by a wrong value: store-corrupt or a network, never another error', async () => {
  const lab = await dhcpLab()
  await ok(['vm', 'new', 'apipa'], lab)
  await ok(['vswitch', 'new', 'Lab', '--type', 'internal'], lab)
  await ok(['vm', 'connect-nic', 'apipa', '--name', NIC, '--switch', 'Lab'], lab)
  await ok(['vm', 'start', 'apipa'], lab)
  await advance(lab, '1m')
  const {lab: stored} = readLab(lab)
  const base = JSON.parse(fs.readFileSync(runtimePathOf(lab), 'utf8'))
  const paths: string[][] = []
  const walk = (o: unknown, p: string[]): void => {
    paths.push(p)
    if (o !== null && typeof o === 'object') for (const [k, v] of Object.entries(o)) walk(v, [...p, k])
  }
  walk(base, [])
  const values = [null, 1, -1, 'x', [], {}, true, 1e308, '00155D001701', '1.2.3.4', [null], {entries: [null]}]
  let failures = 0
  for (let i = 1; i < paths.length; i++) {
    for (const value of values) {
      const doc = structuredClone(base)
      const p = paths[i]
      let o = doc
      for (const k of p.slice(0, -1)) o = o[k]
      o[p.at(-1)!] = value
      try {
        openNetwork(stored, doc, 'lab.runtime.json')
      } catch (error) {
        assert.ok(error instanceof HvnetError && error.code === 'store-corrupt', `${p.join('.')} = ${JSON.stringify(value)}: ${(error as Error).stack}`)
        failures++
      }
    }
  }
  assert.ok(failures > 50, 'many of them are refused')
})

describe('the real binary', () => {
  test('advance, show and a refused duration', async () => {
    const lab = await dhcpLab()
    const a = await cli(['runtime', 'advance', '1h30m'], {lab})
    assert.equal(a.exitCode, 0, a.stderr)
    assert.match(a.stdout, /^Virtual clock: 0s → 1h 30m \(advanced 1h 30m\)\./)
    const s = await cli(['runtime', 'show', '--json'], {lab})
    assert.equal(JSON.parse(s.stdout).clockMs, 5_400_000)
    const bad = await cli(['runtime', 'advance', 'soon'], {lab})
    assert.equal(bad.exitCode, 1)
    assert.equal(bad.stdout, '')
    assert.match(bad.stderr, /^Error: "soon" is not a duration\. Give a number and a unit \(d, h, m, s, ms\)/)
    assert.equal(bad.stderr.trim().split('\n').length, 1)
    fs.writeFileSync(runtimePathOf(lab), '{"schemaVersion":1,"clockMs":-4}')
    const corrupt = await cli(['runtime', 'show'], {lab})
    assert.equal(corrupt.exitCode, 1)
    assert.match(corrupt.stderr, /^Error: The runtime file .*lab\.runtime\.json does not hold together \(runtime state: clockMs -4 is not a time >= 0\); it was left as it is\. Start the runtime state over with `hvnet runtime reset`/)
    assert.equal(corrupt.stderr.trim().split('\n').length, 1)
  })
})
