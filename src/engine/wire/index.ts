// Frame codecs of hvnet's engine. The validation contract shared by every codec here is written
// once, at the top of ./error.ts:
//   - untrusted bytes go through a checked constructor (`XxxPacket.checked`) or `checkLen()`;
//     after that, no getter of the view throws or reads outside it;
//   - `parseXxx(view)` returns `XxxRepr | WireError` (test with `instanceof WireError`), never throws;
//   - `emitXxx(repr, view)` needs a view of exactly `xxxBufferLen(repr)` bytes;
//   - unknown EtherTypes, IP protocols and option kinds are kept as numbers / raw bytes.
export * from './error.js'
export * from './bytes.js'
export * from './checksum.js'
export * from './mac.js'
export * from './ipv4-address.js'
export * from './ethernet.js'
export * from './arp.js'
export * from './ipv4.js'
export * from './icmpv4.js'
export * from './udp.js'
export * from './tcp.js'
export * from './dhcp.js'
export * from './frame.js'
export * from './pcap.js'
