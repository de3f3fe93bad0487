import { useConsole } from '../store.ts';

/** A full-width warning while the station is unreachable; the last known list stays visible. */
export function LinkBanner() {
  const link = useConsole((s) => s.link);
  const err = useConsole((s) => s.linkError);
  if ((link !== 'lost' && link !== 'unconfigured') || !err) return null;
  return (
    <div className="banner" role="alert" data-testid="link-banner">
      <strong>{err.message}</strong>
      {err.hint && <span className="banner__hint">{err.hint}</span>}
      {link === 'lost' && <span className="banner__retry">Retrying every second; the list below is the last one received.</span>}
    </div>
  );
}
