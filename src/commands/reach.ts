import {Flags} from '@oclif/core'

import type {ReachMatrix} from '../model/reach.js'

import {HvnetCommand} from '../cli/base-command.js'

export default class Reach extends HvnetCommand {
  static override description = `Print the reachability matrix of the lab: from every running VM adapter, the host and the internet (8.8.8.8) to every other, the outcome of a stateless trace in each cell.

A cell holds the disposition (replied, refused, delivered, dropped, unreachable, timeout) and, where it is not replied, the reason (dropped:vlan-mismatch). ICMP echo by default; --protocol tcp or udp with --port. Each cell starts from empty runtime state, so the matrix is the same every time and the runtime state is not touched. A report: exit 0 whatever the cells say (for expectations, declare checks and run \`hvnet check\`).`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'Who can ping whom'},
    {command: '<%= config.bin %> <%= command.id %> --from web', description: 'Only web\'s row'},
    {command: '<%= config.bin %> <%= command.id %> --protocol tcp --port 22 --to db', description: 'Who can open SSH to db'},
    {command: '<%= config.bin %> <%= command.id %> --json | jq -r \'.cells[] | select(.disposition != "replied") | "\\(.from) → \\(.to)"\'', description: 'The pairs that do not reach each other'},
  ]

  static override flags = {
    from: Flags.string({description: 'Only the rows of this sender: a VM (all its adapters), VM/Adapter, host or internet.', helpValue: 'ENDPOINT'}),
    port: Flags.integer({description: 'Destination port for tcp (default 80) and udp (required).', max: 65_535, min: 1, helpValue: 'N'}),
    protocol: Flags.option({default: 'icmp', description: 'What each cell sends: an ICMP echo, a TCP connection, a UDP datagram.', options: ['icmp', 'tcp', 'udp'] as const})(),
    to: Flags.string({description: 'Only the columns of this destination: a VM (all its adapters), VM/Adapter, host or internet.', helpValue: 'ENDPOINT'}),
  }

  async run(): Promise<ReachMatrix> {
    const {flags} = await this.parse(Reach)
    const {lab} = await this.loadLab()
    const {reachMatrix} = await import('../model/reach.js')
    const matrix = reachMatrix(lab, {from: flags.from, port: flags.port ?? null, protocol: flags.protocol, to: flags.to})
    if (!this.jsonEnabled()) {
      const {renderReach} = await import('../render/reach.js')
      this.log(await renderReach(matrix))
    }
    return matrix
  }
}
