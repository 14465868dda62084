// Ethernet II framing (IEEE 802.3-2018 clause 3.1.1 / 3.2.7 for the 60-byte minimum without FCS)
// and one IEEE 802.1Q-2018 tag (9.6: TPID 0x8100, TCI = PCP:3 DEI:1 VID:12).
// Frames are handled without the FCS, as Hyper-V's vSwitch and capture files see them.

import {get16, put16, put48} from './bytes.js'
import {WireError, assertEmitLen} from './error.js'
import type {Mac} from './mac.js'

export const ETH_DST = 0
export const ETH_SRC = 6
export const ETH_TYPE = 12
export const ETH_HEADER_LEN = 14
/** With a tag: TPID at 12, TCI at 14, inner EtherType at 16. */
export const VLAN_TCI = 14
export const VLAN_TYPE = 16
export const VLAN_TAG_LEN = 4
export const ETH_VLAN_HEADER_LEN = ETH_HEADER_LEN + VLAN_TAG_LEN
/** Minimum frame without FCS (64 - 4); shorter frames are padded with zeros on emit. */
export const ETH_MIN_FRAME = 60
/** Maximum frame without FCS for a 1500-byte MTU; a tag adds 4. */
export const ETH_MAX_FRAME = 1514

export const ETHERTYPE_IPV4 = 0x0800
export const ETHERTYPE_ARP = 0x0806
export const ETHERTYPE_VLAN = 0x8100
export const ETHERTYPE_IPV6 = 0x86dd
export const ETHERTYPE_LLDP = 0x88cc

export interface EthernetOptions {
  /**
   * Largest untagged frame accepted or emitted, FCS excluded (default 1514 = MTU 1500 + 14).
   * A jumbo MTU must be allowed explicitly: e.g. 9014 for Hyper-V's "Jumbo Packet 9014".
   * A tagged frame may be 4 bytes longer.
   */
  maxFrameLen?: number
}

function maxFrameLen(opts: EthernetOptions): number {
  return opts.maxFrameLen ?? ETH_MAX_FRAME
}

export interface VlanTag {
  readonly pcp: number
  readonly dei: boolean
  readonly vid: number
}

export interface EthernetRepr {
  readonly dst: Mac
  readonly src: Mac
  /** The 802.1Q tag, when the frame carries one. */
  readonly vlan?: VlanTag
  /** EtherType of the payload (the inner one when tagged); unknown values are kept. */
  readonly etherType: number
}

/** A view over an Ethernet II frame, optionally 802.1Q-tagged, at buf[off, off + len). */
export class EthernetFrame {
  // `declare`d fields assigned in the constructor, and no default parameters: with ES2022 class
  // fields a plain declaration compiles to define-then-assign, and both cost bytecode that counts
  // against V8's inlining budget on the header path (bench/wire.ts). Use checked() for defaults.
  declare readonly buf: Uint8Array
  declare readonly off: number
  declare readonly len: number
  constructor(buf: Uint8Array, off: number, len: number) {
    this.buf = buf
    this.off = off
    this.len = len
  }

  /** Checked constructor for untrusted bytes. */
  static checked(buf: Uint8Array, off = 0, len = buf.length - off, opts?: EthernetOptions): EthernetFrame | WireError {
    const f = new EthernetFrame(buf, off, len)
    const e = f.checkLen(opts)
    return e === null ? f : e
  }

  /**
   * After null, every getter reads in bounds. Frames under 60 bytes are accepted (captures strip
   * padding). The accepting path is kept tiny so V8 inlines it into the switch's loop; the
   * reasons for a rejection are worked out in lenError, off the hot path.
   */
  checkLen(opts?: EthernetOptions): WireError | null {
    const b = this.buf
    const o = this.off
    const n = this.len
    if (o >= 0 && n >= ETH_HEADER_LEN && o + n <= b.length) {
      const tag = b[o + 12] === 0x81 && b[o + 13] === 0 ? VLAN_TAG_LEN : 0
      if (n >= ETH_HEADER_LEN + tag && n <= (opts === undefined ? ETH_MAX_FRAME : maxFrameLen(opts)) + tag) return null
    }
    return this.lenError(opts)
  }

