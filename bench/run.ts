// `npm run bench`: every speed and memory figure of the project, printed, never asserted.
// Each bench module exports `run(print)`; figures are printed as `name: value unit (note)`.
const modules = ['./wire.js', './switch.js', './stacks.js', './lan.js', './nat.js', './cli.js', './vms.js', './snapshot.js', './apply.js', './trace.js', './check.js']

for (const m of modules) {
  let mod: {run: (print: (line: string) => void) => Promise<void>}
  try {
    mod = await import(m)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') continue
    throw error
  }
  await mod.run((line) => console.log(line))
}
