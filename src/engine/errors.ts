// The one error the engine throws on purpose: an input it cannot run. The engine is built from a
// configuration snapshot and driven by injections; when a snapshot's references do not resolve (a
// store edited by hand) or an injection names what the network does not have, the engine says so
// in a sentence for a person and a fix. The CLI reports it as any rule error (HvnetError's
// contract: `store-invalid` for a configuration, `invalid-value` for an injection; exit 1).
export class EngineInputError extends Error {
  /** `configuration`: the snapshot cannot run. `injection`: a trace asked for what is not there. */
  readonly kind: 'configuration' | 'injection'
  /** One sentence that tells the user what to do instead. */
  readonly fix: string

  constructor(kind: 'configuration' | 'injection', message: string, fix: string) {
    super(message)
    this.name = 'EngineInputError'
    this.kind = kind
    this.fix = fix
  }
}
