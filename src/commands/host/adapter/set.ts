import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../../cli/base-command.js'
import {netAdapterViewOf, parsePortSecurity, setPhysicalAdapter} from '../../../model/host.js'
import {renderAdapter} from '../../../render/host.js'

export default class HostAdapterSet extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'Physical adapter name.', required: true}),
  }

  static override description = `Change a physical adapter: enable or disable it (Enable-/Disable-NetAdapter), plug it into another LAN, unplug it, or set the upstream switch port's port security.

When the adapter is shared by an External switch, the new IP configuration lands on the switch's host vNIC, where the host uses it.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> Ethernet --status disabled', description: 'Disable-NetAdapter -Name Ethernet'},
    {command: '<%= config.bin %> <%= command.id %> Ethernet --ip 172.20.5.14/24 --gateway 172.20.5.254', description: 'Plug the laptop into another LAN'},
    {command: '<%= config.bin %> <%= command.id %> Ethernet --port-security-max-macs 1', description: 'A campus port that accepts one MAC address'},
    {command: '<%= config.bin %> <%= command.id %> "Wi-Fi" --disconnect', description: 'Leave the wireless network'},
  ]

  static override flags = {
    disconnect: Flags.boolean({default: false, description: 'Unplug: no LAN beyond the adapter (Status Disconnected).'}),
    gateway: Flags.string({description: 'The LAN\'s router (with --ip).'}),
    ip: Flags.string({description: 'The adapter\'s address on its (new) LAN, a.b.c.d/len.'}),
    'port-security-max-macs': Flags.string({description: 'Source MACs the upstream switch port accepts (1-4096), or "none" for no limit.'}),
    static: Flags.boolean({allowNo: true, description: 'The address is static (--static) or DHCP-assigned (--no-static).'}),
    status: Flags.option({description: 'Enable or disable the adapter.', options: ['enabled', 'disabled'] as const})(),
  }

  async run() {
    const {args, flags} = await this.parse(HostAdapterSet)
    const maxMacs = flags['port-security-max-macs']
    const {result: view} = await this.change((lab) => {
      const adapter = setPhysicalAdapter(lab, args.name, {
        disconnect: flags.disconnect,
        gateway: flags.gateway,
        ip: flags.ip,
        portSecurityMaxMacs: maxMacs === undefined ? undefined : parsePortSecurity(maxMacs),
        staticIp: flags.static,
        status: flags.status,
      })
      return netAdapterViewOf(lab, adapter.ifIndex)
    })
    if (!this.jsonEnabled()) this.log(await renderAdapter(view))
    return view
  }
}
