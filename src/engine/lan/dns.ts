// The little DNS the simulated world speaks: RFC 1035 4.1.1 (header), 4.1.2 (question), 4.1.3
// (resource record), 4.1.4 (a compression pointer to the question's name in the answer), 3.1
// (labels of at most 63 octets, a name of at most 255). One question per message, class IN;
// queries carry no compression pointers (RFC 1035 compresses answers, not questions).
// Works on UDP payloads; untrusted bytes come back as `{error}` and never throw.
import {get16, put16, put32} from '../wire/bytes.js'
import type {Ipv4Address} from '../wire/ipv4-address.js'

export const DNS_PORT = 53
export const DNS_HEADER_LEN = 12
const DNS_ID = 0
const DNS_FLAGS = 2
const DNS_QDCOUNT = 4
const DNS_ANCOUNT = 6

export const DNS_TYPE_A = 1
export const DNS_TYPE_AAAA = 28
export const DNS_CLASS_IN = 1

export const DNS_RCODE_NOERROR = 0
export const DNS_RCODE_FORMERR = 1
export const DNS_RCODE_NXDOMAIN = 3
export const DNS_RCODE_NOTIMP = 4

const FLAG_QR = 0x8000
const FLAG_AA = 0x0400
const FLAG_RD = 0x0100
const FLAG_RA = 0x0080

export interface DnsQuery {
  readonly id: number
  /** Header opcode (0 = standard query). */
  readonly opcode: number
  readonly recursionDesired: boolean
  /** Lower-case, without the trailing dot (`example.com`); `` for the root. */
  readonly name: string
  readonly qtype: number
  readonly qclass: number
  /** The question section as received: an answer repeats it byte for byte. */
  readonly question: Uint8Array
}

export interface DnsResponse {
  readonly id: number
  readonly rcode: number
  readonly name: string
  readonly qtype: number
  /** The A records' addresses, in order. */
  readonly addresses: readonly Ipv4Address[]
}

export interface DnsError {
  readonly error: string
}

/** A query (QR clear) with exactly one question. */
export function parseDnsQuery(b: Uint8Array): DnsQuery | DnsError {
  if (b.length < DNS_HEADER_LEN) return {error: `${b.length} bytes is shorter than the 12-byte DNS header`}
  const flags = get16(b, DNS_FLAGS)
  if ((flags & FLAG_QR) !== 0) return {error: 'a DNS response, not a query'}
  const qd = get16(b, DNS_QDCOUNT)
  if (qd !== 1) return {error: `${qd} questions (a query carries one)`}
  const q = readQuestion(b, DNS_HEADER_LEN)
  if ('error' in q) return q
  return {
    id: get16(b, DNS_ID),
    opcode: (flags >>> 11) & 0xf,
    recursionDesired: (flags & FLAG_RD) !== 0,
    name: q.name,
    qtype: q.qtype,
    qclass: q.qclass,
    question: b.slice(DNS_HEADER_LEN, q.end),
  }
}

/** A standard recursive query for `name`. */
export function emitDnsQuery(id: number, name: string, qtype = DNS_TYPE_A): Uint8Array {
  const qname = encodeName(name)
  const out = new Uint8Array(DNS_HEADER_LEN + qname.length + 4)
  put16(out, DNS_ID, id)
  put16(out, DNS_FLAGS, FLAG_RD)
  put16(out, DNS_QDCOUNT, 1)
  out.set(qname, DNS_HEADER_LEN)
  put16(out, DNS_HEADER_LEN + qname.length, qtype)
  put16(out, DNS_HEADER_LEN + qname.length + 2, DNS_CLASS_IN)
  return out
}

/**
 * The response to `q`: its question repeated, then one A record per address, each naming the
 * question by a pointer to offset 12 (RFC 1035 4.1.4). `authoritative` sets AA.
 */
export function emitDnsResponse(q: DnsQuery, rcode: number, addresses: readonly Ipv4Address[], ttlS: number, authoritative = false): Uint8Array {
  const rrLen = 16
  const out = new Uint8Array(DNS_HEADER_LEN + q.question.length + addresses.length * rrLen)
  put16(out, DNS_ID, q.id)
  put16(out, DNS_FLAGS, FLAG_QR | ((q.opcode & 0xf) << 11) | (authoritative ? FLAG_AA : 0) | (q.recursionDesired ? FLAG_RD : 0) | FLAG_RA | (rcode & 0xf))
  put16(out, DNS_QDCOUNT, 1)
  put16(out, DNS_ANCOUNT, addresses.length)
  out.set(q.question, DNS_HEADER_LEN)
  let o = DNS_HEADER_LEN + q.question.length
  for (const a of addresses) {
    put16(out, o, 0xc000 | DNS_HEADER_LEN)
    put16(out, o + 2, DNS_TYPE_A)
    put16(out, o + 4, DNS_CLASS_IN)
    put32(out, o + 6, ttlS)
    put16(out, o + 10, 4)
    put32(out, o + 12, a)
    o += rrLen
  }
  return out
}

