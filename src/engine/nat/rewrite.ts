// Header rewriting with incremental checksum updates, RFC 1624 eqn. 3 (checksumAdjust in
// ../wire/checksum.ts): a NAT changes a few 16-bit words and patches each checksum that covers
// them, instead of summing the packet again. Bit-exact with a full recompute for a packet whose
// checksums were right (nat.test.ts checks it on random packets); a wrong checksum stays wrong
// by the same amount, as on a real NAT, so corruption is not laundered.
//
// Which checksums cover what: the IPv4 header checksum covers the addresses; the TCP and UDP
// checksums cover the addresses through the pseudo-header (RFC 793 3.1, RFC 768) and the ports;
// the ICMP checksum covers the whole ICMP message (RFC 792), so in an error message it covers the
// quoted IP header and transport header as well, checksums included (RFC 5508 section 4.1).
// UDP: a zero checksum means "none" and stays zero; a computed zero is sent as 0xffff (RFC 768).

import {get16, get32, put16, put32} from '../wire/bytes.js'
import {checksumAdjust, checksumAdjust32} from '../wire/checksum.js'

/** Writes the word at `off` and patches the checksum at `sumOff` for it (none when sumOff < 0). */
export function set16(b: Uint8Array, off: number, v: number, sumOff: number): void {
  const old = (b[off] << 8) | b[off + 1]
  if (old === v) return
  b[off] = v >>> 8
  b[off + 1] = v
  if (sumOff >= 0) put16(b, sumOff, checksumAdjust(get16(b, sumOff), old, v))
}

/** Writes the 32-bit value at `off` (even) and patches the checksum at `sumOff` (none when < 0). */
export function set32(b: Uint8Array, off: number, v: number, sumOff: number): void {
  const old = get32(b, off)
  if (old === v) return
  put32(b, off, v)
  if (sumOff >= 0) put16(b, sumOff, checksumAdjust32(get16(b, sumOff), old, v))
}

/**
 * The one's-complement difference (unfolded, < 2^18) of a 32-bit value changing from `from` to
 * `to`: ~from + to, word by word (RFC 1624 eqn. 3 without the final complement). Sum several
 * deltas, then apply them once to each checksum that covers the changes with addToChecksum.
 */
export function sumDelta32(from: number, to: number): number {
  return ((~from >>> 16) & 0xffff) + (~from & 0xffff) + (to >>> 16) + (to & 0xffff)
}

/** HC' = ~(~HC + delta), folded (RFC 1624 eqn. 3); `delta` is a sum of sumDelta32 / `~old + new` terms. */
export function addToChecksum(sum: number, delta: number): number {
  let x = (~sum & 0xffff) + delta
  x = (x & 0xffff) + (x >>> 16)
  x = (x & 0xffff) + (x >>> 16)
  return ~x & 0xffff
}
