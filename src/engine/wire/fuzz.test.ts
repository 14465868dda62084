// 100,000 random and mutated frames through decodeFrame: nothing but WireError values may come
// out; any thrown exception (typed or not) fails. Seeded, so a failure reproduces.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {decodeFrame, describeFrame, encodeFrame, frameToJson, summarizeFrame} from './frame.js'
import {WireError} from './error.js'
import {arbFrameLayers, hex, loadTestFrames} from './test-support.js'

/** xorshift32: small, seeded, good enough to drive mutations. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s
  }
}

function seedFrames(): Uint8Array[] {
  const out = (loadTestFrames() ?? []).map((f) => hex(f.hex)).filter((b) => b.length <= 1518)
  // Emitted frames: random valid stacks from the codecs' own arbitraries.
  for (const layers of fc.sample(arbFrameLayers, {seed: 4242, numRuns: 200})) out.push(encodeFrame(layers))
  return out
}

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  let b = src.slice()
  const n = 1 + (rnd() % 4)
  for (let k = 0; k < n; k++) {
    switch (rnd() % 6) {
      case 0: // bit flips
        for (let i = 0, m = 1 + (rnd() % 8); i < m && b.length > 0; i++) b[rnd() % b.length] ^= 1 << (rnd() % 8)
        break
      case 1: // truncation
        b = b.subarray(0, rnd() % (b.length + 1))
        break
      case 2: {
        // extension with random bytes
        const e = new Uint8Array(b.length + 1 + (rnd() % 64))
        e.set(b)
        for (let i = b.length; i < e.length; i++) e[i] = rnd()
        b = e
        break
      }
      case 3: // random byte values, biased to the headers where the lengths live
        for (let i = 0, m = 1 + (rnd() % 4); i < m && b.length > 0; i++) b[rnd() % Math.min(b.length, 64)] = rnd()
        break
      case 4: // interesting values in length-like places
        if (b.length > 0) b[rnd() % Math.min(b.length, 64)] = [0, 1, 0x7f, 0x80, 0xff, 0x45, 0x4f, 0x08, 0x06, 0x81][rnd() % 10]
        break
      case 5: // fully random frame
        b = Uint8Array.from({length: rnd() % 1600}, () => rnd())
        break
    }
  }
  return b
}

test('fuzz: 100,000 random and mutated frames never throw out of decodeFrame', () => {
  const seeds = seedFrames()
  assert.ok(seeds.length >= 200)
  const rnd = prng(0x5eed)
  const stopped = new Map<string, number>()
  for (let i = 0; i < 100_000; i++) {
    const input = mutate(seeds[rnd() % seeds.length], rnd)
    let d
    try {
      d = decodeFrame(input, rnd() % 4 === 0 ? {maxFrameLen: 9014} : undefined)
      // Rendering must hold for whatever decoded; run it on a sample to keep the test fast.
      if (i % 10 === 0) {
        summarizeFrame(d)
        describeFrame(d)
        JSON.stringify(frameToJson(d))
      }
    } catch (e) {
      assert.fail(`iteration ${i}: ${String(e)} on ${Buffer.from(input).toString('hex')}`)
    }
    if (d.error !== null) {
      assert.ok(d.error instanceof WireError)
      assert.ok(d.error.offset >= 0 && d.error.offset <= input.length, `offset ${d.error.offset} within ${input.length}`)
      const k = `${d.error.layer}/${d.error.code}`
      stopped.set(k, (stopped.get(k) ?? 0) + 1)
    }
  }
  // The mutations must reach deep layers, not just die at the Ethernet header.
  for (const k of ['ethernet/truncated', 'ipv4/truncated', 'ipv4/bad-version', 'udp/bad-length', 'tcp/malformed', 'dhcp/malformed', 'icmpv4/truncated']) {
    assert.ok((stopped.get(k) ?? 0) > 0, `no frame stopped at ${k}: ${JSON.stringify([...stopped])}`)
  }
})
