import type { SwitchOutcome as Outcome } from '../director-store.ts';

/** The station's answer to the last control action: what switched, what refused and why. */
export function SwitchOutcome({ outcome, testId = 'switch-outcome' }: { outcome: Outcome | null; testId?: string }) {
  if (!outcome) return null;
  return (
    <div className={`outcome ${outcome.ok ? 'outcome--ok' : 'outcome--fail'}`} role="status" data-testid={testId} data-ok={outcome.ok}>
      <p className="outcome__message">{outcome.message}</p>
      {outcome.hint && <p className="outcome__hint">{outcome.hint}</p>}
      {outcome.channels.length > 0 && (
        <ul className="outcome__channels">
          {outcome.channels.map((c) => (
            <li key={c.number} className={c.ok ? 'chip chip--ok' : 'chip chip--fail'} title={c.error}>
              CH {c.number} {c.ok ? '✓' : '✗'}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
