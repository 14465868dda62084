// The NAT core: WinNAT objects and the Default Switch's ICS NAT (README "The NAT").
//
// How the rest of the engine uses it:
//   const nat = new NatCore(config.nats)      // every NatConfig of the snapshot, ICS included
//   host stack: nat.outbound(...) / nat.inbound(...) at the two points of ../nat-hook.ts
//   scheduler:  nat.tick(now) whenever virtual time moves (`runtime advance`); cheap when nothing is due
//   commands:   nat.sessions(now, name?) (nat sessions), nat.poolUse() (nat show), nat.drops (counters)
//   runtime:    nat.exportState() / nat.importState(json) (the runtime file), nat.configure(nats) on change
export {NatCore, parseNatState} from './nat.js'
export type {NatPoolUse, NatRuntimeState, NatSession, NatSessionRecord} from './nat.js'
export {DEFAULT_PORT_END, DEFAULT_PORT_START} from './pool.js'
