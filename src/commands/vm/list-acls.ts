import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {extendedAclViews, portAclViews, selectAdapters} from '../../model/vm.js'
import {renderAclTable, renderExtendedAclTable} from '../../render/vm.js'

export default class VmListAcls extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name (default: every VM).'}),
  }

  static override description = 'List the port ACL entries of VM network adapters (Get-VMNetworkAdapterAcl), or with --extended the extended ACL entries (Get-VMNetworkAdapterExtendedAcl), per direction, highest weight first. Index numbers each adapter\'s entries from 0, as traces name them (`vm web/Network Adapter.acl[2]`, `.extendedAcl[0]`).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> Redmond',
    {command: '<%= config.bin %> <%= command.id %> Redmond --name "Network Adapter" --extended', description: 'The extended ACLs of one adapter'},
    {command: '<%= config.bin %> <%= command.id %> --json | jq \'.[] | select(.action == "Deny")\'', description: 'Every Deny entry'},
  ]

  static override flags = {
    extended: Flags.boolean({default: false, description: 'List the extended ACLs instead.'}),
    name: Flags.string({char: 'n', description: 'Only this adapter of the VM.'}),
  }

  async run() {
    const {args, flags} = await this.parse(VmListAcls)
    const {lab} = await this.loadLab()
    const selected = selectAdapters(lab, args.vm, flags.name)
    if (flags.extended) {
      const rows = selected.flatMap(({adapter, vm}) => extendedAclViews(vm, adapter))
      if (!this.jsonEnabled()) this.log(await renderExtendedAclTable(rows))
      return rows
    }
    const rows = selected.flatMap(({adapter, vm}) => portAclViews(vm, adapter))
    if (!this.jsonEnabled()) this.log(await renderAclTable(rows))
    return rows
  }
}
