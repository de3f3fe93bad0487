/**
 * GuideProducer: the TV-guide channel. Every channel's now and next scroll upwards under
 * a header with the station name and clock, like the Prevue channel. The listings are
 * the plan (from the ScheduleService's EPG, handed over by the ChannelManager); each
 * new segment renders the latest listings given with update().
 */
import { toLocal, zoneOffsetMs } from '../../clock/zoned-time.ts';
import type { GeneratorSpec } from '../../playout/generator-args.ts';
import { createTextFile, type TextFile } from '../../playout/text-file.ts';
import { PlayerProducer, type ProducerTuning } from './producer-base.ts';
import type { GuidePlan, PlayoutSegment } from './producer.ts';

/** Guide segments are short so fresh listings reach the screen within a minute. */
export const GUIDE_SEGMENT_MS = 60_000;

/** The listings as text lines: "  2  Classics        8:30 PM  The Show". */
export function guideText(plan: GuidePlan): { text: string; lines: number } {
  const lines: string[] = [];
  for (const ch of plan.listings) {
    lines.push(`${String(ch.number).padStart(3)}  ${ch.name}`);
    for (const item of ch.items.slice(0, 3)) lines.push(`        ${clock(item.startMs, plan.timezone)}   ${item.title}`);
    if (ch.items.length === 0) lines.push('        (nothing scheduled)');
    lines.push('');
  }
  return { text: lines.join('\n'), lines: lines.length };
}

function clock(ms: number, timezone: string): string {
  const p = toLocal(ms, timezone);
  const h12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  return `${String(h12).padStart(2)}:${String(p.minute).padStart(2, '0')} ${p.hour < 12 ? 'AM' : 'PM'}`;
}

export class GuideProducer extends PlayerProducer {
  readonly kind = 'guide' as const;
  private readonly latest: { plan: GuidePlan };
  private readonly files: TextFile[] = [];

  constructor(plan: { guide: GuidePlan; startMs: number }, tuning: ProducerTuning = {}, id?: string) {
    const anchorMs = Math.floor(plan.startMs / 1000) * 1000;
    // Shared with the extend callback, which runs after construction.
    const latest = { plan: plan.guide };
    const segmentAt = (fromMs: number, guide: GuidePlan, files: TextFile[]): PlayoutSegment => {
      const { text, lines } = guideText(guide);
      const file = createTextFile(text);
      files.push(file);
      // Only the files of the last few segments can still be read.
      while (files.length > 4) files.shift()!.remove();
      const spec: GeneratorSpec = { kind: 'guide', textFile: file.path, stationName: guide.stationName, lines, utcOffsetMinutes: Math.round(zoneOffsetMs(fromMs, guide.timezone) / 60_000), anchorMs };
      return { eventId: `guide:${Math.round(fromMs / 1000)}`, kind: 'filler', title: 'Program guide', startMs: fromMs, endMs: fromMs + GUIDE_SEGMENT_MS, source: { type: 'generated', spec } };
    };
    const files: TextFile[] = [];
    super([segmentAt(anchorMs, plan.guide, files)], { ...tuning, strict: true, lowWaterMs: GUIDE_SEGMENT_MS / 2, extend: (from) => [segmentAt(from, latest.plan, files)] }, id);
    this.latest = latest;
    this.files = files;
  }

  /** Newer listings, used from the next guide segment on. */
  update(guide: GuidePlan): void {
    this.latest.plan = guide;
  }

  protected override cleanup(): void {
    for (const f of this.files.splice(0)) f.remove();
  }
}
