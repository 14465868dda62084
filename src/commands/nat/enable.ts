import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {enableNat} from '../../model/nat.js'
import {renderNat} from '../../render/nat.js'

export default class NatEnable extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'The NAT\'s name, e.g. MyNATnetwork.', required: true}),
  }

  static override description = `Create a WinNAT object (New-NetNat -InternalIPInterfaceAddressPrefix).

Traffic from the internal prefix to the outside is translated to the host's external address. WinNAT allows one internal prefix per host: a second NAT fails with Windows' "The parameter is incorrect.", as does a prefix that is not a network address or overlaps one of the host's physical networks. A NAT whose prefix holds no host vNIC address is accepted, as Windows accepts it, and \`nat show\` warns that VMs on it have no gateway.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> MyNATnetwork --internal-prefix 192.168.0.0/24', description: 'New-NetNat -Name MyNATnetwork -InternalIPInterfaceAddressPrefix 192.168.0.0/24'},
    {command: '<%= config.bin %> <%= command.id %> LabNat --internal-prefix 10.10.0.0/17', description: 'One larger prefix shared by several internal switches'},
    {command: '<%= config.bin %> <%= command.id %> MyNATnetwork --internal-prefix 192.168.0.0/24 --json | jq .warnings', description: 'What is still missing'},
  ]

  static override flags = {
    'external-prefix': Flags.string({description: 'ExternalIPInterfaceAddressPrefix: the outside network to translate to, a.b.c.0/len (usually left out).'}),
    'internal-prefix': Flags.string({description: 'InternalIPInterfaceAddressPrefix: the NAT\'s inside, a network a.b.c.0/len.', required: true}),
  }

  async run() {
    const {args, flags} = await this.parse(NatEnable)
    const {result} = await this.change((lab) => enableNat(lab, {externalPrefix: flags['external-prefix'], internalPrefix: flags['internal-prefix'], name: args.name}))
    if (!this.jsonEnabled()) this.log(await renderNat(result))
    return result
  }
}
