// Deterministic generated values: a lab's MACs, GUIDs and Default Switch subnet (src/model), and the
// engine's own (a LAN router's MAC, an internet name's address) all derive from the lab's seed and a
// label, so the same store gives the same values on every machine and every run. Pure: no I/O.

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0
  return hash
}

/** 32-bit FNV-1a of bytes. */
export function fnv1aBytes(bytes: Uint8Array): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193) >>> 0
  return hash
}

/** A seeded byte stream (splitmix32), one per (seed, label). */
export function seededBytes(seed: number, label: string, count: number): Uint8Array {
  let state = (seed ^ fnv1a(label)) >>> 0
  const out = new Uint8Array(count)
  for (let i = 0; i < count; i++) {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    z = (z ^ (z >>> 16)) >>> 0
    out[i] = z & 0xff
  }
  return out
}

export function seededInt(seed: number, label: string): number {
  const b = seededBytes(seed, label, 4)
  return ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0
}

/** A version-4-shaped GUID derived from the seed and a label. */
export function seededGuid(seed: number, label: string): string {
  const b = seededBytes(seed, `guid:${label}`, 16)
  b[6] = (b[6] & 0x0f) | 0x40
  b[8] = (b[8] & 0x3f) | 0x80
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** A MAC with the given 3-byte OUI and seeded device bytes, as 12 uppercase hex digits. */
export function seededMac(seed: number, label: string, oui: string): string {
  const b = seededBytes(seed, `mac:${label}`, 3)
  return (oui + [...b].map((x) => x.toString(16).padStart(2, '0')).join('')).toUpperCase()
}
