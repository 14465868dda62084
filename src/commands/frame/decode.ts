import {Args, Flags} from '@oclif/core'

import type {Json} from '../../engine/wire/index.js'

import {HvnetCommand} from '../../cli/base-command.js'
import {JUMBO_FRAME_LEN, decodeFrames, frameResultJson, framesFromHex, malformedFrameError, readFrameFile} from '../../model/frames.js'
import {renderFrames} from '../../render/frame.js'

export default class FrameDecode extends HvnetCommand {
  static override args = {
    hex: Args.string({description: 'One Ethernet frame (without FCS) in hex; spaces, colons and a leading 0x are ignored.', ignoreStdin: true}),
  }

  static override description = `Decode Ethernet frames layer by layer, as hvnet's engine sees them: Ethernet II and 802.1Q, ARP, IPv4, ICMPv4, UDP, TCP and DHCP, with every checksum verified.

Give one frame as HEX, or --file with a pcap or pcapng capture (one written by hvnet, tcpdump -w or Wireshark) or a text file of hex lines (one frame per line; blank lines and # comments ignored); --file - reads standard input.

A frame whose decoding stops (truncated, an impossible length) is shown up to the layer that failed, and the command exits 1 naming the frame, the error code and the byte offset. A bad checksum is shown ([incorrect, should be 0x....]) but is not an error.`

  static override examples = [
    {command: '<%= config.bin %> <%= command.id %> ffffffffffff00155d64000b0806000108000604000100155d64000bc0a8640b000000000000c0a86401', description: 'An ARP request'},
    {command: '<%= config.bin %> <%= command.id %> --file trace.pcapng', description: 'Every frame of a capture, with its interface, time and comment'},
    {command: '<%= config.bin %> <%= command.id %> --file frames.txt --json | jq ".[].summary"', description: 'One summary per hex line'},
    {command: 'tcpdump -i eth0 -c 5 -w - | <%= config.bin %> <%= command.id %> --file -', description: 'Five frames captured live, on standard input'},
    {command: '<%= config.bin %> <%= command.id %> --file jumbo.pcap --jumbo', description: 'Frames up to 9014 bytes'},
  ]

  static override flags = {
    file: Flags.string({description: 'A pcap or pcapng file, or a text file with one frame per line in hex; - reads standard input.', helpValue: 'FILE'}),
    jumbo: Flags.boolean({default: false, description: `Accept frames up to ${JUMBO_FRAME_LEN} bytes (Hyper-V's "Jumbo Packet" setting) instead of 1514.`}),
  }

  /** The frames decoded before a malformed one made the command fail; --json prints them with the error. */
  private decodedFrames: Json[] | undefined

  async run() {
    const {args, flags} = await this.parse(FrameDecode)
    if (args.hex !== undefined && flags.file !== undefined) this.error('Give the frame as HEX or with --file, not both.', {exit: 2})
    if (args.hex === undefined && flags.file === undefined) this.error('No frame given. Give one as HEX (hvnet frame decode ffffffffffff00155d...) or a file with --file FILE.', {exit: 2})
    const inputs = flags.file === undefined ? framesFromHex(args.hex!) : await readFrameFile(flags.file)
    const results = decodeFrames(inputs, {jumbo: flags.jumbo})
    const json = results.map(frameResultJson)
    if (!this.jsonEnabled()) this.log(await renderFrames(results))
    const malformed = malformedFrameError(results)
    if (malformed) {
      this.decodedFrames = json
      throw malformed
    }
    return json
  }

  /** `{"error": {...}, "frames": [...]}`: the README's error object, plus every frame decoded. */
  protected override toErrorJson(error: unknown): unknown {
    const base = super.toErrorJson(error) as Record<string, unknown>
    return this.decodedFrames === undefined ? base : {...base, frames: this.decodedFrames}
  }
}
