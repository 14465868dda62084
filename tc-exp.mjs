import {readLab} from '/work/wt/trace-cmd/dist/src/model/store.js'
import {networkConfigOf} from '/work/wt/trace-cmd/dist/src/model/network-config.js'
import {traceNetwork} from '/work/wt/trace-cmd/dist/src/engine/trace/run.js'
import {buildTraceResult} from '/work/wt/trace-cmd/dist/src/engine/trace/index.js'
import {formatTrace} from '/work/wt/trace-cmd/dist/src/render/trace.js'
import {Chalk} from 'chalk'
const [lab, key, to, proto='icmp', detail='default'] = process.argv.slice(2)
const {lab: l} = readLab(lab)
const cfg = networkConfigOf(l)
const ip = to.split('.').reduce((a,b)=>a*256+Number(b),0)
const {run, network} = traceNetwork(cfg, null, {kind:'guest', adapterKey:key, packet:{protocol:proto, target:{kind:'address', address: ip}, dstPort:null, srcPort:null,size:null,ttl:null}})
console.log('stopped', run.stopped, 'clock', network.scheduler.now)
const r = buildTraceResult({flow: run.flow, steps: run.steps, openPort: run.openPort})
console.log(formatTrace(r, {detail, explain:false}, new Chalk({level:0})))
