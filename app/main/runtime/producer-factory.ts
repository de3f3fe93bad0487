/**
 * Builds producers for the ChannelManager. Kept apart from the manager so the
 * composition root can pass it in (and tests a fake one); lint lets only these two
 * modules reach producer implementations.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { MasterClock } from '../clock/master-clock.ts';
import type { FfmpegBinaries } from '../media/ffmpeg-binaries.ts';
import type { ProducerFactory } from './channel-manager.ts';
import { AssetProducer } from './producer/asset-producer.ts';

export interface ProducerFactoryOptions {
  clock: MasterClock;
  /** Each channel's ffmpeg stderr goes to <logDir>/channel-<number>.log. */
  logDir: string | null;
  binaries?: FfmpegBinaries;
}

export function createProducerFactory(opts: ProducerFactoryOptions): ProducerFactory {
  const logs = new Map<number, WriteStream>();
  const logFor = (channel: number): WriteStream | null => {
    if (!opts.logDir) return null;
    let s = logs.get(channel);
    if (!s) {
      mkdirSync(opts.logDir, { recursive: true });
      s = createWriteStream(path.join(opts.logDir, `channel-${channel}.log`), { flags: 'a' });
      s.on('error', () => {}); // a full disk must not take the channel down
      logs.set(channel, s);
    }
    return s;
  };
  return (kind, { channel }) => {
    const stream = logFor(channel.number);
    // Emergency, guide and slate producers arrive with their issues; until then the
    // asset producer renders every plan (slates and black included).
    return new AssetProducer({
      clock: opts.clock,
      kind,
      binaries: opts.binaries,
      log: stream
        ? (line) => stream.write(`${new Date(opts.clock.nowMs()).toISOString()} ${line.source}[${line.pid ?? '-'}]${line.eventId ? ` ${line.eventId}` : ''} ${line.text}\n`)
        : undefined,
    });
  };
}
