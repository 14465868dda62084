// networkConfigOf on the big lab of bench/vms.ts (1,024 VMs x 4 adapters, each with a VLAN, two
// port ACL entries, an extended ACL and a static address; half the VMs running): what building the
// engine's snapshot costs once the lab is read, beside reading (parsing and validating) the lab.
// The snapshot converts its VMs on first access (`vms`): the figures are of the whole snapshot, VMs
// converted, and of the part a trace pays before its flow reaches any VM.
// Times are this process's CPU time (user + system, GC threads included), which a busy shared
// machine inflates far less than wall time.
import {cpuMs, median, storedText} from './support.js'
import {bigLab} from './vms.js'
import {networkConfigOf} from '../src/model/network-config.js'
import {parseLab} from '../src/model/store.js'

const RUNS = 21

export async function run(print: (line: string) => void): Promise<void> {
  const text = storedText(bigLab())
  const lab = parseLab(text, 'lab.json')
  const adapters = lab.vms.reduce((n, vm) => n + vm.networkAdapters.length, 0)
  // The first call is what one CLI command pays: the code is not compiled yet.
  const whole = (): number => networkConfigOf(lab).vms.length
  const first = cpuMs(whole)
  const warm: number[] = []
  const lazy: number[] = []
  const read: number[] = []
  for (let i = 0; i < RUNS; i++) {
    warm.push(cpuMs(whole))
    lazy.push(cpuMs(() => networkConfigOf(lab)))
    if (i % 4 === 0) read.push(cpuMs(() => parseLab(text, 'lab.json')))
  }
  print(`Snapshot: networkConfigOf on ${lab.vms.length} VMs / ${adapters} adapters, CPU time:`)
  print(`  ${'first call (cold code)'.padEnd(37)}${first.toFixed(1)} ms`)
  print(`  ${`warm, median of ${RUNS}`.padEnd(37)}${median(warm).toFixed(1)} ms   (min ${Math.min(...warm).toFixed(1)} ms; target: a few ms)`)
  print(`  ${'without the VMs (what a trace pays)'.padEnd(37)}${median(lazy).toFixed(2)} ms`)
  print(`  ${'parseLab of the same lab, for scale'.padEnd(37)}${median(read).toFixed(1)} ms`)
}
