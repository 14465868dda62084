// The NAT's tables, laid out for speed and memory (STYLE 7): struct-of-arrays over typed arrays,
// slots reused through a free list, and open-addressing indexes (linear probing, load <= 1/2,
// backward-shift deletion, so no tombstones) that store only a slot number and compare the key
// fields in the arrays themselves. No per-session object, no string or boxed-number key.
//
// Two tables:
// - mappings (RFC 4787 endpoint-independent mapping): protocol + internal address:port <-> external
//   address:port, shared by every session of that internal endpoint, alive while a session uses it;
//   indexed by the internal and by the external endpoint.
// - sessions (Get-NetNatSession's rows): one per mapping and remote endpoint, with the timers and
//   the TCP state; indexed by the internal 5-tuple (outbound lookups) and the external one (inbound).

export type TypedArray = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array

function grown<T extends TypedArray>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n)
  b.set(a)
  return b
}

/** A 32-bit hash of four 32-bit words (murmur3-style finalisation). */
export function hash4(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35) ^ c
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f) ^ d
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  return (h ^ (h >>> 13)) | 0
}

/**
 * Open-addressing index of slot numbers. Lookups are written by the owner (they compare its own
 * key fields: a generic `equals` callback would cost a call per probe on the hot path); the index
 * only inserts, deletes and grows, and asks `hashOf(slot)` to rehash.
 */
export class HashIndex {
  slots: Int32Array
  mask: number
  count = 0
  private readonly hashOf: (slot: number) => number

  constructor(hashOf: (slot: number) => number, size = 64) {
    this.hashOf = hashOf
    this.slots = new Int32Array(size).fill(-1)
    this.mask = size - 1
  }

  insert(h: number, slot: number): void {
    if ((this.count + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2)
    const s = this.slots
    const m = this.mask
    let i = h & m
    while (s[i] >= 0) i = (i + 1) & m
    s[i] = slot
    this.count++
  }

  /** Removes `slot` (found by probing from `h`); backward-shift keeps every probe chain unbroken. */
  remove(h: number, slot: number): void {
    const s = this.slots
    const m = this.mask
    let i = h & m
    while (s[i] !== slot) {
      if (s[i] < 0) return
      i = (i + 1) & m
    }
    let j = i
    for (;;) {
      j = (j + 1) & m
      const x = s[j]
      if (x < 0) break
      const k = this.hashOf(x) & m
      // x may move back to the hole at i only if its home k is not cyclically within (i, j].
      if (i <= j ? i < k && k <= j : i < k || k <= j) continue
      s[i] = x
      i = j
    }
    s[i] = -1
    this.count--
  }

  clear(): void {
    this.slots.fill(-1)
    this.count = 0
  }

  private rehash(size: number): void {
    const old = this.slots
    this.slots = new Int32Array(size).fill(-1)
    this.mask = size - 1
    const s = this.slots
    const m = this.mask
    for (let k = 0; k < old.length; k++) {
      const x = old[k]
      if (x < 0) continue
      let i = this.hashOf(x) & m
      while (s[i] >= 0) i = (i + 1) & m
      s[i] = x
    }
  }

  /** Bytes held (for the memory figure). */
  get bytes(): number {
    return this.slots.byteLength
  }
}

/** Session TCP state bits; UDP and ICMP sessions keep 0. */
export const TCP_SYN_OUT = 1
export const TCP_SYN_IN = 2
export const TCP_ESTABLISHED = 4
export const TCP_FIN_SEEN = 8
export const TCP_RST_SEEN = 16

/** Protocol 0 marks a free slot in both tables. */
export class NatTables {
  // Mappings.
  mCap = 0
  mHigh = 0
  mFree = -1
  mLive = 0
  mProto = new Uint8Array(0)
  mNat = new Uint8Array(0)
  /** 1 when this mapping is the one indexed for its internal endpoint. */
  mIndexed = new Uint8Array(0)
  /** The static mapping (its position in the NAT's list) that made it, or -1. */
  mStatic = new Int32Array(0)
  mIntAddr = new Uint32Array(0)
  mIntPort = new Uint16Array(0)
  mExtAddr = new Uint32Array(0)
  mExtPort = new Uint16Array(0)
  mRefs = new Int32Array(0)
  /** First session of the mapping (sessions chain through sNext); the free list when free. */
  mFirst = new Int32Array(0)
  readonly mByInt = new HashIndex((m) => this.mHashInt(m))
  readonly mByExt = new HashIndex((m) => this.mHashExt(m))

  // Sessions.
  sCap = 0
  sHigh = 0
  sFree = -1
  sLive = 0
  sProto = new Uint8Array(0)
  sNat = new Uint8Array(0)
  sState = new Uint8Array(0)
  sMap = new Int32Array(0)
  /** Next session of the same mapping; the free list when free. */
  sNext = new Int32Array(0)
  sIntAddr = new Uint32Array(0)
  sIntPort = new Uint16Array(0)
  /** What the VM addressed (differs from the remote only for hairpin sessions). */
  sInDstAddr = new Uint32Array(0)
  sInDstPort = new Uint16Array(0)
  sExtAddr = new Uint32Array(0)
  sExtPort = new Uint16Array(0)
  sRemAddr = new Uint32Array(0)
  sRemPort = new Uint16Array(0)
  sCreated = new Float64Array(0)
  sExpires = new Float64Array(0)
  sId = new Uint32Array(0)
  readonly sByInt = new HashIndex((s) => this.sHashInt(s))
  readonly sByExt = new HashIndex((s) => this.sHashExt(s))

