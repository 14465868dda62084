// Flag shapes shared by several commands.
import {Flags} from '@oclif/core'

import type {PortAclInput} from '../model/acl.js'
import type {VlanInput} from '../model/vlan.js'

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

type AclFlagValues = Pick<PortAclInput, 'action' | 'direction'> & {[K in 'local-ip' | 'local-mac' | 'remote-ip' | 'remote-mac']?: string}

/** The parsed ACL flags as the model's PortAclInput (vm add-acl, vm remove-acl). */
export function aclInput(flags: AclFlagValues): PortAclInput {
  return {action: flags.action, direction: flags.direction, localIp: flags['local-ip'], localMac: flags['local-mac'], remoteIp: flags['remote-ip'], remoteMac: flags['remote-mac']}
}

/** The modes and IDs of Set-VMNetworkAdapterVlan (vm set-vlan, host vnic set-vlan). */
export const vlanFlags = {
  access: Flags.boolean({description: 'Access mode (with --vlan-id).'}),
  'allowed-vlan-ids': Flags.string({description: 'Trunk: the allowed VLAN IDs, e.g. 1-100,200.'}),
  community: Flags.boolean({description: 'Private VLAN, community (with --primary-vlan-id and --secondary-vlan-id).'}),
  isolated: Flags.boolean({description: 'Private VLAN, isolated (with --primary-vlan-id and --secondary-vlan-id).'}),
  'native-vlan-id': Flags.string({description: 'Trunk: the VLAN of untagged frames.'}),
  'primary-vlan-id': Flags.string({description: 'Private VLAN: the primary VLAN ID.'}),
  promiscuous: Flags.boolean({description: 'Private VLAN, promiscuous (with --primary-vlan-id and --secondary-vlan-ids).'}),
  'secondary-vlan-id': Flags.string({description: 'Isolated or community: the secondary VLAN ID.'}),
  'secondary-vlan-ids': Flags.string({description: 'Promiscuous: the secondary VLAN IDs, e.g. 200-201.'}),
  trunk: Flags.boolean({description: 'Trunk mode (with --allowed-vlan-ids and --native-vlan-id).'}),
  untagged: Flags.boolean({description: 'Untagged mode.'}),
  'vlan-id': Flags.string({description: 'Access: the VLAN ID (1-4094).'}),
}

type VlanFlagValues = {[K in keyof typeof vlanFlags]?: boolean | string}

/** The parsed VLAN flags as the model's VlanInput. */
export function vlanInput(flags: VlanFlagValues): VlanInput {
  const text = (value: boolean | string | undefined) => (typeof value === 'string' ? value : undefined)
  return {
    access: flags.access === true,
    allowedVlanIdList: text(flags['allowed-vlan-ids']),
    community: flags.community === true,
    isolated: flags.isolated === true,
    nativeVlanId: text(flags['native-vlan-id']),
    primaryVlanId: text(flags['primary-vlan-id']),
    promiscuous: flags.promiscuous === true,
    secondaryVlanId: text(flags['secondary-vlan-id']),
    secondaryVlanIdList: text(flags['secondary-vlan-ids']),
    trunk: flags.trunk === true,
    untagged: flags.untagged === true,
    vlanId: text(flags['vlan-id']),
  }
}
