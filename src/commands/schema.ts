import {HvnetCommand} from '../cli/base-command.js'
import {labFileJsonSchema} from '../model/json-schema.js'

export default class Schema extends HvnetCommand {
  static override description = `Print the JSON Schema of lab files, so editors validate and complete them.

VS Code with the YAML extension: save it as lab.schema.json and start lab.yaml with "# yaml-language-server: $schema=./lab.schema.json".`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> > lab.schema.json', description: 'Save it beside your lab file'},
    {command: '<%= config.bin %> <%= command.id %> --json', description: 'The same, as a JSON value'},
  ]

  async run() {
    // The derivation that schemas/lab.schema.json is a copy of (test/model/labfile.test.ts pins the two equal).
    const schema = labFileJsonSchema()
    if (!this.jsonEnabled()) this.log(JSON.stringify(schema, null, 2))
    return schema
  }
}
