import { useEffect } from 'react';
import { startPolling, useConsole } from '../store.ts';
import { Header } from './Header.tsx';
import { LinkBanner } from './LinkBanner.tsx';
import { ChannelList } from './ChannelList.tsx';
import { Preview } from './Preview.tsx';
import { Footer } from './Footer.tsx';

const POLL_MS = 1000;

/** Number keys pick a channel (typed digits within a second combine, e.g. "1","2" → 12); Esc clears. */
function useChannelHotkeys(): void {
  useEffect(() => {
    let typed = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onKey = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      const { channels, select } = useConsole.getState();
      if (e.key === 'Escape') {
        select(null);
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

export function App({ apiBase }: { apiBase: string | null }) {
  useEffect(() => startPolling(apiBase, POLL_MS), [apiBase]);
  useChannelHotkeys();
  return (
    <div className="console">
      <Header />
      <LinkBanner />
      <main className="console__body">
        <ChannelList />
        <Preview />
      </main>
      <Footer />
    </div>
  );
}
