// The world beyond each physical adapter: the link, the upstream port or access point, the LAN with
// its gateway router and DHCP server, and the internet behind it.
export * from './link.js'
export * from './lan.js'
export * from './answer.js'
export * from './internet.js'
export * from './port-security.js'
export * from './wifi-bridge.js'
