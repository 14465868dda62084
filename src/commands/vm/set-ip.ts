import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {nicName} from '../../cli/flags.js'
import {describeAdapter, findVm, setGuestIp} from '../../model/vm.js'
import {renderAdapter} from '../../render/vm.js'

export default class VmSetIp extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name.', required: true}),
  }

  static override description = `Set the guest's IPv4 configuration of one adapter: what the OS inside the VM does, which the simulation needs to send traffic.

--dhcp (the default of a fresh guest) asks a DHCP server on the adapter's network; --address a.b.c.d/len sets a static address, with --gateway (on the same subnet) and --dns servers. The address shows in \`vm list-nics\` IPAddresses while the VM runs.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> web1 --name "Network Adapter" --address 192.168.0.10/24 --gateway 192.168.0.1 --dns 192.168.0.1', description: 'A static address on Microsoft\'s NAT walkthrough network'},
    {command: '<%= config.bin %> <%= command.id %> web1 -n "Network Adapter" --dns 1.1.1.1 --dns 8.8.8.8 --address 10.1.0.5/16', description: 'Two DNS servers'},
    {command: '<%= config.bin %> <%= command.id %> web1 -n "Network Adapter" --dhcp', description: 'Back to DHCP'},
  ]

  static override flags = {
    address: Flags.string({description: 'Static address and prefix length, a.b.c.d/len.', exclusive: ['dhcp']}),
    dhcp: Flags.boolean({description: 'Get the address by DHCP.'}),
    dns: Flags.string({description: 'A DNS server (repeat for several).', multiple: true}),
    gateway: Flags.string({description: 'Default gateway, on the address\'s subnet.'}),
    name: nicName,
  }

  async run() {
    const {args, flags} = await this.parse(VmSetIp)
    const {result: view} = await this.change((lab) => describeAdapter(lab, findVm(lab, args.vm), setGuestIp(lab, args.vm, flags.name, {address: flags.address, dhcp: flags.dhcp, dns: flags.dns, gateway: flags.gateway})))
    if (!this.jsonEnabled()) this.log(await renderAdapter(view))
    return view
  }
}
