// VLAN settings of a port (Set-/Get-VMNetworkAdapterVlan, reference §3): the lists Hyper-V takes
// (`1-100,200`), the mutually exclusive modes, and the rules of each. IDs are 802.1Q's 1–4094;
// ID 0 is "untagged" and belongs to --untagged.
import type {VlanSetting} from './schema.js'

import {HvnetError} from './errors.js'

export const VLAN_ID_MIN = 1
export const VLAN_ID_MAX = 4094

/** An inclusive VLAN range `[first, last]`. */
export type VlanRange = [number, number]

function badList(text: string, what: string, why: string): HvnetError {
  return new HvnetError('invalid-value', `Cannot validate argument on parameter '${what}'. "${text}" is not a VLAN ID list: ${why}.`, 'Write IDs from 1 to 4094 and ranges separated by commas, e.g. 1-100,200.')
}

/** A VLAN ID typed by the user: an integer from 1 to 4094. */
export function parseVlanId(text: string | number, what: string): number {
  const value = typeof text === 'number' ? text : /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isInteger(value) || value < VLAN_ID_MIN || value > VLAN_ID_MAX) {
    const hint = value === 0 ? ' VLAN 0 means untagged: use --untagged.' : ''
    throw new HvnetError('invalid-value', `Cannot validate argument on parameter '${what}'. ${JSON.stringify(String(text))} is not a VLAN ID.`, `A VLAN ID is an integer from 1 to 4094 (802.1Q).${hint}`)
  }
  return value
}

/** Sorts ranges and merges overlapping or adjacent ones: one normal form per set of IDs. */
export function normalizeRanges(ranges: readonly VlanRange[]): VlanRange[] {
  const sorted = ranges.map(([a, b]): VlanRange => [a, b]).sort((x, y) => x[0] - y[0])
  const out: VlanRange[] = []
  for (const range of sorted) {
    const last = out.at(-1)
    if (last && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1])
    else out.push(range)
  }
  return out
}

/** `1-100,200` (spaces allowed) → `[[1, 100], [200, 200]]`, sorted and merged. */
export function parseVlanList(text: string, what: string): VlanRange[] {
  const parts = text.split(',').map((p) => p.trim())
  if (parts.length === 0 || parts.some((p) => p === '')) throw badList(text, what, 'an empty entry')
  const ranges: VlanRange[] = []
  for (const part of parts) {
    const match = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part)
    if (!match) throw badList(text, what, `"${part}" is neither an ID nor a range`)
    const first = Number(match[1])
    const last = match[2] === undefined ? first : Number(match[2])
    for (const id of [first, last]) {
      if (id < VLAN_ID_MIN || id > VLAN_ID_MAX) throw badList(text, what, `${id} is outside 1-4094`)
    }
    if (last < first) throw badList(text, what, `the range ${part} runs backwards`)
    ranges.push([first, last])
  }
  return normalizeRanges(ranges)
}

/** `[[1, 100], [200, 200]]` → `1-100,200`, the form Set-VMNetworkAdapterVlan takes. */
export function formatVlanList(ranges: readonly VlanRange[]): string {
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',')
}

export function inRanges(ranges: readonly VlanRange[], id: number): boolean {
  return ranges.some(([a, b]) => id >= a && id <= b)
}

/** What `vm set-vlan` was given: exactly one mode and the IDs that mode needs. */
export interface VlanInput {
  untagged?: boolean
  access?: boolean
  trunk?: boolean
  isolated?: boolean
  community?: boolean
  promiscuous?: boolean
  vlanId?: string
  allowedVlanIdList?: string
  nativeVlanId?: string
  primaryVlanId?: string
  secondaryVlanId?: string
  secondaryVlanIdList?: string
}