  mHashInt(m: number): number {
    return hash4(this.mIntAddr[m], (this.mProto[m] << 16) | this.mIntPort[m], 0, 0)
  }
  mHashExt(m: number): number {
    return hash4(this.mExtAddr[m], (this.mProto[m] << 16) | this.mExtPort[m], 0, 0)
  }
  sHashInt(s: number): number {
    return hash4(this.sIntAddr[s], (this.sProto[s] << 16) | this.sIntPort[s], this.sInDstAddr[s], this.sInDstPort[s])
  }
  sHashExt(s: number): number {
    return hash4(this.sExtAddr[s], (this.sProto[s] << 16) | this.sExtPort[s], this.sRemAddr[s], this.sRemPort[s])
  }

  /** The mapping indexed for an internal endpoint, or -1. */
  findMappingInt(proto: number, addr: number, port: number): number {
    const s = this.mByInt.slots
    const mask = this.mByInt.mask
    let i = hash4(addr, (proto << 16) | port, 0, 0) & mask
    for (;;) {
      const m = s[i]
      if (m < 0) return -1
      if (this.mIntAddr[m] === addr && this.mIntPort[m] === port && this.mProto[m] === proto) return m
      i = (i + 1) & mask
    }
  }

  /** The mapping that owns an external endpoint, or -1. */
  findMappingExt(proto: number, addr: number, port: number): number {
    const s = this.mByExt.slots
    const mask = this.mByExt.mask
    let i = hash4(addr, (proto << 16) | port, 0, 0) & mask
    for (;;) {
      const m = s[i]
      if (m < 0) return -1
      if (this.mExtAddr[m] === addr && this.mExtPort[m] === port && this.mProto[m] === proto) return m
      i = (i + 1) & mask
    }
  }

  /** The session of an internal 5-tuple (VM endpoint, what it addressed), or -1. */
  findSessionInt(proto: number, addr: number, port: number, dstAddr: number, dstPort: number): number {
    const s = this.sByInt.slots
    const mask = this.sByInt.mask
    let i = hash4(addr, (proto << 16) | port, dstAddr, dstPort) & mask
    for (;;) {
      const x = s[i]
      if (x < 0) return -1
      if (this.sIntAddr[x] === addr && this.sInDstAddr[x] === dstAddr && this.sIntPort[x] === port && this.sInDstPort[x] === dstPort && this.sProto[x] === proto) return x
      i = (i + 1) & mask
    }
  }

  /** The session of an external 5-tuple (NAT endpoint, remote endpoint), or -1. */
  findSessionExt(proto: number, addr: number, port: number, remAddr: number, remPort: number): number {
    const s = this.sByExt.slots
    const mask = this.sByExt.mask
    let i = hash4(addr, (proto << 16) | port, remAddr, remPort) & mask
    for (;;) {
      const x = s[i]
      if (x < 0) return -1
      if (this.sExtAddr[x] === addr && this.sRemAddr[x] === remAddr && this.sExtPort[x] === port && this.sRemPort[x] === remPort && this.sProto[x] === proto) return x
      i = (i + 1) & mask
    }
  }

  addMapping(nat: number, proto: number, intAddr: number, intPort: number, extAddr: number, extPort: number, staticIdx: number): number {
    let m = this.mFree
    if (m >= 0) {
      this.mFree = this.mFirst[m]
    } else {
      if (this.mHigh === this.mCap) this.growMappings()
      m = this.mHigh++
    }
    this.mProto[m] = proto
    this.mNat[m] = nat
    this.mStatic[m] = staticIdx
    this.mIntAddr[m] = intAddr
    this.mIntPort[m] = intPort
    this.mExtAddr[m] = extAddr
    this.mExtPort[m] = extPort
    this.mRefs[m] = 0
    this.mFirst[m] = -1
    const indexed = this.findMappingInt(proto, intAddr, intPort) < 0
    this.mIndexed[m] = indexed ? 1 : 0
    if (indexed) this.mByInt.insert(this.mHashInt(m), m)
    this.mByExt.insert(this.mHashExt(m), m)
    this.mLive++
    return m
  }

  private freeMapping(m: number): void {
    if (this.mIndexed[m] === 1) this.mByInt.remove(this.mHashInt(m), m)
    this.mByExt.remove(this.mHashExt(m), m)
    this.mProto[m] = 0
    this.mFirst[m] = this.mFree
    this.mFree = m
    this.mLive--
  }

