// `vm list --json` on a big lab — 1,024 VMs with 4 adapters each, every adapter with a VLAN, two
// port ACLs, an extended ACL and a static guest address — beside the cold start of
// `vswitch list --json`, both on the same lab (what listing VMs costs beyond reading the lab) and on
// a new lab (the plain cold start). The lab is built here through the model API and written once
// (not 4,096 processes).
import fs from 'node:fs'
import path from 'node:path'

import {newLab} from '../src/model/lab.js'
import {median, repoRoot, scratchDir, storedText, timeProcess} from './support.js'
import {addAcl, addAdapter, addExtendedAcl, findVm, newVm, setGuestIp, setVlan, startVm} from '../src/model/vm.js'
import {newSwitch} from '../src/model/vswitch.js'

const RUNS = 11
const VMS = 1024
const ADAPTERS = 4

/** The big lab: a pool wide enough for 4,096 dynamic MACs, half the VMs running. */
export function bigLab(): ReturnType<typeof newLab> {
  const lab = newLab()
  lab.host.macAddressMinimum = '00155D100000'
  lab.host.macAddressMaximum = '00155D10FFFF'
  for (const name of ['Frontend', 'Backend', 'Storage', 'Management']) newSwitch(lab, {name, type: 'private'})
  const switches = ['Frontend', 'Backend', 'Storage', 'Management']
  for (let i = 0; i < VMS; i++) {
    const name = `vm${String(i).padStart(4, '0')}`
    const vm = newVm(lab, {generation: 2, name, switchName: switches[0]})
    for (let n = 1; n < ADAPTERS; n++) addAdapter(lab, vm, {name: `nic${n}`, switchName: switches[n]})
    for (const adapter of findVm(lab, name).networkAdapters) {
      setVlan(lab, name, adapter.name, {access: true, vlanId: String(10 + (i % 100))})
      addAcl(lab, name, adapter.name, {action: 'allow', direction: 'both', remoteIp: '10.0.0.0/8'})
      addExtendedAcl(lab, name, adapter.name, {action: 'allow', direction: 'inbound', localPort: '22', protocol: 'tcp', weight: 10})
      setGuestIp(lab, name, adapter.name, {address: `10.${i >> 8}.${i & 255}.${10 + adapter.name.length}/8`})
    }
    if (i % 2 === 0) startVm(lab, name)
  }
  return lab
}

const timeOnce = (args: string[], env: NodeJS.ProcessEnv) => timeProcess(args, env, {stdout: true})

export async function run(print: (line: string) => void): Promise<void> {
  const root = repoRoot()
  const file = path.join(scratchDir('hvnet-bench-'), 'lab.json')
  const built = performance.now()
  const text = storedText(bigLab())
  fs.writeFileSync(file, text)
  const buildMs = performance.now() - built
  const env = {...process.env, HVNET_CONFIG: file, NO_COLOR: '1'}
  const small = {...env, HVNET_CONFIG: path.join(path.dirname(file), 'new-lab.json')}
  const bin = path.join(root, 'bin/run.js')
  const switches = [bin, 'vswitch', 'list', '--json']
  const vms = [bin, 'vm', 'list', '--json']
  timeOnce(switches, small)
  timeOnce(switches, env)
  timeOnce(vms, env)
  const n: number[] = []
  const s: number[] = []
  const v: number[] = []
  let bytes = 0
  for (let i = 0; i < RUNS; i++) {
    n.push(timeOnce(switches, small).ms)
    s.push(timeOnce(switches, env).ms)
    const r = timeOnce(vms, env)
    v.push(r.ms)
    bytes = r.stdoutBytes
  }
  const mn = median(n)
  const ms = median(s)
  const mv = median(v)
  print(`VM lab: ${VMS} VMs x ${ADAPTERS} adapters built through the model API in ${buildMs.toFixed(0)} ms (${(text.length / 1e6).toFixed(1)} MB on disk); median of ${RUNS} interleaved runs each:`)
  print(`  hvnet vswitch list --json, new lab   ${mn.toFixed(1)} ms`)
  print(`  hvnet vswitch list --json, big lab   ${ms.toFixed(1)} ms`)
  print(`  hvnet vm list --json, big lab        ${mv.toFixed(1)} ms   (${(bytes / 1e6).toFixed(1)} MB of JSON)`)
  print(`  ratio to vswitch list, same lab      ${(mv / ms).toFixed(2)}x   (target within 1.5x)`)
  print(`  ratio to vswitch list, new lab       ${(mv / mn).toFixed(2)}x   (reading and validating 7 MB is most of the difference)`)
}
