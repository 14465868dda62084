import {PlanCommand} from '../cli/plan-command.js'

export default class Diff extends PlanCommand {
  static override description = `Print the plan of applying a lab file, and change nothing (apply --dry-run).

"+" adds, "~" changes a setting (old → new), "-" removes (only with --prune). Store objects the file does not name are listed in one line as kept.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> -f lab.yaml', description: 'What apply would do'},
    {command: '<%= config.bin %> <%= command.id %> -f lab.yaml --prune', description: 'Including what --prune would remove'},
    {command: '<%= config.bin %> <%= command.id %> -f lab.yaml --detailed-exitcode', description: 'Exit 4 when the store differs from the file (a drift check)'},
    {command: '<%= config.bin %> <%= command.id %> -f lab.yaml --json', description: 'The plan as data'},
  ]

  async run() {
    const {flags} = await this.parse(Diff)
    return this.plan(flags, false)
  }
}
