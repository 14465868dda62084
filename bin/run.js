#!/usr/bin/env node
// On import, @oclif/core checks that Node satisfies its own engines range (>=18), loading semver's 47
// modules to do it: about 9 ms of a 170 ms start. hvnet's narrower range (package.json engines) is
// what npm checks at install, so the check can never warn here; skipped unless the user asked for it.
const engineWarning = process.env.OCLIF_DISABLE_ENGINE_WARNING
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
const {execute} = await import('@oclif/core')
if (engineWarning === undefined) delete process.env.OCLIF_DISABLE_ENGINE_WARNING

await execute({dir: import.meta.url})
