import type {AdvanceView, ArpCacheView, ClientLeaseView, LearnedMacView, NatSessionCountView, PortSecurityView, RuntimeView, ServerLeaseView} from '../model/runtime.js'

import {colours} from './colour.js'
import {renderTable} from './table.js'

/** Virtual time as `1d 2h 3m 4.5s`, `500ms`, `0s`; negative as `-1m`. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`
  const whole = Math.floor(ms)
  if (whole < 1000) return whole === 0 && ms === 0 ? '0s' : `${Math.round(ms * 1000) / 1000}ms`
  const parts: string[] = []
  let rest = whole
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    }
  }
  if (rest > 0) parts.push(`${rest / 1000}s`)
  return parts.join(' ')
}

/** Seconds (the views' `…InS`) as a duration; empty for null. */
const inS = (s: number | null): string => (s === null ? '' : formatDuration(s * 1000))

/** `00155D010203` as `00-15-5D-01-02-03`, as Get-NetNeighbor and Get-DhcpServerv4Lease print it. */
const dashed = (mac: string): string => mac.match(/../g)!.join('-')

function leaseTable(rows: readonly ServerLeaseView[]): Promise<string> {
  return renderTable<ServerLeaseView>([
    {header: 'Scope', value: (l) => l.scope},
    {header: 'IPAddress', value: (l) => l.ipAddress},
    {header: 'ClientId', value: (l) => dashed(l.macAddress)},
    {header: 'AddressState', value: (l) => (l.state === 'bound' ? 'Active' : 'Offered')},
    {align: 'right', header: 'ExpiresIn', value: (l) => inS(l.expiresInS)},
  ], rows)
}

function clientTable(rows: readonly ClientLeaseView[]): Promise<string> {
  return renderTable<ClientLeaseView>([
    {header: 'Adapter', value: (l) => l.owner},
    {header: 'State', value: (l) => l.state},
    {header: 'IPAddress', value: (l) => (l.ipAddress === null ? '' : `${l.ipAddress}/${l.prefixLength}`)},
    {header: 'Gateway', value: (l) => l.gateway},
    {header: 'DhcpServer', value: (l) => l.dhcpServer},
    {align: 'right', header: 'RenewIn', value: (l) => inS(l.renewInS)},
    {align: 'right', header: 'ExpiresIn', value: (l) => inS(l.expiresInS)},
  ], rows)
}

interface ArpRow {
  cache: ArpCacheView
  entry: ArpCacheView['entries'][number]
}

function arpTable(caches: readonly ArpCacheView[]): Promise<string> {
  const rows: ArpRow[] = caches.flatMap((cache) => cache.entries.map((entry) => ({cache, entry})))
  return renderTable<ArpRow>([
    {header: 'Owner', value: (r) => r.cache.owner},
    {header: 'InterfaceAlias', value: (r) => r.cache.interfaceAlias},
    {header: 'IPAddress', value: (r) => r.entry.ipAddress},
    {header: 'LinkLayerAddress', value: (r) => dashed(r.entry.macAddress)},
    {align: 'right', header: 'ExpiresIn', value: (r) => inS(r.entry.expiresInS)},
  ], rows)
}

function learnedTable(rows: readonly LearnedMacView[]): Promise<string> {
  return renderTable<LearnedMacView>([
    {header: 'SwitchName', value: (l) => l.switchName},
    {header: 'MacAddress', value: (l) => l.macAddress},
    {header: 'Port', value: (l) => l.port},
    {align: 'right', header: 'LearnedAt', value: (l) => formatDuration(l.learnedAtMs)},
  ], rows)
}

function portSecurityTable(rows: readonly PortSecurityView[]): Promise<string> {
  return renderTable<PortSecurityView>([
    {header: 'Adapter', value: (p) => p.adapter},
    {align: 'right', header: 'MaxMacs', value: (p) => p.maxMacs},
    {header: 'MacAddresses', value: (p) => p.macAddresses.join(', ')},
  ], rows)
}

function natTable(rows: readonly NatSessionCountView[]): Promise<string> {
  return renderTable<NatSessionCountView>([
    {header: 'NatName', value: (n) => n.natName},
    {align: 'right', header: 'Sessions', value: (n) => n.sessions},
    {align: 'right', header: 'TCP', value: (n) => n.tcp},
    {align: 'right', header: 'UDP', value: (n) => n.udp},
    {align: 'right', header: 'ICMP', value: (n) => n.icmp},
  ], rows)
}

async function section(title: string, rows: readonly unknown[], table: () => Promise<string>, none: string): Promise<string> {
  const c = await colours()
  return rows.length === 0 ? `${c.bold(title)}: ${none}` : `${c.bold(title)}\n${await table()}`
}

