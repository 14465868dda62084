import {Args, Flags} from '@oclif/core'

import {HvnetCommand} from '../../cli/base-command.js'
import {nicName, onOff, toOnOff} from '../../cli/flags.js'
import {describeAdapter, findVm, setAdapter} from '../../model/vm.js'
import {renderAdapter} from '../../render/vm.js'

const MIRRORING = {destination: 'Destination', none: 'None', source: 'Source'} as const

export default class VmSetNic extends HvnetCommand {
  static override args = {
    vm: Args.string({description: 'VM name.', required: true}),
  }

  static override description = `Change a VM network adapter's port features (Set-VMNetworkAdapter).

MAC address spoofing off (the default) lets the VM send only from its own MAC; DHCP guard drops DHCP server messages from the VM; router guard drops router advertisements and redirects from it; port mirroring copies a Source adapter's traffic to the Destination adapters on the same switch. --maximum-bandwidth is rounded to a multiple of 8 (0 removes the limit). Changing the MAC needs the VM off; --dynamic-mac gives the adapter a pool MAC at the next start.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> Redmond --name "Network Adapter" --dhcp-guard on', description: 'DHCP guard, as in Microsoft\'s example'},
    {command: '<%= config.bin %> <%= command.id %> hyperv-l1 -n "Network Adapter" --mac-spoofing on', description: 'Let a nested Hyper-V host forward its VMs\' frames'},
    {command: '<%= config.bin %> <%= command.id %> Kirkland -n "Network Adapter" --port-mirroring source', description: 'Mirror this adapter\'s traffic'},
    {command: '<%= config.bin %> <%= command.id %> web1 -n "Network Adapter" --static-mac 00-15-5D-AA-00-01', description: 'A static MAC (VM off)'},
  ]

  static override flags = {
    'dhcp-guard': onOff('Drop DHCP server messages sent by the VM.'),
    'dynamic-mac': Flags.boolean({description: 'Take a MAC from the host\'s pool at the next start.', exclusive: ['static-mac']}),
    'mac-spoofing': onOff('Allow the VM to send from MACs other than its own.'),
    'maximum-bandwidth': Flags.integer({description: 'Bits per second (rounded to a multiple of 8); 0 = no limit.', min: 0}),
    name: nicName,
    'port-mirroring': Flags.option({description: 'Port mirroring mode.', options: ['none', 'source', 'destination'] as const})(),
    'router-guard': onOff('Drop router advertisements and redirects sent by the VM.'),
    'static-mac': Flags.string({description: 'A static MAC (three formats; unicast, not all-zero).'}),
  }

  async run() {
    const {args, flags} = await this.parse(VmSetNic)
    const {result: view} = await this.change((lab) => describeAdapter(lab, findVm(lab, args.vm), setAdapter(lab, args.vm, flags.name, {
      dhcpGuard: toOnOff(flags['dhcp-guard']),
      dynamicMac: flags['dynamic-mac'],
      macAddressSpoofing: toOnOff(flags['mac-spoofing']),
      maximumBandwidth: flags['maximum-bandwidth'],
      portMirroringMode: flags['port-mirroring'] === undefined ? undefined : MIRRORING[flags['port-mirroring']],
      routerGuard: toOnOff(flags['router-guard']),
      staticMac: flags['static-mac'],
    })))
    if (!this.jsonEnabled()) this.log(await renderAdapter(view))
    return view
  }
}
