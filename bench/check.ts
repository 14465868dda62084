// `hvnet check` and `hvnet reach` (issue 10): 100 checks on the 1,024-VM lab of vms.ts (4 adapters
// each, VLANs, ACLs; from a running VM to another running VM, half in its VLAN, half not), and the
// reachability matrix of a 64-running-VM lab (Microsoft's NAT setup of trace.ts: 66 endpoints with
// the host and the internet, 4,290 cells). Each figure in process (the lab already read; the
// network configuration built once, a network per trace) and through the real binary (cold
// process, reading and validating the lab).
import fs from 'node:fs'
import path from 'node:path'

import {runChecks} from '../src/model/check.js'
import {reachMatrix} from '../src/model/reach.js'
import type {Check} from '../src/model/schema.js'
import {median, repoRoot, scratchDir, storedText, timeProcess, wallMs} from './support.js'
import {natLab} from './trace.js'
import {bigLab} from './vms.js'

const RUNS = 3
const CHECKS = 100
/** check exits 3 when a check fails (and reach like it); the figure is the time either way. */
const CHECK_EXITS = [0, 3]

/**
 * vm(2i) → vm(2i+200) (the same VLAN: replied) for even i; vm(2i) → vm(2i+2) for odd i (another
 * VLAN: the switch drops the sender's ARP request, so its stack gives up: dropped:arp-unresolved).
 */
function checks(): Check[] {
  const name = (n: number) => `vm${String(n).padStart(4, '0')}`
  return Array.from({length: CHECKS}, (_, i) => {
    const same = i % 2 === 0
    return {expect: same ? 'replied' : 'dropped', from: name(2 * i), name: null, port: null, protocol: 'icmp', reason: same ? null : 'arp-unresolved', to: name(2 * i + (same ? 200 : 2)), via: same ? ['Frontend'] : []}
  })
}

export async function run(print: (line: string) => void): Promise<void> {
  const dir = scratchDir('hvnet-bench-check-')
  const bin = path.join(repoRoot(), 'bin/run.js')

  const big = bigLab()
  big.checks = checks()
  const report = runChecks(big)
  const checkMs = median(Array.from({length: RUNS}, () => wallMs(() => runChecks(big))))
  const bigFile = path.join(dir, 'big.json')
  fs.writeFileSync(bigFile, storedText(big))
  const checkCold = median(Array.from({length: RUNS}, () => timeProcess([bin, 'check', '--json'], {...process.env, HVNET_CONFIG: bigFile, NO_COLOR: '1'}, {exitCodes: CHECK_EXITS}).ms))
  print(`check, ${CHECKS} checks on the 1,024-VM lab: ${checkMs.toFixed(0)} ms in process (${(checkMs / CHECKS).toFixed(1)} ms a check; ${report.passed} passed, ${report.failed} failed), ${checkCold.toFixed(0)} ms through the binary (median of ${RUNS}, cold process)`)

  const nat = natLab(128)
  const matrix = reachMatrix(nat, {port: null, protocol: 'icmp'})
  const reachMs = median(Array.from({length: RUNS}, () => wallMs(() => reachMatrix(nat, {port: null, protocol: 'icmp'}))))
  const natFile = path.join(dir, 'nat.json')
  fs.writeFileSync(natFile, storedText(nat))
  const reachCold = median(Array.from({length: RUNS}, () => timeProcess([bin, 'reach', '--json'], {...process.env, HVNET_CONFIG: natFile, NO_COLOR: '1'}, {exitCodes: CHECK_EXITS}).ms))
  print(`reach, 64 running VMs + host + internet (${matrix.cells.length} cells): ${reachMs.toFixed(0)} ms in process (${((reachMs * 1000) / matrix.cells.length).toFixed(0)} µs a cell), ${reachCold.toFixed(0)} ms through the binary (median of ${RUNS}, cold process)`)
  fs.rmSync(dir, {force: true, recursive: true})
}

// `node dist/bench/check.js` runs this module alone.
if (import.meta.url === `file://${process.argv[1]}`) await run((line) => console.log(line))
