import { useEffect } from 'react';
import { useDirector } from '../director-store.ts';
import { startGuideRefresh } from '../guide-store.ts';
import { startStationFeed } from '../station-feed.ts';
import { useConsole } from '../store.ts';
import { useUi } from '../ui-store.ts';
import { AsRunView } from './AsRunView.tsx';
import { ChannelsView } from './ChannelsView.tsx';
import { EmergencyPanel } from './EmergencyPanel.tsx';
import { Footer } from './Footer.tsx';
import { Header } from './Header.tsx';
import { LibraryView } from './LibraryView.tsx';
import { LinkBanner } from './LinkBanner.tsx';
import { ModeBanner } from './ModeBanner.tsx';
import { Multiview } from './Multiview.tsx';
import { ScheduleGrid } from './ScheduleGrid.tsx';
import { ViewTabs } from './ViewTabs.tsx';

/**
 * Number keys pick a channel (typed digits within a second combine, e.g. "1","2" → 12); Enter
 * enlarges it in the multiview; Esc goes back (enlarged → multiview → no selection).
 */
function useChannelHotkeys(): void {
  useEffect(() => {
    let typed = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onKey = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target;
      if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return;
      const { channels, select, selected } = useConsole.getState();
      const ui = useUi.getState();
      if (e.key === 'Escape') {
        if (ui.enlarged) ui.setEnlarged(false);
        else select(null);
        return;
      }
      if (e.key === 'Enter') {
        // A focused button keeps its own Enter.
        if (t instanceof HTMLButtonElement) return;
        if (ui.view === 'multiview' && selected !== null) ui.setEnlarged(true);
        return;
      }
      if (!/^[0-9]$/.test(e.key)) return;
      typed += e.key;
      clearTimeout(timer);
      timer = setTimeout(() => (typed = ''), 1000);
      const n = Number(typed);
      if (channels.some((c) => c.number === n)) select(n);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      clearTimeout(timer);
    };
  }, []);
}

function CurrentView() {
  const view = useUi((s) => s.view);
  if (view === 'schedule') return <ScheduleGrid />;
  if (view === 'channels') return <ChannelsView />;
  if (view === 'asrun') return <AsRunView />;
  if (view === 'library') return <LibraryView />;
  return <Multiview />;
}

export function App({ apiBase }: { apiBase: string | null }) {
  useEffect(() => startStationFeed(apiBase), [apiBase]);
  useEffect(() => startGuideRefresh(apiBase), [apiBase]);
  useChannelHotkeys();
  const emergency = useDirector((s) => s.state?.mode === 'emergency');
  return (
    <div className={`console ${emergency ? 'console--emergency' : ''}`}>
      <Header />
      <ModeBanner />
      <LinkBanner />
      <div className="workspace">
        <main className="workspace__main">
          <ViewTabs />
          <CurrentView />
        </main>
        <EmergencyPanel />
      </div>
      <Footer />
    </div>
  );
}
