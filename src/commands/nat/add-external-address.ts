import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {addExternalAddress, EXTERNAL_PORT_END, EXTERNAL_PORT_START} from '../../model/nat.js'
import {renderExternalAddress} from '../../render/nat.js'

export default class NatAddExternalAddress extends HvnetCommand {
  static override description = `Give a NAT an external address and the port range its outbound sessions use (Add-NetNatExternalAddress).

Microsoft documents no default range; hvnet uses ${EXTERNAL_PORT_START}-${EXTERNAL_PORT_END}, which leaves the well-known ports to static mappings. ExternalAddressID counts from 0 on each NAT. \`nat show\` warns about an address no host interface on a physical network holds.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --nat MyNATnetwork --ip-address 10.0.0.23', description: 'Add-NetNatExternalAddress -NatName MyNATnetwork -IPAddress 10.0.0.23'},
    {command: '<%= config.bin %> <%= command.id %> --nat MyNATnetwork --ip-address 10.0.0.23 --port-start 40000 --port-end 40999', description: 'A narrow port range'},
  ]

  static override flags = {
    'ip-address': Flags.string({description: 'IPAddress: one of the host\'s addresses on a physical network.', required: true}),
    nat: Flags.string({description: 'NatName.', required: true}),
    'port-end': Flags.integer({description: `PortEnd (default ${EXTERNAL_PORT_END}).`}),
    'port-start': Flags.integer({description: `PortStart (default ${EXTERNAL_PORT_START}).`}),
  }

  async run() {
    const {flags} = await this.parse(NatAddExternalAddress)
    const {result} = await this.change((lab) => addExternalAddress(lab, {ipAddress: flags['ip-address'], natName: flags.nat, portEnd: flags['port-end'], portStart: flags['port-start']}))
    if (!this.jsonEnabled()) this.log(await renderExternalAddress(result))
    return result
  }
}
