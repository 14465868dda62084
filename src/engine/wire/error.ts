// The validation contract of src/engine/wire, written once for every codec here.
//
// 1. Untrusted bytes go through a checked constructor (`XxxPacket.checked(buf, off, len)`) or
//    through `view.checkLen()`; after it returns no WireError, every getter of that view reads
//    inside [off, off + len) and never throws. Unchecked views are for bytes this process emitted.
// 2. `parseXxx(view) -> XxxRepr | WireError`: parsing never throws and never reads past the
//    buffer. Errors are *returned* as WireError instances; callers test `x instanceof WireError`
//    (or `isWireError(x)`). WireError deliberately does not extend Error: building one captures no
//    stack, so rejecting a malformed frame on the hot path costs an allocation, not a stack walk.
// 3. `emitXxx(repr, view)` needs a view of exactly `xxxBufferLen(repr)` bytes and fills every byte
//    of it (checksums included). It throws a RangeError only on a programming error (wrong size).
// 4. Unknown wire values (EtherType, IP protocol, ICMP type, option kinds) are kept as numbers or
//    raw bytes and round-trip; they are not errors.

export type WireErrorCode =
  | 'truncated' // fewer bytes present than a header or a length field requires
  | 'bad-length' // a length field is impossible (IHL < 5, UDP length < 8, frame over the MTU ...)
  | 'bad-checksum'
  | 'bad-version'
  | 'unsupported' // well-formed but outside what the codec handles (ARP for non-Ethernet/IPv4)
  | 'malformed' // structurally wrong (option overruns, missing DHCP magic cookie ...)
  | 'bad-syntax' // text input (a MAC or an IPv4 address typed by a user) does not parse

export type WireLayer =
  | 'ethernet'
  | 'vlan'
  | 'arp'
  | 'ipv4'
  | 'icmpv4'
  | 'udp'
  | 'tcp'
  | 'dhcp'
  | 'pcap'
  | 'pcapng'
  | 'mac'
  | 'ipv4-address'

export class WireError {
  /** Absolute offset into the buffer handed to the parser where the problem was found. */
  constructor(
    readonly layer: WireLayer,
    readonly code: WireErrorCode,
    readonly offset: number,
    readonly message: string,
  ) {}

  toString(): string {
    return `${this.layer}: ${this.code} at offset ${this.offset}: ${this.message}`
  }

  toJSON(): {layer: WireLayer; code: WireErrorCode; offset: number; message: string} {
    return {layer: this.layer, code: this.code, offset: this.offset, message: this.message}
  }
}

export function isWireError(x: unknown): x is WireError {
  return x instanceof WireError
}

/** Throws a RangeError: emission was handed a buffer that is not exactly `bufferLen` bytes. */
export function assertEmitLen(what: string, have: number, need: number): void {
  if (have !== need) throw new RangeError(`${what}: emit needs exactly ${need} bytes, got ${have}`)
}
