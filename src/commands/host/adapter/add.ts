import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../../cli/base-command.js'
import {addPhysicalAdapter, netAdapterViewOf} from '../../../model/host.js'
import {renderAdapter} from '../../../render/host.js'

export default class HostAdapterAdd extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'Adapter name, as Get-NetAdapter shows it (e.g. "Ethernet 2").', required: true}),
  }

  static override description = `Add a physical network adapter to the simulated host.

With --ip the adapter is plugged into a LAN: the prefix of --ip is that LAN, --gateway its router (default: the first address), and a DHCP server there gave the adapter its address (--static to say it is configured by hand). Without --ip nothing is plugged in (Status Disconnected).`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> "Ethernet 2" --kind wired --ip 172.20.5.14/24 --gateway 172.20.5.1', description: 'A second wired adapter on an office LAN'},
    {command: '<%= config.bin %> <%= command.id %> "Ethernet 3" --kind wired --mac 00-1B-21-AA-BB-CC', description: 'An unplugged adapter with a given MAC'},
    {command: '<%= config.bin %> <%= command.id %> "Wi-Fi 2" --kind wireless --ip 192.168.50.23/24 --static', description: 'A USB Wi-Fi adapter with a static address'},
  ]

  static override flags = {
    gateway: Flags.string({description: 'The LAN\'s router (default: the first address of the prefix).'}),
    ip: Flags.string({description: 'The adapter\'s address on its LAN, a.b.c.d/len.'}),
    kind: Flags.option({description: 'Wired Ethernet or wireless (Wi-Fi).', options: ['wired', 'wireless'] as const, required: true})(),
    mac: Flags.string({description: 'MAC address (00155D010203, 00-15-5D-01-02-03 or 00:15:5d:01:02:03); default: generated from the lab\'s seed.'}),
    static: Flags.boolean({default: false, description: 'The address is static (DHCP disabled), not DHCP-assigned.'}),
  }

  async run() {
    const {args, flags} = await this.parse(HostAdapterAdd)
    const {result: view} = await this.change((lab) => {
      const adapter = addPhysicalAdapter(lab, {gateway: flags.gateway, ip: flags.ip, kind: flags.kind, macAddress: flags.mac, name: args.name, staticIp: flags.static})
      return netAdapterViewOf(lab, adapter.ifIndex)
    })
    if (!this.jsonEnabled()) this.log(await renderAdapter(view))
    return view
  }
}
