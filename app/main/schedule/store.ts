/**
 * The schedule's persistence, as one surface. The parts live in schedule/store/:
 * statements (the one access style: cached prepared statements), channels, the
 * library read, plans, days (day rows, guide blocks, playlog rows) and the pure
 * day codec (the compact stored form of a day's events).
 */
export { sqlite } from './store/statements.ts';
export { gridOf, loadChannels, loopTimeline, type ChannelRow } from './store/channels.ts';
export { assetLookup, loadLibrary, type AssetInfo } from './store/library.ts';
export { loadPlan } from './store/plans.ts';
export { encodeDayEvents } from './store/day-codec.ts';
export {
  dayIssues,
  deleteAllDays,
  deleteDaysBefore,
  loadChannelBlocks,
  loadDayBlocks,
  loadDays,
  markDayInputs,
  parseState,
  persistPlaylog,
  saveDay,
  type DayRow,
} from './store/days.ts';
