// The detail levels of `hvnet trace` (src/render/trace.ts renders them), apart so that the command's
// flags do not load the renderer: a `--json` trace never renders text.
export type TraceDetail = 'full' | 'default' | 'summary' | 'minimal'
export const TRACE_DETAILS: readonly TraceDetail[] = ['full', 'default', 'summary', 'minimal']
