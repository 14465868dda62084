// The reachability matrix as a table: a row per sender, a column per destination, the disposition
// in each cell (with the reason where it is not `replied`); `replied` green and the rest red on a TTY.
import type {ReachCell, ReachMatrix} from '../model/reach.js'

import {colours} from './colour.js'
import {renderTable} from './table.js'

export async function renderReach(m: ReachMatrix): Promise<string> {
  const c = await colours()
  const byPair = new Map<string, ReachCell>()
  for (const cell of m.cells) byPair.set(`${cell.from}\n${cell.to}`, cell)
  const {cellText} = await import('../model/reach.js')
  const columns = [
    {header: 'From \\ To', value: (row: string) => row},
    ...m.to.map((t) => ({header: t.name, value: (row: string) => {
      const cell = byPair.get(`${row}\n${t.name}`)
      if (cell === undefined) return '-'
      const text = cellText(cell)
      return cell.disposition === 'replied' ? c.green(text) : c.red(text)
    }})),
  ]
  const flow = m.protocol === 'icmp' ? 'ICMP echo' : `${m.protocol.toUpperCase()} port ${m.port ?? 80}`
  const errors = m.cells.filter((cell) => cell.error !== null)
  const notes = errors.map((cell) => `  ${cell.from} → ${cell.to}: ${cell.error}`)
  return [`Reachability, ${flow} (stateless traces; internet = 8.8.8.8):`, '', await renderTable(columns, m.from.map((f) => f.name)), ...(notes.length > 0 ? ['', 'Not traced:', ...notes] : [])].join('\n')
}
