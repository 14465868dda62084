import {PlanCommand} from '../cli/plan-command.js'

export default class Apply extends PlanCommand {
  static override description = `Make the store match a lab file: print the plan, then apply it all or nothing under the store's lock.

The lab is built from the file through the configuration commands' own rules; a file with problems reports every one with its path (vms.web.adapters["Network Adapter"].vlan.accessVlanId: must be 1-4094), changes nothing and exits 1. Switches, VMs, NATs and host adapters of the store that the file does not name are kept (the plan says so) unless --prune. A second apply of the same file prints "no changes". Applied to a store that does not exist yet, the file is the whole lab.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -f lab.yaml', description: 'Apply a lab file'},
    {command: '<%= config.bin %> <%= command.id %> -f lab.yaml --dry-run', description: 'The plan only (same as `hvnet diff`)'},
    {command: '<%= config.bin %> <%= command.id %> -f lab.yaml --prune --detailed-exitcode', description: 'In CI: remove what the file does not name; exit 4 when something changed'},
    {command: '<%= config.bin %> <%= command.id %> -f examples/nat-network/lab.yaml --config /tmp/lab.json', description: 'Build an example lab in a scratch store'},
  ]

  static override flags = {
    'dry-run': PlanCommand.dryRunFlag,
  }

  async run() {
    const {flags} = await this.parse(Apply)
    return this.plan(flags, !flags['dry-run'])
  }
}
