#!/usr/bin/env node
// hvnet's entry point: the one-file build when it is current (bin/bundle.js), else the compiled
// modules of dist/src through oclif as usual.
//
// On import, @oclif/core checks that Node satisfies its own engines range (>=18), loading semver to
// do it. hvnet's narrower range (package.json engines) is what npm checks at install, so the check
// can never warn here; skipped unless the user asked for it.
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {loadBundle} from './bundle.js'

const engineWarning = process.env.OCLIF_DISABLE_ENGINE_WARNING
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const bundle = loadBundle(root)
const {execute} = bundle === null ? await import('@oclif/core') : {execute: null}
if (engineWarning === undefined) delete process.env.OCLIF_DISABLE_ENGINE_WARNING

await (bundle === null ? execute({dir: import.meta.url}) : bundle.exports.main(root))
