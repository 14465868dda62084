import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {addAdapter, describeAdapter, findVm} from '../../model/vm.js'
import {renderAdapter} from '../../render/vm.js'

export default class VmAddNic extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name.', required: true}),
  }

  static override description = `Add a network adapter to a VM (Add-VMNetworkAdapter).

Names are unique per VM (default "Network Adapter"). A VM holds up to 64 synthetic and 4 legacy adapters; legacy adapters exist only on generation 1. A running VM takes a new adapter only on generation 2 and only a synthetic one (hot add). Without --static-mac the MAC is dynamic: from the host's pool at the VM's next start, or at once on a running VM.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> web1 --name Backend --switch Isolated', description: 'A second adapter on a Private switch'},
    {command: '<%= config.bin %> <%= command.id %> pxe --name Bootable --legacy', description: 'A legacy adapter (generation 1), as in Microsoft\'s example'},
    {command: '<%= config.bin %> <%= command.id %> web1 --name Fixed --static-mac 00-15-5D-AA-00-01', description: 'A static MAC'},
  ]

  static override flags = {
    legacy: Flags.boolean({default: false, description: 'An emulated (legacy) adapter; generation 1 only (-IsLegacy $true).'}),
    name: Flags.string({char: 'n', description: 'Adapter name (default "Network Adapter").'}),
    'static-mac': Flags.string({description: 'A static MAC (00155D010203, 00-15-5D-01-02-03 or 00:15:5d:01:02:03): unicast, not all-zero.'}),
    switch: Flags.string({char: 's', description: 'Connect it to this switch (default: not connected).'}),
  }

  async run() {
    const {args, flags} = await this.parse(VmAddNic)
    const {result: view} = await this.change((lab) => {
      const vm = findVm(lab, args.vm)
      return describeAdapter(lab, vm, addAdapter(lab, vm, {legacy: flags.legacy, name: flags.name, staticMac: flags['static-mac'], switchName: flags.switch}))
    })
    if (!this.jsonEnabled()) this.log(await renderAdapter(view))
    return view
  }
}
