/**
 * The station file: channels, their plans (zones) and break pools as YAML, so a
 * station can be versioned in git. Validated by a zod schema whose errors name the
 * bad field's path (`channels[1].zones[0].start: expected HH:MM`); the same schema
 * is exported as JSON Schema for editors (resources/station/station.schema.json).
 *
 *   version: 1
 *   channels:
 *     - number: 2
 *       name: RetroVue Classics
 *       timezone: America/New_York      # or "local"
 *       grid: 30                        # 15 | 30 | 60
 *       broadcastDayStart: "06:00"
 *       seed: 7
 *       breaks: { perHour: 4, marginMinutes: 2, minBreakSeconds: 30, cooldownMinutes: 30, maxPromos: 1 }
 *       zones:
 *         - name: Saturday morning cartoons
 *           start: "06:00"
 *           end: "12:00"
 *           days: [sat]
 *           priority: 10
 *           play: series                # series | random | movies | asset
 *           sources: [{ collection: "shows/Saturday Toons" }]
 *       pools:
 *         commercials: [{ collection: commercials, cooldownMinutes: 20 }]
 *         promos: [{ collection: promos }]
 *         ids: [{ collection: ids }]
 *         bumpers: { pre: [{ collection: bumpers/pre }], post: [{ collection: bumpers/post }] }
 *         filler: [{ collection: filler }]
 *     - number: 3
 *       name: Movie loop
 *       timezone: UTC
 *       loop: { collection: movies, epoch: "2026-01-01T00:00:00Z" }
 *
 * A source is { collection } (a name; `*` matches any text, e.g. "shows/*") with an
 * optional `series` and `source`, or { path } for one asset.
 */
import { BrandingSchema, logoImageProblem, mergeBranding, type BrandingDoc } from '../runtime/branding/branding-spec.ts';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import type { MasterClock } from '../clock/master-clock.ts';
import { isValidTimeZone } from '../clock/zoned-time.ts';
import type { Db } from '../db/database.ts';
import { assets, channels, collections, scheduleDays, schedulePlans, schedulePoolItems, scheduleZoneItems, scheduleZones, sources } from '../db/schema/index.ts';
import { KNOWN_RATINGS } from './ratings.ts';
import { parseDate } from './time.ts';
import { ENCODERS, FRAME_RATES, RESOLUTIONS, type OutputSpec } from '../runtime/producer/output-spec.ts';
import { DEFAULT_BREAK_RULES, type PoolRole, type ZoneContentType } from './types.ts';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** A station file may say "local": the machine's own zone, resolved at import. */
const LOCAL_ZONE = 'local';

export function machineTimeZone(): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return tz && isValidTimeZone(tz) ? tz : 'UTC';
}

const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected HH:MM');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

/** A collection (by name, `*` wildcards allowed) or one asset (by path), optionally within a source. */
const Ref = z
  .object({
    source: z.string().min(1).optional().describe('Source name, when collection names repeat across sources'),
    collection: z.string().min(1).optional().describe('Collection name, e.g. "shows/Space Patrol"; * matches any text'),
    series: z.string().min(1).optional().describe('Only the episodes of this series in the collection'),
    path: z.string().min(1).optional().describe('One asset, by its path (absolute, or relative to its source)'),
  })
  .strict();

function refChecks<T extends { collection?: string; path?: string; series?: string }>(ref: T, ctx: z.RefinementCtx): void {
  if ((ref.collection === undefined) === (ref.path === undefined)) ctx.addIssue({ code: 'custom', message: 'expected exactly one of collection or path' });
  else if (ref.series !== undefined && ref.path !== undefined) ctx.addIssue({ code: 'custom', path: ['series'], message: 'series applies to a collection, not a path' });
}

const PoolRef = Ref.extend({
  cooldownMinutes: z.number().min(0).optional().describe('Minimum time between two airings of the same spot'),
})
  .strict()
  .superRefine(refChecks);
const SourceRef = Ref.superRefine(refChecks);