  private lenError(opts?: EthernetOptions): WireError {
    const {buf, off, len} = this
    if (off < 0 || len < 0 || off + len > buf.length) return new WireError('ethernet', 'truncated', off, 'view exceeds the buffer')
    if (len < ETH_HEADER_LEN) return new WireError('ethernet', 'truncated', off + len, `frame of ${len} bytes is shorter than the 14-byte header`)
    const tagged = get16(buf, off + ETH_TYPE) === ETHERTYPE_VLAN
    if (tagged && len < ETH_VLAN_HEADER_LEN) return new WireError('vlan', 'truncated', off + len, `tagged frame of ${len} bytes is shorter than the 18-byte header`)
    const max = (opts?.maxFrameLen ?? ETH_MAX_FRAME) + (tagged ? VLAN_TAG_LEN : 0)
    return new WireError('ethernet', 'bad-length', off + max, `frame of ${len} bytes exceeds the ${max}-byte maximum; a jumbo MTU must be allowed explicitly`)
  }

  get dst(): Mac {
    const b = this.buf
    const o = this.off
    return ((b[o] << 8) | b[o + 1]) * 0x1_0000_0000 + (((b[o + 2] << 24) | (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5]) >>> 0)
  }
  set dst(v: Mac) {
    put48(this.buf, this.off + ETH_DST, v)
  }
  get src(): Mac {
    const b = this.buf
    const o = this.off + 6
    return ((b[o] << 8) | b[o + 1]) * 0x1_0000_0000 + (((b[o + 2] << 24) | (b[o + 3] << 16) | (b[o + 4] << 8) | b[o + 5]) >>> 0)
  }
  set src(v: Mac) {
    put48(this.buf, this.off + ETH_SRC, v)
  }
  // Getters read bytes directly rather than through each other: small bytecode keeps the whole
  // Ethernet+IPv4+UDP header path within V8's inlining budget (bench/wire.ts).
  get isTagged(): boolean {
    const o = this.off + 12
    return this.buf[o] === 0x81 && this.buf[o + 1] === 0
  }
  /** Tag control information (0 when untagged). */
  get tci(): number {
    const b = this.buf
    const o = this.off + 12
    return b[o] === 0x81 && b[o + 1] === 0 ? (b[o + 2] << 8) | b[o + 3] : 0
  }
  get pcp(): number {
    return this.tci >>> 13
  }
  get dei(): boolean {
    return (this.tci & 0x1000) !== 0
  }
  /** VLAN id, 0 when untagged or priority-tagged. */
  get vid(): number {
    const b = this.buf
    const o = this.off + 12
    return b[o] === 0x81 && b[o + 1] === 0 ? ((b[o + 2] & 0x0f) << 8) | b[o + 3] : 0
  }
  /** EtherType of the payload: the inner one when tagged. */
  get etherType(): number {
    const b = this.buf
    const o = this.off + 12
    return b[o] === 0x81 && b[o + 1] === 0 ? (b[o + 4] << 8) | b[o + 5] : (b[o] << 8) | b[o + 1]
  }
  set etherType(v: number) {
    put16(this.buf, this.off + (this.isTagged ? VLAN_TYPE : ETH_TYPE), v)
  }
  get headerLen(): number {
    return this.isTagged ? ETH_VLAN_HEADER_LEN : ETH_HEADER_LEN
  }
  /** Absolute offset of the payload in buf. */
  get payloadOffset(): number {
    return this.off + (this.isTagged ? ETH_VLAN_HEADER_LEN : ETH_HEADER_LEN)
  }
  /** Bytes after the header, padding included (the upper layer's length bounds the real payload). */
  get payloadLen(): number {
    return this.len - (this.isTagged ? ETH_VLAN_HEADER_LEN : ETH_HEADER_LEN)
  }
  payload(): Uint8Array {
    return this.buf.subarray(this.payloadOffset, this.off + this.len)
  }
}

export function parseEthernet(f: EthernetFrame): EthernetRepr {
  return f.isTagged ? {dst: f.dst, src: f.src, vlan: {pcp: f.pcp, dei: f.dei, vid: f.vid}, etherType: f.etherType} : {dst: f.dst, src: f.src, etherType: f.etherType}
}

export function ethernetHeaderLen(r: EthernetRepr): number {
  return r.vlan ? ETH_VLAN_HEADER_LEN : ETH_HEADER_LEN
}

/** Whole frame length for a payload of payloadLen: header + payload, padded to 60. */
export function ethernetBufferLen(r: EthernetRepr, payloadLen: number): number {
  return Math.max(ETH_MIN_FRAME, ethernetHeaderLen(r) + payloadLen)
}

