// `hvnet trace` without the network: the recorder it attaches, the JSON result it prints, the
// expectation that gives its exit status, and the pcapng of every frame on every link.
export * from './recorder.js'
export * from './expect.js'
export {TRACE_SCHEMA_VERSION, PLACE_KINDS, STEP_ACTIONS, analyzeTrace, buildTraceResult, flowToJson, groupHops, roundMs, traceExitCode} from './result.js'
export type {AnalyzedHop, Direction, Preliminary, TraceExpectation, TraceFlow, TraceFlowSpec, TraceHop, TraceInput, TraceResult, TraceStep} from './result.js'
export * from './pcap.js'
