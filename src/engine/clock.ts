// The engine's only notion of time: a virtual clock driving a discrete-event scheduler (STYLE 5).
// No wall clock, no randomness: the same inputs give the same events at the same virtual times.
// Times are milliseconds as numbers (fractions allowed: a switch hop costs microseconds).
// Events at the same time run in the order they were scheduled (a sequence number breaks ties).

export type TimeMs = number

interface Event {
  at: TimeMs
  seq: number
  run: () => void
}

/** Why `run` returned: nothing left to do, the time limit, or the event budget (a loop guard). */
export type RunOutcome = 'idle' | 'until' | 'budget'

export class Scheduler {
  private nowMs: TimeMs
  private seq = 0
  /** A binary min-heap on (at, seq). */
  private readonly heap: Event[] = []

  constructor(startMs: TimeMs = 0) {
    this.nowMs = startMs
  }

  get now(): TimeMs {
    return this.nowMs
  }

  get pending(): number {
    return this.heap.length
  }

  /** The virtual time of the next event, null when none is scheduled (a trace stops when nothing more can happen). */
  get nextAt(): TimeMs | null {
    return this.heap.length === 0 ? null : this.heap[0].at
  }

  /** Runs `fn` after `delayMs` (>= 0) of virtual time. */
  after(delayMs: TimeMs, fn: () => void): void {
    if (!(delayMs >= 0)) throw new RangeError(`Scheduler.after: delay ${delayMs} must be >= 0`)
    this.push({at: this.nowMs + delayMs, run: fn, seq: this.seq++})
  }

  /** Runs `fn` at absolute virtual time `atMs` (not before now). */
  at(atMs: TimeMs, fn: () => void): void {
    this.push({at: Math.max(atMs, this.nowMs), run: fn, seq: this.seq++})
  }

  /**
   * Runs events in time order until none is left, the next is later than `untilMs`, or
   * `maxEvents` have run. With `untilMs`, the clock ends at `untilMs` (time passes even when idle).
   */
  run(options: {untilMs?: TimeMs; maxEvents?: number} = {}): RunOutcome {
    const until = options.untilMs ?? Infinity
    let budget = options.maxEvents ?? 1_000_000
    while (this.heap.length > 0) {
      if (this.heap[0].at > until) {
        this.nowMs = until
        return 'until'
      }
      if (budget-- <= 0) return 'budget'
      const event = this.pop()
      this.nowMs = event.at
      event.run()
    }
    if (until !== Infinity && until > this.nowMs) this.nowMs = until
    return options.untilMs === undefined ? 'idle' : 'until'
  }

  /** Moves the clock forward by `ms`, running every event due meanwhile (`runtime advance 90s`). */
  advance(ms: TimeMs): RunOutcome {
    return this.run({untilMs: this.nowMs + ms})
  }

  private push(e: Event): void {
    const h = this.heap
    h.push(e)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(h[i], h[parent])) break
      ;[h[i], h[parent]] = [h[parent], h[i]]
      i = parent
    }
  }

  private pop(): Event {
    const h = this.heap
    const top = h[0]
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && before(h[l], h[m])) m = l
        if (r < h.length && before(h[r], h[m])) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m], h[i]]
        i = m
      }
    }
    return top
  }
}

function before(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}

/**
 * Virtual latencies of the simulated links, so traces show plausible round-trip times and the
 * order of events is the order of a real network. Deliberately round numbers: they are a model.
 */
export const LATENCY = {
  /** Through a Hyper-V switch (VMBus hop) to a port's endpoint. */
  switchHopMs: 0.05,
  /** A guest or the host IP stack turning a packet around. */
  stackMs: 0.02,
  /** The physical LAN beyond an adapter, one way. */
  lanMs: 0.5,
  /** The LAN's router to an internet host, one way. */
  internetMs: 10,
} as const
