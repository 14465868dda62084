import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../../cli/base-command.js'
import {listIpAddresses} from '../../../model/ip.js'
import {renderIpAddressTable} from '../../../render/ip.js'

export default class HostIpList extends HvnetCommand {
  static override description = 'List the IPv4 addresses of the host\'s interfaces (Get-NetIPAddress -AddressFamily IPv4). PrefixOrigin is Dhcp for a leased address, Manual for a static one.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --interface-alias "vEthernet (NATSwitch)"', description: 'Get-NetIPAddress -InterfaceAlias "vEthernet (NATSwitch)"'},
    {command: '<%= config.bin %> <%= command.id %> --json | jq -r \'.[] | "\\(.ipAddress)/\\(.prefixLength)"\'', description: 'Every address in CIDR form'},
  ]

  static override flags = {
    'interface-alias': Flags.string({description: 'Only this interface\'s addresses (case-insensitive).'}),
  }

  async run() {
    const {flags} = await this.parse(HostIpList)
    const {lab} = await this.loadLab()
    const alias = flags['interface-alias']
    const rows = listIpAddresses(lab, alias === undefined ? undefined : {interfaceAlias: alias})
    if (!this.jsonEnabled()) this.log(await renderIpAddressTable(rows))
    return rows
  }
}
