/**
 * Stand-in ChannelManagers for ProgramDirector and control-surface tests: they record every
 * mode they are asked to carry and can be told to refuse one, so a test can check the
 * director's unit of work without ffmpeg.
 */
import { EventEmitter } from 'node:events';
import type { ModeSpec } from '../../shared/types.ts';
import { ManualClock, type MasterClock } from '../clock/master-clock.ts';
import { silentLogger } from '../logger.ts';
import type { ChannelIdentity, ChannelManagerEvents, ChannelManagerOptions, ChannelRuntimeStatus, OperatorCrawl, PlayoutFactory } from '../runtime/channel-manager.ts';
import type { DirectorStore } from '../runtime/director-store.ts';
import { DEFAULT_PROFILE } from '../runtime/producer/output-profile.ts';
import { ProgramDirector, type DirectedChannel } from '../runtime/program-director.ts';
import type { ScheduleReader } from '../runtime/schedule-reader.ts';
import type { ViewerSession } from '../runtime/viewer-session.ts';

export class FakeChannel extends EventEmitter<ChannelManagerEvents> implements DirectedChannel {
  /** Every spec setMode was called with, in order. */
  readonly calls: ModeSpec[] = [];
  /** What the channel carries now. */
  spec: ModeSpec = { mode: 'normal' };
  /** When set, setMode of a spec with this mode rejects with this message (and keeps the old spec). */
  refuse: { mode: ModeSpec['mode']; error: string } | null = null;
  /** A setMode waits for this before answering (to hold a switch open). */
  gate: Promise<void> = Promise.resolve();
  restarts = 0;
  tuneIns = 0;
  private identity: ChannelIdentity;

  constructor(opts: Pick<ChannelManagerOptions, 'channel'>) {
    super();
    this.identity = { ...opts.channel };
  }
  get channel(): Readonly<ChannelIdentity> {
    return this.identity;
  }
  /** Every crawl setCrawl was given (null: stopped), in order. */
  readonly crawls: (OperatorCrawl | null)[] = [];

  async setCrawl(crawl: OperatorCrawl | null): Promise<void> {
    this.crawls.push(crawl ? { ...crawl } : null);
  }

  async setMode(spec: ModeSpec): Promise<void> {
    this.calls.push({ ...spec });
    await this.gate;
    if (this.refuse && this.refuse.mode === spec.mode) throw new Error(this.refuse.error);
    this.spec = { ...spec };
  }
  async restart(): Promise<void> {
    this.restarts++;
  }
  async updateIdentity(next: ChannelIdentity): Promise<void> {
    this.identity = { ...next };
  }
  async tuneIn(clientInfo = 'unknown'): Promise<ViewerSession> {
    this.tuneIns++;
    return { id: `v${this.tuneIns}`, channelNumber: this.identity.number, startedAtMs: 0, clientInfo };
  }
  tuneOut(): void {}
  runtimeStatus(): ChannelRuntimeStatus {
    return { viewerCount: 0, producerStatus: 'stopped', producerKind: null, mode: this.spec.mode, detail: null, pids: [], encoderPid: null };
  }
  nowPlaying(): null {
    return null;
  }
  async shutdown(): Promise<void> {}
}

const emptySchedule: ScheduleReader = { onAir: () => null, playlog: () => [] };
const noPlayout: PlayoutFactory = {
  createOutput: () => {
    throw new Error('fake channels have no output');
  },
  createProducer: () => {
    throw new Error('fake channels have no producers');
  },
};

export function channelIdentity(number: number): ChannelIdentity {
  return { uuid: `00000000-0000-4000-8000-${String(number).padStart(12, '0')}`, number, name: `Channel ${number}`, timezone: 'UTC', enabled: true };
}

/** A director over fake channels numbered `numbers`; `fakes` gives each one by number. */
export function fakeDirector(opts: { numbers: number[]; store?: DirectorStore; clock?: MasterClock }): {
  director: ProgramDirector;
  fakes: Map<number, FakeChannel>;
  clock: MasterClock;
  /** Called with each fake as it is made, before the director uses it. */
  hooks: { onCreate?: (fake: FakeChannel) => void };
} {
  const clock = opts.clock ?? new ManualClock('2026-11-21T18:00:00Z');
  const fakes = new Map<number, FakeChannel>();
  const hooks: { onCreate?: (fake: FakeChannel) => void } = {};
  const director = new ProgramDirector({
    clock, schedule: emptySchedule, profile: DEFAULT_PROFILE, playout: noPlayout, logger: silentLogger(), store: opts.store,
    createManager: (o) => {
      const f = new FakeChannel(o);
      fakes.set(o.channel.number, f);
      hooks.onCreate?.(f);
      return f;
    },
  });
  director.loadChannels(opts.numbers.map(channelIdentity));
  return { director, fakes, clock, hooks };
}
