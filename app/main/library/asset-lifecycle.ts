/**
 * The asset lifecycle, enforced in one place: new → enriching → ready → retired.
 * Only `ready` assets may be scheduled or aired.
 */
import type { AssetState } from '../../shared/types.ts';

const ALLOWED: Record<AssetState, readonly AssetState[]> = {
  // A fresh file is probed next, or retired if it vanished before that.
  new: ['enriching', 'retired'],
  // Probing ends ready, or back to new (with a reason) when it failed; the file may vanish meanwhile.
  enriching: ['ready', 'new', 'retired'],
  // A changed file is probed again; a vanished or withdrawn one is retired.
  ready: ['enriching', 'retired'],
  // A file that reappears starts over.
  retired: ['new'],
};

export class AssetTransitionError extends Error {
  constructor(
    readonly from: AssetState,
    readonly to: AssetState,
  ) {
    super(`Asset cannot go from '${from}' to '${to}' (allowed from '${from}': ${ALLOWED[from].join(', ') || 'none'}).`);
  }
}

export function canTransition(from: AssetState, to: AssetState): boolean {
  return ALLOWED[from].includes(to);
}

export function assertTransition(from: AssetState, to: AssetState): void {
  if (!canTransition(from, to)) throw new AssetTransitionError(from, to);
}

export function isSchedulable(state: AssetState): boolean {
  return state === 'ready';
}

export const ASSET_STATES: readonly AssetState[] = ['new', 'enriching', 'ready', 'retired'];
