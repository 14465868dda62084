// `hvnet check` for people (one line per check, the summary trace under a failure) and for CI
// systems (JUnit XML: one testsuite, a testcase per check, a failure carrying the trace).
import type {CheckOutcome, CheckReport} from '../model/check.js'

import type {ChalkInstance} from 'chalk'

import {colours} from './colour.js'
import {formatTrace} from './trace.js'

function gotText(o: CheckOutcome): string {
  return o.disposition === null ? 'not run' : o.reason === null ? o.disposition : `${o.disposition}:${o.reason}`
}

/** The failed check's trace at `summary` detail, or the reason it could not run. */
function summaryTrace(o: CheckOutcome, c: ChalkInstance): string {
  return o.trace === null ? '' : formatTrace(o.trace, {detail: 'summary', expectation: false, explain: false}, c).replace(/\n$/, '')
}

export async function renderChecks(report: CheckReport): Promise<string> {
  const c = await colours()
  const tty = c.level > 0
  const lines: string[] = []
  for (const o of report.checks) {
    const mark = o.passed ? (tty ? c.green('✓') : 'PASS') : tty ? c.red('✗') : 'FAIL'
    lines.push(`${mark} ${o.index}. ${o.name}: ${o.passed ? gotText(o) : `${o.failure}`}`)
    if (!o.passed && o.trace !== null) {
      lines.push(...summaryTrace(o, c).split('\n').map((l) => (l === '' ? '' : `    ${l}`)), '')
    }
  }
  const verdict = `${report.passed} passed, ${report.failed} failed (${report.checks.length} check${report.checks.length === 1 ? '' : 's'}).`
  lines.push(report.failed === 0 ? c.green(verdict) : c.red(verdict))
  return lines.join('\n')
}

/** XML 1.0 text: the five escapes, and characters XML cannot hold dropped. */
export function xmlEscape(text: string): string {
  return text
    .replaceAll(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
}

/**
 * JUnit XML as Jenkins, GitLab and GitHub test reporters read it: `testsuites` > `testsuite`
 * (tests, failures, errors) > a `testcase` per check (classname: the lab), with a `failure` (the
 * expectation not met or a `via` missed, the summary trace in its body) or an `error` (the check
 * could not run). No colour, whatever the terminal.
 */
export async function renderJunit(report: CheckReport, suite: string): Promise<string> {
  const {Chalk} = await import('chalk')
  const plain = new Chalk({level: 0})
  const errors = report.checks.filter((o) => o.error !== null).length
  const failures = report.failed - errors
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="hvnet check" tests="${report.checks.length}" failures="${failures}" errors="${errors}">`, `  <testsuite name="${xmlEscape(suite)}" tests="${report.checks.length}" failures="${failures}" errors="${errors}" skipped="0">`]
  for (const o of report.checks) {
    const head = `    <testcase classname="${xmlEscape(suite)}" name="${xmlEscape(`${o.index}. ${o.name}`)}"`
    if (o.passed) {
      out.push(`${head}/>`)
      continue
    }
    const tag = o.error === null ? 'failure' : 'error'
    const type = o.error === null ? (o.trace?.expectation.met ? 'via-missed' : 'expectation-failed') : o.error.code
    const body = o.trace === null ? o.failure ?? '' : `${o.failure}\n\n${summaryTrace(o, plain)}`
    out.push(`${head}>`, `      <${tag} message="${xmlEscape(o.failure ?? '')}" type="${xmlEscape(type)}">${xmlEscape(body)}</${tag}>`, '    </testcase>')
  }
  out.push('  </testsuite>', '</testsuites>', '')
  return out.join('\n')
}
