// The generated fast validator (src/model/lab-validator.generated.ts) against valibot's LabSchema.
// parseLab trusts it to accept exactly the documents valibot accepts and returns unchanged; the
// differential test mutates every value and object of a lab that uses every variant of the schema
// and holds the two to that on each mutation.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'
import {pathToFileURL} from 'node:url'
import * as v from 'valibot'

import {HvnetError} from '../../src/model/errors.js'
import {checkLabIntegrity} from '../../src/model/integrity.js'
import {isCanonicalLab} from '../../src/model/lab-validator.generated.js'
import {newLab} from '../../src/model/lab.js'
import {migrateDocument} from '../../src/model/migrations.js'
import {checkLabShape, checkParsedLabShape, LabSchema} from '../../src/model/schema.js'
import {parseLab, serializeLab} from '../../src/model/store.js'
import {repoRoot} from '../support.js'
import {richLab} from './labs.js'

type Json = null | boolean | number | string | Json[] | {[key: string]: Json}
type Obj = {[key: string]: Json}

interface ValidatorGenerator {
  generateLabValidator(schema?: unknown): Promise<string>
  target: URL
}
const generator = async () => await import(pathToFileURL(path.join(repoRoot, 'scripts/lab-validator.js')).href) as ValidatorGenerator

/**
 * A stored lab with every variant of the schema: VLAN modes Untagged, Access, Trunk and the three
 * private ones, IPv4 and MAC ACLs, extended ACLs with and without ports and protocol, static and
 * DHCP guests, a NAT with mappings and an external address, checks, adapters with and without a
 * network, the Default Switch's ICS prefix.
 */
function richDocument(): Obj {
  const d = JSON.parse(serializeLab(richLab())) as Obj
  const vms = d.vms as Obj[]
  const legacy = vms.find((m) => m.name === 'legacy')!.networkAdapters as Obj[]
  legacy.find((a) => a.name === 'Spare')!.vlanSetting = {operationMode: 'Private', primaryVlanId: 100, privateVlanMode: 'Community', secondaryVlanId: 202}
  legacy.find((a) => a.name === 'Boot')!.vlanSetting = {accessVlanId: 4094, operationMode: 'Access'}
  const web = (vms.find((m) => m.name === 'web')!.networkAdapters as Obj[])[0]
  const extended = web.extendedAcls as Obj[]
  extended[1].remotePort = [1024, 65535]
  const shown = JSON.stringify(d)
  for (const needle of ['"Untagged"', '"Access"', '"Trunk"', '"Isolated"', '"Community"', '"Promiscuous"', '"aclType":"IPv4"', '"aclType":"MAC"', '"localPort":[', '"localPort":null', '"protocol":null', '"mode":"Static"', '"mode":"Dhcp"', '"staticMappingId"', '"externalAddressId"', '"network":{', '"network":null', '"icsPrefix":"', '"reason":null', '"portSecurityMaxMacs":8']) {
    assert.ok(shown.includes(needle), `the rich document lacks ${needle}`)
  }
  return d
}

/** Every literal and picklist option of the schema: each enum value is tried at every leaf. */
function schemaLiterals(node: unknown, into = new Set<Json>()): Set<Json> {
  if (typeof node !== 'object' || node === null) return into
  const n = node as {type?: string; literal?: Json; options?: unknown[]; pipe?: unknown[]; entries?: Record<string, unknown>; item?: unknown; items?: unknown[]; wrapped?: unknown}
  if (n.type === 'literal') into.add(n.literal!)
  if (n.type === 'picklist') for (const o of n.options as Json[]) into.add(o)
  for (const child of [...(n.pipe ?? []), ...Object.values(n.entries ?? {}), n.item, ...(n.items ?? []), n.wrapped, ...(n.type === 'variant' ? n.options ?? [] : [])]) schemaLiterals(child, into)
  return into
}

