import { progressBetween } from '../format.ts';

/** Thin bar showing how far the current item has run, from its ISO start/end. */
export function ProgressBar({ start, end, nowMs, tone = 'neutral' }: { start: string; end: string; nowMs: number; tone?: string }) {
  const p = progressBetween(start, end, nowMs);
  return (
    <div className={`progress progress--${tone}`} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={p === null ? undefined : Math.round(p * 100)}>
      <div className="progress__fill" style={{ width: `${((p ?? 0) * 100).toFixed(2)}%` }} />
    </div>
  );
}
