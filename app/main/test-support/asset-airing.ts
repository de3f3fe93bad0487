/** A channel output airing segments through an AssetProducer: the shape most playout tests need. */
import type { MasterClock } from '../clock/master-clock.ts';
import { ChannelOutput, type ChannelOutputOptions } from '../playout/channel-output.ts';
import type { ProcessSpawn } from '../playout/frame-source.ts';
import { AssetProducer } from '../runtime/producer/asset-producer.ts';
import type { ProducerTuning } from '../runtime/producer/producer-base.ts';
import type { OutputProfile } from '../runtime/producer/output-profile.ts';
import type { PlayoutSegment } from '../runtime/producer/producer.ts';

export class AssetAiring extends ChannelOutput {
  producer: AssetProducer | null = null;
  constructor(
    opts: { profile: OutputProfile; clock: MasterClock } & Omit<ChannelOutputOptions, 'profile' | 'clock'>,
    private readonly tuning: ProducerTuning = {},
  ) {
    // These tests read output frame i against file frames: frame 0 airs even if it is late.
    super({ lateStart: 'hold', ...opts });
  }
  /** Start airing `segments` so that frame 0 is what they put on air at `stationTimeMs`. */
  play(segments: PlayoutSegment[], stationTimeMs: number): Promise<void> {
    this.producer = new AssetProducer(segments, this.tuning);
    return this.start(this.producer, stationTimeMs);
  }
  enqueue(segments: PlayoutSegment[]): void {
    this.producer?.enqueue(segments);
  }
  /** Pid of the decoder serving the frame being written. */
  currentDecoderPid(): number | undefined {
    return this.producer?.decoderPidAt(this.frameCursor);
  }
  onSpawn(fn: (p: ProcessSpawn) => void): this {
    return this.on('spawn', fn);
  }
}
