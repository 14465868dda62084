import {Args} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {aclFlags, aclInput, nicName} from '../../cli/flags.js'
import {addAcl, findVmAdapter, portAclViews} from '../../model/vm.js'
import {renderAclTable} from '../../render/vm.js'

export default class VmAddAcl extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name.', required: true}),
  }

  static override description = `Add a port ACL entry to a VM network adapter (Add-VMNetworkAdapterAcl).

One entry holds one address: --remote-ip or --local-ip (a.b.c.d, a prefix, or ANY), --remote-mac or --local-mac (a MAC or ANY). Inbound, local is the destination and remote the source; outbound the reverse. --direction both adds an inbound and an outbound entry. How entries decide: the most specific match wins (longest prefix; a MAC match beats ANY), Deny beats Allow on a tie, Meter only counts (and must be IP-based); no match, or no ACL at all, allows.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> Redmond --name "Network Adapter" --remote-ip 10.0.0.0/8 --direction both --action allow', description: 'Allow 10/8, as in Microsoft\'s example'},
    {command: '<%= config.bin %> <%= command.id %> Redmond -n "Network Adapter" --remote-ip ANY --direction both --action deny', description: 'Deny everything else'},
    {command: '<%= config.bin %> <%= command.id %> Redmond -n "Network Adapter" --remote-mac 03-0f-01-0e-aa-b2 --direction both --action deny', description: 'Deny one MAC'},
    {command: '<%= config.bin %> <%= command.id %> Redmond -n "Network Adapter" --remote-ip 192.168.0.0/16 --direction outbound --action meter', description: 'Meter outbound traffic'},
  ]

  static override flags = {...aclFlags, name: nicName}

  async run() {
    const {args, flags} = await this.parse(VmAddAcl)
    const {result: rows} = await this.change((lab) => {
      const entries = addAcl(lab, args.vm, flags.name, aclInput(flags))
      const {adapter, vm} = findVmAdapter(lab, args.vm, flags.name)
      return portAclViews(vm, adapter, entries)
    })
    if (!this.jsonEnabled()) this.log(await renderAclTable(rows))
    return rows
  }
}
