// `hvnet check` and `hvnet reach` end to end: the three examples applied and checked (issue 10's
// Done-when), checks passing and failing, a `via` the path misses, no checks, a file with errors,
// JUnit XML parsed back by a strict little XML reader, and the reach matrix pinned by a golden file.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import {describe, test} from 'node:test'

import {cli, EXAMPLES, examplePath, ok, repoRoot, run, snapshot, tempLab} from '../support.js'


interface Outcome {
  index: number
  name: string
  passed: boolean
  disposition: string | null
  reason: string | null
  viaMissed: string[]
  failure: string | null
  error: {code: string; message: string} | null
  trace: {disposition: string; hops: unknown[]} | null
}

interface Report {
  checks: Outcome[]
  passed: number
  failed: number
}

// ---------------------------------------------------------------------------------------------
// A strict XML 1.0 reader for what JUnit files use: a declaration, elements, attributes in double
// quotes, text, the five predefined entities and numeric references. Anything else throws.

interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  text: string
}

function parseXml(xml: string): XmlElement {
  let at = 0
  const fail = (why: string): never => {
    throw new Error(`XML not well-formed at ${at}: ${why} (${JSON.stringify(xml.slice(at, at + 30))})`)
  }
  const decode = (raw: string): string => {
    if (/<|&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(raw)) fail(`bad character data ${JSON.stringify(raw.slice(0, 40))}`)
    return raw.replaceAll(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
      const named: Record<string, string> = {amp: '&', apos: "'", gt: '>', lt: '<', quot: '"'}
      if (e in named) return named[e]
      return String.fromCodePoint(e.startsWith('#x') ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)))
    })
  }
  const skipSpace = () => {
    while (/\s/.test(xml[at] ?? '')) at++
  }
  const NAME = /[A-Za-z_][\w.-]*/y
  const name = (): string => {
    NAME.lastIndex = at
    const m = NAME.exec(xml)
    if (m === null) fail('a name')
    at = NAME.lastIndex
    return m![0]
  }
  const element = (): XmlElement => {
    if (xml[at] !== '<') fail('<')
    at++
    const el: XmlElement = {attributes: {}, children: [], name: name(), text: ''}
    for (;;) {
      skipSpace()
      if (xml.startsWith('/>', at)) {
        at += 2
        return el
      }
      if (xml[at] === '>') {
        at++
        break
      }
      const key = name()
      if (key in el.attributes) fail(`attribute ${key} twice`)
      skipSpace()
      if (xml[at] !== '=') fail('=')
      at++
      skipSpace()
      if (xml[at] !== '"') fail('"')
      const end = xml.indexOf('"', at + 1)
      if (end < 0) fail('closing "')
      el.attributes[key] = decode(xml.slice(at + 1, end))
      at = end + 1
    }
    for (;;) {
      const lt = xml.indexOf('<', at)
      if (lt < 0) fail(`</${el.name}>`)
      el.text += decode(xml.slice(at, lt))
      at = lt
      if (xml.startsWith('</', at)) {
        at += 2
        if (name() !== el.name) fail(`</${el.name}>`)
        skipSpace()
        if (xml[at] !== '>') fail('>')
        at++
        return el
      }
      el.children.push(element())
    }
  }
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml)
  if (decl === null) fail('the XML declaration')
  at = decl![0].length
  const root = element()
  skipSpace()
  if (at !== xml.length) fail('nothing after the root element')
  return root
}

// ---------------------------------------------------------------------------------------------

async function applied(name: string): Promise<string> {
  const lab = tempLab()
  await ok(['apply', '-f', examplePath(name)], lab)
  return lab
}

/** A lab file: the NAT network example with the given checks. */
function natFileWith(checks: string): string {
  const text = fs.readFileSync(examplePath('nat-network'), 'utf8').replace(/\nchecks:\n[\s\S]*$/, `\nchecks:\n${checks}`)
  const file = path.join(path.dirname(tempLab()), 'lab.yaml')
  fs.writeFileSync(file, text)
  return file
}

