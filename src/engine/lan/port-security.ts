// The upstream switch port's port security, as office and campus switches configure it
// (Cisco's `switchport port-security maximum N`, sticky learning, violation mode "protect"):
// the port admits frames from at most `maxMacs` distinct source MACs, the first ones it sees, and
// remembers them; frames from any other source MAC are dropped, and the port forwards nothing
// towards a MAC it has not admitted. The host's own MAC counts: it was on the port before any VM.
import {WireError, formatMac, parseMac} from '../wire/index.js'
import type {Mac} from '../wire/index.js'

export type PortSecurityVerdict = 'known' | 'learned' | 'violation'

export class PortSecurity {
  /** In the order the port learned them. */
  private readonly order: Mac[] = []
  private readonly known = new Set<Mac>()

  constructor(readonly maxMacs: number) {
    if (!Number.isInteger(maxMacs) || maxMacs < 1) throw new RangeError(`PortSecurity: maxMacs ${maxMacs} must be an integer >= 1`)
  }

  /** Admits `mac` if it is known or there is room left (learning it), otherwise a violation. */
  admit(mac: Mac): PortSecurityVerdict {
    if (this.known.has(mac)) return 'known'
    if (this.order.length >= this.maxMacs) return 'violation'
    this.order.push(mac)
    this.known.add(mac)
    return 'learned'
  }

  has(mac: Mac): boolean {
    return this.known.has(mac)
  }

  macs(): readonly Mac[] {
    return this.order
  }

  exportState(): string[] {
    return this.order.map(formatMac)
  }

  /** Replaces the learned MACs (at most maxMacs are kept: a lowered limit forgets the newest). */
  importState(macs: readonly string[]): void {
    const parsed = macs.map((s, i) => {
      const m = parseMac(s)
      if (m instanceof WireError) throw new TypeError(`port security state: entry ${i} ${JSON.stringify(s)} is not a MAC address`)
      return m
    })
    this.order.length = 0
    this.known.clear()
    for (const m of parsed) if (this.order.length < this.maxMacs && !this.known.has(m)) this.admit(m)
  }
}
