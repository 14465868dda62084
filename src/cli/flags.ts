// Flag shapes shared by several commands.
import {Flags} from '@oclif/core'

/** A PowerShell Boolean parameter: `--flag=true` or `--flag=false`. */
export const booleanValue = (description: string) =>
  Flags.option({description, options: ['true', 'false'] as const})()

export function toBoolean(value: 'false' | 'true' | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'true'
}

export const force = Flags.boolean({char: 'f', default: false, description: 'Do it without asking (hvnet never prompts).'})

/** The adapter a VM-adapter command acts on (Hyper-V's -Name / -VMNetworkAdapterName). */
export const nicName = Flags.string({char: 'n', description: 'Network adapter name (case-insensitive), as `hvnet vm list-nics VM` shows it.', required: true})

/** A Hyper-V OnOffState parameter: `on` or `off`. */
export const onOff = (description: string) => Flags.option({description, options: ['on', 'off'] as const})()

export function toOnOff(value: 'off' | 'on' | undefined): boolean | undefined {
  return value === undefined ? undefined : value === 'on'
}

/** The fields of one port ACL entry (Add-/Remove-VMNetworkAdapterAcl). */
export const aclFlags = {
  action: Flags.option({description: 'Allow, deny or meter (count) matching traffic.', options: ['allow', 'deny', 'meter'] as const, required: true})(),
  direction: Flags.option({description: 'Inbound, outbound, or both (one entry each).', options: ['inbound', 'outbound', 'both'] as const, required: true})(),
  'local-ip': Flags.string({description: 'Local IPv4 address or prefix, or ANY.'}),
  'local-mac': Flags.string({description: 'Local MAC address, or ANY.'}),
  'remote-ip': Flags.string({description: 'Remote IPv4 address or prefix (e.g. 10.0.0.0/8), or ANY.'}),
  'remote-mac': Flags.string({description: 'Remote MAC address (e.g. 00-ab-00-11-22-33), or ANY.'}),
}
