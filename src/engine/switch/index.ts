// The Hyper-V virtual switch of hvnet's forwarding engine (reference §3.2, §4, §5).
export {VSwitch, SwitchPort, MAX_LEARNED_PER_PORT} from './vswitch.js'
export type {PortSpec, PortKind, PortState, LearnedMac, MeterCount} from './vswitch.js'
export type {StatefulFlow} from './acl.js'
