/**
 * The director's mode as the station reports it, and the operator's switches. Nothing here
 * guesses: the console shows a mode only once the station says it is in it, and every switch
 * shows the station's answer (which channels switched, which one refused and why).
 */
import { create } from 'zustand';
import type { ChannelSwitchResult, DirectorStateDto, ModeRequest, ModeSwitchResult } from '../../shared/types.ts';
import { StationError } from './api.ts';
import { isApiError, postControl } from './station-api.ts';

export interface SwitchOutcome {
  ok: boolean;
  /** One sentence for the operator. */
  message: string;
  hint?: string;
  channels: ChannelSwitchResult[];
}

export interface DirectorStore {
  state: DirectorStateDto | null;
  /** The control token this tab holds, or null: read-only. */
  token: string | null;
  busy: boolean;
  outcome: SwitchOutcome | null;
  /** How many states have been applied: a question asked before the latest answer is stale. */
  version: number;
  /**
   * Show the station's state. A pushed state (the live feed, a switch's answer) is always
   * current; a fetched one says when it was asked (`askedAt`, the version then), and is dropped
   * if a newer state arrived meanwhile, so a slow GET cannot bring a released alert back.
   */
  applyState(state: DirectorStateDto, askedAt?: number): void;
  switchMode(apiBase: string, req: ModeRequest): Promise<SwitchOutcome>;
  clearOutcome(): void;
}

const MODE_WORD: Record<ModeRequest['mode'], string> = { normal: 'Normal programming', emergency: 'EMERGENCY', guide: 'Guide', maintenance: 'Maintenance' };

/** The station's answer to a mode switch, in one sentence. Pure, for tests. */
export function describeSwitch(req: ModeRequest, status: number, body: unknown): SwitchOutcome {
  if (body && typeof body === 'object' && 'channels' in body && 'state' in body) {
    const r = body as ModeSwitchResult;
    const failed = r.channels.filter((c) => !c.ok);
    if (r.ok && !r.changed) return { ok: true, message: `The station already was in ${MODE_WORD[req.mode].toLowerCase()}; nothing switched.`, channels: r.channels };
    if (r.ok) {
      const n = r.channels.length;
      return { ok: true, message: `${MODE_WORD[req.mode]} on ${n} channel${n === 1 ? '' : 's'}: ${r.channels.map((c) => c.number).join(', ') || 'none'}.`, channels: r.channels };
    }
    const why = failed.map((c) => `channel ${c.number}${c.error ? ` (${c.error})` : ''}`).join(', ');
    return {
      ok: false,
      message: failed.length ? `Not switched: ${why} could not switch, so every channel stayed as it was.` : `Not switched: ${r.error ?? 'the station could not save the switch'}.`,
      hint: failed.length ? 'Fix or leave out that channel (choose the channels) and try again.' : 'See the station log.',
      channels: r.channels,
    };
  }
  if (isApiError(body)) {
    const prefix = status === 401 ? 'Not allowed' : 'Not switched';
    return { ok: false, message: `${prefix}: ${body.error}`, hint: body.hint, channels: [] };
  }
  return { ok: false, message: `Not switched: the station answered HTTP ${status}.`, channels: [] };
}

export const useDirector = create<DirectorStore>()((set, get) => ({
  state: null,
  token: null,
  busy: false,
  outcome: null,
  version: 0,
  applyState: (state, askedAt) => {
    if (askedAt !== undefined && askedAt !== get().version) return;
    set({ state, version: get().version + 1 });
  },
  clearOutcome: () => set({ outcome: null }),
  switchMode: async (apiBase, req) => {
    if (get().busy) return { ok: false, message: 'A switch is already in progress.', channels: [] };
    set({ busy: true });
    let outcome: SwitchOutcome;
    try {
      const answer = await postControl<ModeSwitchResult>(apiBase, '/api/director/mode', get().token, req);
      outcome = describeSwitch(req, answer.status, answer.body);
      const body = answer.body as Partial<ModeSwitchResult> | undefined;
      if (body?.state) get().applyState(body.state);
    } catch (err) {
      outcome = { ok: false, message: err instanceof StationError ? err.message : String(err), hint: err instanceof StationError ? err.hint : undefined, channels: [] };
    }
    set({ busy: false, outcome });
    return outcome;
  },
}));