const Zone = z
  .object({
    name: z.string().min(1),
    start: hhmm.describe('Local start time'),
    end: hhmm.describe('Local end time; equal to start = the whole broadcast day'),
    days: z.array(z.enum(WEEKDAYS)).optional().describe('Weekdays of the broadcast day; omitted = every day'),
    from: isoDate.optional().describe('First broadcast date the zone applies to'),
    to: isoDate.optional().describe('Last broadcast date the zone applies to'),
    priority: z.number().int().optional().describe('Higher wins where zones overlap'),
    play: z.enum(['series', 'random', 'movies', 'asset']).describe('series: episodes in order; random: seeded shuffle; movies: pool spanning blocks; asset: one asset'),
    sources: z.array(SourceRef).min(1, 'expected at least one source'),
    midBreaks: z.number().int().min(0).max(20).optional().describe('Mid-program breaks for programs without chapter markers'),
    maxRating: z
      .enum(KNOWN_RATINGS as [string, ...string[]], { error: () => `expected one of ${KNOWN_RATINGS.join(', ')}` })
      .optional()
      .describe('Nothing rated above this airs in the zone (TV and film ratings share one scale: TV-PG admits PG)'),
    allowUnrated: z.boolean().optional().describe('With maxRating: whether programs without a rating may air (default true)'),
    tags: z.array(z.string().min(1)).optional().describe('Only programs with at least one of these tags or genres air in the zone'),
  })
  .strict()
  .superRefine((zn, ctx) => {
    if (zn.from !== undefined && !parseDate(zn.from)) ctx.addIssue({ code: 'custom', path: ['from'], message: 'not a calendar date' });
    if (zn.to !== undefined && !parseDate(zn.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: 'not a calendar date' });
    if (zn.from && zn.to && zn.from > zn.to) ctx.addIssue({ code: 'custom', path: ['to'], message: `ends before it starts (${zn.from})` });
    if (zn.start === '24:00') ctx.addIssue({ code: 'custom', path: ['start'], message: 'expected HH:MM before 24:00' });
  });

const Breaks = z
  .object({
    perHour: z.number().int().min(0).max(12).optional(),
    marginMinutes: z.number().min(0).max(30).optional(),
    minBreakSeconds: z.number().min(0).max(600).optional(),
    cooldownMinutes: z.number().min(0).optional(),
    maxPromos: z.number().int().min(0).max(10).optional(),
  })
  .strict();

const Pools = z
  .object({
    commercials: z.array(PoolRef).optional(),
    promos: z.array(PoolRef).optional(),
    ids: z.array(PoolRef).optional().describe('Station IDs'),
    bumpers: z
      .object({ pre: z.array(PoolRef).optional(), post: z.array(PoolRef).optional() })
      .strict()
      .optional(),
    filler: z.array(PoolRef).optional(),
  })
  .strict();

const Output = z
  .object({
    resolution: z.enum(Object.keys(RESOLUTIONS) as [keyof typeof RESOLUTIONS, ...(keyof typeof RESOLUTIONS)[]]).optional().describe('360p, 480p (4:3), 576p, 720p or 1080p'),
    fps: z
      .union(Object.keys(FRAME_RATES).map((k) => z.literal(Number(k) as keyof typeof FRAME_RATES)) as unknown as [z.ZodLiteral<keyof typeof FRAME_RATES>, z.ZodLiteral<keyof typeof FRAME_RATES>])
      .optional()
      .describe('Frame rate: 23.976, 24, 25, 29.97, 30, 50, 59.94 or 60'),
    videoBitrateKbps: z.number().int().min(100).max(50_000).optional(),
    crf: z.number().int().min(10).max(40).optional().describe('Constant quality instead of a bitrate (capped by maxrateKbps)'),
    maxrateKbps: z.number().int().min(100).max(80_000).optional(),
    bufsizeKbps: z.number().int().min(100).max(160_000).optional(),
    preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).optional().describe('x264 preset (default veryfast); slower ones may not keep up in real time'),
    audioBitrateKbps: z.number().int().min(32).max(512).optional(),
    audioChannels: z.union([z.literal(1), z.literal(2)]).optional(),
    encoder: z.enum(Object.keys(ENCODERS) as [keyof typeof ENCODERS, ...(keyof typeof ENCODERS)[]]).optional().describe('software (default), or nvenc, vaapi, qsv where ffmpeg and the hardware have them'),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.crf !== undefined && o.videoBitrateKbps !== undefined) ctx.addIssue({ code: 'custom', path: ['crf'], message: 'give crf or videoBitrateKbps, not both' });
    if (o.crf !== undefined && o.maxrateKbps === undefined) ctx.addIssue({ code: 'custom', path: ['maxrateKbps'], message: 'crf needs maxrateKbps (a live stream needs a ceiling)' });
  });

