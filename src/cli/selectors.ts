// Flags shared by commands that name a host IP interface, as New-NetIPAddress does: by
// -InterfaceAlias or by -InterfaceIndex, exactly one of them.
import {Flags} from '@oclif/core'

import type {InterfaceSelector} from '../model/ip.js'

export const interfaceFlags = {
  'interface-alias': Flags.string({description: 'The interface\'s alias, e.g. "vEthernet (NATSwitch)" (case-insensitive).', exactlyOne: ['interface-alias', 'interface-index']}),
  'interface-index': Flags.integer({description: 'The interface\'s ifIndex, as `hvnet host adapter list` shows it.', exactlyOne: ['interface-alias', 'interface-index']}),
}

export function interfaceSelector(flags: {'interface-alias'?: string; 'interface-index'?: number}): InterfaceSelector {
  return flags['interface-alias'] === undefined ? {interfaceIndex: flags['interface-index']!} : {interfaceAlias: flags['interface-alias']}
}
