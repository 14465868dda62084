import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../../cli/base-command.js'
import {interfaceFlags, interfaceSelector} from '../../../cli/selectors.js'
import {removeIpAddress} from '../../../model/ip.js'
import {renderIpAddressChange} from '../../../render/ip.js'

export default class HostIpRemove extends HvnetCommand {
  static override description = `Remove an IPv4 address from a host interface (Remove-NetIPAddress).

A default gateway that no remaining address of the interface reaches is removed with it. A WinNAT whose gateway this was stays, and \`hvnet nat show\` then warns that VMs on it have no gateway.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --interface-alias "vEthernet (NATSwitch)" --ip-address 192.168.0.1', description: 'Remove a stale NAT gateway address'},
    {command: '<%= config.bin %> <%= command.id %> --interface-index 24 --ip-address 192.168.0.1 --json', description: 'By interface index'},
  ]

  static override flags = {
    ...interfaceFlags,
    'ip-address': Flags.string({description: 'The address to remove, a.b.c.d.', required: true}),
  }

  async run() {
    const {flags} = await this.parse(HostIpRemove)
    const {result} = await this.change((lab) => removeIpAddress(lab, interfaceSelector(flags), flags['ip-address']))
    if (!this.jsonEnabled()) this.log(await renderIpAddressChange(result))
    return result
  }
}