const Channel = z
  .object({
    number: z.number().int().min(1).max(9999),
    name: z.string().min(1),
    timezone: z
      .string()
      .min(1)
      .refine((tz) => tz === LOCAL_ZONE || isValidTimeZone(tz), { error: (iss) => `unknown time zone '${String(iss.input)}'` })
      .describe('IANA zone, e.g. America/New_York, or "local" for the machine\'s zone at import'),
    enabled: z.boolean().optional(),
    grid: z.union([z.literal(15), z.literal(30), z.literal(60)]).optional().describe('Grid block in minutes (default 30)'),
    broadcastDayStart: hhmm.optional().describe('Local time the broadcast day starts (default 06:00)'),
    seed: z.number().int().min(0).max(4294967295).optional(),
    loop: z
      .object({
        collection: z.string().min(1),
        source: z.string().min(1).optional(),
        epoch: z
          .string()
          .min(1)
          .refine((t) => Number.isFinite(Date.parse(t)), 'expected an ISO-8601 instant')
          .optional()
          .describe('ISO-8601 instant the loop started'),
      })
      .strict()
      .optional()
      .describe('Loop a collection in order instead of following zones'),
    guide: z.boolean().optional().describe('A TV-guide channel: scrolling listings of every channel, with no schedule of its own'),
    logo: z
      .string()
      .min(1)
      .refine((v) => /^https?:\/\/[^\s"<>]+$/.test(v) || (path.isAbsolute(v) && /\.(png|jpe?g|svg|webp)$/i.test(v)), 'expected an http(s) URL or an absolute path to a .png, .jpg, .svg or .webp file')
      .optional()
      .describe('Channel logo for IPTV clients (M3U tvg-logo, XMLTV icon); default: a generated one with the channel number'),
    group: z.string().min(1).max(100).optional().describe('M3U group-title: the group IPTV clients file the channel under'),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'expected a language code such as en, fr or pt-BR')
      .optional()
      .describe('Language of the guide text (XMLTV lang), default en'),
    output: Output.optional().describe("The channel's output format; over the station's output"),
    branding: BrandingSchema.optional().describe("On-screen branding; over the station's (false turns a part off, crawls add up)"),
    breaks: Breaks.optional(),
    signOff: z
      .object({
        at: hhmm.describe('Local time the channel signs off (after the programme on air ends)'),
        until: hhmm.describe('Local time it signs on again; programmes resume on the grid'),
      })
      .strict()
      .refine((s) => s.at !== s.until, { message: 'at and until must differ', path: ['until'] })
      .optional()
      .describe('Overnight sign-off: station ID, closing card, SMPTE bars with 1 kHz tone, black, then the sign-on sequence'),
    zones: z.array(Zone).optional(),
    pools: Pools.optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.loop && c.zones?.length) ctx.addIssue({ code: 'custom', path: ['loop'], message: 'a channel has either loop or zones, not both' });
    if (c.guide && (c.loop || c.zones?.length)) ctx.addIssue({ code: 'custom', path: ['guide'], message: 'a guide channel has no loop or zones' });
    if (c.signOff && (c.loop || c.guide)) ctx.addIssue({ code: 'custom', path: ['signOff'], message: 'only a channel with zones signs off' });
    if (c.guide && c.branding) ctx.addIssue({ code: 'custom', path: ['branding'], message: 'a guide channel airs the guide, not programmes, so it carries no branding; remove it here' });
  });

