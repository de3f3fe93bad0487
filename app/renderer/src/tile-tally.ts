/** The one word a multiview tile's tally shows, and its colour. Pure, for tests. */
import type { ChannelStatusDto } from '../../shared/types.ts';

export type TileTally = 'EMERGENCY' | 'ERROR' | 'ON AIR' | 'IDLE';

/** Emergency outranks everything; a failed producer outranks being on air. */
export function tileTally(c: Pick<ChannelStatusDto, 'mode' | 'producerStatus' | 'enabled'>): TileTally {
  if (c.mode === 'emergency') return 'EMERGENCY';
  if (c.producerStatus === 'error') return 'ERROR';
  if (c.enabled !== false && (c.producerStatus === 'running' || c.producerStatus === 'degraded')) return 'ON AIR';
  return 'IDLE';
}

export const TALLY_TONE: Record<TileTally, string> = { EMERGENCY: 'emergency', ERROR: 'error', 'ON AIR': 'onair', IDLE: 'idle' };
