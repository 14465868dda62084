// Where commands write. The binary writes to the process's streams; in-process tests swap in a
// buffer. (Stubbing process.stdout instead would also swallow the test runner's own report.)
export interface OutputSink {
  out(text: string): void
  err(text: string): void
}

const processSink: OutputSink = {
  err: (text) => process.stderr.write(text),
  out: (text) => process.stdout.write(text),
}

let current: OutputSink = processSink

export function output(): OutputSink {
  return current
}

/** Redirects command output until the returned function is called. */
export function redirectOutput(sink: OutputSink): () => void {
  const previous = current
  current = sink
  return () => {
    current = previous
  }
}
