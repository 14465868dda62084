import {Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {natSessionViews} from '../../model/nat-sessions.js'
import {readRuntime} from '../../model/runtime-store.js'
import {renderNatSessions} from '../../render/nat.js'

export default class NatSessions extends HvnetCommand {
  static override description = `List the NAT sessions (Get-NetNatSession) that traces created and the runtime state keeps, at the runtime's virtual clock: NatName, Protocol (6 TCP, 17 UDP, 1 ICMP), the internal and external source and destination addresses and ports, and CreationTime (virtual seconds), plus the session's Id as traces cite it (nat MyNAT session 3), its State and the seconds it has left.

The Default Switch's ICS NAT is listed as "ICS (Default Switch)". Sessions expire on the virtual clock (IcmpQueryTimeout, UdpIdleSessionTimeout, TcpTransientConnectionTimeout, TcpEstablishedConnectionTimeout).`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    {command: '<%= config.bin %> <%= command.id %> --nat MyNATnetwork', description: 'The sessions of one NAT'},
    {command: '<%= config.bin %> <%= command.id %> --json | jq ".[] | {externalSourcePort, timeLeft}"', description: 'The external port and time left of each session'},
  ]

  static override flags = {
    nat: Flags.string({description: 'Only this NAT\'s sessions (Get-NetNatSession -NatName).', helpValue: 'NAME'}),
  }

  async run() {
    const {flags} = await this.parse(NatSessions)
    const {lab} = await this.loadLab()
    const rows = natSessionViews(lab, readRuntime(await this.labFile()), flags.nat)
    if (!this.jsonEnabled()) this.log(await renderNatSessions(rows))
    return rows
  }
}
