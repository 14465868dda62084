// Upgrades of stored documents: migrations[n] turns a version-n document into version n+1.
// Reads migrate in memory; the next write stores the new version. A document from a newer hvnet
// is refused rather than rewritten.
import {HvnetError} from './errors.js'
import {LAB_SCHEMA_VERSION} from './schema.js'

type Migration = (document: Record<string, unknown>) => Record<string, unknown>

/** 1 → 2: WinNAT objects arrive (`nats`); a version-1 lab had none. */
export function addNats(document: Record<string, unknown>): Record<string, unknown> {
  return {...document, nats: []}
}


/**
 * Version 2 adds VMs and their network adapters (an existing lab has none) and the VLAN setting
 * of host vNICs (untagged, as every port starts).
 */
export function addVmsAndVnicVlans(document: Record<string, unknown>): Record<string, unknown> {
  const host = document.host as {vnics?: unknown} | undefined
  const vnics = host && Array.isArray(host.vnics) ? host.vnics.map((n) => (typeof n === 'object' && n !== null ? {...n, vlanSetting: {operationMode: 'Untagged'}} : n)) : undefined
  return {...document, ...(vnics ? {host: {...host, vnics}} : {}), vms: []}
}

/** 2 → 3: reachability checks arrive (`checks`); a version-2 lab had none. */
export function addChecks(document: Record<string, unknown>): Record<string, unknown> {
  return {...document, checks: []}
}

export const migrations: Record<number, Migration> = {1: (document) => addVmsAndVnicVlans(addNats(document)), 2: addChecks}

export function migrateDocument(document: unknown, file: string): unknown {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return document
  let current = document as Record<string, unknown>
  const version = current.schemaVersion
  if (typeof version !== 'number' || !Number.isInteger(version)) return document
  if (version > LAB_SCHEMA_VERSION) {
    throw new HvnetError('store-newer', `The lab file ${file} has schemaVersion ${version}; this hvnet reads up to ${LAB_SCHEMA_VERSION}. It was left as it is.`, 'Upgrade hvnet to use it.')
  }
  for (let v = version; v < LAB_SCHEMA_VERSION; v++) {
    const step = migrations[v]
    if (!step) throw new HvnetError('store-invalid', `The lab file ${file} has schemaVersion ${v}, which no migration upgrades. It was left as it is.`, 'Recreate the lab with `hvnet config reset --force`.')
    current = {...step(current), schemaVersion: v + 1}
  }
  return current
}
