// The NAT core: WinNAT objects and the Default Switch's ICS NAT (README "The NAT").
export {NatCore, parseNatState} from './nat.js'
export type {NatPoolUse, NatRuntimeState, NatSession, NatSessionRecord} from './nat.js'
export {DEFAULT_PORT_END, DEFAULT_PORT_START} from './pool.js'
