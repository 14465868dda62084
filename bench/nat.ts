// NAT core speed and memory (issue 8): outbound translation of 64-byte UDP frames from 1,024 VMs
// over 65,536 live sessions (one core, recorder off), and the session table's bytes per session.
// Figures only; nothing is asserted.
import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'
import {NatCore} from '../src/engine/nat/index.js'
import {natConfig} from '../src/engine/testing/nat.js'
import {Ipv4Packet, UdpPacket, encodeFrame, ipv4Repr} from '../src/engine/wire/index.js'
import {rate} from './support.js'

const VMS = 1024
const PORTS_PER_VM = 8
const DESTINATIONS = 8
const SESSIONS = VMS * PORTS_PER_VM * DESTINATIONS
const BASE = 0xc0a8_0000 // 192.168.0.0/21 holds the 1,024 VMs
const EGRESS = {alias: 'Ethernet', address: 0x0a00_0017} // 10.0.0.23
const ALIAS = 'vEthernet (NATSwitch)'

const NAT = natConfig({name: 'BenchNAT', internalPrefix: {address: BASE, length: 21}, ref: 'nat BenchNAT'})

/**
 * The 65,536 flows' 64-byte frames (14 + 20 + 8 + 22) as the fields that vary between them, in
 * one compact array: what "receiving" a frame into a ring slot writes. Built in one scratch frame
 * (checksums filled by the codecs), so building them leaves no garbage behind to blur the memory figure.
 */
interface Flows {
  readonly template: Uint8Array
  /** 4 words per flow, one cache-line access per frame: source, destination, port << 16 | IPv4 checksum, UDP checksum. */
  readonly words: Uint32Array
}

function flows(): Flows {
  const ip = ipv4Repr({src: BASE + 10, dst: 0x5db8_d801, protocol: 17, ttl: 64, ident: 1, dontFrag: true})
  const template = encodeFrame([{layer: 'ethernet', repr: {dst: 0x00155d000001, src: 0x00155d100000, etherType: 0x0800}}, {layer: 'ipv4', repr: ip}, {layer: 'udp', repr: {srcPort: 50000, dstPort: 443, payload: new Uint8Array(22).fill(7)}}])
  if (template.length !== 64) throw new Error(`bench frame is ${template.length} bytes`)
  const f: Flows = {template, words: new Uint32Array(SESSIONS * 4)}
  const scratch = template.slice()
  const v4 = new Ipv4Packet(scratch, 14, 50)
  const udp = new UdpPacket(scratch, 34, 30)
  let j = 0
  for (let vm = 0; vm < VMS; vm++) {
    for (let k = 0; k < PORTS_PER_VM; k++) {
      for (let d = 0; d < DESTINATIONS; d++) {
        v4.src = BASE + 10 + vm
        v4.dst = 0x5db8_d801 + d // 93.184.216.1-8
        udp.srcPort = 50000 + k
        v4.fillChecksum()
        udp.checksum = 0
        udp.fillChecksum(v4.src, v4.dst)
        f.words[j * 4] = v4.src
        f.words[j * 4 + 1] = v4.dst
        f.words[j * 4 + 2] = (udp.srcPort << 16) | v4.checksum
        f.words[j * 4 + 3] = udp.checksum
        j++
      }
    }
  }
  return f
}

/** Writes flow j's varying fields into a ring slot (an IPv4 packet view of the template). */
function receive(slot: Uint8Array, f: Flows, j: number): void {
  const w = f.words
  const a = w[j * 4]
  const d = w[j * 4 + 1]
  const i = w[j * 4 + 2] & 0xffff
  const sp = w[j * 4 + 2] >>> 16
  const u = w[j * 4 + 3]
  slot[10] = i >>> 8
  slot[11] = i
  slot[12] = a >>> 24
  slot[13] = a >>> 16
  slot[14] = a >>> 8
  slot[15] = a
  slot[16] = d >>> 24
  slot[17] = d >>> 16
  slot[18] = d >>> 8
  slot[19] = d
  slot[20] = sp >>> 8
  slot[21] = sp
  slot[26] = u >>> 8
  slot[27] = u
}

const RING = 256