const FAILING = `  - name: web reaches the internet
    from: web
    to: internet
    expect: replied
  - name: wrongly expected dropped
    from: web
    to: internet
    expect: dropped
  - name: host to web does not go through the NAT
    from: host
    to: web
    protocol: tcp
    port: 22
    expect: replied
    via: [NATSwitch, MyNATnetwork]
`

describe('hvnet check: the examples', () => {
  for (const name of EXAMPLES) {
    test(`apply then check: ${name} (every check passes)`, async () => {
      const lab = await applied(name)
      const r = await run<Report>(['check', '--json'], lab)
      assert.equal(r.exitCode, 0, JSON.stringify(r.result?.checks.filter((c) => !c.passed), null, 1))
      assert.ok(r.result!.checks.length >= 4)
      assert.equal(r.result!.failed, 0)
      const text = await run(['check'], lab)
      assert.equal(text.stdout.split('\n').filter((l) => l.startsWith('PASS ')).length, r.result!.checks.length)
      assert.match(text.stdout, /\d+ passed, 0 failed/)
    })
  }

  test('check -f runs the file\'s checks on the lab it declares, and never touches the store', async () => {
    const lab = tempLab()
    const r = await run<Report>(['check', '-f', examplePath('nat-network'), '--json'], lab)
    assert.equal(r.exitCode, 0)
    assert.equal(r.result!.passed, 4)
    assert.equal(fs.existsSync(lab), false, 'no store created')
    const stored = await applied('nat-network')
    const before = snapshot(stored)
    const again = await run<Report>(['check', '-f', natFileWith(FAILING), '--json'], stored)
    assert.equal(again.exitCode, 3)
    assert.deepEqual(again.result!.checks.map((c) => c.name), ['web reaches the internet', 'wrongly expected dropped', 'host to web does not go through the NAT'], 'the file\'s checks, not the store\'s')
    assert.deepEqual(snapshot(stored), before, 'the store is byte-identical')
    assert.equal(fs.existsSync(stored.replace(/\.json$/, '.runtime.json')), false, 'no runtime state saved')
  })
})