const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e'
/** One value of each JSON type, for "wrong type" at every place. */
const TYPES: Json[] = [null, true, false, 0, 'x', [], {}]
/** Just inside and just outside every numeric bound the schema has, and the numbers JSON cannot write. */
const NUMBERS = [-0, 1, -1, 1.5, 2, 3, 31, 32, 33, 99, 100, 101, 254, 255, 256, 1023, 1024, 4093, 4094, 4095, 4096, 4097, 65534, 65535, 65536, 0x7ffffffe, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x100000000, Number.MAX_SAFE_INTEGER + 2, 1e21, NaN, Infinity, -Infinity]
/** Strings at the length limits (in UTF-16 units, as valibot counts) and near every pattern. */
const STRINGS = [
  '', ' ', 'a', 'x'.repeat(100), 'x'.repeat(101), 'é'.repeat(100), 'é'.repeat(101), '😀'.repeat(50), '😀'.repeat(51),
  '192.168.0.1', '192.168.0.1\n', ' 192.168.0.1', '256.0.0.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '255.255.255.255', '０.0.0.0',
  '192.168.0.0/24', '192.168.0.0/33', '192.168.0.0/032', '0.0.0.0/0', '10.0.0.0/8\n', '1.2.3.4/',
  '00155D010203', '00155d010203', '00155D01020', '00155D0102034', '00155D01020G', 'ANY', 'any', 'ANY\n',
  UUID, UUID.toUpperCase(), `${UUID}\n`, UUID.replaceAll('-', ''), UUID.replace('0', 'g'), UUID.replace('0', '０'), UUID.replace('f', 'ſ'), `{${UUID}}`,
]
const ARRAYS: Json[] = [[null], [{}], [[1, 2]], [[1, 2, 3]], [[2]], [[0, 5]], [[5, 1]], ['192.168.0.1'], [UUID]]

interface Mutation {
  kind: string
  path: string
  value: Json
}

/** The mutations of `value` at `path`: replacements, and for objects and arrays, edits of their members. */
function* mutationsAt(value: Json, path: string, literals: Json[], shapes: Obj[]): Generator<Mutation> {
  for (const x of TYPES) yield {kind: 'type', path, value: x}
  if (typeof value === 'number') for (const x of NUMBERS) yield {kind: 'number', path, value: x}
  if (typeof value === 'string') {
    for (const x of STRINGS) yield {kind: 'string', path, value: x}
    for (const x of [value.toLowerCase(), value.toUpperCase(), `${value} `, `${value}\n`, value.slice(1)]) yield {kind: 'string', path, value: x}
  }
  if (typeof value !== 'object' || value === null) {
    // Every enum value of the schema where a value of its type stands (the numbers are above).
    for (const x of literals) if (typeof x === typeof value && typeof x !== 'number') yield {kind: 'literal', path, value: x}
    return
  }
  if (Array.isArray(value)) {
    for (const x of ARRAYS) yield {kind: 'array', path, value: x}
    if (value.length > 0) {
      yield {kind: 'array', path, value: value.slice(1)}
      yield {kind: 'array', path, value: [...value, structuredClone(value[0])]}
      yield {kind: 'array', path, value: [...value, null]}
      yield {kind: 'array', path, value: [...value].reverse()}
    }
    // A tuple item past the schema's: valibot accepts it and drops it, so the document is not as stored.
    if (value.length === 2 && value.every((x) => typeof x === 'number')) yield {kind: 'extra tuple item', path, value: [...value, value[1]]}
    return
  }
  const keys = Object.keys(value)
  for (const key of keys) {
    const rest = {...value}
    delete rest[key]
    yield {kind: 'missing key', path, value: rest}
  }
  yield {kind: 'extra key', path, value: {...value, extra: 1}}
  yield {kind: 'extra key', path, value: {...value, ...(JSON.parse('{"__proto__": 1}') as Obj)}}
  yield {kind: 'extra key', path, value: {...value, constructor: 1}}
  // The same members in another order: valibot accepts it and reorders, so the document is not as stored.
  for (let i = 1; i < keys.length; i++) {
    const order = [...keys]
    ;[order[i - 1], order[i]] = [order[i], order[i - 1]]
    yield {kind: 'key order', path, value: Object.fromEntries(order.map((k) => [k, value[k]]))}
  }
  for (const shape of shapes) yield {kind: 'other object', path, value: shape}
}

