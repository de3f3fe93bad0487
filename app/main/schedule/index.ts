/** The scheduling layer's public surface: the service, the pure timeline math, the station file. */
export { ScheduleService } from './schedule-service.ts';
export type {
  BuildSummary,
  ChannelBuildSummary,
  ChannelScheduleInfo,
  ScheduleDeps,
  ScheduleLogger,
  ScheduleServiceOptions,
} from './schedule-service.ts';
export type {
  BreakRules,
  BuiltBlock,
  BuiltDay,
  ChannelPlan,
  EpgEntry,
  EventKind,
  GridMinutes,
  IssueCode,
  LibraryAsset,
  OnAir,
  PlanIssue,
  PlaylogEvent,
  PoolItemPlan,
  PoolRole,
  ScheduleState,
  SourceRef,
  ZoneContentType,
  ZonePlan,
} from './types.ts';
export { DEFAULT_BREAK_RULES, emptyState, POOL_ROLES } from './types.ts';
export { applyBlock, buildDay, contentHash, LiveState, zoneSegments, type BuildDayInput, type BuiltDayLive } from './builder.ts';
export { LibraryIndex, resolvePlan, type ResolvedPlan, type ResolvedZone } from './resolve.ts';
export { LoopTimeline } from './loop.ts';
export { TimelineIndex } from './timeline-index.ts';
export { broadcastDateAt, dayFrame, DayFrame, formatDate, parseDate, parseHhMm, type LocalDate } from './time.ts';
export {
  exportStation,
  exportStationYaml,
  importStation,
  machineTimeZone,
  parseStation,
  StationFileError,
  stationJsonSchema,
  StationSchema,
  validateStation,
  type ImportOptions,
  type ImportResult,
  type StationDoc,
} from './station-file.ts';
export { applyDemoStation, demoStationPath, type DemoStationOptions } from './demo.ts';
export { loadLibrary, loadPlan } from './store.ts';
