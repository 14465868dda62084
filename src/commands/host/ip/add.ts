import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../../cli/base-command.js'
import {interfaceFlags, interfaceSelector} from '../../../cli/selectors.js'
import {addIpAddress} from '../../../model/ip.js'
import {renderIpAddressChange} from '../../../render/ip.js'

export default class HostIpAdd extends HvnetCommand {
  static override description = `Give a host interface a static IPv4 address (New-NetIPAddress).

The interface is a physical adapter no switch is bound to, or a host vNIC "vEthernet (NAME)". On an interface where DHCP is on, Windows turns DHCP off: the leased address and its gateway are released. One default gateway per interface, in the new address's subnet; two interfaces may not hold overlapping prefixes. "vEthernet (Default Switch)" is managed by Internet Connection Sharing and refused.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --interface-alias "vEthernet (NATSwitch)" --ip-address 192.168.0.1 --prefix-length 24', description: 'The NAT gateway of Microsoft\'s walkthrough'},
    {command: '<%= config.bin %> <%= command.id %> --interface-index 24 --ip-address 192.168.0.1 --prefix-length 24', description: 'New-NetIPAddress -IPAddress 192.168.0.1 -PrefixLength 24 -InterfaceIndex 24'},
    {command: '<%= config.bin %> <%= command.id %> --interface-alias Ethernet --ip-address 10.0.0.50 --prefix-length 24 --default-gateway 10.0.0.1', description: 'A static address on the wired LAN (turns DHCP off)'},
  ]

  static override flags = {
    ...interfaceFlags,
    'default-gateway': Flags.string({description: 'The interface\'s default gateway, in the new address\'s subnet.'}),
    'ip-address': Flags.string({description: 'The address, a.b.c.d.', required: true}),
    'prefix-length': Flags.integer({description: 'The subnet\'s prefix length, 0-32.', required: true}),
  }

  async run() {
    const {flags} = await this.parse(HostIpAdd)
    const {result} = await this.change((lab) => addIpAddress(lab, interfaceSelector(flags), {
      defaultGateway: flags['default-gateway'],
      ipAddress: flags['ip-address'],
      prefixLength: flags['prefix-length'],
    }))
    if (!this.jsonEnabled()) this.log(await renderIpAddressChange(result))
    return result
  }
}
