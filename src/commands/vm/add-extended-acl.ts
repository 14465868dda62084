import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {nicName} from '../../cli/flags.js'
import {addExtendedAcl, extendedAclViews, findVmAdapter} from '../../model/vm.js'
import {renderExtendedAclTable} from '../../render/vm.js'

export default class VmAddExtendedAcl extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name.', required: true}),
  }

  static override description = `Add an extended port ACL entry to a VM network adapter (Add-VMNetworkAdapterExtendedAcl).

Entries of one direction apply highest --weight first, and the first that matches decides; weights are unique per adapter and direction. Unset addresses, ports and protocol mean ANY (WMI's defaults). Ports need --protocol tcp or udp. A --stateful entry is an Allow that also admits its flow's return traffic until --idle-session-timeout seconds of silence (default 255).`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> ApplicationServer --name "Network Adapter" --action allow --direction inbound --local-port 80 --protocol tcp --weight 10', description: 'Allow inbound HTTP'},
    {command: '<%= config.bin %> <%= command.id %> ApplicationServer -n "Network Adapter" --action deny --direction inbound --weight 1', description: 'Deny all other inbound traffic'},
    {command: '<%= config.bin %> <%= command.id %> ApplicationServer -n "Network Adapter" --action allow --direction outbound --remote-port 80 --protocol tcp --weight 100 --stateful --idle-session-timeout 3600', description: 'A stateful outbound rule'},
  ]

  static override flags = {
    action: Flags.option({description: 'Allow or deny.', options: ['allow', 'deny'] as const, required: true})(),
    direction: Flags.option({description: 'Inbound or outbound.', options: ['inbound', 'outbound'] as const, required: true})(),
    'idle-session-timeout': Flags.integer({description: 'Stateful only: seconds of silence before the flow expires (default 255).', min: 0}),
    'local-ip': Flags.string({description: 'Local IPv4 address or prefix (default ANY).'}),
    'local-port': Flags.string({description: 'Local port or range, e.g. 80 or 49152-49182 (default ANY).'}),
    name: nicName,
    protocol: Flags.string({description: 'TCP, UDP, ICMP or an IP protocol number (default ANY).'}),
    'remote-ip': Flags.string({description: 'Remote IPv4 address or prefix (default ANY).'}),
    'remote-port': Flags.string({description: 'Remote port or range (default ANY).'}),
    stateful: Flags.boolean({default: false, description: 'Also admit the return traffic of matching flows.'}),
    weight: Flags.integer({description: 'Order of evaluation: larger first; unique per adapter and direction.', required: true}),
  }

  async run() {
    const {args, flags} = await this.parse(VmAddExtendedAcl)
    const {result: row} = await this.change((lab) => {
      const entry = addExtendedAcl(lab, args.vm, flags.name, {
        action: flags.action,
        direction: flags.direction,
        idleSessionTimeout: flags['idle-session-timeout'],
        localIp: flags['local-ip'],
        localPort: flags['local-port'],
        protocol: flags.protocol,
        remoteIp: flags['remote-ip'],
        remotePort: flags['remote-port'],
        stateful: flags.stateful,
        weight: flags.weight,
      })
      const {adapter, vm} = findVmAdapter(lab, args.vm, flags.name)
      return extendedAclViews(vm, adapter, [entry])[0]!
    })
    if (!this.jsonEnabled()) this.log(await renderExtendedAclTable([row]))
    return row
  }
}
