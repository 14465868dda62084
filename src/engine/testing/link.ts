// A wire between interfaces for the stack tests: no switch, just delivery after a latency, with
// every frame kept (time, sender, bytes) so tests can assert what crossed it.
import {LATENCY} from '../clock.js'
import type {Scheduler, TimeMs} from '../clock.js'
import type {FrameSink} from '../observe.js'

export interface Endpoint {
  readonly alias: string
  sink: FrameSink | null
  receive(frame: Uint8Array): void
}

export interface Captured {
  readonly timeMs: TimeMs
  /** The alias of the interface that sent it. */
  readonly from: string
  readonly frame: Uint8Array
}

/** Connects endpoints as on a hub: every frame one sends reaches all the others (a copy each). */
export class TestLink {
  readonly frames: Captured[] = []
  private readonly ends: Endpoint[] = []

  constructor(
    private readonly scheduler: Scheduler,
    private readonly latencyMs: TimeMs = LATENCY.switchHopMs,
  ) {}

  attach(...ends: Endpoint[]): this {
    for (const e of ends) {
      this.ends.push(e)
      e.sink = {receive: (frame) => this.send(e, frame)}
    }
    return this
  }

  private send(from: Endpoint, frame: Uint8Array): void {
    const copy = frame.slice()
    this.frames.push({timeMs: this.scheduler.now, from: from.alias, frame: copy})
    for (const e of this.ends) if (e !== from) this.scheduler.after(this.latencyMs, () => e.receive(copy))
  }

  /** Frames sent by `alias`. */
  from(alias: string): Captured[] {
    return this.frames.filter((f) => f.from === alias)
  }
}