/** Reads a response: its rcode and the A records of its answer section (other types skipped). */
export function parseDnsResponse(b: Uint8Array): DnsResponse | DnsError {
  if (b.length < DNS_HEADER_LEN) return {error: `${b.length} bytes is shorter than the 12-byte DNS header`}
  const flags = get16(b, DNS_FLAGS)
  if ((flags & FLAG_QR) === 0) return {error: 'a DNS query, not a response'}
  if (get16(b, DNS_QDCOUNT) !== 1) return {error: 'a response must repeat exactly one question'}
  const q = readQuestion(b, DNS_HEADER_LEN)
  if ('error' in q) return q
  const addresses: Ipv4Address[] = []
  let o = q.end
  for (let i = get16(b, DNS_ANCOUNT); i > 0; i--) {
    const afterName = skipName(b, o)
    if (afterName < 0 || afterName + 10 > b.length) return {error: `answer record at offset ${o} is truncated`}
    const type = get16(b, afterName)
    const rdLen = get16(b, afterName + 8)
    const rd = afterName + 10
    if (rd + rdLen > b.length) return {error: `answer record at offset ${o} claims ${rdLen} bytes of data`}
    if (type === DNS_TYPE_A && rdLen === 4) addresses.push(((b[rd] << 24) | (b[rd + 1] << 16) | (b[rd + 2] << 8) | b[rd + 3]) >>> 0)
    o = rd + rdLen
  }
  return {id: get16(b, DNS_ID), rcode: flags & 0xf, name: q.name, qtype: q.qtype, addresses}
}

export function dnsTypeName(t: number): string {
  return t === DNS_TYPE_A ? 'A' : t === DNS_TYPE_AAAA ? 'AAAA' : t === 5 ? 'CNAME' : t === 15 ? 'MX' : t === 16 ? 'TXT' : t === 12 ? 'PTR' : `type ${t}`
}

function readQuestion(b: Uint8Array, start: number): {name: string; qtype: number; qclass: number; end: number} | DnsError {
  const labels: string[] = []
  let o = start
  let nameLen = 1
  for (;;) {
    if (o >= b.length) return {error: 'the question name runs past the message'}
    const n = b[o]
    if (n === 0) break
    if ((n & 0xc0) !== 0) return {error: `label at offset ${o} is a compression pointer or reserved form (0x${n.toString(16)}); a question spells its name out`}
    if (o + 1 + n > b.length) return {error: `label at offset ${o} runs past the message`}
    nameLen += n + 1
    if (nameLen > 255) return {error: 'the question name is longer than 255 octets'}
    let label = ''
    for (let i = o + 1; i <= o + n; i++) label += String.fromCharCode(b[i])
    labels.push(label.toLowerCase())
    o += n + 1
  }
  o += 1
  if (o + 4 > b.length) return {error: 'the question is missing its type and class'}
  return {name: labels.join('.'), qtype: get16(b, o), qclass: get16(b, o + 2), end: o + 4}
}

/** Offset after a possibly compressed name, or -1. */
function skipName(b: Uint8Array, o: number): number {
  while (o < b.length) {
    const n = b[o]
    if (n === 0) return o + 1
    if ((n & 0xc0) === 0xc0) return o + 2 <= b.length ? o + 2 : -1
    if ((n & 0xc0) !== 0) return -1
    o += n + 1
  }
  return -1
}

function encodeName(name: string): Uint8Array {
  const labels = name.replace(/\.$/, '').split('.').filter((l) => l.length > 0)
  const bytes: number[] = []
  for (const l of labels) {
    if (l.length > 63) throw new RangeError(`DNS label "${l}" is longer than 63 octets`)
    bytes.push(l.length)
    for (let i = 0; i < l.length; i++) bytes.push(l.charCodeAt(i) & 0xff)
  }
  bytes.push(0)
  if (bytes.length > 255) throw new RangeError(`DNS name "${name}" is longer than 255 octets`)
  return Uint8Array.from(bytes)
}