const MODE_FLAGS = ['untagged', 'access', 'trunk', 'isolated', 'community', 'promiscuous'] as const
const VALUE_FLAGS: Record<keyof Omit<VlanInput, (typeof MODE_FLAGS)[number]>, string> = {
  allowedVlanIdList: '--allowed-vlan-ids',
  nativeVlanId: '--native-vlan-id',
  primaryVlanId: '--primary-vlan-id',
  secondaryVlanId: '--secondary-vlan-id',
  secondaryVlanIdList: '--secondary-vlan-ids',
  vlanId: '--vlan-id',
}
const NEEDS: Record<(typeof MODE_FLAGS)[number], (keyof typeof VALUE_FLAGS)[]> = {
  access: ['vlanId'],
  community: ['primaryVlanId', 'secondaryVlanId'],
  isolated: ['primaryVlanId', 'secondaryVlanId'],
  promiscuous: ['primaryVlanId', 'secondaryVlanIdList'],
  trunk: ['allowedVlanIdList', 'nativeVlanId'],
  untagged: [],
}

/**
 * Builds the stored setting from flags. Rules: the modes are mutually exclusive (Hyper-V's own
 * words); each needs its IDs and takes no others; a trunk's native VLAN is one of its allowed
 * VLANs; a private VLAN's secondary IDs differ from its primary.
 */
export function vlanSettingFrom(input: VlanInput): VlanSetting {
  const modes = MODE_FLAGS.filter((m) => input[m])
  if (modes.length !== 1) {
    throw new HvnetError('invalid-value', modes.length === 0 ? 'No VLAN mode was given.' : `Access, Trunk, Private VLAN (isolated, community, or promiscuous), and untagged are mutually exclusive (given: ${modes.map((m) => `--${m}`).join(', ')}).`, 'Give exactly one of --untagged, --access, --trunk, --isolated, --community or --promiscuous.')
  }
  const mode = modes[0]
  const needs = NEEDS[mode]
  for (const key of Object.keys(VALUE_FLAGS) as (keyof typeof VALUE_FLAGS)[]) {
    const given = input[key] !== undefined
    if (needs.includes(key) && !given) throw new HvnetError('invalid-value', `--${mode} needs ${VALUE_FLAGS[key]}.`, `Add ${VALUE_FLAGS[key]}.`)
    if (!needs.includes(key) && given) throw new HvnetError('invalid-value', `${VALUE_FLAGS[key]} does not apply to --${mode}.`, needs.length === 0 ? `--${mode} takes no VLAN IDs.` : `--${mode} takes ${needs.map((k) => VALUE_FLAGS[k]).join(' and ')}.`)
  }
  switch (mode) {
    case 'untagged': return {operationMode: 'Untagged'}
    case 'access': return {accessVlanId: parseVlanId(input.vlanId!, 'VlanId'), operationMode: 'Access'}
    case 'trunk': {
      const allowed = parseVlanList(input.allowedVlanIdList!, 'AllowedVlanIdList')
      const native = parseVlanId(input.nativeVlanId!, 'NativeVlanId')
      if (!inRanges(allowed, native)) {
        throw new HvnetError('rule-violation', `The native VLAN ${native} is not in the allowed list ${formatVlanList(allowed)}.`, `Untagged frames on a trunk belong to the native VLAN, so it must be allowed: add it, e.g. --allowed-vlan-ids ${formatVlanList(normalizeRanges([...allowed, [native, native]]))}.`)
      }
      return {allowedVlanIdList: allowed, nativeVlanId: native, operationMode: 'Trunk'}
    }
    case 'isolated':
    case 'community': {
      const primary = parseVlanId(input.primaryVlanId!, 'PrimaryVlanId')
      const secondary = parseVlanId(input.secondaryVlanId!, 'SecondaryVlanId')
      if (secondary === primary) throw samePrimary(primary)
      return {operationMode: 'Private', primaryVlanId: primary, privateVlanMode: mode === 'isolated' ? 'Isolated' : 'Community', secondaryVlanId: secondary}
    }
    case 'promiscuous': {
      const primary = parseVlanId(input.primaryVlanId!, 'PrimaryVlanId')
      const list = parseVlanList(input.secondaryVlanIdList!, 'SecondaryVlanIdList')
      if (inRanges(list, primary)) throw samePrimary(primary)
      return {operationMode: 'Private', primaryVlanId: primary, privateVlanMode: 'Promiscuous', secondaryVlanIdList: list}
    }
  }
}