describe('hvnet check: verdicts', () => {
  test('a failing expectation and a via the path misses: exit 3, each said, the summary trace under it', async () => {
    const file = natFileWith(FAILING)
    const lab = tempLab()
    const r = await run<Report>(['check', '-f', file, '--json'], lab)
    assert.equal(r.exitCode, 3)
    const [first, wrong, via] = r.result!.checks
    assert.equal(first.passed, true)
    assert.equal(first.trace, null)
    assert.deepEqual([wrong.passed, wrong.disposition, wrong.failure], [false, 'replied', 'expected dropped, got replied'])
    assert.equal(wrong.trace?.disposition, 'replied')
    assert.deepEqual([via.passed, via.disposition, via.viaMissed], [false, 'replied', ['MyNATnetwork']])
    assert.match(via.failure ?? '', /replied as expected, but the path does not go through "MyNATnetwork"/)
    const text = await run(['check', '-f', file], lab)
    assert.equal(text.exitCode, 3)
    const lines = text.stdout.trimEnd().split('\n')
    assert.equal(lines[0], 'PASS 1. web reaches the internet: replied')
    assert.equal(lines[1], 'FAIL 2. wrongly expected dropped: expected dropped, got replied')
    assert.match(lines[2], /^ {4}ICMP echo 192\.168\.0\.10 → 8\.8\.8\.8 {2}from vm web\/Network Adapter$/)
    assert.ok(lines.some((l) => /^ {4}Verdict: replied/.test(l)), 'the summary trace')
    assert.ok(!lines.some((l) => /expected .*: (met|not met)/.test(l)), 'the check says its verdict, not the trace\'s expectation line')
    assert.ok(lines.includes('FAIL 3. host to web does not go through the NAT: replied as expected, but the path does not go through "MyNATnetwork"'))
    assert.equal(lines.at(-1), '1 passed, 2 failed (3 checks).')
  })

  test('no checks: exit 1 with the fix', async () => {
    const lab = tempLab()
    await ok(['vswitch', 'new', 'Lab', '--type', 'private'], lab)
    const r = await run(['check'], lab)
    assert.equal(r.exitCode, 1)
    assert.match(r.error ?? '', /The lab has no checks to run\. Declare them in the lab file's `checks:` section/)
    const json = await run(['check', '--json'], lab)
    assert.equal(JSON.parse(json.stdout).error.code, 'not-found')
  })

  test('a file with errors: exit 1, every problem with its path, nothing run', async () => {
    const file = natFileWith(`  - from: wbe
    to: internet
    expect: replied
  - from: web
    to: internet
    protocol: udp
    expect: delivered
    via: [NATSwitchh]
`)
    const lab = tempLab()
    const r = await run(['check', '-f', file, '--json'], lab)
    assert.equal(r.exitCode, 1)
    const error = JSON.parse(r.stdout).error as {code: string; details: string[]}
    assert.equal(error.code, 'lab-file-invalid')
    assert.ok(error.details.some((d) => /^checks\[0\]\.from: .*"wbe".*did you mean "web"/.test(d)), error.details.join('\n'))
    assert.ok(error.details.some((d) => /^checks\[1\]\.port: a UDP check needs a destination port/.test(d)), error.details.join('\n'))
    assert.ok(error.details.some((d) => /^checks\[1\]\.via\[0\]: .*did you mean "NATSwitch"/.test(d)), error.details.join('\n'))
    assert.equal(fs.existsSync(lab), false)
  })

  test('a check that cannot run (its VM is off) fails with the reason and the fix', async () => {
    const lab = await applied('nat-network')
    await ok(['vm', 'stop', 'web'], lab)
    const r = await run<Report>(['check', '--json'], lab)
    assert.equal(r.exitCode, 3)
    const web = r.result!.checks[0]
    assert.equal(web.passed, false)
    assert.equal(web.error?.code, 'rule-violation')
    assert.match(web.failure ?? '', /cannot run: The virtual machine "web" is Off.*hvnet vm start web/)
  })
})

describe('hvnet check --junit', () => {
  test('JUnit XML: a testsuite, a testcase per check, a failure with the summary trace; well-formed and escaped', async () => {
    const file = natFileWith(FAILING.replace('name: wrongly expected dropped', 'name: "wrongly <expected> & \\"dropped\\""'))
    const lab = tempLab()
    const junit = path.join(path.dirname(lab), 'report.xml')
    const r = await run(['check', '-f', file, '--junit', junit], lab)
    assert.equal(r.exitCode, 3)
    const root = parseXml(fs.readFileSync(junit, 'utf8'))
    assert.equal(root.name, 'testsuites')
    assert.deepEqual([root.attributes.tests, root.attributes.failures, root.attributes.errors], ['3', '2', '0'])
    const [suite] = root.children
    assert.equal(suite.name, 'testsuite')
    assert.equal(suite.attributes.name, file)
    assert.deepEqual(suite.children.map((c) => [c.name, c.attributes.name, c.children.map((f) => f.name)]), [
      ['testcase', '1. web reaches the internet', []],
      ['testcase', '2. wrongly <expected> & "dropped"', ['failure']],
      ['testcase', '3. host to web does not go through the NAT', ['failure']],
    ])
    const failure = suite.children[1].children[0]
    assert.equal(failure.attributes.type, 'expectation-failed')
    assert.equal(failure.attributes.message, 'expected dropped, got replied')
    assert.match(failure.text, /^expected dropped, got replied\n\nICMP echo 192\.168\.0\.10 → 8\.8\.8\.8 {2}from vm web\/Network Adapter\n/)
    assert.match(failure.text, /Verdict: replied/)
    assert.ok(!failure.text.includes('\u001B['), 'no colour codes')
    assert.equal(suite.children[2].children[0].attributes.type, 'via-missed')
  })

  test('the reader refuses what is not well-formed (so the test above can fail)', () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    for (const bad of ['<a><b></a>', '<a x="1" x="2"/>', '<a>&nope;</a>', '<a>1 < 2</a>', '<a/><b/>', '<a x=1/>']) {
      assert.throws(() => parseXml(head + bad), /not well-formed/, bad)
    }
    assert.equal(parseXml(`${head}<a x="&lt;&amp;">t&#233;</a>`).text, 'té')
  })

  test('through the real binary: exit 0 and 3, the JUnit file written, a path that cannot be written is exit 1', async () => {
    const lab = tempLab()
    const dir = path.dirname(lab)
    const pass = await cli(['check', '-f', examplePath('vlan-segmented'), '--junit', path.join(dir, 'ok.xml')], {lab})
    assert.equal(pass.exitCode, 0, pass.stderr)
    assert.match(pass.stdout, /^PASS 1\. web1 and web2 share VLAN 10: replied$/m)
    assert.equal(parseXml(fs.readFileSync(path.join(dir, 'ok.xml'), 'utf8')).attributes.failures, '0')
    const fail = await cli(['check', '-f', natFileWith(FAILING)], {lab})
    assert.equal(fail.exitCode, 3)
    assert.match(fail.stdout, /^FAIL 2\./m)
    const none = await cli(['check'], {lab})
    assert.equal(none.exitCode, 1)
    assert.match(none.stderr, /no checks/)
    const unwritable = await cli(['check', '-f', examplePath('vlan-segmented'), '--junit', '/nonexistent/dir/r.xml'], {lab})
    assert.equal(unwritable.exitCode, 1)
    assert.match(unwritable.stderr, /The report file \/nonexistent\/dir\/r\.xml cannot be written \(ENOENT\)\. Give --junit a path/)
  })
})

