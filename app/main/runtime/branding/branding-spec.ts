/**
 * A channel's on-screen branding as the station file writes it (`branding:` for the
 * whole station and per channel), and as the ChannelManager uses it (every default
 * filled in). Stored per channel as the merged JSON; resolved when the channel plans.
 */
import { accessSync, closeSync, constants, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { OverlayCorner } from '../producer/producer.ts';

const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected HH:MM');
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const Corner = z.enum(['top-left', 'top-right', 'bottom-left', 'bottom-right']);

export const BrandingSchema = z
  .object({
    logo: z
      .union([
        z.literal(false),
        z
          .object({
            image: z
              .string()
              .refine((v) => path.isAbsolute(v) && /\.(png|jpe?g|webp)$/i.test(v), 'expected an absolute path to a .png, .jpg or .webp file')
              .optional()
              .describe('The bug image (transparent PNG works best); default: the RetroVue mark'),
            corner: Corner.optional().describe('Default top-right'),
            opacity: z.number().min(0.1).max(1).optional().describe('Default 0.7'),
            size: z.number().min(4).max(30).optional().describe('Height as % of the picture height (default 12)'),
            margin: z.number().min(0).max(10).optional().describe('Distance from the edges as % of the picture height (default 4)'),
            duringBreaks: z.boolean().optional().describe('Keep the bug on over commercials, promos and bumpers (default off)'),
          })
          .strict(),
      ])
      .optional()
      .describe('Logo bug over programmes'),
    ratingBug: z
      .union([
        z.literal(false),
        z
          .object({
            seconds: z.number().int().min(3).max(60).optional().describe('How long it shows at the start and after each break (default 10)'),
            corner: Corner.optional().describe('Default top-left'),
          })
          .strict(),
      ])
      .optional()
      .describe("The programme's rating (from its NFO) at its start and after each break"),
    nextUp: z
      .union([
        z.literal(false),
        z
          .object({
            seconds: z.number().int().min(4).max(30).optional().describe('How long it shows (default 10)'),
            beforeEnd: z.number().int().min(0).max(600).optional().describe('Seconds before the programme\'s last break it leaves the screen (default 20)'),
          })
          .strict(),
      ])
      .optional()
      .describe('"Next: TITLE at 8:30" lower third before a programme\'s last break'),
    crawls: z
      .array(
        z
          .object({
            text: z.string().min(1).max(500),
            at: hhmm.refine((t) => t !== '24:00', 'a crawl starts at 23:59 at the latest; use 00:00 of the next day').describe('Local time the crawl starts'),
            until: hhmm.describe('Local time it ends (past midnight allowed)'),
            days: z.array(z.enum(WEEKDAYS)).optional().describe('Weekdays it runs; omitted = every day'),
          })
          .strict()
          .refine((c) => c.at !== c.until, { message: 'at and until must differ', path: ['until'] }),
      )
      .max(20)
      .optional()
      .describe('Scheduled text crawls along the foot of the picture'),
  })
  .strict();

export type BrandingDoc = z.input<typeof BrandingSchema>;

/** The channel's branding over the station's: the channel's keys win (false turns one off); crawls add up. */
export function mergeBranding(station: BrandingDoc | undefined, channel: BrandingDoc | undefined): BrandingDoc | null {
  if (!station && !channel) return null;
  const merged: BrandingDoc = { ...station, ...channel };
  // A part the channel sets is merged key by key over the station's (false turns it off whole).
  for (const part of ['logo', 'ratingBug', 'nextUp'] as const) {
    const s = station?.[part];
    const c = channel?.[part];
    if (s && c) (merged as Record<string, unknown>)[part] = { ...s, ...c };
  }
  const crawls = [...(station?.crawls ?? []), ...(channel?.crawls ?? [])];
  if (crawls.length) merged.crawls = crawls;
  else delete merged.crawls;
  return Object.keys(merged).length ? merged : null;
}

export interface ResolvedCrawl {
  text: string;
  /** Minutes after local midnight. */
  atMin: number;
  untilMin: number;
  /** Weekdays (0 = Sunday) of the start; empty = every day. */
  days: number[];
}

/** Branding with every default filled in, as the overlay planner uses it. */
export interface Branding {
  logo: { image: string; corner: OverlayCorner; opacity: number; heightPct: number; marginPct: number; duringBreaks: boolean } | null;
  rating: { seconds: number; corner: OverlayCorner } | null;
  nextUp: { seconds: number; beforeEndSeconds: number } | null;
  crawls: ResolvedCrawl[];
}

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

export class BrandingError extends Error {}

/**
 * The stored JSON (or a document) resolved. `defaultLogo` is the shipped mark. An image
 * that cannot be read is left out with a warning: branding never keeps a channel off air.
 */
export function resolveBranding(stored: string | BrandingDoc | null | undefined, defaultLogo: string | null, warn: (msg: string) => void = () => {}): Branding | null {
  if (stored === null || stored === undefined || stored === '') return null;
  let raw: unknown;
  try {
    raw = typeof stored === 'string' ? JSON.parse(stored) : stored;
  } catch {
    throw new BrandingError('the stored branding is not JSON; re-import the station file');
  }
  const parsed = BrandingSchema.safeParse(raw);
  if (!parsed.success) throw new BrandingError(`the stored branding is not valid (${parsed.error.issues[0]?.message ?? 'unknown'}); re-import the station file`);
  const doc = parsed.data;
  let logo: Branding['logo'] = null;
  if (doc.logo) {
    const image = doc.logo.image ?? defaultLogo;
    if (image && readable(image)) {
      logo = {
        image,
        corner: doc.logo.corner ?? 'top-right',
        opacity: doc.logo.opacity ?? 0.7,
        heightPct: doc.logo.size ?? 12,
        marginPct: doc.logo.margin ?? 4,
        duringBreaks: doc.logo.duringBreaks ?? false,
      };
    } else warn(image ? `the logo image ${path.basename(image)} cannot be read; the channel airs without its logo bug (check the path in the station file)` : 'no logo image is shipped; the channel airs without its logo bug');
  }
  return {
    logo,
    rating: doc.ratingBug === false ? null : { seconds: doc.ratingBug?.seconds ?? 10, corner: doc.ratingBug?.corner ?? 'top-left' },
    nextUp: doc.nextUp === false ? null : { seconds: doc.nextUp?.seconds ?? 10, beforeEndSeconds: doc.nextUp?.beforeEnd ?? 20 },
    crawls: (doc.crawls ?? []).map((c) => ({ text: c.text, atMin: minutes(c.at), untilMin: minutes(c.until), days: (c.days ?? []).map((d) => WEEKDAYS.indexOf(d)) })),
  };
}

function readable(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

const IMAGE_MAGIC: { ext: RegExp; name: string; matches: (b: Buffer) => boolean }[] = [
  { ext: /\.png$/i, name: 'PNG', matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { ext: /\.jpe?g$/i, name: 'JPEG', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { ext: /\.webp$/i, name: 'WebP', matches: (b) => b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP' },
];

/**
 * What is wrong with a logo image file, in words a person can act on, or null when it is
 * readable and starts like the image its name says (the station file's check at import).
 */
export function logoImageProblem(file: string): string | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return `${file} does not exist (check the path)`;
    if (code === 'EACCES' || code === 'EPERM') return `${file} cannot be read by the station (check its permissions)`;
    return `${file} cannot be opened (${code ?? String(err)})`;
  }
  const head = Buffer.alloc(12);
  let n = 0;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EISDIR' ? `${file} is a folder, not an image` : `${file} cannot be read (${code ?? String(err)})`;
  } finally {
    closeSync(fd);
  }
  const kind = IMAGE_MAGIC.find((k) => k.ext.test(file));
  if (kind && (n < 12 || !kind.matches(head))) return `${file} is not a ${kind.name} image (save it again as ${kind.name})`;
  return null;
}