/** `count` frames of `order` received into the ring and translated; returns how many were translated. */
function translateBatch(nat: NatCore, ring: readonly Uint8Array[], f: Flows, order: Int32Array, count: number, now: number): number {
  let x = 0
  const mask = order.length - 1
  for (let i = 0; i < count; i++) {
    const slot = ring[i & (RING - 1)]
    receive(slot, f, order[i & mask])
    if (nat.outbound(slot, ALIAS, EGRESS, now, null) .kind === 'translated') x++
  }
  return x
}

function receiveBatch(ring: readonly Uint8Array[], f: Flows, order: Int32Array, count: number): number {
  let x = 0
  const mask = order.length - 1
  for (let i = 0; i < count; i++) {
    const slot = ring[i & (RING - 1)]
    receive(slot, f, order[i & mask])
    x += slot[12]
  }
  return x
}

function gcFunction(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc')
    return runInNewContext('gc') as () => void
  } catch {
    return null
  }
}

function used(): number {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

const RATE = {warmUp: 300_000, chunk: 65_536, durationMs: 1500}

export async function run(print: (line: string) => void): Promise<void> {
  const gc = gcFunction()
  const f = flows()
  const ringBuf = new Uint8Array(RING * 64)
  const ring: Uint8Array[] = []
  for (let k = 0; k < RING; k++) {
    ringBuf.set(f.template, k * 64)
    ring.push(ringBuf.subarray(k * 64 + 14, k * 64 + 64))
  }
  const scattered = new Int32Array(SESSIONS)
  for (let i = 0; i < SESSIONS; i++) scattered[i] = (i * 40503) & (SESSIONS - 1)
  const sequential = new Int32Array(SESSIONS)
  for (let i = 0; i < SESSIONS; i++) sequential[i] = i
  // A warm-up NAT compiles the code first, so the memory figure holds only session state.
  const warm = new NatCore([NAT])
  translateBatch(warm, ring, f, scattered, 4096, 0)

  // Memory: heap + array buffers (the tables are typed arrays, which live off-heap).
  gc?.()
  gc?.()
  const before = used()
  const nat = new NatCore([NAT])
  translateBatch(nat, ring, f, sequential, SESSIONS, 0)
  gc?.()
  gc?.()
  const after = used()
  if (nat.sessionCount !== SESSIONS) throw new Error(`${nat.sessionCount} sessions, expected ${SESSIONS}`)
  print(`nat memory per session: ${((after - before) / SESSIONS).toFixed(0)} bytes (target < 200; heapUsed + arrayBuffers delta over ${SESSIONS} sessions, ${VMS} VMs x ${PORTS_PER_VM} ports x ${DESTINATIONS} destinations, ${gc === null ? 'no gc available: raw process.memoryUsage() deltas' : 'after a full gc'}); tables at their capacity ${(nat.tableBytes / SESSIONS).toFixed(0)} bytes/session`)

  // Speed: frames in a scattered order (stride 40503, odd: every session once per 65,536 frames,
  // neighbours far apart, so the tables do not sit in cache), then in session order.
  let now = 1
  const r = rate(RATE, (count) => translateBatch(nat, ring, f, scattered, count, now++))
  const q = rate(RATE, (count) => translateBatch(nat, ring, f, sequential, count, now++))
  const b = rate(RATE, (count) => receiveBatch(ring, f, scattered, count))
  if (nat.sessionCount !== SESSIONS) throw new Error('sessions changed during the run')
  const net = 1 / (1 / r.perCpuSecond - 1 / b.perCpuSecond)
  const m = (x: number): string => (x / 1e6).toFixed(2)
  print(`nat outbound translation, 64-byte UDP frames from ${VMS} VMs over ${SESSIONS} live sessions, scattered order: ${m(r.perCpuSecond)} M frames per CPU-second (${m(net)} M without writing each frame into the ring; ${m(r.perSecond)} M per wall-clock second on this machine now); target >= 8 M; OVS kernel datapath, published per-core NAT figures (≈1–2 Mpps)`)
  print(`nat outbound translation, same frames in session order (the tables stream through the cache): ${m(q.perCpuSecond)} M frames per CPU-second (${m(q.perSecond)} M per wall-clock second)`)
  if (r.sink + q.sink + b.sink === 0.5 || warm.sessionCount === 0) print('(sink)')
}
