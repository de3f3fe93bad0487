/**
 * Builds channel outputs and producers for the ChannelManager. Kept apart from the
 * manager so the composition root can pass it in (and tests a recording one); lint lets
 * only these two modules reach producer implementations.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { MasterClock } from '../clock/master-clock.ts';
import type { FfmpegBinaries } from '../media/ffmpeg-binaries.ts';
import { ChannelOutput, type ChannelOutputOptions } from '../playout/channel-output.ts';
import type { PlayoutLogger } from '../playout/ffmpeg-process.ts';
import type { PlayoutFactory } from './channel-manager.ts';
import { AssetProducer } from './producer/asset-producer.ts';
import { EmergencyProducer } from './producer/emergency-producer.ts';
import { GuideProducer } from './producer/guide-producer.ts';
import type { ProducerTuning } from './producer/producer-base.ts';
import { SlateProducer } from './producer/slate-producer.ts';

/** Output tuning a caller may override. */
export type OutputTuning = Omit<ChannelOutputOptions, 'profile' | 'clock' | 'binaries' | 'log'>;

export interface PlayoutFactoryOptions {
  clock: MasterClock;
  /** Each channel's ffmpeg stderr goes to <logDir>/channel-<number>.log. */
  logDir: string | null;
  binaries?: FfmpegBinaries;
  output?: OutputTuning;
  producer?: ProducerTuning;
}

export function createPlayoutFactory(opts: PlayoutFactoryOptions): PlayoutFactory {
  const logs = new Map<number, WriteStream>();
  const logFor = (channel: number): PlayoutLogger | undefined => {
    if (!opts.logDir) return undefined;
    let s = logs.get(channel);
    if (!s) {
      mkdirSync(opts.logDir, { recursive: true });
      s = createWriteStream(path.join(opts.logDir, `channel-${channel}.log`), { flags: 'a' });
      s.on('error', () => {}); // a full disk must not take the channel down
      logs.set(channel, s);
    }
    const stream = s;
    return (line) => stream.write(`${new Date(opts.clock.nowMs()).toISOString()} ${line.source}[${line.pid ?? '-'}]${line.eventId ? ` ${line.eventId}` : ''} ${line.text}\n`);
  };
  return {
    createOutput: ({ channel, profile }) =>
      new ChannelOutput({ ...opts.output, profile, clock: opts.clock, binaries: opts.binaries, log: logFor(channel.number) }),
    createProducer: (plan, { profile, startMs }) => {
      const tuning = opts.producer ?? {};
      switch (plan.kind) {
        case 'asset':
          return new AssetProducer(plan.segments, tuning);
        case 'emergency':
          return new EmergencyProducer({ alert: plan.alert, segments: plan.segments, profile, startMs }, tuning);
        case 'guide':
          return new GuideProducer({ guide: plan.guide, startMs }, tuning);
        case 'slate':
          return new SlateProducer({ slate: plan.slate, startMs }, tuning);
      }
    },
  };
}
