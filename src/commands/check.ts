import {Flags} from '@oclif/core'

import type {CheckReport} from '../model/check.js'

import {HvnetCommand} from '../cli/base-command.js'

export default class Check extends HvnetCommand {
  static override description = `Run the reachability checks of the lab's \`checks:\` section, each a stateless trace, and say which pass.

A check names from and to (a VM, VM/Adapter, host, internet, or an address), a protocol (icmp, tcp, udp) and port, what the trace must end in (expect: replied, refused, delivered, dropped, unreachable, timeout; and a drop reason), and via: switches, NATs or host interfaces the path must go through. One line per check; under a failure, its trace at summary detail. With -f, the lab file is applied to a copy of the store in memory (the store is not touched); without it, the store's checks run. Exit status: 0 when every check passes, 3 when any fails, 1 when there are no checks or the file has errors.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %>', description: 'The checks stored in the lab'},
    {command: '<%= config.bin %> <%= command.id %> -f examples/nat-network/lab.yaml', description: 'The checks of a lab file, against the lab it declares'},
    {command: '<%= config.bin %> <%= command.id %> -f lab.yaml --junit reports/hvnet.xml', description: 'In CI: JUnit XML for the test report, exit 3 on a failure'},
    {command: '<%= config.bin %> <%= command.id %> --json | jq \'.checks[] | select(.passed | not) | .failure\'', description: 'Why each failing check failed'},
  ]

  static override flags = {
    file: Flags.string({char: 'f', description: 'A lab file whose checks run against the lab it declares (applied in memory; the store is not changed).', helpValue: 'FILE'}),
    junit: Flags.string({description: 'Also write the results as JUnit XML to this file.', helpValue: 'FILE'}),
  }

  async run(): Promise<CheckReport> {
    const {flags} = await this.parse(Check)
    const loaded = await this.loadLab()
    let lab = loaded.lab
    if (flags.file !== undefined) {
      const {labAsApplied} = await import('../cli/lab-file.js')
      lab = await labAsApplied(flags.file, loaded)
    }
    const {checkExitCode, runChecks} = await import('../model/check.js')
    const report = runChecks(lab)
    if (flags.junit !== undefined) {
      const {renderJunit} = await import('../render/check.js')
      const {writeReport} = await import('../model/report-file.js')
      writeReport(flags.junit, await renderJunit(report, flags.file ?? 'hvnet'), '--junit')
    }
    if (!this.jsonEnabled()) {
      const {renderChecks} = await import('../render/check.js')
      this.log(await renderChecks(report))
    }
    process.exitCode = checkExitCode(report)
    return report
  }
}
