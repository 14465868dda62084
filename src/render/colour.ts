// Colours only on a TTY and never with NO_COLOR (https://no-color.org) or FORCE_COLOR=0.
import type {ChalkInstance} from 'chalk'

let instance: ChalkInstance | undefined

export async function colours(): Promise<ChalkInstance> {
  if (instance) return instance
  const {Chalk} = await import('chalk')
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== ''
  const forced = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0'
  const level = noColor ? 0 : forced || process.stdout.isTTY ? 1 : 0
  instance = new Chalk({level})
  return instance
}
