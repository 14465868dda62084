import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {booleanValue, toBoolean} from '../../cli/flags.js'
import {setNat} from '../../model/nat.js'
import {renderNat} from '../../render/nat.js'

const filtering = ['AddressDependentFiltering', 'EndpointIndependentFiltering'] as const

export default class NatSet extends HvnetCommand {
  static override args = {
    name: Args.string({description: 'The NAT\'s name (case-insensitive).', required: true}),
  }

  static override description = 'Change a WinNAT object\'s session timeouts (seconds), filtering behaviours and UDP inbound refresh (Set-NetNat).'

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> MyNATnetwork --udp-idle-session-timeout 300', description: 'Set-NetNat -Name MyNATnetwork -UdpIdleSessionTimeout 300'},
    {command: '<%= config.bin %> <%= command.id %> MyNATnetwork --tcp-filtering-behavior AddressDependentFiltering --udp-inbound-refresh true', description: 'The example of Set-NetNat\'s documentation'},
    {command: '<%= config.bin %> <%= command.id %> MyNATnetwork --udp-filtering-behavior EndpointIndependentFiltering', description: 'Full-cone UDP: any remote host may answer a session'},
  ]

  static override flags = {
    'icmp-query-timeout': Flags.integer({description: 'IcmpQueryTimeout in seconds (default 30).'}),
    'tcp-established-connection-timeout': Flags.integer({description: 'TcpEstablishedConnectionTimeout in seconds (default 1800).'}),
    'tcp-filtering-behavior': Flags.option({description: 'TcpFilteringBehavior (default AddressDependentFiltering).', options: filtering})(),
    'tcp-transient-connection-timeout': Flags.integer({description: 'TcpTransientConnectionTimeout in seconds (default 120).'}),
    'udp-filtering-behavior': Flags.option({description: 'UdpFilteringBehavior (default AddressDependentFiltering).', options: filtering})(),
    'udp-idle-session-timeout': Flags.integer({description: 'UdpIdleSessionTimeout in seconds (default 120).'}),
    'udp-inbound-refresh': booleanValue('Whether inbound packets refresh a UDP session too (default false: only outbound ones).'),
  }

  async run() {
    const {args, flags} = await this.parse(NatSet)
    const {result} = await this.change((lab) => setNat(lab, args.name, {
      icmpQueryTimeout: flags['icmp-query-timeout'],
      tcpEstablishedConnectionTimeout: flags['tcp-established-connection-timeout'],
      tcpFilteringBehavior: flags['tcp-filtering-behavior'],
      tcpTransientConnectionTimeout: flags['tcp-transient-connection-timeout'],
      udpFilteringBehavior: flags['udp-filtering-behavior'],
      udpIdleSessionTimeout: flags['udp-idle-session-timeout'],
      udpInboundRefresh: toBoolean(flags['udp-inbound-refresh']),
    }))
    if (!this.jsonEnabled()) this.log(await renderNat(result))
    return result
  }
}
