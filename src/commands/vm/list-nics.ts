import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {listAdapters} from '../../model/vm.js'
import {renderAdapterTable} from '../../render/vm.js'

export default class VmListNics extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name (default: every VM).'}),
  }

  static override description = `List VM network adapters (Get-VMNetworkAdapter): Name, VMName, SwitchName, MacAddress, Status, IPAddresses.

Status is {Ok} for a running VM's connected adapter, {Disconnected} for one not connected, empty for a VM that is off. IPAddresses shows what the guest reports, known only while it runs. --all adds the host's management-OS vNICs (Get-VMNetworkAdapter -All).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> web1',
    {command: '<%= config.bin %> <%= command.id %> --all', description: 'Every VM adapter and the host vNICs'},
    {command: '<%= config.bin %> <%= command.id %> --json | jq -r \'.[] | select(.status == "Disconnected") | "\\(.vmName)/\\(.name)"\'', description: 'Adapters that are not connected'},
  ]

  static override flags = {
    all: Flags.boolean({default: false, description: 'Include the management OS\'s vNICs.'}),
  }

  async run() {
    const {args, flags} = await this.parse(VmListNics)
    const {lab} = await this.loadLab()
    const rows = listAdapters(lab, args.vm, flags.all)
    if (!this.jsonEnabled()) this.log(await renderAdapterTable(rows))
    return rows
  }
}
