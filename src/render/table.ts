// Tables in the PowerShell console style: a header row underlined with dashes, columns padded,
// no borders, so output pasted beside Get-NetAdapter's looks alike.
import {colours} from './colour.js'

export interface Column<T> {
  header: string
  value: (row: T) => string | number | boolean | null | undefined
  align?: 'left' | 'right'
}

export async function renderTable<T>(columns: Column<T>[], rows: readonly T[]): Promise<string> {
  const {default: Table} = await import('cli-table3')
  const c = await colours()
  const table = new Table({
    chars: {
      bottom: '', 'bottom-left': '', 'bottom-mid': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '',
      middle: ' ', right: '', 'right-mid': '', top: '', 'top-left': '', 'top-mid': '', 'top-right': '',
    },
    colAligns: columns.map((col) => col.align ?? 'left'),
    head: columns.map((col) => c.bold(col.header)),
    style: {border: [], compact: true, head: [], 'padding-left': 0, 'padding-right': 0},
  })
  table.push(columns.map((col) => c.dim('-'.repeat(col.header.length))))
  for (const row of rows) {
    table.push(columns.map((col) => {
      const value = col.value(row)
      return value === null || value === undefined ? '' : String(value)
    }))
  }
  return table.toString().split('\n').map((line) => line.trimEnd()).join('\n')
}

/** A `Key : Value` list, as PowerShell's Format-List prints one object. */
export async function renderList(entries: [string, string | number | boolean | null | undefined][]): Promise<string> {
  const width = Math.max(...entries.map(([k]) => k.length))
  const c = await colours()
  return entries.map(([k, v]) => `${c.bold(k.padEnd(width))} : ${v === null || v === undefined ? '' : String(v)}`).join('\n')
}
