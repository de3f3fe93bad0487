import { useUi, type View } from '../ui-store.ts';

const TABS: { view: View; label: string }[] = [
  { view: 'multiview', label: 'MULTIVIEW' },
  { view: 'schedule', label: 'SCHEDULE' },
  { view: 'asrun', label: 'AS-RUN' },
  { view: 'library', label: 'LIBRARY' },
  { view: 'channels', label: 'CHANNELS' },
];

/** The console's views, one tab each. */
export function ViewTabs() {
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  return (
    <nav className="tabs" aria-label="Views">
      {TABS.map((t) => (
        <button key={t.view} type="button" className={`tabs__tab ${view === t.view ? 'tabs__tab--on' : ''}`} aria-pressed={view === t.view} onClick={() => setView(t.view)} data-testid={`tab-${t.view}`}>
          {t.label}
        </button>
      ))}
    </nav>
  );
}
