import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {addStaticMapping} from '../../model/nat.js'
import {renderMapping} from '../../render/nat.js'

export default class NatAddMapping extends HvnetCommand {
  static override description = `Forward an external port to an endpoint inside the NAT (Add-NetNatStaticMapping).

--external-ip 0.0.0.0 means any of the host's external addresses. The internal address must lie in the NAT's internal prefix; an external port serves one mapping per protocol and external address. StaticMappingID counts from 0 on each NAT. Without --internal-port the internal port is the external one.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> --nat MyNATnetwork --protocol tcp --external-ip 0.0.0.0 --external-port 8080 --internal-ip 192.168.0.10 --internal-port 80', description: 'Web server of a VM, reached on the host\'s port 8080'},
    {command: '<%= config.bin %> <%= command.id %> --nat MyNATnetwork --protocol udp --external-ip 0.0.0.0 --external-port 53 --internal-ip 192.168.0.2', description: 'Internal port defaults to the external one'},
    {command: '<%= config.bin %> <%= command.id %> --nat MyNATnetwork --protocol tcp --external-ip 0.0.0.0 --external-port 3389 --internal-ip 192.168.0.10 --remote-external-prefix 10.0.0.0/24', description: 'Only from the office LAN'},
  ]

  static override flags = {
    'external-ip': Flags.string({description: 'ExternalIPAddress; 0.0.0.0 for any of the host\'s external addresses.', required: true}),
    'external-port': Flags.integer({description: 'ExternalPort, 1-65535.', required: true}),
    'internal-ip': Flags.string({description: 'InternalIPAddress, inside the NAT\'s internal prefix.', required: true}),
    'internal-port': Flags.integer({description: 'InternalPort (default: the external port).'}),
    nat: Flags.string({description: 'NatName.', required: true}),
    protocol: Flags.option({description: 'Protocol.', options: ['tcp', 'udp'] as const, required: true})(),
    'remote-external-prefix': Flags.string({description: 'RemoteExternalIPAddressPrefix: which remote senders may use the mapping (default 0.0.0.0/0, all).'}),
  }

  async run() {
    const {flags} = await this.parse(NatAddMapping)
    const {result} = await this.change((lab) => addStaticMapping(lab, {
      externalIPAddress: flags['external-ip'],
      externalPort: flags['external-port'],
      internalIPAddress: flags['internal-ip'],
      internalPort: flags['internal-port'],
      natName: flags.nat,
      protocol: flags.protocol === 'tcp' ? 'TCP' : 'UDP',
      remoteExternalIPAddressPrefix: flags['remote-external-prefix'],
    }))
    if (!this.jsonEnabled()) this.log(await renderMapping(result))
    return result
  }
}