export const StationSchema = z
  .object({
    version: z.literal(1).optional(),
    output: Output.optional().describe("Every channel's output format unless a channel says otherwise"),
    branding: BrandingSchema.optional().describe('On-screen branding of every channel: logo bug, rating bug, "next" lower third, crawls'),
    channels: z.array(Channel),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const seen = new Map<number, number>();
    doc.channels.forEach((c, i) => {
      const prior = seen.get(c.number);
      if (prior !== undefined) ctx.addIssue({ code: 'custom', path: ['channels', i, 'number'], message: `channel ${c.number} is defined twice (also channels[${prior}])` });
      else seen.set(c.number, i);
    });
  });

export type StationDoc = z.input<typeof StationSchema>;
export type StationChannel = z.input<typeof Channel>;
export type StationRef = z.input<typeof Ref>;
export type StationPoolRef = z.input<typeof PoolRef>;

/** The channel's output spec over the station's, as stored (null when neither says anything). */
function outputSpecText(station: OutputSpec | undefined, channel: OutputSpec | undefined): string | null {
  const merged = { ...station, ...channel };
  return Object.keys(merged).length ? JSON.stringify(merged) : null;
}

/** The channel's branding over the station's, as stored (null when neither has any). */
function brandingText(station: BrandingDoc | undefined, channel: BrandingDoc | undefined): string | null {
  const merged = mergeBranding(station, channel);
  return merged ? JSON.stringify(merged) : null;
}

export class StationFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`station file is not valid:\n  ${problems.join('\n  ')}`);
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

/** JSON Schema of the station file, for editors and `resources/station/station.schema.json`. */
export function stationJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(StationSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'RetroVue station file',
  } as Record<string, unknown>;
}

/** Parse and validate YAML (or JSON) text; throws StationFileError listing every problem by path. */
export function parseStation(text: string): StationDoc {
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw new StationFileError(doc.errors.map((e) => `yaml: ${e.message.split('\n')[0]}`));
  return validateStation(doc.toJS());
}

