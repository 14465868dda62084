// Regenerates schemas/lab.schema.json from src/model/labfile-schema.ts (run after `npx tsc -b`).
// test/model/labfile.test.ts fails while the shipped file and the derivation differ.
import fs from 'node:fs'

const {labFileJsonSchema} = await import('../dist/src/model/json-schema.js')
fs.writeFileSync(new URL('../schemas/lab.schema.json', import.meta.url), `${JSON.stringify(labFileJsonSchema(), null, 2)}\n`)