export async function renderRuntime(v: RuntimeView): Promise<string> {
  const head = v.exists
    ? `Runtime state in ${v.file}\nVirtual clock: ${formatDuration(v.clockMs)} (${v.clockMs} ms)`
    : `No runtime state yet: ${v.file} does not exist, so the virtual clock is at 0 and the network has learned nothing.\nRunning the network (\`hvnet runtime advance DURATION\`) creates it.`
  const wifi = v.wifiBridges.flatMap((b) => b.entries.map((e) => ({adapter: b.adapter, ...e})))
  const parts = [
    head,
    await section('DHCP leases (servers)', v.dhcpLeases, () => leaseTable(v.dhcpLeases), 'none'),
    await section('DHCP clients (VM adapters and host interfaces)', v.clientLeases, () => clientTable(v.clientLeases), 'none running'),
    await section('ARP caches', v.arpCaches, () => arpTable(v.arpCaches), 'empty'),
    await section('Learned MACs (ports with MAC address spoofing On)', v.learnedMacs, () => learnedTable(v.learnedMacs), 'none'),
    await section('Port security (upstream switch ports)', v.portSecurity, () => portSecurityTable(v.portSecurity), 'no adapter has a limit'),
  ]
  if (v.wifiBridges.length > 0) {
    parts.push(await section('Wi-Fi bridge (address → VM MAC)', wifi, () => renderTable([
      {header: 'Adapter', value: (r: (typeof wifi)[number]) => r.adapter},
      {header: 'IPAddress', value: (r: (typeof wifi)[number]) => r.ipAddress},
      {header: 'MacAddress', value: (r: (typeof wifi)[number]) => r.macAddress},
    ], wifi), 'empty'))
  }
  parts.push(await section('NAT sessions (`hvnet nat sessions` lists them)', v.natSessions, () => natTable(v.natSessions), 'no NAT'))
  return parts.join('\n\n')
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`
}

export async function renderAdvance(v: AdvanceView): Promise<string> {
  const e = v.expired
  const g = v.granted
  const lines = [`Virtual clock: ${formatDuration(v.fromMs)} → ${formatDuration(v.clockMs)} (advanced ${formatDuration(v.advancedMs)}).`]
  lines.push(`Expired: ${count(e.dhcpLeases.length, 'DHCP lease')}, ${count(e.clientLeases.length, 'client lease')}, ${count(e.natSessions.length, 'NAT session')}; ${count(e.arpEntries.length, 'ARP entry', 'ARP entries')} aged out.`)
  if (g.dhcpLeases.length + g.clientLeases.length > 0) lines.push(`Granted: ${count(g.dhcpLeases.length, 'DHCP lease')} (${count(g.clientLeases.length, 'client bound', 'clients bound')}).`)
  const parts = [lines.join('\n')]
  if (e.dhcpLeases.length > 0) parts.push(`Expired DHCP leases\n${await leaseTable(e.dhcpLeases)}`)
  if (e.clientLeases.length > 0) parts.push(`Expired client leases\n${await clientTable(e.clientLeases)}`)
  if (e.natSessions.length > 0) {
    parts.push(`Expired NAT sessions\n${await renderTable([
      {header: 'NatName', value: (s: (typeof e.natSessions)[number]) => s.natName},
      {align: 'right', header: 'Id', value: (s: (typeof e.natSessions)[number]) => s.id},
      {align: 'right', header: 'Protocol', value: (s: (typeof e.natSessions)[number]) => s.protocol},
      {header: 'InternalSource', value: (s: (typeof e.natSessions)[number]) => `${s.internalSourceAddress}:${s.internalSourcePort}`},
      {header: 'ExternalDestination', value: (s: (typeof e.natSessions)[number]) => `${s.externalDestinationAddress}:${s.externalDestinationPort}`},
    ], e.natSessions)}`)
  }
  if (e.arpEntries.length > 0) {
    parts.push(`Aged-out ARP entries\n${await renderTable([
      {header: 'Owner', value: (a: (typeof e.arpEntries)[number]) => a.owner},
      {header: 'InterfaceAlias', value: (a: (typeof e.arpEntries)[number]) => a.interfaceAlias},
      {header: 'IPAddress', value: (a: (typeof e.arpEntries)[number]) => a.ipAddress},
      {header: 'LinkLayerAddress', value: (a: (typeof e.arpEntries)[number]) => dashed(a.macAddress)},
    ], e.arpEntries)}`)
  }
  if (g.dhcpLeases.length > 0) parts.push(`Granted DHCP leases\n${await leaseTable(g.dhcpLeases)}`)
  return parts.join('\n\n')
}
