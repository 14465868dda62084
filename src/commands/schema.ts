import fs from 'node:fs'

import {HvnetCommand} from '../cli/base-command.js'

/** The JSON Schema shipped in the package (schemas/lab.schema.json, derived from labfile-schema.ts). */
export const LAB_SCHEMA_URL = new URL('../../../schemas/lab.schema.json', import.meta.url)

export default class Schema extends HvnetCommand {
  static override description = `Print the JSON Schema of lab files, so editors validate and complete them.

VS Code with the YAML extension: save it as lab.schema.json and start lab.yaml with "# yaml-language-server: $schema=./lab.schema.json".`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> > lab.schema.json', description: 'Save it beside your lab file'},
    {command: '<%= config.bin %> <%= command.id %> --json', description: 'The same, as a JSON value'},
  ]

  async run() {
    const text = fs.readFileSync(LAB_SCHEMA_URL, 'utf8')
    if (!this.jsonEnabled()) this.log(text.trimEnd())
    return JSON.parse(text) as unknown
  }
}
