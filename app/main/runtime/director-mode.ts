/**
 * The rules of the director's mode, as plain functions: what a valid request is, and what
 * the station's mode means for one channel. The ProgramDirector applies them.
 */
import type { ChannelMode, DirectorStateDto, EmergencyStyle, ModeRequest, ModeSpec } from '../../shared/types.ts';
import type { DirectorState } from './director-store.ts';

export const CHANNEL_MODES: readonly ChannelMode[] = ['normal', 'emergency', 'guide', 'maintenance'];
export const EMERGENCY_STYLES: readonly EmergencyStyle[] = ['takeover', 'crawl'];
export const MAX_MESSAGE_CHARS = 500;
export const MAX_REASON_CHARS = 500;

/** A request the director refuses before touching any channel; `field` names what is wrong. */
export class ModeRequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The station could not keep what was asked (a full disk, a read-only folder): nothing changed. */
export class DirectorSaveError extends Error {}

/** A request made valid: the mode's state minus when and by whom. */
export type ModeTarget = Pick<DirectorState, 'mode' | 'message' | 'style' | 'channels' | 'reason'>;

// Operator text airs literally, so only printable text and line breaks are accepted.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f]/;

/** Check a request against the station's channels; throws ModeRequestError naming the field. */
export function validateModeRequest(req: ModeRequest, knownChannels: readonly number[]): ModeTarget {
  if (!req || typeof req !== 'object') throw new ModeRequestError('(value)', 'A mode request is an object such as {"mode": "normal"}.');
  if (!CHANNEL_MODES.includes(req.mode)) throw new ModeRequestError('mode', `Unknown mode '${String(req.mode)}'; use one of ${CHANNEL_MODES.join(', ')}.`);
  const reason = req.reason === undefined ? null : req.reason.trim() || null;
  if (reason !== null && reason.length > MAX_REASON_CHARS) throw new ModeRequestError('reason', `The reason is ${reason.length} characters; keep it to ${MAX_REASON_CHARS}.`);
  if (req.mode !== 'emergency') {
    // Guide and maintenance are station-wide and carry no text: refuse what would be ignored.
    for (const field of ['message', 'style', 'channels'] as const) {
      if (req[field] !== undefined) throw new ModeRequestError(field, `'${field}' applies only to emergency mode; leave it out for ${req.mode}.`);
    }
    return { mode: req.mode, message: null, style: null, channels: null, reason };
  }
  const message = typeof req.message === 'string' ? req.message.replace(/\r\n?/g, '\n').trim() : '';
  if (!message) throw new ModeRequestError('message', 'An emergency needs a message: the text that airs.');
  if (message.length > MAX_MESSAGE_CHARS) throw new ModeRequestError('message', `The message is ${message.length} characters; keep it to ${MAX_MESSAGE_CHARS}.`);
  if (CONTROL_CHARS.test(message)) throw new ModeRequestError('message', 'The message may hold printable text and line breaks only.');
  const style = req.style ?? 'takeover';
  if (!EMERGENCY_STYLES.includes(style)) throw new ModeRequestError('style', `Unknown style '${String(style)}'; use ${EMERGENCY_STYLES.join(' or ')}.`);
  let channels: number[] | null = null;
  if (req.channels !== undefined) {
    if (!Array.isArray(req.channels) || req.channels.length === 0) {
      throw new ModeRequestError('channels', 'List at least one channel number, or leave channels out for every channel.');
    }
    const unknown = req.channels.filter((n) => !knownChannels.includes(n));
    if (unknown.length > 0) {
      throw new ModeRequestError('channels', `There is no channel ${unknown.join(', ')}. Channels: ${knownChannels.join(', ') || '(none)'}.`);
    }
    channels = [...new Set(req.channels)].sort((a, b) => a - b);
  }
  return { mode: 'emergency', message, style, channels, reason };
}

/** What the station's mode means for one channel: out of an emergency's scope is normal. */
export function specForChannel(state: Pick<DirectorState, 'mode' | 'message' | 'style' | 'channels'>, number: number): ModeSpec {
  if (state.mode === 'normal' || (state.channels !== null && !state.channels.includes(number))) return { mode: 'normal' };
  if (state.mode !== 'emergency') return { mode: state.mode };
  return { mode: 'emergency', message: state.message ?? '', style: state.style ?? 'takeover' };
}

export function sameSpec(a: ModeSpec, b: ModeSpec): boolean {
  return a.mode === b.mode && (a.message ?? null) === (b.message ?? null) && (a.style ?? null) === (b.style ?? null);
}

/** Same mode, text, style and scope (who asked and why do not count). */
export function sameTarget(a: Omit<ModeTarget, 'reason'>, b: Omit<ModeTarget, 'reason'>): boolean {
  return a.mode === b.mode && a.message === b.message && a.style === b.style && JSON.stringify(a.channels) === JSON.stringify(b.channels);
}

/** A stored state is trusted only if it is one the director could have made (channels may since have gone). */
export function isValidState(s: DirectorState): boolean {
  try {
    validateModeRequest({ mode: s.mode, message: s.message ?? undefined, style: s.style ?? undefined, reason: s.reason ?? undefined, channels: s.channels ?? undefined }, s.channels ?? []);
    return Number.isFinite(s.sinceMs) && typeof s.by === 'string';
  } catch {
    return false;
  }
}

export function stateDto(s: DirectorState): DirectorStateDto {
  return { mode: s.mode, since: new Date(s.sinceMs).toISOString(), message: s.message, style: s.style, channels: s.channels, by: s.by, reason: s.reason };
}
