// The routing table of one IP stack: connected prefixes (one per interface address) and default
// routes (one per interface gateway), RFC 1812 5.2.4.3 (longest prefix match; among equal
// prefixes the lowest metric, then the first interface). Windows' automatic metrics prefer a
// connected route over a gateway route of the same length; hvnet gives connected routes metric 0
// and default routes metric 1 (then interface order), which yields the same choices.
import type {Ipv4Address} from '../wire/index.js'
import {prefixMask} from '../wire/index.js'

export interface Route {
  readonly network: Ipv4Address
  readonly length: number
  /** Index of the interface in its stack. */
  readonly ifIndex: number
  /** 0: on-link (deliver to the destination itself). */
  readonly gateway: Ipv4Address
  readonly metric: number
}

export type RouteLookup = {readonly kind: 'found'; readonly route: Route; readonly nextHop: Ipv4Address} | {readonly kind: 'not-found'}

export class RoutingTable {
  private routes: Route[] = []

  set(routes: readonly Route[]): void {
    this.routes = routes.map((r) => ({...r, network: (r.network & prefixMask(r.length)) >>> 0}))
  }

  list(): readonly Route[] {
    return this.routes
  }

  lookup(dst: Ipv4Address): RouteLookup {
    let best: Route | null = null
    for (const r of this.routes) {
      if (((dst & prefixMask(r.length)) >>> 0) !== r.network) continue
      if (best === null || r.length > best.length || (r.length === best.length && r.metric < best.metric)) best = r
    }
    if (best === null) return {kind: 'not-found'}
    return {kind: 'found', route: best, nextHop: best.gateway === 0 ? dst : best.gateway}
  }
}
