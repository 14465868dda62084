// VLAN classification and membership of a switch port (reference §3.2, IEEE 802.1Q-2018 clauses
// 6.9 and 8.6.1-8.6.2 for ingress classification and egress tagging, and the NDIS port VLAN/PVLAN
// modes [DDI]). Compiled once per port into numbers so the forwarding loop reads one field or one
// byte per decision:
//
// | Mode (Set-VMNetworkAdapterVlan) | Sends on (ingress VID)          | Receives (egress)                             |
// |---------------------------------|---------------------------------|-----------------------------------------------|
// | Untagged                        | 0                               | VID 0, untagged                               |
// | Access -VlanId A                | A                               | A, untagged                                   |
// | Trunk -AllowedVlanIdList L -Native N | tagged v in L ∪ {N}; untagged → N | L tagged, N untagged                    |
// | Isolated  (primary P, secondary S)   | S                          | P, untagged                                   |
// | Community (primary P, secondary C)   | C                          | P and C, untagged                             |
// | Promiscuous (primary P, list L)      | P                          | P and L, untagged                             |
// | External port (trunk of every VID)   | tagged v → v; untagged → 0 | every VID: tagged, except VID 0 untagged      |
//
// Untagged, access and private ports are access-like (Hyper-V stores Untagged as Access with VLAN 0):
// a frame their endpoint sends with a VLAN tag (VID ≠ 0) is dropped. A priority-tagged frame
// (VID 0, 802.1Q 6.9.1) is classified like an untagged one on every port.
import type {VlanSetting} from '../config.js'

/** Egress verdicts in a port's receive table. */
export const NOT_MEMBER = 0
export const EGRESS_UNTAGGED = 1
export const EGRESS_TAGGED = 2

/** How a port classifies what its endpoint sends. */
export const IN_ACCESS = 0
export const IN_TRUNK = 1
export const IN_EXTERNAL = 2

export const VID_COUNT = 4096
/** 802.1Q 9.6: VID 0xFFF is reserved and never carried. */
export const VID_RESERVED = 0xfff

export interface PortVlan {
  /** IN_ACCESS (untagged, access, private), IN_TRUNK or IN_EXTERNAL. */
  readonly ingress: number
  /** The VID an untagged frame from this port belongs to. */
  readonly sendVid: number
  /** Trunk only: VIDs a tagged frame may carry (1 = allowed), indexed by VID. */
  readonly allowed: Uint8Array | null
  /** The one VID this port receives (untagged), or -1 when `receive` holds the table. */
  readonly receiveVid: number
  /** Multi-VID ports: NOT_MEMBER / EGRESS_UNTAGGED / EGRESS_TAGGED per VID. */
  readonly receive: Uint8Array | null
  /** Private VLAN details, for the pvlan-* drop reasons. */
  readonly pvlan: {readonly mode: 'isolated' | 'community' | 'promiscuous'; readonly primary: number} | null
  /** `untagged`, `access 121`, `trunk 1-100 native 10`, `isolated 10/200` … for step texts. */
  readonly label: string
}

function table(): Uint8Array {
  return new Uint8Array(VID_COUNT)
}

function rangesLabel(ranges: readonly (readonly [number, number])[]): string {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')
}

/** The external port: a trunk of every VLAN (shared: it is never written). */
const EXTERNAL_RECEIVE = (() => {
  const t = table().fill(EGRESS_TAGGED)
  t[0] = EGRESS_UNTAGGED
  t[VID_RESERVED] = NOT_MEMBER
  return t
})()

export const EXTERNAL_VLAN: PortVlan = {ingress: IN_EXTERNAL, sendVid: 0, allowed: null, receiveVid: -1, receive: EXTERNAL_RECEIVE, pvlan: null, label: 'external (every VLAN, tagged)'}

function checkVid(vid: number, what: string, allowZero = false): number {
  if (!Number.isInteger(vid) || vid < (allowZero ? 0 : 1) || vid > 4094) throw new RangeError(`VLAN setting: ${what} ${vid} is outside 1-4094`)
  return vid
}

/** Compiles a port's VLAN setting. Throws a RangeError on an id outside 1-4094 (a builder bug). */
export function compileVlan(v: VlanSetting): PortVlan {
  switch (v.mode) {
    case 'untagged':
      return {ingress: IN_ACCESS, sendVid: 0, allowed: null, receiveVid: 0, receive: null, pvlan: null, label: 'untagged'}
    case 'access': {
      const a = checkVid(v.accessVlanId, 'access VLAN id')
      return {ingress: IN_ACCESS, sendVid: a, allowed: null, receiveVid: a, receive: null, pvlan: null, label: `access ${a}`}
    }
    case 'trunk': {
      const native = checkVid(v.nativeVlanId, 'native VLAN id', true)
      const allowed = table()
      const receive = table()
      for (const [lo, hi] of v.allowedVlanIds) {
        const last = checkVid(hi, 'allowed VLAN id')
        for (let id = checkVid(lo, 'allowed VLAN id'); id <= last; id++) {
          allowed[id] = 1
          receive[id] = EGRESS_TAGGED
        }
      }
      allowed[native] = 1
      receive[native] = EGRESS_UNTAGGED
      return {ingress: IN_TRUNK, sendVid: native, allowed, receiveVid: -1, receive, pvlan: null, label: `trunk ${rangesLabel(v.allowedVlanIds)} native ${native}`}
    }
    case 'private': {
      const p = checkVid(v.primaryVlanId, 'primary VLAN id')
      const secondaries = v.secondaryVlanIds.map((s) => checkVid(s, 'secondary VLAN id'))
      const pvlan = {mode: v.privateVlanMode, primary: p}
      if (v.privateVlanMode === 'isolated') {
        return {ingress: IN_ACCESS, sendVid: secondaries[0] ?? p, allowed: null, receiveVid: p, receive: null, pvlan, label: `isolated ${p}/${secondaries.join(',')}`}
      }
      const receive = table()
      receive[p] = EGRESS_UNTAGGED
      for (const s of secondaries) receive[s] = EGRESS_UNTAGGED
      const sendVid = v.privateVlanMode === 'community' ? (secondaries[0] ?? p) : p
      return {ingress: IN_ACCESS, sendVid, allowed: null, receiveVid: -1, receive, pvlan, label: `${v.privateVlanMode} ${p}/${secondaries.join(',')}`}
    }
  }
}

/** NOT_MEMBER, EGRESS_UNTAGGED or EGRESS_TAGGED: whether and how `vid` leaves through the port. */
export function egressOf(v: PortVlan, vid: number): number {
  return v.receiveVid >= 0 ? (vid === v.receiveVid ? EGRESS_UNTAGGED : NOT_MEMBER) : v.receive![vid]
}

/** "VLAN 121", or "VID 0 (no VLAN)". */
export function vlanName(vid: number): string {
  return vid === 0 ? 'VID 0 (no VLAN)' : `VLAN ${vid}`
}
