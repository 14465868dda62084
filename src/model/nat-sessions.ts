// `hvnet nat sessions` (Get-NetNatSession): the NAT sessions the runtime state holds (traces made
// them), at the runtime's virtual clock, with Get-NetNatSession's columns plus what hvnet adds:
// the session id traces cite (`nat MyNAT session 3`), its state and the seconds it has left.
import {NatCore} from '../engine/nat/index.js'
import {formatIpv4} from '../engine/wire/index.js'
import {HvnetError} from './errors.js'
import {sameName} from './names.js'
import {findNat} from './nat.js'
import {networkConfigOf} from './network-config.js'
import type {RuntimeDocument} from './runtime-store.js'
import type {Lab} from './schema.js'

export interface NatSessionView {
  natName: string
  id: number
  /** Get-NetNatSession's numeric Protocol: 6 TCP, 17 UDP, 1 ICMP. */
  protocol: number
  internalSourceAddress: string
  internalSourcePort: number
  internalDestinationAddress: string
  internalDestinationPort: number
  externalSourceAddress: string
  externalSourcePort: number
  externalDestinationAddress: string
  externalDestinationPort: number
  /** Virtual seconds since the network first ran (the runtime's clock). */
  creationTime: number
  /** TCP: opening, established, closing; UDP and ICMP: active. */
  state: 'opening' | 'established' | 'closing' | 'active'
  /** Virtual seconds until the session expires unless traffic refreshes it. */
  timeLeft: number
  staticMappingId: number | null
}

/** The live sessions of every NAT (or of `natName`), WinNAT objects first, then the Default Switch's ICS NAT. */
export function natSessionViews(lab: Lab, runtime: RuntimeDocument | null, natName?: string): NatSessionView[] {
  const nats = networkConfigOf(lab).nats
  if (natName !== undefined && !nats.some((n) => sameName(n.name, natName))) findNat(lab, natName)
  const saved = runtime?.nat
  if (saved === null || saved === undefined) return []
  const core = new NatCore(nats)
  try {
    core.importState(saved)
  } catch (error) {
    throw new HvnetError('store-corrupt', `The NAT sessions of the runtime state beside the lab do not hold together (${(error as Error).message}); they were left as they are.`, 'Start the runtime state over with `hvnet runtime reset` (or remove the .runtime.json file beside the lab).')
  }
  const clock = typeof runtime?.clockMs === 'number' ? runtime.clockMs : 0
  return core.sessions(clock, natName).map((s) => ({
    natName: s.natName,
    id: s.id,
    protocol: s.protocol,
    internalSourceAddress: formatIpv4(s.internalSourceAddress),
    internalSourcePort: s.internalSourcePort,
    internalDestinationAddress: formatIpv4(s.internalDestinationAddress),
    internalDestinationPort: s.internalDestinationPort,
    externalSourceAddress: formatIpv4(s.externalSourceAddress),
    externalSourcePort: s.externalSourcePort,
    externalDestinationAddress: formatIpv4(s.externalDestinationAddress),
    externalDestinationPort: s.externalDestinationPort,
    creationTime: Math.round(s.creationTime) / 1000,
    state: s.state,
    timeLeft: Math.round(s.timeLeftS * 1000) / 1000,
    staticMappingId: s.staticMappingId,
  }))
}