  addSession(m: number, remAddr: number, remPort: number, inDstAddr: number, inDstPort: number, now: number, id: number): number {
    let s = this.sFree
    if (s >= 0) {
      this.sFree = this.sNext[s]
    } else {
      if (this.sHigh === this.sCap) this.growSessions()
      s = this.sHigh++
    }
    this.sProto[s] = this.mProto[m]
    this.sNat[s] = this.mNat[m]
    this.sState[s] = 0
    this.sMap[s] = m
    this.sIntAddr[s] = this.mIntAddr[m]
    this.sIntPort[s] = this.mIntPort[m]
    this.sExtAddr[s] = this.mExtAddr[m]
    this.sExtPort[s] = this.mExtPort[m]
    this.sRemAddr[s] = remAddr
    this.sRemPort[s] = remPort
    this.sInDstAddr[s] = inDstAddr
    this.sInDstPort[s] = inDstPort
    this.sCreated[s] = now
    this.sExpires[s] = now
    this.sId[s] = id
    this.sNext[s] = this.mFirst[m]
    this.mFirst[m] = s
    this.mRefs[m]++
    this.sByInt.insert(this.sHashInt(s), s)
    this.sByExt.insert(this.sHashExt(s), s)
    this.sLive++
    return s
  }

  /** Frees a session, and its mapping when it was the last; returns the mapping freed or -1. */
  removeSession(s: number): number {
    const m = this.sMap[s]
    this.sByInt.remove(this.sHashInt(s), s)
    this.sByExt.remove(this.sHashExt(s), s)
    // Unlink from the mapping's chain (short: one entry per remote endpoint of one VM port).
    if (this.mFirst[m] === s) {
      this.mFirst[m] = this.sNext[s]
    } else {
      let p = this.mFirst[m]
      while (p >= 0 && this.sNext[p] !== s) p = this.sNext[p]
      if (p >= 0) this.sNext[p] = this.sNext[s]
    }
    this.sProto[s] = 0
    this.sNext[s] = this.sFree
    this.sFree = s
    this.sLive--
    if (--this.mRefs[m] > 0) return -1
    this.freeMapping(m)
    return m
  }

  /** True when mapping m has a live session with the remote address (address-dependent filtering). */
  mappingHasRemote(m: number, remAddr: number): boolean {
    for (let s = this.mFirst[m]; s >= 0; s = this.sNext[s]) if (this.sRemAddr[s] === remAddr) return true
    return false
  }

  clear(): void {
    this.mHigh = this.mLive = this.sHigh = this.sLive = 0
    this.mFree = this.sFree = -1
    this.mProto.fill(0)
    this.sProto.fill(0)
    this.mByInt.clear()
    this.mByExt.clear()
    this.sByInt.clear()
    this.sByExt.clear()
  }

  /** Bytes held by the session and mapping tables (arrays and indexes, at their capacity). */
  get bytes(): number {
    const arrays = [this.mProto, this.mNat, this.mIndexed, this.mStatic, this.mIntAddr, this.mIntPort, this.mExtAddr, this.mExtPort, this.mRefs, this.mFirst, this.sProto, this.sNat, this.sState, this.sMap, this.sNext, this.sIntAddr, this.sIntPort, this.sInDstAddr, this.sInDstPort, this.sExtAddr, this.sExtPort, this.sRemAddr, this.sRemPort, this.sCreated, this.sExpires, this.sId]
    let n = this.mByInt.bytes + this.mByExt.bytes + this.sByInt.bytes + this.sByExt.bytes
    for (const a of arrays) n += a.byteLength
    return n
  }

  private growMappings(): void {
    const n = Math.max(64, this.mCap * 2)
    this.mProto = grown(this.mProto, n)
    this.mNat = grown(this.mNat, n)
    this.mIndexed = grown(this.mIndexed, n)
    this.mStatic = grown(this.mStatic, n)
    this.mIntAddr = grown(this.mIntAddr, n)
    this.mIntPort = grown(this.mIntPort, n)
    this.mExtAddr = grown(this.mExtAddr, n)
    this.mExtPort = grown(this.mExtPort, n)
    this.mRefs = grown(this.mRefs, n)
    this.mFirst = grown(this.mFirst, n)
    this.mCap = n
  }

  private growSessions(): void {
    const n = Math.max(64, this.sCap * 2)
    this.sProto = grown(this.sProto, n)
    this.sNat = grown(this.sNat, n)
    this.sState = grown(this.sState, n)
    this.sMap = grown(this.sMap, n)
    this.sNext = grown(this.sNext, n)
    this.sIntAddr = grown(this.sIntAddr, n)
    this.sIntPort = grown(this.sIntPort, n)
    this.sInDstAddr = grown(this.sInDstAddr, n)
    this.sInDstPort = grown(this.sInDstPort, n)
    this.sExtAddr = grown(this.sExtAddr, n)
    this.sExtPort = grown(this.sExtPort, n)
    this.sRemAddr = grown(this.sRemAddr, n)
    this.sRemPort = grown(this.sRemPort, n)
    this.sCreated = grown(this.sCreated, n)
    this.sExpires = grown(this.sExpires, n)
    this.sId = grown(this.sId, n)
    this.sCap = n
  }
}
