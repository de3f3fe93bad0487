/**
 * The overnight. A channel that signs off airs, from its sign-off time: a station ID,
 * the closing ("anthem") card, SMPTE bars with 1 kHz tone; then black until the
 * sign-on sequence (bars, the sign-on card, a station ID) ends exactly at sign-on,
 * where programmes start on the grid again.
 *
 * It is schedule data like any other: events whose `card` says what the playout
 * engine draws (bars, a card with a heading), so nothing downstream invents content.
 * A sign-off that falls while a programme runs waits for its end.
 *
 * The night is one guide entry, "Off the air" (two when it runs past the broadcast-day
 * start, one per day): a locked prefix never splits a block, so a rebuild that keeps
 * part of the night can never air its opening twice.
 */
import type { ResolvedPlan } from '../resolve.ts';
import { MINUTE_MS, type DayFrame } from '../time.ts';
import type { BuiltBlock, EpgEntry, PlaylogEvent, ScheduleCard } from '../types.ts';
import type { BreakFiller } from './breaks.ts';
import type { EventMaker } from './playlog-events.ts';

/** The part of a day the channel is off the air; `opens`/`closes`: the sign-off / sign-on falls in it. */
export interface SignOffWindow {
  startMs: number;
  endMs: number;
  opens: boolean;
  closes: boolean;
}

const SECOND = 1000;
/** Station ID card, when no ID asset is ready. */
const ID_CARD_MS = 10 * SECOND;
const CLOSING_CARD_MS = 60 * SECOND;
const CLOSING_BARS_MS = 5 * MINUTE_MS;
const OPENING_BARS_MS = 60 * SECOND;
const OPENING_CARD_MS = 20 * SECOND;
const CLOSING_HEADING = 'This concludes our broadcast day';
const OPENING_HEADING = 'Good morning: our broadcast day begins';

/** This day's off-air stretches: the night's own, and the end of the last night's when it runs past the day start. */
export function signOffWindows(plan: ResolvedPlan, frame: DayFrame): SignOffWindow[] {
  const s = plan.signOff;
  if (!s) return [];
  const out: SignOffWindow[] = [];
  if (s.endMin > 1440) {
    const endMs = frame.atDayMinute(s.endMin - 1440);
    if (endMs > frame.startMs) out.push({ startMs: frame.startMs, endMs, opens: false, closes: true });
  }
  const startMs = frame.atDayMinute(s.startMin);
  const endMs = frame.atDayMinute(Math.min(s.endMin, 1440));
  if (endMs > startMs) out.push({ startMs, endMs, opens: true, closes: s.endMin <= 1440 });
  return out;
}

interface Part {
  title: string;
  ms: number;
  /** A station ID from the pool airs here when one fits; else the card. */
  id?: boolean;
  card: ScheduleCard;
}

/**
 * The sequences that fit in `lengthMs`: when the night is short, the bars shorten
 * first, then the cards go, the IDs last.
 */
function fit(open: Part[], close: Part[], lengthMs: number): { open: Part[]; close: Part[] } {
  const total = (): number => [...open, ...close].reduce((n, p) => n + p.ms, 0);
  for (const p of [...open, ...close]) {
    if (total() <= lengthMs) break;
    if (p.card.kind === 'bars') p.ms = Math.max(0, p.ms - (total() - lengthMs));
  }
  for (const list of [open, close]) {
    for (let i = list.length - 1; i >= 0 && total() > lengthMs; i--) if (!(list[i] as Part).id) list.splice(i, 1);
  }
  while (total() > lengthMs && (open.length || close.length)) (open.length ? open : close).pop();
  return { open: open.filter((p) => p.ms > 0), close: close.filter((p) => p.ms > 0) };
}

export class SignOffBuilder {
  constructor(
    private readonly plan: ResolvedPlan,
    private readonly breaks: BreakFiller,
    private readonly events: EventMaker,
  ) {}

  /** The block of [startMs, window end): the sign-off, black, the sign-on, as the window holds them. */
  block(startMs: number, win: SignOffWindow): BuiltBlock {
    const name = this.plan.plan.signOff?.name ?? '';
    const idCard: ScheduleCard = { kind: 'card', heading: name || 'Station identification' };
    const open: Part[] = win.opens
      ? [
          { title: 'Station identification', ms: ID_CARD_MS, id: true, card: idCard },
          { title: CLOSING_HEADING, ms: CLOSING_CARD_MS, card: { kind: 'card', heading: CLOSING_HEADING } },
          { title: 'SMPTE bars', ms: CLOSING_BARS_MS, card: { kind: 'bars' } },
        ]
      : [];
    const close: Part[] = win.closes
      ? [
          { title: 'SMPTE bars', ms: OPENING_BARS_MS, card: { kind: 'bars' } },
          { title: OPENING_HEADING, ms: OPENING_CARD_MS, card: { kind: 'card', heading: OPENING_HEADING } },
          { title: 'Station identification', ms: ID_CARD_MS, id: true, card: idCard },
        ]
      : [];
    // A station ID asset takes its own length in place of the card's.
    const ids = new Map<Part, ReturnType<BreakFiller['pickStationId']>>();
    const picked = new Set<number>();
    for (const p of [...open, ...close]) {
      if (!p.id) continue;
      // Two different IDs where the pool has them: the night opens and closes with its own.
      const e = this.breaks.pickStationId(startMs, 60 * SECOND, picked) ?? this.breaks.pickStationId(startMs, 60 * SECOND);
      ids.set(p, e);
      if (e) {
        p.ms = e.asset.durationMs;
        picked.add(e.asset.id);
      }
    }
    const fitted = fit(open, close, win.endMs - startMs);
    const events: PlaylogEvent[] = [];
    let t = startMs;
    const air = (out: PlaylogEvent[], parts: Part[]): void => {
      for (const p of parts) {
        const e = ids.get(p);
        if (e) t = this.breaks.emitStationId(out, t, e);
        else {
          out.push({ ...this.events.make(t, 'pad', null, 0, p.ms, p.title), card: p.card });
          t += p.ms;
        }
      }
    };
    air(events, fitted.open);
    const black = win.endMs - fitted.close.reduce((n, p) => n + p.ms, 0) - t;
    if (black > 0) {
      events.push(this.events.make(t, 'pad', null, 0, black, 'Off the air'));
      t += black;
    }
    air(events, fitted.close);
    const entry: EpgEntry = { startMs, endMs: t, title: 'Off the air', subtitle: null, season: null, episode: null, kind: 'pad', assetId: null };
    return { entry, zone: null, cursorKey: null, events };
  }
}
