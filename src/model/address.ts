// Parsing and formatting of the MAC and IPv4 forms the CLI accepts (reference DECISIONS 8).
// Values are kept in the store in their canonical text forms: MACs as Hyper-V shows them
// (`00155D010203`), addresses as dotted quads, prefixes as `a.b.c.d/len`.

/** Parses `00155D010203`, `00-15-5D-01-02-03` or `00:15:5d:01:02:03`; returns 12 uppercase hex digits. */
export function parseMacText(text: string): string | undefined {
  const t = text.trim()
  let hex: string
  if (/^[0-9a-fA-F]{12}$/.test(t)) hex = t
  else if (/^[0-9a-fA-F]{2}([-:])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/.test(t)) hex = t.replace(/[-:]/g, '')
  else return undefined
  return hex.toUpperCase()
}

/** `00155D010203` → `00-15-5D-01-02-03`, the Get-NetAdapter and trace form. */
export function macDashed(mac: string): string {
  return mac.match(/../g)!.join('-')
}

export function macIsMulticast(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1
}

export function macIsZero(mac: string): boolean {
  return /^0{12}$/.test(mac)
}

/** Dotted quad → uint32, or undefined. Leading zeros are refused (`010.0.0.1` is ambiguous). */
export function parseIpv4(text: string): number | undefined {
  const parts = text.trim().split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined
    const octet = Number(part)
    if (octet > 255) return undefined
    value = value * 256 + octet
  }
  return value
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.')
}

export function prefixMask(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0
}

export interface Cidr {
  address: number
  length: number
}

/** `a.b.c.d/len` → address and length (address not masked), or undefined. */
export function parseCidr(text: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text.trim())
  if (!match) return undefined
  const address = parseIpv4(match[1])
  const length = Number(match[2])
  if (address === undefined || length > 32) return undefined
  return {address, length}
}

export function networkOf(address: number, length: number): number {
  return (address & prefixMask(length)) >>> 0
}

export function formatCidr(address: number, length: number): string {
  return `${formatIpv4(address)}/${length}`
}

export function inPrefix(address: number, network: number, length: number): boolean {
  return networkOf(address, length) === networkOf(network, length)
}

export function prefixesOverlap(a: Cidr, b: Cidr): boolean {
  const length = Math.min(a.length, b.length)
  return networkOf(a.address, length) === networkOf(b.address, length)
}
