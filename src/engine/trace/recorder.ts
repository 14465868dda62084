// The Recorder `hvnet trace` attaches to every engine component: it keeps each step with a copy of
// its frame (engines reuse buffers and a flooded frame is one buffer on many ports) and of its
// changes, in the order the engine reported them, which is virtual-time order. A step about no
// frame (a DHCP client configuring its lease or giving up on DHCP reports an empty one) is kept with
// the frame of the last step at the same place, so it belongs to that exchange. Consecutive steps
// about the same bytes (a flood: the switch's copy to a port, the stack's receipt and its drop, port
// after port) share one copy: a flood to 1,024 ports costs one copy of the frame, not 3,000.
import type {Recorder, Step} from '../observe.js'
import {sameBytes} from './result.js'

/** At most this many steps are kept: a loop guard, far above any real trace (a few dozen steps). */
export const TRACE_STEP_LIMIT = 100_000

export class TraceRecorder implements Recorder {
  private readonly kept: Step[] = []
  private dropped = 0
  /** The last frame copied: the next step with the same bytes shares it (kept frames are never written). */
  private lastCopy: Uint8Array | null = null

  constructor(private readonly limit: number = TRACE_STEP_LIMIT) {}

  step(step: Step): void {
    if (this.kept.length >= this.limit) {
      this.dropped++
      return
    }
    const frame = step.frame.length === 0 ? this.lastFrameAt(step) : this.copyOf(step.frame)
    const copy: Step = step.changes === undefined ? {...step, frame} : {...step, frame, changes: step.changes.map((c) => ({...c}))}
    this.kept.push(copy)
  }

  private copyOf(frame: Uint8Array): Uint8Array {
    if (this.lastCopy !== null && sameBytes(this.lastCopy, frame)) return this.lastCopy
    return (this.lastCopy = frame.slice())
  }

  /** The frame of the last step kept at the step's place (an empty frame when there is none). */
  private lastFrameAt(step: Step): Uint8Array {
    for (let i = this.kept.length - 1; i >= 0; i--) {
      const k = this.kept[i]
      if (k.place.kind === step.place.kind && k.place.name === step.place.name && k.frame.length > 0) return k.frame
    }
    return step.frame.slice()
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
    this.lastCopy = null
  }
}