interface Place {
  path: string
  value: Json
  put: (x: Json) => void
  /** The path with array indices left out, and the keys around: places alike in the schema share it. */
  kind: string
}

/** Every place in the document: its path, its value, and how to put another value there. */
function* places(value: Json, path: string, put: (x: Json) => void, generic = '', around = ''): Generator<Place> {
  const keys = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value).join(',') : typeof value
  yield {kind: `${generic}|${around}|${keys}`, path, put, value}
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* places(value[i], `${path}[${i}]`, (x) => { value[i] = x }, `${generic}[]`, around)
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) yield* places(value[key], `${path}.${key}`, (x) => { value[key] = x }, `${generic}.${key}`, keys)
  }
}

/** The places of the document, one of each kind (the first of the VMs' alike adapters, say). */
function distinctPlaces(document: Obj): Place[] {
  const seen = new Set<string>()
  return [...places(document, '', () => undefined)].filter((p) => p.path !== '' && !seen.has(p.kind) && seen.add(p.kind))
}

/**
 * valibot's output is the document rewritten as stored: the same values, keys in schema order,
 * tuples cut to their items (a plain array keeps them all; a tuple here has two).
 */
function rewrittenAsStored(output: unknown, document: Json): boolean {
  if (Array.isArray(output) && Array.isArray(document)) {
    return (output.length === document.length || output.length === 2) && output.every((x, i) => rewrittenAsStored(x, document[i]))
  }
  if (typeof output === 'object' && output !== null && typeof document === 'object' && document !== null && !Array.isArray(output) && !Array.isArray(document)) {
    const keys = Object.keys(output)
    return keys.length === Object.keys(document).length && keys.every((k) => Object.hasOwn(document, k) && rewrittenAsStored((output as Obj)[k], document[k]))
  }
  return Object.is(output, document)
}

/** Each distinct object shape of the document (by its keys), once. */
function objectShapes(document: Obj): Obj[] {
  const shapes = new Map<string, Obj>()
  for (const {value} of places(document, '', () => undefined)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && value !== document) {
      const key = Object.keys(value).join(',')
      if (!shapes.has(key)) shapes.set(key, structuredClone(value))
    }
  }
  return [...shapes.values()]
}

/** What a read of `text` gives: the lab as JSON, or the error's code and message. */
function outcome(read: () => unknown): string {
  try {
    return JSON.stringify(read())
  } catch (error) {
    if (!(error instanceof HvnetError)) throw error
    return `${error.code}: ${error.message}`
  }
}

/** parseLab as it was before the fast validator: valibot on every document. */
function referenceParse(text: string): string {
  const refused = (what: string) => new HvnetError('store-invalid', `The lab file lab.json ${what}; it was left as it is.`, '')
  return outcome(() => {
    const shape = checkLabShape(migrateDocument(JSON.parse(text), 'lab.json'))
    if ('problem' in shape) throw refused(`does not match the lab schema (${shape.problem})`)
    const broken = checkLabIntegrity(shape.lab)
    if (broken) throw refused(`is inconsistent (${broken})`)
    return shape.lab
  })
}

const parsed = (text: string) => outcome(() => parseLab(text, 'lab.json'))

