/** Which ffmpeg does what on a running channel, found from the manager's pids and /proc. */
import type { RunningStation } from '../headless.ts';
import { commandLine } from './proc-tree.ts';

/** The pid of the decoder reading the file on air now on channel `n`, if one runs. */
export function onAirDecoderPid(running: RunningStation, n: number): number | undefined {
  const manager = running.director.manager(n)!;
  const now = manager.nowPlaying();
  if (!now?.assetId) return undefined;
  const file = running.station.library.getAsset(now.assetId)?.path;
  const rt = manager.runtimeStatus();
  return rt.pids.find((pid) => pid !== rt.encoderPid && file !== undefined && commandLine(pid).includes(file));
}
