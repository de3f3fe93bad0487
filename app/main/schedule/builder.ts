/**
 * The builder's public surface. The stages live in schedule/builder/: the working
 * state and its reducers (live-state), zones, pool tables, programme slotting
 * (programs), break filling (breaks), the content hash and the event-id format;
 * day-builder walks a broadcast day through them.
 */
export { BUILDER_VERSION, buildDay, type BuildDayInput, type BuiltDayLive } from './builder/day-builder.ts';
export { applyBlock, applyEvent, applyProgram, isComplete, LiveState } from './builder/live-state.ts';
export { zoneSegments, type Segment } from './builder/zones.ts';
export { contentHash } from './builder/content-hash.ts';
export { eventId } from './builder/event-id.ts';
