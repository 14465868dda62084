// The smallest DNS server a simulated guest needs: RFC 1035 section 4.1 (header, question, answer
// resource record; name compression with a pointer to offset 12 for the answer's name). One
// question per query, class IN. An A query is answered from `resolve`; any other type gets an
// empty NOERROR answer (NODATA); a name `resolve` does not know gets NXDOMAIN (rcode 3).
import {get16, put16, put32} from '../wire/index.js'
import type {Ipv4Address} from '../wire/index.js'

export const DNS_PORT = 53
export const DNS_TYPE_A = 1
export const DNS_CLASS_IN = 1
/** The answer's TTL in seconds. */
export const DNS_ANSWER_TTL = 300

export interface DnsQuestion {
  readonly id: number
  /** Lower-case, dot-separated, without the trailing dot. */
  readonly name: string
  readonly type: number
  readonly cls: number
  /** Recursion desired, copied into the answer. */
  readonly rd: boolean
  /** End of the question section in the message. */
  readonly end: number
}

/** The first question of a standard query, or a short reason it is not one. */
export function parseDnsQuery(m: Uint8Array): DnsQuestion | string {
  if (m.length < 12) return `a DNS message of ${m.length} bytes is shorter than the 12-byte header`
  const flags = get16(m, 2)
  if ((flags & 0x8000) !== 0) return 'a DNS response, not a query'
  if (((flags >>> 11) & 0xf) !== 0) return `DNS opcode ${(flags >>> 11) & 0xf} is not a standard query`
  if (get16(m, 4) !== 1) return `a DNS query with ${get16(m, 4)} questions (one is supported)`
  const labels: string[] = []
  let i = 12
  for (;;) {
    if (i >= m.length) return 'the question name runs past the message'
    const l = m[i]
    if (l === 0) {
      i++
      break
    }
    if (l > 63) return 'a compressed or invalid label in the question name'
    if (i + 1 + l > m.length) return 'the question name runs past the message'
    let s = ''
    for (let j = i + 1; j < i + 1 + l; j++) s += String.fromCharCode(m[j])
    labels.push(s.toLowerCase())
    i += 1 + l
  }
  if (i + 4 > m.length) return 'the question has no type and class'
  return {id: get16(m, 0), name: labels.join('.'), type: get16(m, i), cls: get16(m, i + 2), rd: (flags & 0x0100) !== 0, end: i + 4}
}

/** The response to `q` (question copied from `query`): one A record when `address` is given. */
export function dnsAnswer(query: Uint8Array, q: DnsQuestion, address: Ipv4Address | null, nxdomain: boolean): Uint8Array {
  const withAnswer = address !== null && !nxdomain
  const out = new Uint8Array(q.end + (withAnswer ? 16 : 0))
  out.set(query.subarray(0, q.end))
  // QR, the opcode (0), RD copied, RA; rcode 3 for NXDOMAIN.
  put16(out, 2, 0x8080 | (q.rd ? 0x0100 : 0) | (nxdomain ? 3 : 0))
  put16(out, 4, 1)
  put16(out, 6, withAnswer ? 1 : 0)
  put16(out, 8, 0)
  put16(out, 10, 0)
  if (withAnswer) {
    const a = q.end
    put16(out, a, 0xc00c)
    put16(out, a + 2, DNS_TYPE_A)
    put16(out, a + 4, DNS_CLASS_IN)
    put32(out, a + 6, DNS_ANSWER_TTL)
    put16(out, a + 10, 4)
    put32(out, a + 12, address)
  }
  return out
}

/** A standard A query for `name` (what a guest's resolver sends). */
export function dnsQuery(id: number, name: string): Uint8Array {
  const labels = name.split('.').filter((l) => l !== '')
  const len = 12 + labels.reduce((n, l) => n + 1 + l.length, 0) + 1 + 4
  const out = new Uint8Array(len)
  put16(out, 0, id)
  put16(out, 2, 0x0100)
  put16(out, 4, 1)
  let i = 12
  for (const l of labels) {
    out[i++] = l.length
    for (let j = 0; j < l.length; j++) out[i++] = l.charCodeAt(j)
  }
  out[i++] = 0
  put16(out, i, DNS_TYPE_A)
  put16(out, i + 2, DNS_CLASS_IN)
  return out
}

/** The A record of a response, or null (NXDOMAIN, no answer, not a response). */
export function dnsAnswerAddress(m: Uint8Array): Ipv4Address | null {
  if (m.length < 12 || (get16(m, 2) & 0x8000) === 0 || (get16(m, 2) & 0xf) !== 0 || get16(m, 6) === 0) return null
  let i = 12
  while (i < m.length && m[i] !== 0) i += 1 + m[i]
  i += 5
  // First answer: a pointer (2 bytes) or a name, then type, class, TTL, length, data.
  if (i < m.length && (m[i] & 0xc0) === 0xc0) i += 2
  else {
    while (i < m.length && m[i] !== 0) i += 1 + m[i]
    i++
  }
  if (i + 14 > m.length || get16(m, i) !== DNS_TYPE_A || get16(m, i + 8) !== 4) return null
  return ((m[i + 10] << 24) | (m[i + 11] << 16) | (m[i + 12] << 8) | m[i + 13]) >>> 0
}