function samePrimary(primary: number): HvnetError {
  return new HvnetError('rule-violation', `The primary VLAN ${primary} is also given as a secondary VLAN.`, 'A private VLAN\'s secondary VLANs (isolated or community) are other IDs than its primary.')
}

/** Get-VMNetworkAdapterVlan's Mode column: Untagged, Access, Trunk, Isolated, Community or Promiscuous. */
export function vlanModeName(setting: VlanSetting): string {
  return setting.operationMode === 'Private' ? setting.privateVlanMode : setting.operationMode
}

/** Get-VMNetworkAdapterVlan's VlanList column: the IDs of the mode, the primary or native one first. */
export function vlanListText(setting: VlanSetting): string {
  switch (setting.operationMode) {
    case 'Untagged': return ''
    case 'Access': return String(setting.accessVlanId)
    case 'Trunk': return `${setting.nativeVlanId},${formatVlanList(setting.allowedVlanIdList)}`
    case 'Private': return setting.privateVlanMode === 'Promiscuous' ? `${setting.primaryVlanId},${formatVlanList(setting.secondaryVlanIdList)}` : `${setting.primaryVlanId},${setting.secondaryVlanId}`
  }
}

/**
 * One row of Get-VMNetworkAdapterVlan (`--json` of vm get-vlan, vm set-vlan, host vnic set-vlan):
 * the port's owner (`vmName` null for a host vNIC), its Mode and VlanList columns, and the setting.
 */
export interface VlanView {
  mode: string
  vlanList: string
  vlanSetting: VlanSetting
  vmName: string | null
  vmNetworkAdapterName: string
}

export function vlanViewOf(vmName: string | null, adapterName: string, setting: VlanSetting): VlanView {
  return {mode: vlanModeName(setting), vlanList: vlanListText(setting), vlanSetting: setting, vmName, vmNetworkAdapterName: adapterName}
}

/**
 * PVLAN consistency on one switch (BPA "PVLAN configuration on a virtual switch must be
 * consistent"): under one primary VLAN a secondary VLAN is either isolated or community, never
 * both, and there is at most one isolated secondary VLAN. Returns the problem, if any.
 */
export function pvlanConflict(settings: readonly {owner: string; setting: VlanSetting}[]): string | undefined {
  const kinds = new Map<string, {kind: 'Community' | 'Isolated'; owner: string}>()
  const isolated = new Map<number, {owner: string; secondary: number}>()
  for (const {owner, setting} of settings) {
    if (setting.operationMode !== 'Private' || setting.privateVlanMode === 'Promiscuous') continue
    const key = `${setting.primaryVlanId}/${setting.secondaryVlanId}`
    const seen = kinds.get(key)
    if (seen && seen.kind !== setting.privateVlanMode) {
      return `secondary VLAN ${setting.secondaryVlanId} of primary VLAN ${setting.primaryVlanId} is ${seen.kind.toLowerCase()} on ${seen.owner} but ${setting.privateVlanMode.toLowerCase()} on ${owner}`
    }
    kinds.set(key, {kind: setting.privateVlanMode, owner})
    if (setting.privateVlanMode === 'Isolated') {
      const other = isolated.get(setting.primaryVlanId)
      if (other && other.secondary !== setting.secondaryVlanId) {
        return `primary VLAN ${setting.primaryVlanId} has two isolated secondary VLANs, ${other.secondary} (${other.owner}) and ${setting.secondaryVlanId} (${owner})`
      }
      isolated.set(setting.primaryVlanId, {owner, secondary: setting.secondaryVlanId})
    }
  }
  return undefined
}
