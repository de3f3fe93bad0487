/**
 * EmergencyProducer: the operator's alert, in one of two styles.
 * - takeover: a full-screen alert card with the message and the two-tone attention
 *   signal (853 Hz + 960 Hz) for its first seconds, then silence; overrides programming.
 * - crawl: the scheduled programme keeps playing underneath a band of scrolling text.
 * The message is written to a file the generator reads; it never enters a filtergraph.
 */
import { crawlFilter, type GeneratorSpec } from '../../playout/generator-args.ts';
import { createTextFile, wrapText, type TextFile } from '../../playout/text-file.ts';
import { PlayerProducer, type ProducerTuning } from './producer-base.ts';
import type { AlertPlan, PlayoutSegment } from './producer.ts';
import type { OutputProfile } from './output-profile.ts';
import { findCaptionFont } from '../../playout/caption-font.ts';

/** How long each generated card segment lasts; more are added as time passes. */
export const CARD_SEGMENT_MS = 60_000;
export const ATTENTION_SIGNAL_SECONDS = 8;

/** Segments of a generated card, back to back from `fromMs`. */
export function cardSegments(id: string, title: string, spec: GeneratorSpec, fromMs: number, count = 2): PlayoutSegment[] {
  return Array.from({ length: count }, (_, i) => ({
    eventId: `${id}:${Math.round((fromMs + i * CARD_SEGMENT_MS) / 1000)}`,
    kind: 'filler' as const,
    title,
    startMs: fromMs + i * CARD_SEGMENT_MS,
    endMs: fromMs + (i + 1) * CARD_SEGMENT_MS,
    source: { type: 'generated' as const, spec },
  }));
}

export class EmergencyProducer extends PlayerProducer {
  readonly kind = 'emergency' as const;
  private readonly text: TextFile;

  constructor(plan: { alert: AlertPlan; segments: PlayoutSegment[]; profile: OutputProfile; startMs: number }, tuning: ProducerTuning = {}, id?: string) {
    const { alert } = plan;
    const fontFile = tuning.fontFile === undefined ? findCaptionFont() : tuning.fontFile;
    const crawl = alert.style === 'crawl';
    const chars = Math.max(20, Math.round(plan.profile.width / (plan.profile.height / 18) / 0.6) - 6);
    const text = createTextFile(crawl ? alert.message : wrapText(alert.message, chars), { oneLine: crawl });
    const spec: GeneratorSpec = { kind: 'alert', heading: 'EMERGENCY ALERT', textFile: text.path, stationName: alert.stationName, sinceMs: alert.sinceMs, toneSeconds: ATTENTION_SIGNAL_SECONDS };
    const startMs = Math.floor(plan.startMs / 1000) * 1000;
    super(
      crawl ? plan.segments : cardSegments('emergency', 'Emergency alert', spec, startMs),
      {
        ...tuning,
        fontFile,
        strict: !crawl,
        overlay: crawl && fontFile ? (age) => crawlFilter(plan.profile, { textFile: text.path, fontFile, offsetSeconds: age }) : undefined,
        overlayStartMs: alert.sinceMs,
        extend: crawl ? undefined : (from) => cardSegments('emergency', 'Emergency alert', spec, from),
      },
      id,
    );
    this.text = text;
  }

  protected override cleanup(): void {
    this.text.remove();
  }
}
