/**
 * The library for the console: sources, collections and assets with their state and the
 * reason a file is not ready (GET, open on the LAN like the guide), and a background scan
 * (POST, behind the control token like every state-changing route). Answers never carry an
 * absolute path: a source shows its folder's own name, an asset its file name.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, RawServerDefault } from 'fastify';
import { z } from 'zod';
import type { LibraryAssetDto, LibraryAssetPageDto, LibraryCollectionDto, LibrarySourceDto } from '../../shared/library-types.ts';
import type { ApiError, AssetState } from '../../shared/types.ts';
import { ASSET_KINDS } from '../library/asset-kind.ts';
import { LibraryError } from '../library/library-errors.ts';
import type { AssetRow, LibraryService, SourceRow } from '../library/library-service.ts';
import { ScanBusyError, type ScanJob } from '../library/scan-job.ts';
import type { Logger } from '../logger.ts';

type StationApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>;

export interface LibraryRoutesOptions {
  library: LibraryService;
  scans: ScanJob;
}

const STATES = ['new', 'enriching', 'ready', 'retired'] as const satisfies readonly AssetState[];
export const MAX_ASSET_PAGE = 500;
const MAX_COLLECTIONS = 2000;

const assetsQuery = z.strictObject({
  state: z.enum(STATES).optional(),
  kind: z.enum(ASSET_KINDS as [string, ...string[]]).optional(),
  collection: z.string().min(1).max(300).optional(),
  source: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').max(MAX_ASSET_PAGE, `must be ${MAX_ASSET_PAGE} or fewer`).optional(),
  offset: z.coerce.number().int('must be a whole number').min(0, 'must be 0 or more').max(10_000_000).optional(),
});
const collectionsQuery = z.strictObject({ source: z.string().min(1).max(200).optional() });
const sourceParam = z.object({ name: z.string().min(1).max(200) });

function refuse(reply: FastifyReply, code: number, error: string, hint?: string): FastifyReply {
  const body: ApiError = hint ? { error, hint } : { error };
  return reply.code(code).type('application/json').send(body);
}

const describeIssues = (where: string, error: z.ZodError): string => error.issues.map((i) => `${where} '${i.path.join('.') || '(value)'}': ${i.message}`).join('; ');

/** A reason as the LAN may read it: the asset's full path becomes its file name, the source's root its folder name. */
function safeReason(reason: string | null, asset: AssetRow, source: SourceRow | undefined): string | null {
  if (reason === null) return null;
  let text = reason.split(asset.path).join(path.basename(asset.path));
  if (source) text = text.split(source.path).join(path.basename(source.path));
  return text;
}

function assetDto(a: AssetRow, collection: string, source: SourceRow | undefined): LibraryAssetDto {
  return {
    id: a.id, file: path.basename(a.relPath), collection, source: source?.name ?? '?', title: a.title, kind: a.kind, state: a.state,
    reason: safeReason(a.stateReason, a, source), durationMs: a.durationMs, sizeBytes: a.sizeBytes,
    video: a.video ? `${a.video.codec} ${a.video.width}x${a.video.height}` : null,
    audio: a.audio ? `${a.audio.codec} ${a.audio.channels}ch` : null,
    series: a.series, season: a.season, episode: a.episode, rating: a.rating,
  };
}

export function registerLibraryRoutes(app: StationApp, opts: LibraryRoutesOptions): void {
  const { library, scans } = opts;

  app.get('/api/library/sources', async () => {
    const counts = library.stateCounts();
    return library.listSources().map((s): LibrarySourceDto => {
      const mine = Object.fromEntries(STATES.map((st) => [st, counts.find((c) => c.sourceId === s.id && c.state === st)?.n ?? 0])) as LibrarySourceDto['counts'];
      return { name: s.name, type: s.type, rootName: path.basename(s.path), lastScanAt: s.lastScanAtMs === null ? null : new Date(s.lastScanAtMs).toISOString(), counts: mine };
    });
  });

  app.get('/api/library/collections', async (req, reply) => {
    const q = collectionsQuery.safeParse(req.query);
    if (!q.success) return refuse(reply, 400, describeIssues('query', q.error), 'Use ?source=<name> (optional).');
    let sourceId: number | undefined;
    try {
      sourceId = q.data.source === undefined ? undefined : library.requireSource(q.data.source).id;
    } catch (err) {
      if (err instanceof LibraryError) return refuse(reply, 404, err.message, 'List sources at /api/library/sources.');
      throw err;
    }
    return library.listCollections(sourceId).slice(0, MAX_COLLECTIONS).map((c): LibraryCollectionDto => ({
      id: c.id, name: c.name, source: c.sourceName, assetCount: c.assetCount, readyCount: c.readyCount,
    }));
  });

  app.get('/api/library/assets', async (req, reply) => {
    const q = assetsQuery.safeParse(req.query);
    if (!q.success) return refuse(reply, 400, describeIssues('query', q.error), `Use ?state=new|enriching|ready|retired&collection=<name or id>&limit=1..${MAX_ASSET_PAGE}&offset=N (all optional).`);
    const { state, kind, limit = 100, offset = 0 } = q.data;
    let collectionId: number | undefined;
    let sourceId: number | undefined;
    try {
      if (q.data.source !== undefined) sourceId = library.requireSource(q.data.source).id;
      if (q.data.collection !== undefined) {
        const c = library.findCollection(q.data.collection);
        if (!c) return refuse(reply, 404, `There is no collection '${q.data.collection}'.`, 'List collections at /api/library/collections.');
        collectionId = c.id;
      }
    } catch (err) {
      if (err instanceof LibraryError) return refuse(reply, 404, err.message, 'List sources at /api/library/sources and collections at /api/library/collections.');
      throw err;
    }
    const page = library.pageAssets({ state, kind: kind as AssetRow['kind'] | undefined, collectionId, sourceId }, limit, offset);
    const sources = new Map(library.listSources().map((s) => [s.id, s]));
    const collections = new Map(library.listCollections().map((c) => [c.id, c.name]));
    const body: LibraryAssetPageDto = {
      total: page.total, offset, limit,
      assets: page.rows.map((a) => assetDto(a, collections.get(a.collectionId) ?? '?', sources.get(a.sourceId))),
    };
    return body;
  });

  app.get('/api/library/scan', async () => scans.status());

  app.post('/api/library/sources/:name/scan', async (req, reply) => {
    const p = sourceParam.safeParse(req.params);
    if (!p.success) return refuse(reply, 400, describeIssues('path', p.error));
    try {
      return reply.code(202).send(scans.start(p.data.name));
    } catch (err) {
      if (err instanceof ScanBusyError) return refuse(reply, 409, err.message, 'Wait for it to finish (GET /api/library/scan shows its progress), then scan again.');
      if (err instanceof LibraryError) return refuse(reply, 404, err.message, 'List sources at /api/library/sources.');
      throw err;
    }
  });
}
