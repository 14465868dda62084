// An unknown command is a usage error: one line with the closest command, exit 2, no prompt.
// (@oclif/plugin-not-found asks "Did you mean …? (Y/n)" whenever stdin is a TTY — which a shell
// script run from a terminal has — and exits 127; hvnet promises no prompts and exit 2.)
import type {Hook} from '@oclif/core'

import {closestName} from '../model/names.js'

const hook: Hook.CommandNotFound = async function (options) {
  const ids = options.config.commands.filter((c) => !c.hidden).map((c) => c.id)
  const typed = options.id.replaceAll(':', ' ')
  const suggestion = closestName(options.id, ids)
  const topic = options.id.split(':')[0]
  const help = options.config.findTopic(topic) ? `hvnet help ${topic}` : 'hvnet help'
  const hint = suggestion ? `Did you mean \`hvnet ${suggestion.replaceAll(':', ' ')}\`? ` : ''
  process.stderr.write(`Error: "${typed}" is not an hvnet command. ${hint}Run \`${help}\` for the list of commands.\n`)
  this.exit(2)
}

export default hook