/**
 * Writes the header and zeroes the padding after header + payloadLen; the caller writes the
 * payload into `f.payload()`. The view must be exactly ethernetBufferLen(r, payloadLen) bytes.
 */
export function emitEthernet(r: EthernetRepr, f: EthernetFrame, payloadLen: number, opts?: EthernetOptions): void {
  const need = ethernetBufferLen(r, payloadLen)
  assertEmitLen('ethernet', f.len, need)
  const max = (opts?.maxFrameLen ?? ETH_MAX_FRAME) + (r.vlan ? VLAN_TAG_LEN : 0)
  if (need > max) throw new RangeError(`ethernet: frame of ${need} bytes exceeds ${max}`)
  const {buf, off} = f
  put48(buf, off + ETH_DST, r.dst)
  put48(buf, off + ETH_SRC, r.src)
  if (r.vlan) {
    put16(buf, off + ETH_TYPE, ETHERTYPE_VLAN)
    put16(buf, off + VLAN_TCI, tciOf(r.vlan))
    put16(buf, off + VLAN_TYPE, r.etherType)
  } else {
    put16(buf, off + ETH_TYPE, r.etherType)
  }
  buf.fill(0, off + ethernetHeaderLen(r) + payloadLen, off + need)
}

export function tciOf(t: VlanTag): number {
  return ((t.pcp & 7) << 13) | (t.dei ? 0x1000 : 0) | (t.vid & 0x0fff)
}

/** The 802.1Q tag of a frame, null when untagged, a WireError when too short to tell. */
export function readVlanTag(frame: Uint8Array): VlanTag | null | WireError {
  if (frame.length < ETH_HEADER_LEN) return new WireError('ethernet', 'truncated', frame.length, 'shorter than an Ethernet header')
  if (get16(frame, ETH_TYPE) !== ETHERTYPE_VLAN) return null
  if (frame.length < ETH_VLAN_HEADER_LEN) return new WireError('vlan', 'truncated', frame.length, 'shorter than a tagged header')
  const tci = get16(frame, VLAN_TCI)
  return {pcp: tci >>> 13, dei: (tci & 0x1000) !== 0, vid: tci & 0x0fff}
}

/**
 * Returns a new frame with `tag` inserted after the source MAC (a trunk port's egress).
 * An already tagged frame gets its tag replaced, not stacked (Hyper-V does not do QinQ).
 */
export function pushVlan(frame: Uint8Array, tag: VlanTag): Uint8Array | WireError {
  const cur = readVlanTag(frame)
  if (cur instanceof WireError) return cur
  if (cur !== null) {
    const out = frame.slice()
    put16(out, VLAN_TCI, tciOf(tag))
    return out
  }
  const out = new Uint8Array(frame.length + VLAN_TAG_LEN)
  out.set(frame.subarray(0, ETH_TYPE), 0)
  put16(out, ETH_TYPE, ETHERTYPE_VLAN)
  put16(out, VLAN_TCI, tciOf(tag))
  out.set(frame.subarray(ETH_TYPE), VLAN_TYPE)
  return out
}

/**
 * Returns the frame without its tag and the tag removed (null when untagged: the frame is
 * returned as is). The result is re-padded to 60 bytes if removing the tag made it shorter.
 */
export function popVlan(frame: Uint8Array): {frame: Uint8Array; tag: VlanTag | null} | WireError {
  const cur = readVlanTag(frame)
  if (cur instanceof WireError) return cur
  if (cur === null) return {frame, tag: null}
  const inner = frame.length - VLAN_TAG_LEN
  const out = new Uint8Array(Math.max(inner, frame.length >= ETH_MIN_FRAME ? ETH_MIN_FRAME : inner))
  out.set(frame.subarray(0, ETH_TYPE), 0)
  out.set(frame.subarray(VLAN_TYPE), ETH_TYPE)
  return {frame: out, tag: cur}
}

export function formatEtherType(t: number): string {
  switch (t) {
    case ETHERTYPE_IPV4:
      return 'IPv4'
    case ETHERTYPE_ARP:
      return 'ARP'
    case ETHERTYPE_VLAN:
      return '802.1Q'
    case ETHERTYPE_IPV6:
      return 'IPv6'
    default:
      return '0x' + t.toString(16).padStart(4, '0')
  }
}
