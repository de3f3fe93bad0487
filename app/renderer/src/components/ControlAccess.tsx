import { useDirector } from '../director-store.ts';

/** Without the control token the console only watches; this says so, and how to get in. */
export function ControlAccess() {
  const token = useDirector((s) => s.token);
  if (token) return null;
  return (
    <div className="access" role="note" data-testid="read-only">
      <strong>READ-ONLY</strong>
      <span>
        Controls need the station's control token. Open the <em>Control</em> link the station printed when it started
        (<code>http://…/?token=…</code>), or take the token from the file <code>control-token</code> in the station's data directory and open this console with <code>?token=</code> and it.
      </span>
    </div>
  );
}
