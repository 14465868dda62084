import {Flags} from '@oclif/core'
import fs from 'node:fs'

import {HvnetCommand} from '../cli/base-command.js'
import {exportLab, formatLabFile} from '../model/labfile.js'

export default class Export extends HvnetCommand {
  static override description = `Write the whole lab as a lab file: readable YAML (or JSON), for a repository and \`hvnet apply\`.

Names are keys where order does not matter; defaults are left out; Hyper-V's property names. Values Hyper-V generates (GUIDs, pool MACs, ifIndexes, counters) go in the \`assigned:\` block at the end, so that \`hvnet apply\` of the file into an empty store rebuilds this lab byte for byte. Leave \`assigned:\` out of a hand-written file.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> > lab.yaml', description: 'The lab as YAML'},
    {command: '<%= config.bin %> <%= command.id %> --format json -o lab.json', description: 'As JSON, to a file'},
    {command: '<%= config.bin %> <%= command.id %> --config other.json | <%= config.bin %> diff -f /dev/stdin', description: 'Compare two stores'},
  ]

  static override flags = {
    format: Flags.option({default: 'yaml', description: 'yaml (the default) or json.', options: ['yaml', 'json'] as const})(),
    output: Flags.string({char: 'o', description: 'Write to this file instead of stdout.'}),
  }

  async run() {
    const {flags} = await this.parse(Export)
    const {lab} = await this.loadLab()
    const file = exportLab(lab)
    if (this.jsonEnabled()) return file
    const text = await formatLabFile(file, flags.format)
    if (flags.output === undefined) output(this, text)
    else fs.writeFileSync(flags.output, text)
    return file
  }
}

function output(command: HvnetCommand, text: string): void {
  command.log(text.endsWith('\n') ? text.slice(0, -1) : text)
}
