import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {describeNat, findNat} from '../../model/nat.js'
import {renderNat} from '../../render/nat.js'

export default class NatShow extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'The NAT\'s name (case-insensitive).', required: true}),
  }

  static override description = 'Show one WinNAT object with every Get-NetNat property (Get-NetNat NAME | Format-List), the host vNIC addresses that serve as its gateway, and warnings: a NAT whose prefix holds no host vNIC address gives VMs no gateway.'

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> MyNATnetwork', description: 'Get-NetNat -Name MyNATnetwork'},
    {command: '<%= config.bin %> <%= command.id %> MyNATnetwork --json | jq .gatewayInterfaces', description: 'Where the gateway is'},
  ]

  async run() {
    const {args} = await this.parse(NatShow)
    const {lab} = await this.loadLab()
    const view = describeNat(lab, findNat(lab, args.name))
    if (!this.jsonEnabled()) this.log(await renderNat(view))
    return view
  }
}
