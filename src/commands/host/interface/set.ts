import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../../cli/base-command.js'
import {interfaceFlags, interfaceSelector} from '../../../cli/selectors.js'
import {setIpInterface} from '../../../model/ip.js'
import {renderIpInterface} from '../../../render/ip.js'

export default class HostInterfaceSet extends HvnetCommand {
  static override description = `Change a host IPv4 interface (Set-NetIPInterface).

--forwarding enabled lets the host route packets arriving on this interface to its other interfaces. It is Disabled by default, as on Windows: the host does not route between two vEthernet subnets unless forwarding is on. WinNAT translates its internal prefix without it.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --interface-alias "vEthernet (NATSwitch)" --forwarding enabled', description: 'Set-NetIPInterface -InterfaceAlias "vEthernet (NATSwitch)" -Forwarding Enabled'},
    {command: '<%= config.bin %> <%= command.id %> --interface-index 24 --forwarding disabled', description: 'By interface index'},
  ]

  static override flags = {
    ...interfaceFlags,
    forwarding: Flags.option({description: 'Route packets from this interface to others.', options: ['enabled', 'disabled'] as const, required: true})(),
  }

  async run() {
    const {flags} = await this.parse(HostInterfaceSet)
    const {result} = await this.change((lab) => setIpInterface(lab, interfaceSelector(flags), {forwarding: flags.forwarding === 'enabled'}))
    if (!this.jsonEnabled()) this.log(await renderIpInterface(result))
    return result
  }
}
