/**
 * ProgramDirector: holds one ChannelManager and one FanoutBuffer per channel, owns the
 * global mode and the viewer side (tune-ins become fanout viewers). It never spawns
 * ffmpeg and never touches producers: ChannelManagers do that.
 */
import type { Writable } from 'node:stream';
import type { ChannelMode, ChannelStatusDto } from '../../shared/types.ts';
import { ChannelManager, type ChannelIdentity, type ChannelManagerOptions } from './channel-manager.ts';
import { FanoutBuffer } from './fanout/fanout-buffer.ts';

/** What every ChannelManager is built with; the director adds the channel. */
export type ProgramDirectorOptions = Pick<ChannelManagerOptions, 'clock' | 'schedule' | 'profile' | 'createProducer' | 'logger' | 'lingerMs'>;

interface ChannelSlot {
  manager: ChannelManager;
  fanout: FanoutBuffer;
}

export class UnknownChannelError extends Error {}
export class ChannelDisabledError extends Error {}

export class ProgramDirector {
  private readonly slots = new Map<number, ChannelSlot>();
  private mode: ChannelMode = 'normal';

  constructor(private readonly opts: ProgramDirectorOptions) {}

  /** Add (or replace the identity of) the channels the station defines. */
  loadChannels(channels: ChannelIdentity[]): void {
    for (const ch of channels) {
      if (this.slots.has(ch.number)) continue;
      const manager = new ChannelManager({
        channel: ch, clock: this.opts.clock, schedule: this.opts.schedule, profile: this.opts.profile,
        createProducer: this.opts.createProducer, logger: this.opts.logger, lingerMs: this.opts.lingerMs,
      });
      // Viewers stay connected across producer swaps; they resume at the next keyframe.
      const fanout = new FanoutBuffer(this.opts.clock, { label: `ch${ch.number}`, endViewersOnSourceEnd: false });
      manager.on('output', (stream) => fanout.attach(stream));
      manager.on('outputEnding', () => fanout.detachSource());
      manager.on('failed', (err) => {
        this.opts.logger.error({ channel: ch.number, err: err.message }, 'channel failed; disconnecting its viewers');
        for (const v of fanout.stats().viewers) fanout.removeViewer(v.id, 'destroy');
      });
      this.slots.set(ch.number, { manager, fanout });
    }
  }

  /**
   * Bring the running channels in line with the station's definitions: new channels are
   * added, changed ones updated (a disabled channel goes off the air), removed ones shut down.
   */
  async syncChannels(channels: ChannelIdentity[]): Promise<void> {
    const wanted = new Map(channels.map((c) => [c.number, c]));
    for (const [number, slot] of [...this.slots]) {
      const next = wanted.get(number);
      if (!next) {
        await slot.manager.shutdown();
        slot.fanout.close();
        this.slots.delete(number);
      } else if (next.name !== slot.manager.channel.name || next.enabled !== slot.manager.channel.enabled || next.timezone !== slot.manager.channel.timezone) {
        if (!next.enabled) for (const v of slot.fanout.stats().viewers) slot.fanout.removeViewer(v.id, 'end');
        await slot.manager.updateIdentity(next);
      }
    }
    this.loadChannels(channels.filter((c) => !this.slots.has(c.number)));
  }

  channelNumbers(): number[] {
    return [...this.slots.keys()].sort((a, b) => a - b);
  }

  /** Each channel's definition, in number order. */
  channels(): Readonly<ChannelIdentity>[] {
    return this.channelNumbers().map((n) => (this.slots.get(n) as ChannelSlot).manager.channel);
  }

  manager(number: number): ChannelManager | undefined {
    return this.slots.get(number)?.manager;
  }

  globalMode(): ChannelMode {
    return this.mode;
  }

  /** Switch every channel's mode as one unit: all switch, or all return to the previous mode. */
  async setGlobalMode(mode: ChannelMode): Promise<void> {
    const previous = this.mode;
    this.mode = mode;
    const results = await Promise.allSettled([...this.slots.values()].map((s) => s.manager.setMode(mode)));
    if (results.some((r) => r.status === 'rejected')) {
      this.mode = previous;
      await Promise.allSettled([...this.slots.values()].map((s) => s.manager.setMode(previous)));
      throw new Error(`Could not switch every channel to ${mode}; all channels are back in ${previous}.`);
    }
  }

  /**
   * Tune a viewer in: put the channel on air (if it is not), then attach `sink` to
   * its output. `onReady` runs once the channel is on air and before any byte is
   * written (e.g. to send HTTP headers). The viewer is tuned out when the sink closes.
   */
  async tune(number: number, sink: Writable, clientInfo: string, onReady?: () => void): Promise<void> {
    const slot = this.slots.get(number);
    if (!slot) throw new UnknownChannelError(`There is no channel ${number}.`);
    if (!slot.manager.channel.enabled) throw new ChannelDisabledError(`Channel ${number} is disabled.`);
    const session = await slot.manager.tuneIn(clientInfo);
    if (sink.destroyed) {
      slot.manager.tuneOut(session.id);
      return;
    }
    onReady?.();
    slot.fanout.addViewer(sink, { onLeave: () => slot.manager.tuneOut(session.id) });
  }

  statuses(streamUrl: (n: number) => string): ChannelStatusDto[] {
    return this.channelNumbers().map((n) => {
      const { manager } = this.slots.get(n) as ChannelSlot;
      const rt = manager.runtimeStatus();
      return {
        uuid: manager.channel.uuid, number: n, name: manager.channel.name, enabled: manager.channel.enabled, mode: rt.mode,
        viewerCount: rt.viewerCount, producerStatus: rt.producerStatus, nowPlaying: manager.nowPlaying(), streamUrl: streamUrl(n),
      };
    });
  }

  /** Every live process id of every channel (ownership checks, benchmarks). */
  pids(): number[] {
    return [...this.slots.values()].flatMap((s) => s.manager.runtimeStatus().pids);
  }

  async shutdown(): Promise<void> {
    await Promise.allSettled([...this.slots.values()].map((s) => s.manager.shutdown()));
    for (const s of this.slots.values()) s.fanout.close();
  }
}
