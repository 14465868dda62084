// checkLabIntegrity's shortcuts for large labs give the answers of the plain scans: a set of lower
// cases proves printable-ASCII names distinct (anything else goes to the collator's sorted scan,
// which names the duplicate as it always has), and NAT port clashes are looked for among the
// mappings of the same protocol and port.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'

import type {Lab, NatStaticMapping} from '../../src/model/schema.js'

import {checkLabIntegrity} from '../../src/model/integrity.js'
import {compareNames, sameName} from '../../src/model/names.js'
import {richLab} from './labs.js'

/** The duplicate the collator's sorted scan names: what checkLabIntegrity reported before the set. */
function sortedScan(names: string[]): string | undefined {
  const sorted = [...names].sort(compareNames)
  for (let i = 1; i < sorted.length; i++) if (sameName(sorted[i - 1], sorted[i])) return sorted[i]
  return undefined
}

function labWithVms(names: string[]): Lab {
  const lab = richLab()
  const template = lab.vms.find((m) => m.name === 'promisc')!
  lab.vms = names.map((name, i) => ({...structuredClone(template), id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name, networkAdapters: []}))
  return lab
}

describe('duplicate names in checkLabIntegrity', () => {
  test('printable ASCII names are the same name exactly when their lower cases are, as the collator compares them', () => {
    const printable = Array.from({length: 0x7f - 0x20}, (_, i) => String.fromCharCode(0x20 + i))
    for (const a of printable) {
      for (const b of printable) {
        for (const [before, after] of [['', ''], ['q', 'z'], ['a', ''], ['', 'a'], ['1', '-']]) {
          assert.equal(sameName(before + a + after, before + b + after), a.toLowerCase() === b.toLowerCase(), JSON.stringify([before + a + after, before + b + after]))
        }
      }
      assert.equal(sameName('ab', `a${a}b`), false, `${JSON.stringify(a)} weighs nothing`)
    }
    // Outside printable ASCII the lower case is not the test: the collator ignores control characters
    // and compares accents, which the set of lower cases leaves to the sorted scan.
    assert.equal(sameName('a\u0001b', 'ab'), true)
    assert.equal(sameName('Café', 'CAFÉ'), true)
    assert.equal(sameName('Cafe', 'Café'), false)
  })

  const cases: [string, string[]][] = [
    ['none', ['web', 'db', 'Web-2', 'web 2', 'web_2']],
    ['two in another case', ['b', 'A', 'a', 'B']],
    ['the second of three', ['x', 'db', 'DB', 'Db']],
    ['an accent in both', ['Café', 'CAFÉ']],
    ['an accent in one', ['Cafe', 'Café']],
    ['a control character the collator ignores', ['ab', 'a\u0001b']],
    ['a full-width letter', ['ｗｅｂ', 'web']],
  ]
  for (const [what, names] of cases) {
    test(`VMs named ${JSON.stringify(names)}: ${what}`, () => {
      const expected = sortedScan(names)
      const broken = checkLabIntegrity(labWithVms(names))
      assert.equal(broken, expected === undefined ? undefined : `vms: two virtual machines are named "${expected}"`)
    })
  }

  test('the duplicate named is the one the sorted scan names', () => {
    assert.equal(checkLabIntegrity(labWithVms(['b', 'A', 'a', 'B'])), 'vms: two virtual machines are named "a"')
    assert.equal(checkLabIntegrity(labWithVms(['x', 'db', 'DB', 'Db'])), 'vms: two virtual machines are named "DB"')
  })
})

describe('NAT static mapping clashes in checkLabIntegrity', () => {
  /** The first clash as the scan over every mapping found it, and the message it gave. */
  function everyMappingScan(mappings: NatStaticMapping[]): string | undefined {
    for (const m of mappings) {
      const clash = mappings.find((o) => o !== m && o.protocol === m.protocol && o.externalPort === m.externalPort && (o.externalIPAddress === m.externalIPAddress || o.externalIPAddress === '0.0.0.0' || m.externalIPAddress === '0.0.0.0'))
      if (clash) return `nats["MyNATnetwork"].staticMappings[${m.staticMappingId}]: ${m.protocol} port ${m.externalPort} is mapped by StaticMappingID ${clash.staticMappingId} too`
    }
    return undefined
  }

  function labWithMappings(spec: [protocol: 'TCP' | 'UDP', externalIPAddress: string, externalPort: number][]): Lab {
    const lab = richLab()
    const nat = lab.nats[0]
    nat.staticMappings = spec.map(([protocol, externalIPAddress, externalPort], i) => ({...nat.staticMappings[0], externalIPAddress, externalPort, protocol, staticMappingId: i}))
    nat.nextStaticMappingId = spec.length
    return lab
  }

  const many = Array.from({length: 300}, (_, i): ['TCP' | 'UDP', string, number] => [i % 2 ? 'TCP' : 'UDP', `10.0.0.${i % 7}`, 1000 + (i >> 1)])
  const cases: [string, [('TCP' | 'UDP'), string, number][]][] = [
    ['none among 300', many],
    ['the same address and port', [...many, ['TCP', '10.0.0.3', 1001]]],
    ['any address against one', [...many, ['UDP', '0.0.0.0', 1100]]],
    ['one address against any', [['TCP', '0.0.0.0', 8080], ...many, ['TCP', '10.0.0.9', 8080]]],
    ['two clashes: the first mapping that has one is named', [['TCP', '10.0.0.1', 80], ['UDP', '10.0.0.1', 80], ['TCP', '10.0.0.2', 80], ['TCP', '0.0.0.0', 80]]],
    ['the same port on another protocol', [['TCP', '0.0.0.0', 53], ['UDP', '0.0.0.0', 53]]],
  ]
  for (const [what, spec] of cases) {
    test(what, () => {
      const lab = labWithMappings(spec)
      assert.equal(checkLabIntegrity(lab), everyMappingScan(lab.nats[0].staticMappings))
    })
  }

  test('the message names the mapping and the other one', () => {
    assert.equal(checkLabIntegrity(labWithMappings([['TCP', '10.0.0.1', 80], ['TCP', '0.0.0.0', 80]])), 'nats["MyNATnetwork"].staticMappings[0]: TCP port 80 is mapped by StaticMappingID 1 too')
  })
})
