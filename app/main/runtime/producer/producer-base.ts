/**
 * What every producer shares: it renders its plan as segments through a SegmentPlayer
 * (the frame source the channel output pulls from) and tidies up after itself.
 */
import type { OutputFrame } from '../../playout/frame-sink.ts';
import type { SourceContext } from '../../playout/frame-source.ts';
import { SegmentPlayer, type SegmentPlayerOptions } from '../../playout/segment-player.ts';
import type { PlayoutSegment, Producer, ProducerKind } from './producer.ts';

/** Player tuning a caller may override. */
export type ProducerTuning = Pick<SegmentPlayerOptions, 'prerollMs' | 'minPrerollMs' | 'bufferFrames' | 'fontFile' | 'decoderRestarts'>;

let seq = 0;

export abstract class PlayerProducer implements Producer {
  readonly id: string;
  abstract readonly kind: ProducerKind;
  protected readonly player: SegmentPlayer;
  private stopping: Promise<void> | null = null;

  protected constructor(segments: PlayoutSegment[], opts: SegmentPlayerOptions, id?: string) {
    this.player = new SegmentPlayer(segments, opts);
    this.id = id ?? `producer-${++seq}`;
  }

  attach(ctx: SourceContext, fromFrame: number): void {
    this.player.attach(ctx, fromFrame);
  }
  ready(n: number): boolean {
    return this.player.ready(n);
  }
  waitingFor(n: number): string {
    return this.player.waitingFor(n);
  }
  prepare(n: number, now: number): void {
    this.player.prepare(n, now);
  }
  frame(n: number, late: boolean): OutputFrame | null {
    return this.player.frame(n, late);
  }
  failure(): string | null {
    return this.player.failure();
  }
  pids(): number[] {
    return this.player.pids();
  }
  get counters(): SegmentPlayer['counters'] {
    return this.player.counters;
  }
  enqueue(segments: PlayoutSegment[]): void {
    this.player.enqueue(segments);
  }
  queuedUntilMs(): number {
    return this.player.queuedUntilMs();
  }
  /** Pid of the decoder serving output frame n (diagnostics and tests). */
  decoderPidAt(n: number): number | undefined {
    return this.player.decoderPidAt(n);
  }
  stop(): Promise<void> {
    this.stopping ??= this.player.stop().finally(() => this.cleanup());
    return this.stopping;
  }
  /** Remove what the producer made (text files). */
  protected cleanup(): void {}
}
