import { useConsole } from '../store.ts';
import { ChannelHealth } from './ChannelHealth.tsx';
import { ChannelList } from './ChannelList.tsx';
import { Preview } from './Preview.tsx';

/** Every channel as a row; the selected one previewed, with its health and restart control. */
export function ChannelsView() {
  const selected = useConsole((s) => s.selected);
  return (
    <div className="channels-view">
      <ChannelList />
      <div className="channels-view__side">
        <Preview />
        {selected !== null && <ChannelHealth n={selected} />}
      </div>
    </div>
  );
}
