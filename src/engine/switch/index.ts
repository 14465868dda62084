// The Hyper-V virtual switch of hvnet's forwarding engine (reference §3.2, §4, §5; README "How the
// switch forwards"). Wiring it from a NetworkConfig (src/engine/config.ts), one VSwitch per
// SwitchConfig, `new VSwitch(sw, scheduler, rec)`, then a port per attachment:
//   - a connected VM adapter: `{key: adapter.key, kind: 'vm', macAddress: adapter.macAddress,
//     features: adapter.features, place: {kind: 'vm', name: adapter.key}, sink: <guest stack
//     interface>, state: vm.running ? 'up' : 'vm-off'}` (an unconnected adapter has no port);
//   - a host vNIC: `{key: alias, kind: 'host', macAddress, features: attachment.features,
//     place: {kind: 'host', name: alias}, sink: <host stack interface>}`;
//   - an External switch's uplink: `{key: 'external (Ethernet)', kind: 'external', macAddress: 0,
//     place: {kind: 'physical', name: 'Ethernet'}, sink: <the network beyond the adapter>}`.
// Each endpoint sends with `port.receive(frame)`; the switch calls the destination sinks
// synchronously, in zero virtual time (endpoints schedule their own latency).
export {VSwitch, SwitchPort, MAX_LEARNED_PER_PORT} from './vswitch.js'
export type {PortSpec, PortKind, PortState, LearnedMac, MeterCount} from './vswitch.js'
export type {StatefulFlow} from './acl.js'
