// The Recorder `hvnet trace` attaches to every engine component: it keeps each step with a copy of
// its frame (engines reuse buffers and a flooded frame is one buffer on many ports) and of its
// changes, in the order the engine reported them, which is virtual-time order. A step about no
// frame (a DHCP client configuring its lease reports an empty one) is kept with the frame of the
// step before it at the same place, so it stays in that hop.
import type {Recorder, Step} from '../observe.js'

/** At most this many steps are kept: a loop guard, far above any real trace (a few dozen steps). */
export const TRACE_STEP_LIMIT = 100_000

export class TraceRecorder implements Recorder {
  private readonly kept: Step[] = []
  private dropped = 0

  constructor(private readonly limit: number = TRACE_STEP_LIMIT) {}

  step(step: Step): void {
    if (this.kept.length >= this.limit) {
      this.dropped++
      return
    }
    const prev = this.kept[this.kept.length - 1]
    const frame = step.frame.length === 0 && prev !== undefined && prev.place.kind === step.place.kind && prev.place.name === step.place.name ? prev.frame : step.frame.slice()
    const copy: Step = step.changes === undefined ? {...step, frame} : {...step, frame, changes: step.changes.map((c) => ({...c}))}
    this.kept.push(copy)
  }

  /** Every step kept, in the order reported. */
  get steps(): readonly Step[] {
    return this.kept
  }

  /** Steps reported after the limit was reached (and not kept). */
  get overflow(): number {
    return this.dropped
  }

  /** Forgets every step (one recorder can serve several traces on one network). */
  clear(): void {
    this.kept.length = 0
    this.dropped = 0
  }
}
