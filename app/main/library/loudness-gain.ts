/**
 * The level every programme, spot and bumper airs at: the channel's target loudness
 * (ATSC A/85 style, −24 LUFS) with a true-peak ceiling, by a fixed gain per asset
 * from its measured loudness. Pure.
 */
export const TARGET_LUFS = -24;
export const TRUE_PEAK_CEILING_DBTP = -2;
/** Beyond these a file is broken or near silent: lift or cut it no further. */
const MAX_BOOST_DB = 20;
const MAX_CUT_DB = -30;

/** dB to apply so an asset measured at `lufs` (true peak `peak`) airs at `target`; 0 when unmeasured or silent. */
export function levelGainDb(lufs: number | null, peak: number | null, target = TARGET_LUFS, ceiling = TRUE_PEAK_CEILING_DBTP): number {
  if (lufs === null) return 0;
  let gain = target - lufs;
  // A boost stops where the peaks would pass the ceiling (no limiter: the sound is never squashed).
  if (peak !== null && gain > 0) gain = Math.min(gain, Math.max(0, ceiling - peak));
  gain = Math.min(MAX_BOOST_DB, Math.max(MAX_CUT_DB, gain));
  return Math.round(gain * 10) / 10;
}
