import type { ChannelMode, ProducerStatus } from '../../../shared/types.ts';

const PRODUCER: Record<ProducerStatus, { label: string; tone: string; title: string }> = {
  running: { label: 'RUN', tone: 'green', title: 'Producer running: the channel is on the air' },
  starting: { label: 'START', tone: 'amber', title: 'Producer starting' },
  degraded: { label: 'DEGR', tone: 'amber-blink', title: 'Producer degraded: on the air with problems' },
  stopping: { label: 'STOP', tone: 'amber', title: 'Producer stopping' },
  stopped: { label: 'IDLE', tone: 'grey', title: 'Producer stopped: starts when someone tunes in' },
  error: { label: 'FAIL', tone: 'red', title: 'Producer failed' },
};

/** Tally lamp for a channel's producer: colour first, word second, so it reads at a glance. */
export function ProducerTally({ status }: { status: ProducerStatus }) {
  const p = PRODUCER[status] ?? { label: String(status).toUpperCase(), tone: 'grey', title: String(status) };
  return (
    <span className={`tally tally--${p.tone}`} title={p.title} data-status={status}>
      <span className="tally__lamp" aria-hidden="true" />
      {p.label}
    </span>
  );
}

const MODE_LABEL: Record<ChannelMode, string> = { normal: '', emergency: 'EAS', guide: 'GUIDE', maintenance: 'MAINT' };

/** Badge for a channel that is not in normal programming; nothing for normal. */
export function ModeBadge({ mode }: { mode: ChannelMode }) {
  const label = MODE_LABEL[mode];
  if (!label) return null;
  return <span className={`mode-badge mode-badge--${mode}`}>{label}</span>;
}
