// Big-endian reads and writes over Uint8Array (network byte order, RFC 1700 "Data Notations").
// Manual shifts, no DataView: these are inlined by V8 and cost nothing per frame (STYLE 7).

export function get16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1]
}

export function get32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0
}

export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8
  b[o + 1] = v
}

export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24
  b[o + 1] = v >>> 16
  b[o + 2] = v >>> 8
  b[o + 3] = v
}

/** 48-bit MAC at o as `hi16 * 2**32 + lo32`. */
export function get48(b: Uint8Array, o: number): number {
  return ((b[o] << 8) | b[o + 1]) * 0x1_0000_0000 + (((b[o + 2] << 24) | (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5]) >>> 0)
}

export function put48(b: Uint8Array, o: number, v: number): void {
  const hi = Math.floor(v / 0x1_0000_0000)
  const lo = v >>> 0
  b[o] = hi >>> 8
  b[o + 1] = hi
  b[o + 2] = lo >>> 24
  b[o + 3] = lo >>> 16
  b[o + 4] = lo >>> 8
  b[o + 5] = lo
}

export function toHex(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16)
  return s
}

/** Parses an even-length hex string; returns null on any non-hex character. */
export function fromHex(s: string): Uint8Array | null {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return null
  const out = new Uint8Array(s.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16)
  return out
}

export function hex16(v: number): string {
  return '0x' + v.toString(16).padStart(4, '0')
}
