// The external port pool of one external address and one protocol (TCP ports, UDP ports or ICMP
// query ids): two bitsets over 0-65535, `used` by dynamic mappings and `reserved` by static
// mappings (Add-NetNatStaticMapping), so a dynamic mapping never takes a mapped port.
//
// Allocation (deterministic): the wanted port (the internal one: port preservation) when it is in
// the range and free; otherwise the next free port above it, wrapping inside the range; -1 when
// the range is full (`nat-port-exhausted`).

/**
 * The range used without Add-NetNatExternalAddress: 49152-65535, the IANA dynamic range (RFC 6335)
 * and Windows' default dynamic port range (`netsh int ipv4 show dynamicport tcp`). WinNAT's own
 * range is not documented. This one shares the host's address with the host's own sockets the way
 * Windows does (translated flows look like the host's own outbound connections), and never takes
 * a well-known or registered port a host service or a static mapping listens on (80, 3389, 8080).
 * Windows guests' ephemeral ports (the same range) are preserved; Linux guests' (32768-60999) are
 * preserved from 49152 up.
 */
export const DEFAULT_PORT_START = 49152
export const DEFAULT_PORT_END = 65535

export class PortPool {
  readonly address: number
  readonly protocol: number
  readonly start: number
  readonly end: number
  /** The NAT whose Add-NetNatExternalAddress defined the range, or -1 for the default range. */
  readonly ownerNat: number
  private readonly used = new Uint32Array(2048)
  private readonly reserved = new Uint32Array(2048)
  usedCount = 0

  constructor(address: number, protocol: number, start: number, end: number, ownerNat: number) {
    this.address = address
    this.protocol = protocol
    this.start = start
    this.end = end
    this.ownerNat = ownerNat
  }

  get size(): number {
    return this.end - this.start + 1
  }

  /** Static ports inside the range (they count as in use for `poolUse`). */
  get reservedInRange(): number {
    let n = 0
    for (let p = this.start; p <= this.end; p++) if (this.isReserved(p)) n++
    return n
  }

  isFree(port: number): boolean {
    const w = port >>> 5
    const bit = 1 << (port & 31)
    return ((this.used[w] | this.reserved[w]) & bit) === 0
  }

  isReserved(port: number): boolean {
    return (this.reserved[port >>> 5] & (1 << (port & 31))) !== 0
  }

  /** Takes `wanted` if free and in range, else the next free port above it (wrapping); -1 if none. */
  allocate(wanted: number): number {
    const {start, end} = this
    let p = wanted
    if (p < start || p > end) p = start
    const n = end - start + 1
    for (let k = 0; k < n; k++) {
      if (this.isFree(p)) {
        this.used[p >>> 5] |= 1 << (p & 31)
        this.usedCount++
        return p
      }
      p = p === end ? start : p + 1
    }
    return -1
  }

  /** Marks a port used (restoring sessions from the runtime file); false if it was not free. */
  take(port: number): boolean {
    if (!this.isFree(port)) return false
    this.used[port >>> 5] |= 1 << (port & 31)
    this.usedCount++
    return true
  }

  release(port: number): void {
    const w = port >>> 5
    const bit = 1 << (port & 31)
    if ((this.used[w] & bit) === 0) return
    this.used[w] &= ~bit
    this.usedCount--
  }

  setReserved(ports: readonly number[]): void {
    this.reserved.fill(0)
    for (const p of ports) this.reserved[p >>> 5] |= 1 << (p & 31)
  }
}
