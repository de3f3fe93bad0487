/**
 * Playout without ffmpeg, for exact tests on a ManualClock: a sink that records which
 * frame came from which source, and sources that fill frames at once (or fail, or are
 * never ready). The channel output between them is the real one.
 */
import type { MasterClock } from '../clock/master-clock.ts';
import { ChannelOutput, type ChannelOutputOptions } from '../playout/channel-output.ts';
import type { OutputFrame } from '../playout/frame-sink.ts';
import type { SourceContext } from '../playout/frame-source.ts';
import type { PlayoutFactory } from '../runtime/channel-manager.ts';
import type { OutputProfile } from '../runtime/producer/output-profile.ts';
import type { PlayoutSegment, Producer, ProducerKind, ProducerPlan } from '../runtime/producer/producer.ts';

/** Each written frame: its number, the tag of the source that made it, and the monotonic time it was written. */
export interface RecordedFrame {
  n: number;
  tag: string;
  atMono: number;
}

let sinks = 0;

export class RecordingSink {
  readonly frames: RecordedFrame[] = [];
  readonly pid = 900_000 + ++sinks;
  readonly firstBytes = Promise.resolve();
  accepting = true;
  readonly exited: Promise<unknown>;
  private die!: (why: unknown) => void;
  constructor(
    private readonly clock: MasterClock,
    readonly tsOffsetSeconds: number,
  ) {
    this.exited = new Promise((resolve) => (this.die = resolve));
  }
  async write(n: number, frame: OutputFrame): Promise<void> {
    this.frames.push({ n, tag: frame.video.toString('latin1', 0, 24).replace(/\0+$/, ''), atMono: this.clock.monotonicMs() });
  }
  /** Simulate the encoder dying. */
  crash(): void {
    this.accepting = false;
    this.die({ code: null, signal: 'SIGKILL' });
  }
  describe(): string {
    return 'encoder ended (killed by SIGKILL)';
  }
  kill(): Promise<unknown> {
    this.accepting = false;
    this.die({ code: 0, signal: null });
    return this.exited;
  }
}

/** A source whose every frame is a picture starting with `tag` (so the sink can tell who aired it). */
export class TaggedSource implements Producer {
  readonly id: string;
  ctx: SourceContext | null = null;
  fromFrame = -1;
  stopped = false;
  readyAfterMono = 0;
  failWith: string | null = null;
  queued: PlayoutSegment[] = [];
  constructor(
    readonly kind: ProducerKind,
    readonly tag: string,
    readonly plan: ProducerPlan | null = null,
  ) {
    this.id = `${tag}-${Math.random()}`;
    if (plan && 'segments' in plan) this.queued = [...plan.segments];
  }
  attach(ctx: SourceContext, fromFrame: number): void {
    this.ctx = ctx;
    this.fromFrame = fromFrame;
  }
  ready(): boolean {
    return !this.failWith && this.ctx!.clock.monotonicMs() >= this.readyAfterMono;
  }
  prepare(): void {}
  frame(n: number): OutputFrame {
    const video = Buffer.alloc(this.ctx!.black.length);
    video.write(this.tag, 'latin1');
    return { video, audio: this.ctx!.silence(n) };
  }
  failure(): string | null {
    return this.failWith;
  }
  pids(): number[] {
    return [];
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
  enqueue(segments: PlayoutSegment[]): void {
    this.queued.push(...segments);
  }
  queuedUntilMs(): number {
    return this.queued.at(-1)?.endMs ?? 0;
  }
}

export interface RecordingPlayout extends PlayoutFactory {
  outputs: ChannelOutput[];
  sinks: RecordingSink[];
  producers: TaggedSource[];
  /** Decide per plan how a producer behaves (fail, be slow). */
  onProducer?: (p: TaggedSource, plan: ProducerPlan) => void;
}

/** A PlayoutFactory that records: real ChannelOutputs writing to RecordingSinks, TaggedSources as producers. */
export function recordingPlayout(clock: MasterClock, output: Partial<ChannelOutputOptions> = {}): RecordingPlayout {
  const f: RecordingPlayout = {
    outputs: [],
    sinks: [],
    producers: [],
    createOutput: ({ profile }: { profile: OutputProfile }) => {
      const o = new ChannelOutput({
        burstMs: 500,
        leadMs: 200,
        ...output,
        profile,
        clock,
        createSink: ({ tsOffsetSeconds }) => {
          const s = new RecordingSink(clock, tsOffsetSeconds);
          f.sinks.push(s);
          return s;
        },
      });
      f.outputs.push(o);
      return o;
    },
    createProducer: (plan) => {
      const p = new TaggedSource(plan.kind, plan.kind === 'emergency' ? `emergency:${plan.alert.style}` : plan.kind, plan);
      f.producers.push(p);
      f.onProducer?.(p, plan);
      return p;
    },
  };
  return f;
}
