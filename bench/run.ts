// `npm run bench`: every speed and memory figure of the project, printed, never asserted.
// Each bench module exports `run(print)`; figures are printed as `name: value unit (note)`.
// Every module is imported as is: one that is missing or fails to load stops the run loudly
// rather than leaving its figures (and the README's claims about them) silently unprinted.
const modules = ['./wire.js', './switch.js', './stacks.js', './lan.js', './nat.js', './cli.js', './vms.js', './snapshot.js', './apply.js', './trace.js', './check.js']

for (const m of modules) {
  const mod = (await import(m)) as {run: (print: (line: string) => void) => Promise<void>}
  await mod.run((line) => console.log(line))
}
