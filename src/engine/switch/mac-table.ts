// The switch's MAC table: an open-addressing hash table (linear probing, backward-shift deletion,
// Knuth TAOCP 6.4 algorithm R) keyed by a MAC split into its high 16 and low 32 bits, so a lookup
// on the forwarding path is integer arithmetic on bytes already read from the frame: no 48-bit
// double is boxed and no string is built (STYLE 7; bench/switch.ts measures it against a Map).

const EMPTY = -1

export class MacTable<V> {
  private hiKeys: Int32Array
  private loKeys: Int32Array
  private values: (V | null)[]
  private mask: number
  private count = 0

  constructor(initialCapacity = 64) {
    let cap = 16
    while (cap < initialCapacity * 2) cap *= 2
    this.hiKeys = new Int32Array(cap).fill(EMPTY)
    this.loKeys = new Int32Array(cap)
    this.values = new Array<V | null>(cap).fill(null)
    this.mask = cap - 1
  }

  get size(): number {
    return this.count
  }

  /** `hi` = the first two octets (0-0xffff), `lo` = the last four as an int32 (`x | 0`). */
  get(hi: number, lo: number): V | null {
    const his = this.hiKeys
    const mask = this.mask
    let i = slot(hi, lo, mask)
    for (;;) {
      const h = his[i]
      if (h === EMPTY) return null
      if (h === hi && this.loKeys[i] === lo) return this.values[i]
      i = (i + 1) & mask
    }
  }

  set(hi: number, lo: number, value: V): void {
    if ((this.count + 1) * 2 > this.hiKeys.length) this.grow()
    const mask = this.mask
    let i = slot(hi, lo, mask)
    for (;;) {
      const h = this.hiKeys[i]
      if (h === EMPTY) break
      if (h === hi && this.loKeys[i] === lo) {
        this.values[i] = value
        return
      }
      i = (i + 1) & mask
    }
    this.hiKeys[i] = hi
    this.loKeys[i] = lo
    this.values[i] = value
    this.count++
  }

  delete(hi: number, lo: number): boolean {
    const mask = this.mask
    let i = slot(hi, lo, mask)
    for (;;) {
      const h = this.hiKeys[i]
      if (h === EMPTY) return false
      if (h === hi && this.loKeys[i] === lo) break
      i = (i + 1) & mask
    }
    // Backward-shift: move later entries of the probe run into the hole so no tombstone is needed.
    let hole = i
    let j = i
    for (;;) {
      j = (j + 1) & mask
      const h = this.hiKeys[j]
      if (h === EMPTY) break
      const home = slot(h, this.loKeys[j], mask)
      // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
      const inRun = hole <= j ? hole < home && home <= j : hole < home || home <= j
      if (inRun) continue
      this.hiKeys[hole] = h
      this.loKeys[hole] = this.loKeys[j]
      this.values[hole] = this.values[j]
      hole = j
    }
    this.hiKeys[hole] = EMPTY
    this.values[hole] = null
    this.count--
    return true
  }

  private grow(): void {
    const his = this.hiKeys
    const los = this.loKeys
    const vals = this.values
    const cap = his.length * 2
    this.hiKeys = new Int32Array(cap).fill(EMPTY)
    this.loKeys = new Int32Array(cap)
    this.values = new Array<V | null>(cap).fill(null)
    this.mask = cap - 1
    this.count = 0
    for (let i = 0; i < his.length; i++) if (his[i] !== EMPTY) this.set(his[i], los[i], vals[i] as V)
  }
}

/** Fibonacci hashing of both halves; Hyper-V MACs differ mostly in the last octets. */
function slot(hi: number, lo: number, mask: number): number {
  const x = Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1)
  return (x ^ (x >>> 16)) & mask
}

/** The halves of a MAC number as MacTable takes them. */
export function macHi(mac: number): number {
  return Math.floor(mac / 0x1_0000_0000) & 0xffff
}

export function macLo(mac: number): number {
  return mac | 0
}
