// `hvnet trace`: the cold start of `hvnet trace --from VM --to 8.8.8.8 --stateless --json` beside
// `node -e 0` (interleaved, medians; target under 2.5x), and the time of one trace on a lab of
// 1,024 VMs against a lab of 2 (target within 1.2x): in process (networkConfigOf, buildNetwork and
// the trace itself, the lab already read; CPU time) and through the real binary (wall time, which
// also reads and validates the lab). Both labs are Microsoft's NAT setup: NATSwitch, 192.168.128.1 on
// its vEthernet, WinNAT on 192.168.128.0/20, VMs with static addresses, half of them running.
import fs from 'node:fs'
import path from 'node:path'

import {cpuMs, median, repoRoot, scratchDir, storedText, timeProcess} from './support.js'
import {addIpAddress} from '../src/model/ip.js'
import {newLab} from '../src/model/lab.js'
import {enableNat} from '../src/model/nat.js'
import {parseLab} from '../src/model/store.js'
import {traceLab} from '../src/model/trace.js'
import type {TraceRequest} from '../src/model/trace.js'
import {newVm, setGuestIp, startVm} from '../src/model/vm.js'
import {newSwitch} from '../src/model/vswitch.js'

const RUNS = 15
const IN_PROCESS_RUNS = 101
const WARM_UP_RUNS = 50

export function natLab(vms: number): ReturnType<typeof newLab> {
  const lab = newLab()
  lab.host.macAddressMinimum = '00155D100000'
  lab.host.macAddressMaximum = '00155D10FFFF'
  newSwitch(lab, {name: 'NATSwitch', type: 'internal'})
  addIpAddress(lab, {interfaceAlias: 'vEthernet (NATSwitch)'}, {ipAddress: '192.168.128.1', prefixLength: 20})
  enableNat(lab, {name: 'MyNAT', internalPrefix: '192.168.128.0/20'})
  for (let i = 0; i < vms; i++) {
    const name = `vm${String(i).padStart(4, '0')}`
    newVm(lab, {generation: 2, name, switchName: 'NATSwitch'})
    setGuestIp(lab, name, 'Network Adapter', {address: `192.168.${(i >> 7) + 129}.${(i & 127) + 10}/20`, gateway: '192.168.128.1'})
    if (i % 2 === 0) startVm(lab, name)
  }
  return lab
}

const REQUEST: TraceRequest = {from: 'vm0000', to: '8.8.8.8', protocol: 'icmp', dstPort: null, srcPort: null, size: null, ttl: null, src: null, frames: null, at: null}

const wallMs = (args: string[], env: NodeJS.ProcessEnv): number => timeProcess(args, env).ms

export async function run(print: (line: string) => void): Promise<void> {
  const dir = scratchDir('hvnet-bench-trace-')
  const small = path.join(dir, 'small.json')
  const big = path.join(dir, 'big.json')
  // As hvnet writes a lab (parsed, so keys in schema order): the form reads accept fastest.
  fs.writeFileSync(small, storedText(natLab(2)))
  fs.writeFileSync(big, storedText(natLab(1024)))
  const bin = path.join(repoRoot(), 'bin/run.js')
  const traceArgs = [bin, 'trace', '--from', 'vm0000', '--to', '8.8.8.8', '--stateless', '--json']
  const smallEnv = {...process.env, HVNET_CONFIG: small, NO_COLOR: '1'}
  const bigEnv = {...process.env, HVNET_CONFIG: big, NO_COLOR: '1'}

  // Cold start: the binary against node -e 0, interleaved so both see the same machine state.
  wallMs(['-e', '0'], smallEnv)
  wallMs(traceArgs, smallEnv)
  wallMs(traceArgs, bigEnv)
  const bare: number[] = []
  const cliSmall: number[] = []
  const cliBig: number[] = []
  for (let i = 0; i < RUNS; i++) {
    bare.push(wallMs(['-e', '0'], smallEnv))
    cliSmall.push(wallMs(traceArgs, smallEnv))
    cliBig.push(wallMs(traceArgs, bigEnv))
  }

  // In process: the trace alone (the lab already read), CPU time. Untimed runs first, so that the
  // median compares the work of a trace, not V8 compiling the code the first runs meet (CPU time
  // counts its compiler threads); many runs, as a run costs about a millisecond and the machine's
  // other work and the garbage collector add spikes of several.
  const labs = {small: parseLab(fs.readFileSync(small, 'utf8'), small), big: parseLab(fs.readFileSync(big, 'utf8'), big)}
  const result = traceLab(labs.big, null, REQUEST).result
  if (result.disposition !== 'replied') throw new Error(`bench trace: ${result.disposition}`)
  for (let i = 0; i < WARM_UP_RUNS; i++) {
    traceLab(labs.small, null, REQUEST)
    traceLab(labs.big, null, REQUEST)
  }
  const inSmall: number[] = []
  const inBig: number[] = []
  for (let i = 0; i < IN_PROCESS_RUNS; i++) {
    inSmall.push(cpuMs(() => traceLab(labs.small, null, REQUEST)))
    inBig.push(cpuMs(() => traceLab(labs.big, null, REQUEST)))
  }

  const b = median(bare)
  const s = median(cliSmall)
  const g = median(cliBig)
  print(`trace: hvnet trace --from vm0000 --to 8.8.8.8 --stateless --json (Microsoft's NAT setup; ${result.hops.length} hops, replied), median of ${RUNS} interleaved runs each:`)
  print(`  node -e 0                        ${b.toFixed(1)} ms`)
  print(`  hvnet trace, 2-VM lab            ${s.toFixed(1)} ms   ratio ${(s / b).toFixed(2)}x   (target < 2.5x)`)
  print(`  hvnet trace, 1,024-VM lab        ${g.toFixed(1)} ms   ratio to the 2-VM lab ${(g / s).toFixed(2)}x (reading and validating the lab included)`)
  const ms = median(inSmall)
  const mg = median(inBig)
  print(`  in process, CPU time, median of ${IN_PROCESS_RUNS} after ${WARM_UP_RUNS} untimed (networkConfigOf + buildNetwork + the trace; the lab already read):`)
  print(`    2-VM lab                       ${ms.toFixed(2)} ms`)
  print(`    1,024-VM lab                   ${mg.toFixed(2)} ms   ratio ${(mg / ms).toFixed(2)}x   (target within 1.2x)`)
}

// `node dist/bench/trace.js` runs this module alone.
if (import.meta.url === `file://${process.argv[1]}`) await run((line) => console.log(line))