interface Matrix {
  from: {name: string}[]
  to: {name: string}[]
  cells: {from: string; to: string; disposition: string | null; reason: string | null; error: string | null}[]
}

describe('hvnet reach', () => {
  test('the matrix of the VLAN lab is pinned (golden file), and the same every time', async () => {
    const lab = await applied('vlan-segmented')
    const r = await run(['reach'], lab)
    assert.equal(r.exitCode, 0)
    const golden = path.join(repoRoot, 'test/golden/reach-vlan-segmented.txt')
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(golden, r.stdout)
    assert.equal(r.stdout, fs.readFileSync(golden, 'utf8'))
    assert.equal((await run(['reach'], lab)).stdout, r.stdout)
    assert.equal(fs.existsSync(lab.replace(/\.json$/, '.runtime.json')), false, 'no runtime state saved')
  })

  test('--from and --to narrow it; --protocol tcp --port; --json; cells do not leak state', async () => {
    const lab = await applied('vlan-segmented')
    const row = await ok<Matrix>(['reach', '--from', 'web1', '--json'], lab)
    assert.deepEqual(row.from.map((e) => e.name), ['web1'])
    assert.deepEqual(row.cells.map((c) => [c.to, c.disposition, c.reason]), [
      ['db1', 'dropped', 'extended-acl-deny'],
      ['web2', 'replied', null],
      ['host', 'replied', null],
      ['internet', 'replied', null],
    ])
    const ssh = await ok<Matrix>(['reach', '--to', 'db1', '--protocol', 'tcp', '--port', '5432', '--json'], lab)
    assert.deepEqual(ssh.cells.map((c) => [c.from, c.disposition]), [['web1', 'replied'], ['web2', 'replied'], ['host', 'replied'], ['internet', 'timeout']])
    // A cell's trace learns ARP entries and NAT sessions; the one after it must not find them.
    const pair = await ok<Matrix>(['reach', '--from', 'web1', '--to', 'internet', '--json'], lab)
    const full = await ok<Matrix>(['reach', '--json'], lab)
    assert.deepEqual(full.cells.find((c) => c.from === 'web1' && c.to === 'internet'), pair.cells[0])
    const bad = await run(['reach', '--from', 'web3'], lab)
    assert.equal(bad.exitCode, 1)
    assert.match(bad.error ?? '', /--from "web3" is no endpoint.*Did you mean "web1"\?/)
  })
})
