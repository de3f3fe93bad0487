/**
 * What makes an as-run entry differ from the plan, as tags the view can colour: the slate
 * aired, an emergency, an entry cut short, a late source, an encoder or decoder restart, or
 * another stated deviation. On-air and off-air markers are markers, not deviations (unless
 * the channel left the air abnormally). Pure, for tests.
 */
import type { AsRunEntryDto } from '../../shared/types.ts';

export type DeviationTag = 'slate' | 'emergency' | 'interrupted' | 'late' | 'restart' | 'other';

export const TAG_LABEL: Record<DeviationTag, string> = {
  slate: 'SLATE',
  emergency: 'EMERGENCY',
  interrupted: 'INTERRUPTED',
  late: 'LATE SOURCE',
  restart: 'RESTART',
  other: 'DEVIATION',
};

export function isMarker(e: Pick<AsRunEntryDto, 'kind'>): boolean {
  return e.kind === 'on-air' || e.kind === 'off-air';
}

export function deviationTags(e: Pick<AsRunEntryDto, 'kind' | 'producer' | 'status' | 'deviation'>): DeviationTag[] {
  const tags: DeviationTag[] = [];
  const text = (e.deviation ?? '').toLowerCase();
  if (e.kind === 'slate' || e.producer === 'slate' || text.includes('slate')) tags.push('slate');
  if (e.kind === 'emergency' || e.producer === 'emergency' || text.includes('emergency')) tags.push('emergency');
  if (e.status === 'interrupted') tags.push('interrupted');
  if (text.includes('late source') || /\blate\b/.test(text)) tags.push('late');
  if (text.includes('restart')) tags.push('restart');
  if (tags.length === 0 && e.deviation) tags.push('other');
  return tags;
}
