// The Internet checksum: RFC 1071 (computation), RFC 1624 (incremental update, eqn. 3),
// and the TCP/UDP pseudo-header of RFC 793 section 3.1 / RFC 768.

/**
 * One's-complement sum of bytes[start, end) added to `initial`, folded to 16 bits, NOT
 * complemented. An odd trailing byte is padded with a zero byte on the right (RFC 1071 4.1).
 * Chain partial sums by passing one call's result as the next call's `initial`; a chained
 * region must start on an even offset of the checksummed whole.
 */
export function onesSum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial
  let i = start
  const even = end - ((end - start) & 1)
  // 32-bit accumulation is safe: fold every 2^15 words at the latest (here: every 4096 bytes).
  while (i < even) {
    const stop = Math.min(even, i + 4096)
    for (; i < stop; i += 2) sum += (bytes[i] << 8) | bytes[i + 1]
    sum = (sum & 0xffff) + (sum >>> 16)
  }
  if (even !== end) sum += bytes[end - 1] << 8
  sum = (sum & 0xffff) + (sum >>> 16)
  sum = (sum & 0xffff) + (sum >>> 16)
  return sum
}

/** The checksum field value: the complement of the one's-complement sum (RFC 1071). */
export function internetChecksum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  return ~onesSum(bytes, start, end, initial) & 0xffff
}

/** Folded sum of the IPv4 pseudo-header (src, dst, zero, protocol, length) — RFC 768, RFC 793 3.1. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  let sum = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length
  sum = (sum & 0xffff) + (sum >>> 16)
  sum = (sum & 0xffff) + (sum >>> 16)
  return sum
}

/**
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for one changed 16-bit word m -> m'.
 * Used by NAT to patch a header checksum without touching the rest of the packet.
 */
export function checksumAdjust(oldSum: number, oldWord: number, newWord: number): number {
  let sum = (~oldSum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff)
  sum = (sum & 0xffff) + (sum >>> 16)
  sum = (sum & 0xffff) + (sum >>> 16)
  return ~sum & 0xffff
}

/** RFC 1624 for a changed 32-bit value (an IPv4 address): two 16-bit word updates. */
export function checksumAdjust32(oldSum: number, oldU32: number, newU32: number): number {
  return checksumAdjust(checksumAdjust(oldSum, oldU32 >>> 16, newU32 >>> 16), oldU32 & 0xffff, newU32 & 0xffff)
}