export function validateStation(value: unknown): StationDoc {
  const r = StationSchema.safeParse(value);
  if (!r.success) throw new StationFileError(r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`));
  return value as StationDoc;
}

// ---------------------------------------------------------------------- import

interface CollectionLite {
  id: number;
  name: string;
  relPath: string;
  sourceName: string;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

class RefResolver {
  private readonly collections: CollectionLite[];
  constructor(private readonly db: Db) {
    this.collections = db
      .select({ id: collections.id, name: collections.name, relPath: collections.relPath, sourceName: sources.name })
      .from(collections)
      .innerJoin(sources, eq(collections.sourceId, sources.id))
      .all()
      .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
  }
  collectionsFor(name: string, source: string | undefined): CollectionLite[] {
    const inSource = this.collections.filter((c) => source === undefined || c.sourceName === source);
    if (name.includes('*')) {
      const re = globToRegExp(name);
      return inSource.filter((c) => re.test(c.name));
    }
    const exact = inSource.filter((c) => c.name === name);
    return exact.length > 0 ? exact : inSource.filter((c) => c.relPath === name);
  }
  asset(path: string, source: string | undefined): number | null {
    const rows = this.db
      .select({ id: assets.id, path: assets.path, relPath: assets.relPath, sourceName: sources.name })
      .from(assets)
      .innerJoin(sources, eq(assets.sourceId, sources.id))
      .where(eq(assets.path, path))
      .all();
    const byRel =
      rows.length > 0
        ? rows
        : this.db
            .select({ id: assets.id, path: assets.path, relPath: assets.relPath, sourceName: sources.name })
            .from(assets)
            .innerJoin(sources, eq(assets.sourceId, sources.id))
            .where(eq(assets.relPath, path))
            .all();
    const hit = byRel.filter((r) => source === undefined || r.sourceName === source);
    return hit[0]?.id ?? null;
  }
  nameOf(collectionId: number): { collection: string; source?: string } | null {
    const c = this.collections.find((x) => x.id === collectionId);
    if (!c) return null;
    const ambiguous = this.collections.filter((x) => x.name === c.name).length > 1;
    return ambiguous ? { source: c.sourceName, collection: c.name } : { collection: c.name };
  }
}

interface ResolvedRef {
  collectionId: number | null;
  assetId: number | null;
  series: string | null;
  cooldownMs: number | null;
}

export interface ImportOptions {
  /** Drop references that match nothing (with a warning) instead of failing. */
  lenient?: boolean;
}

export interface ImportResult {
  channels: Array<{ number: number; action: 'created' | 'updated' }>;
  warnings: string[];
}

/**
 * Create or update the channels of a station file (matched by number) and replace
 * their plans and pools. Built days are kept: the ScheduleService rebuilds what
 * changed after its locked window. All or nothing.
 */
export function importStation(db: Db, clock: MasterClock, input: string | StationDoc, options: ImportOptions = {}): ImportResult {
  const doc = typeof input === 'string' ? parseStation(input) : validateStation(input);
  const resolver = new RefResolver(db);
  const problems: string[] = [];
  const warnings: string[] = [];
  const missing = (where: string, what: string): void => {
    (options.lenient ? warnings : problems).push(`${where}: ${what}`);
  };
  const resolveRefs = (refs: StationPoolRef[] | undefined, where: string, expand: 'each' | 'all'): ResolvedRef[][] => {
    const out: ResolvedRef[][] = [];
    (refs ?? []).forEach((r, k) => {
      const at = `${where}[${k}]`;
      const cooldownMs = r.cooldownMinutes !== undefined ? Math.round(r.cooldownMinutes * 60_000) : null;
      if (r.path !== undefined) {
        const id = resolver.asset(r.path, r.source);
        if (id === null) missing(at, `no asset with path '${r.path}'`);
        else out.push([{ collectionId: null, assetId: id, series: null, cooldownMs }]);
        return;
      }
      const found = resolver.collectionsFor(r.collection as string, r.source);
      if (found.length === 0) {
        missing(at, `no collection named '${r.collection}'${r.source ? ` in source '${r.source}'` : ''}`);
        return;
      }
      if (!r.collection?.includes('*') && found.length > 1) {
        problems.push(`${at}: collection '${r.collection}' exists in several sources (${found.map((f) => f.sourceName).join(', ')}); add source`);
        return;
      }
      const refsFound = found.map((f) => ({ collectionId: f.id, assetId: null, series: r.series ?? null, cooldownMs }));
      if (expand === 'each') out.push(...refsFound.map((x) => [x]));
      else out.push(refsFound);
    });
    return out;
  };

  // A logo is read when it airs; a wrong path is said now, where it was written.
  const checkLogo = (b: BrandingDoc | undefined, where: string): void => {
    const image = b?.logo ? b.logo.image : undefined;
    if (image === undefined) return;
    const problem = logoImageProblem(image);
    if (problem) missing(`${where}.logo.image`, `${problem}; the channel would air without its logo bug`);
  };
  checkLogo(doc.branding, 'branding');
  doc.channels.forEach((c, i) => checkLogo(c.branding, `channels[${i}].branding`));

  const now = clock.nowMs();
  const plans = doc.channels.map((c, i) => {
    const base = `channels[${i}]`;
    let loopCollectionId: number | null = null;
    if (c.loop) {
      const found = resolver.collectionsFor(c.loop.collection, c.loop.source);
      if (found.length !== 1) {
        problems.push(`${base}.loop.collection: ${found.length === 0 ? `no collection named '${c.loop.collection}'` : `'${c.loop.collection}' is ambiguous; add source`}`);
      } else loopCollectionId = (found[0] as CollectionLite).id;
    }
    const zones = (c.zones ?? []).map((zn, j) => ({
      zn,
      refs: resolveRefs(zn.sources, `${base}.zones[${j}].sources`, 'all').flat(),
    }));
    zones.forEach(({ zn, refs }, j) => {
      if (refs.length === 0 && options.lenient) warnings.push(`${base}.zones[${j}]: zone '${zn.name}' has no sources left; its time will air filler`);
    });
    const pools: Array<[PoolRole, ResolvedRef[]]> = [
      ['commercial', resolveRefs(c.pools?.commercials, `${base}.pools.commercials`, 'all').flat()],
      ['promo', resolveRefs(c.pools?.promos, `${base}.pools.promos`, 'all').flat()],
      ['station_id', resolveRefs(c.pools?.ids, `${base}.pools.ids`, 'all').flat()],
      ['bumper_pre', resolveRefs(c.pools?.bumpers?.pre, `${base}.pools.bumpers.pre`, 'all').flat()],
      ['bumper_post', resolveRefs(c.pools?.bumpers?.post, `${base}.pools.bumpers.post`, 'all').flat()],
      ['filler', resolveRefs(c.pools?.filler, `${base}.pools.filler`, 'all').flat()],
    ];
    return { c, loopCollectionId, zones, pools };
  });
  if (problems.length > 0) throw new StationFileError(problems);

  const result: ImportResult = { channels: [], warnings };
  db.transaction((tx) => {
    for (const { c, loopCollectionId, zones, pools } of plans) {
      const existing = tx.select().from(channels).where(eq(channels.number, c.number)).get();
      const loopEpochMs = c.loop ? (c.loop.epoch !== undefined ? Date.parse(c.loop.epoch) : (existing?.loopEpochMs ?? now)) : (existing?.loopEpochMs ?? null);
      const values = {
        name: c.name,
        timezone: c.timezone === LOCAL_ZONE ? machineTimeZone() : c.timezone,
        enabled: c.enabled ?? true,
        planKind: c.guide ? ('guide' as const) : c.loop ? ('loop' as const) : ('schedule' as const),
        loopCollectionId,
        loopEpochMs,
        // A loop keeps its anchor (see loop-anchor.ts) unless the file moves its epoch or collection.
        loopItems: existing && existing.loopCollectionId === loopCollectionId && existing.loopEpochMs === loopEpochMs ? existing.loopItems : null,
        gridMinutes: c.grid ?? 30,
        broadcastDayStart: c.broadcastDayStart ?? '06:00',
        logo: c.logo ?? null,
        groupName: c.group ?? null,
        language: c.language ?? null,
        outputProfile: outputSpecText(doc.output, c.output),
        branding: c.guide ? null : brandingText(doc.branding, c.branding),
      };
      let channelId: number;
      if (existing) {
        tx.update(channels).set(values).where(eq(channels.id, existing.id)).run();
        channelId = existing.id;
        result.channels.push({ number: c.number, action: 'updated' });
      } else {
        channelId = tx
          .insert(channels)
          .values({ ...values, uuid: randomUUID(), number: c.number, createdAtMs: now })
          .returning({ id: channels.id })
          .get().id;
        result.channels.push({ number: c.number, action: 'created' });
      }
      tx.delete(schedulePoolItems).where(eq(schedulePoolItems.channelId, channelId)).run();
      tx.delete(schedulePlans).where(eq(schedulePlans.channelId, channelId)).run();
      if (c.loop) {
        // A loop needs no built days; stale ones would come back if it were scheduled again.
        tx.delete(scheduleDays).where(eq(scheduleDays.channelId, channelId)).run();
        continue;
      }
      const b = c.breaks ?? {};
      const planId = tx
        .insert(schedulePlans)
        .values({
          channelId,
          seed: c.seed ?? c.number,
          breaksPerHour: b.perHour ?? DEFAULT_BREAK_RULES.breaksPerHour,
          breakMarginMs: Math.round((b.marginMinutes ?? DEFAULT_BREAK_RULES.marginMs / 60_000) * 60_000),
          minBreakMs: Math.round((b.minBreakSeconds ?? DEFAULT_BREAK_RULES.minBreakMs / 1000) * 1000),
          spotCooldownMs: Math.round((b.cooldownMinutes ?? DEFAULT_BREAK_RULES.spotCooldownMs / 60_000) * 60_000),
          maxPromosPerBreak: b.maxPromos ?? DEFAULT_BREAK_RULES.maxPromosPerBreak,
          signOffAt: c.signOff?.at ?? null,
          signOffUntil: c.signOff?.until ?? null,
          updatedAtMs: now,
        })
        .returning({ id: schedulePlans.id })
        .get().id;
      zones.forEach(({ zn, refs }, position) => {
        const zoneId = tx
          .insert(scheduleZones)
          .values({
            planId,
            position,
            name: zn.name,
            startLocal: zn.start,
            endLocal: zn.end,
            days: (zn.days ?? []).map((d) => WEEKDAYS.indexOf(d)).sort(),
            dateFrom: zn.from ?? null,
            dateTo: zn.to ?? null,
            priority: zn.priority ?? 0,
            contentType: zn.play as ZoneContentType,
            midBreaks: zn.midBreaks ?? null,
            maxRating: zn.maxRating ?? null,
            tags: zn.tags ?? [],
            allowUnrated: zn.allowUnrated ?? true,
          })
          .returning({ id: scheduleZones.id })
          .get().id;
        refs.forEach((r, k) =>
          tx.insert(scheduleZoneItems).values({ zoneId, position: k, collectionId: r.collectionId, assetId: r.assetId, series: r.series }).run(),
        );
      });
      for (const [role, refs] of pools) {
        refs.forEach((r, k) =>
          tx
            .insert(schedulePoolItems)
            .values({ channelId, role, position: k, collectionId: r.collectionId, assetId: r.assetId, cooldownMs: r.cooldownMs })
            .run(),
        );
      }
    }
  });
  return result;
}

// ---------------------------------------------------------------------- export

/** The station as a station-file document (every channel, loop or scheduled). */
export function exportStation(db: Db): StationDoc {
  const resolver = new RefResolver(db);
  const assetPaths = new Map<number, string>();
  const refOf = (collectionId: number | null, assetId: number | null, series: string | null): StationRef | null => {
    if (assetId !== null) {
      let p = assetPaths.get(assetId);
      if (p === undefined) {
        p = db.select({ path: assets.path }).from(assets).where(eq(assets.id, assetId)).get()?.path ?? '';
        assetPaths.set(assetId, p);
      }
      return p ? { path: p } : null;
    }
    if (collectionId === null) return null;
    const n = resolver.nameOf(collectionId);
    return n ? { ...n, ...(series !== null ? { series } : {}) } : null;
  };
  const rows = db.select().from(channels).orderBy(channels.number).all();
  const planRows = rows.length ? db.select().from(schedulePlans).where(inArray(schedulePlans.channelId, rows.map((r) => r.id))).all() : [];
  const out: StationChannel[] = [];
  for (const ch of rows) {
    const c: StationChannel = { number: ch.number, name: ch.name, timezone: ch.timezone };
    if (!ch.enabled) c.enabled = false;
    if (ch.gridMinutes !== 30) c.grid = ch.gridMinutes as 15 | 60;
    if (ch.broadcastDayStart !== '06:00') c.broadcastDayStart = ch.broadcastDayStart;
    if (ch.logo) c.logo = ch.logo;
    if (ch.groupName) c.group = ch.groupName;
    if (ch.language) c.language = ch.language;
    if (ch.outputProfile) c.output = JSON.parse(ch.outputProfile) as StationChannel['output'];
    if (ch.branding) c.branding = JSON.parse(ch.branding) as StationChannel['branding'];
    if (ch.planKind === 'guide') {
      c.guide = true;
      out.push(c);
      continue;
    }
    if (ch.planKind === 'loop') {
      const n = ch.loopCollectionId !== null ? resolver.nameOf(ch.loopCollectionId) : null;
      if (n) c.loop = { ...n, epoch: new Date(ch.loopEpochMs ?? ch.createdAtMs).toISOString() };
      out.push(c);
      continue;
    }
    const plan = planRows.find((p) => p.channelId === ch.id);
    if (plan) {
      c.seed = plan.seed;
      c.breaks = {
        perHour: plan.breaksPerHour,
        marginMinutes: plan.breakMarginMs / 60_000,
        minBreakSeconds: plan.minBreakMs / 1000,
        cooldownMinutes: plan.spotCooldownMs / 60_000,
        maxPromos: plan.maxPromosPerBreak,
      };
      if (plan.signOffAt !== null && plan.signOffUntil !== null) c.signOff = { at: plan.signOffAt, until: plan.signOffUntil };
      const zoneRows = db.select().from(scheduleZones).where(eq(scheduleZones.planId, plan.id)).orderBy(scheduleZones.position).all();
      c.zones = zoneRows.map((z) => {
        const items = db.select().from(scheduleZoneItems).where(eq(scheduleZoneItems.zoneId, z.id)).orderBy(scheduleZoneItems.position).all();
        const zone: NonNullable<StationChannel['zones']>[number] = {
          name: z.name,
          start: z.startLocal,
          end: z.endLocal,
          play: z.contentType,
          sources: items.map((i) => refOf(i.collectionId, i.assetId, i.series)).filter((r): r is StationRef => r !== null),
        };
        if (z.days.length > 0) zone.days = z.days.map((d) => WEEKDAYS[d] as (typeof WEEKDAYS)[number]);
        if (z.dateFrom) zone.from = z.dateFrom;
        if (z.dateTo) zone.to = z.dateTo;
        if (z.priority !== 0) zone.priority = z.priority;
        if (z.midBreaks !== null) zone.midBreaks = z.midBreaks;
        if (z.maxRating !== null) zone.maxRating = z.maxRating;
        if (!z.allowUnrated) zone.allowUnrated = false;
        if (z.tags.length > 0) zone.tags = z.tags;
        return zone;
      });
    } else c.zones = [];
    const poolRows = db.select().from(schedulePoolItems).where(eq(schedulePoolItems.channelId, ch.id)).orderBy(schedulePoolItems.position).all();
    const list = (role: PoolRole): StationPoolRef[] =>
      poolRows
        .filter((p) => p.role === role)
        .map((p) => {
          const r = refOf(p.collectionId, p.assetId, null);
          return r ? { ...r, ...(p.cooldownMs !== null ? { cooldownMinutes: p.cooldownMs / 60_000 } : {}) } : null;
        })
        .filter((r): r is StationPoolRef => r !== null);
    const pools: NonNullable<StationChannel['pools']> = {};
    const set = <K extends 'commercials' | 'promos' | 'ids' | 'filler'>(key: K, role: PoolRole): void => {
      const l = list(role);
      if (l.length) pools[key] = l;
    };
    set('commercials', 'commercial');
    set('promos', 'promo');
    set('ids', 'station_id');
    const pre = list('bumper_pre');
    const post = list('bumper_post');
    if (pre.length || post.length) pools.bumpers = { ...(pre.length ? { pre } : {}), ...(post.length ? { post } : {}) };
    set('filler', 'filler');
    if (Object.keys(pools).length) c.pools = pools;
    out.push(c);
  }
  return { version: 1, channels: out };
}

export function exportStationYaml(db: Db): string {
  return `# RetroVue station file (schema: resources/station/station.schema.json)\n${stringify(exportStation(db), { lineWidth: 0 })}`;
}