describe('the fast validator', () => {
  test('src/model/lab-validator.generated.ts is the generation of LabSchema (regenerate: npx tsc -b && node scripts/lab-validator.js && npx tsc -b)', async () => {
    const {generateLabValidator, target} = await generator()
    const committed = fs.readFileSync(target, 'utf8')
    assert.equal(committed, await generateLabValidator(), 'src/model/lab-validator.generated.ts is stale: regenerate it and commit it')
    assert.doesNotMatch(committed, /^\s*import\b|\brequire\(|\bimport\(/m, 'the generated validator must need nothing at run time')
  })

  test('the generator refuses a schema it cannot check exactly, rather than skipping it', async () => {
    const {generateLabValidator} = await generator()
    await assert.rejects(generateLabValidator(v.strictObject({a: v.pipe(v.string(), v.transform((s) => s.trim()))})), /changes valibot's output/)
    await assert.rejects(generateLabValidator(v.strictObject({a: v.optional(v.string())})), /no check for valibot's optional/)
    await assert.rejects(generateLabValidator(v.strictObject({a: v.object({b: v.string()})})), /no check for valibot's object/)
    await assert.rejects(generateLabValidator(v.strictObject({a: v.pipe(v.string(), v.email())})), /no check for valibot's email/)
    await assert.rejects(generateLabValidator(v.strictObject({a: v.pipe(v.string(), v.regex(/x/g))})), /keeps state/)
  })

  test('accepts the rich lab and a new one as they are stored', () => {
    for (const document of [richDocument(), JSON.parse(serializeLab(richLab())), JSON.parse(serializeLab(parseLab(serializeLab(newLab()), 'lab.json')))]) {
      assert.equal(isCanonicalLab(document), true)
      const shape = checkParsedLabShape(document)
      assert.ok('lab' in shape)
      assert.equal(shape.lab, document, 'a canonical document is returned as it is')
    }
  })

  test('agrees with valibot on every mutation of every value and object of a rich lab', (t) => {
    const document = richDocument()
    const literals = [...schemaLiterals(LabSchema)] as Json[]
    const shapes = objectShapes(document)
    const counts = new Map<string, {total: number; valid: number; notCanonical: number}>()
    let sampled = 0
    for (const place of distinctPlaces(document)) {
      for (const m of mutationsAt(place.value, place.path, literals, shapes)) {
        place.put(m.value)
        const result = v.safeParse(LabSchema, document)
        const fast = isCanonicalLab(document)
        const unchanged = result.success && JSON.stringify(result.output) === JSON.stringify(document)
        const where = `${m.kind} at ${m.path}: ${JSON.stringify(m.value)?.slice(0, 80)}`
        // The contract: the fast validator accepts exactly what valibot accepts and returns as it is.
        assert.equal(fast, unchanged, where)
        if (fast) assert.deepEqual(result.success && result.output, document, where)
        // The verdicts differ only where valibot rewrites the document (it reorders keys, drops tuple items).
        if (fast !== result.success) assert.ok(result.success && rewrittenAsStored(result.output, document), where)
        // And through parseLab, every few mutations: the same lab or the same error as before.
        if (++sampled % 7 === 0 || (result.success && !fast)) {
          const text = JSON.stringify(document, null, 2)
          assert.equal(parsed(text), referenceParse(text), where)
        }
        const c = counts.get(m.kind) ?? {notCanonical: 0, total: 0, valid: 0}
        counts.set(m.kind, {notCanonical: c.notCanonical + (result.success && !fast ? 1 : 0), total: c.total + 1, valid: c.valid + (result.success ? 1 : 0)})
      }
      place.put(place.value)
    }
    assert.equal(isCanonicalLab(document), true, 'every mutation was undone')
    // Every kind ran, and each had valid and invalid outcomes where it can.
    for (const kind of ['type', 'number', 'string', 'literal', 'array', 'missing key', 'extra key', 'other object', 'key order', 'extra tuple item']) {
      const c = counts.get(kind)
      assert.ok(c && c.total > 0, `no ${kind} mutation ran`)
      if (!['extra key', 'missing key', 'key order', 'extra tuple item'].includes(kind)) assert.ok(c.valid > 0 && c.valid < c.total, `${kind}: ${JSON.stringify(c)}`)
    }
    assert.ok(counts.get('key order')!.notCanonical > 0 && counts.get('extra tuple item')!.notCanonical > 0)
    t.diagnostic([...counts].map(([kind, c]) => `${kind} ${c.total} (${c.valid} valid)`).join(', '))
  })

  test('parseLab gives a document that is not in stored order the same lab, keys in schema order, as before', () => {
    const document = richDocument()
    const reordered = (x: Json): Json => Array.isArray(x) ? x.map(reordered) : typeof x === 'object' && x !== null ? Object.fromEntries(Object.keys(x).reverse().map((k) => [k, reordered(x[k])])) : x
    const text = JSON.stringify(reordered(document))
    assert.equal(isCanonicalLab(JSON.parse(text)), false)
    assert.equal(JSON.stringify(parseLab(text, 'lab.json')), JSON.stringify(document))
    assert.equal(parsed(text), referenceParse(text))
  })
})
