/** `source`, `collection`, `asset` and `probe` commands. */
import { Command, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { ASSET_STATES } from '../library/asset-lifecycle.ts';
import { ASSET_KINDS } from '../library/asset-kind.ts';
import { enrichFromProbe } from '../library/enricher.ts';
import { LibraryError } from '../library/library-errors.ts';
import type { ScanProgress } from '../library/scanner.ts';
import { ffprobe } from '../media/ffprobe.ts';
import type { AssetKind, AssetState } from '../../shared/types.ts';
import { formatMs, printJson, printTable } from './output.ts';
import type { CliContext } from './cli-context.ts';

function progressBar(enabled: boolean): { update(p: ScanProgress): void; stop(): void } {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar({ format: 'Probing [{bar}] {value}/{total} {file}', stream: process.stderr, hideCursor: true, clearOnComplete: true });
  let started = false;
  return {
    update(p) {
      if (p.phase !== 'probing') return;
      if (!started) {
        bar.start(p.total, 0, { file: '' });
        started = true;
      }
      bar.update(p.done, { file: (p.current ?? '').slice(-40) });
    },
    stop: () => started && bar.stop(),
  };
}

export function registerLibraryCommands(program: Command, ctx: CliContext): void {
  const source = program.command('source').description('media sources (folders)');
  source
    .command('add <name> <path>')
    .description('add a folder of media as a source')
    .action((name: string, folder: string) =>
      ctx.withStation((st) => {
        const row = st.library.addSource(name, folder);
        if (ctx.json()) printJson(row);
        else process.stdout.write(`Added source '${row.name}' at ${row.path}. Scan it with: retrovue source scan ${row.name}\n`);
      }),
    );
  source
    .command('list')
    .description('list sources')
    .action(() =>
      ctx.withStation((st) => {
        const rows = st.library.listSources();
        if (ctx.json()) printJson(rows);
        else printTable(rows.map((r) => ({ name: r.name, type: r.type, path: r.path, lastScan: r.lastScanAtMs ? new Date(r.lastScanAtMs).toISOString() : null })));
      }),
    );
  source
    .command('scan <name>')
    .description('scan a source: probe new and changed files, retire missing ones')
    .action((name: string) =>
      ctx.withStation(async (st) => {
        const bar = progressBar(!ctx.json() && Boolean(process.stderr.isTTY));
        try {
          const summary = await st.scanner.scan(name, (p) => bar.update(p));
          bar.stop();
          if (ctx.json()) {
            const ready = st.library.listAssets({ sourceId: st.library.requireSource(name).id }).map((a) => ({
              id: a.id, path: a.relPath, kind: a.kind, state: a.state, durationMs: a.durationMs, reason: a.stateReason,
            }));
            printJson({ ...summary, assets: ready });
          } else {
            process.stdout.write(
              `Scanned '${summary.source}': ${summary.filesSeen} files, ${summary.added} new, ${summary.changed} changed, ${summary.unchanged} unchanged, ` +
                `${summary.ready} ready, ${summary.failed.length} failed, ${summary.retired} retired.\n`,
            );
            for (const f of summary.failed) process.stdout.write(`  not ready: ${f.path}: ${f.reason}\n`);
            for (const d of summary.unreadableFolders) process.stdout.write(`  could not read ${d}; its assets were kept as they were\n`);
            for (const w of summary.warnings) process.stdout.write(`  warning: ${w}\n`);
          }
        } finally {
          bar.stop();
        }
      }),
    );

  program
    .command('collection')
    .description('collections (a source’s folders)')
    .command('list')
    .description('list collections')
    .action(() =>
      ctx.withStation((st) => {
        const rows = st.library.listCollections();
        if (ctx.json()) printJson(rows);
        else printTable(rows.map((c) => ({ id: c.id, source: c.sourceName, name: c.name, assets: c.assetCount, ready: c.readyCount })));
      }),
    );

  const asset = program.command('asset').description('assets (media files)');
  asset
    .command('list')
    .description('list assets')
    .addOption(new Option('--state <state>', 'only this lifecycle state').choices([...ASSET_STATES]))
    .addOption(new Option('--kind <kind>', 'only this kind').choices([...ASSET_KINDS]))
    .option('--collection <name>', 'only this collection')
    .action((opts: { state?: AssetState; kind?: AssetKind; collection?: string }) =>
      ctx.withStation((st) => {
        let collectionId: number | undefined;
        if (opts.collection) {
          const c = st.library.findCollection(opts.collection);
          if (!c) throw new LibraryError(`Unknown collection '${opts.collection}'. See 'retrovue collection list'.`);
          collectionId = c.id;
        }
        const rows = st.library.listAssets({ state: opts.state, kind: opts.kind, collectionId });
        if (ctx.json()) printJson(rows);
        else
          printTable(
            rows.map((a) => ({
              id: a.id, state: a.state, kind: a.kind, duration: formatMs(a.durationMs), series: a.series,
              episode: a.episode === null ? null : `S${String(a.season ?? 0).padStart(2, '0')}E${String(a.episode).padStart(2, '0')}`, title: a.title, rating: a.rating, path: a.relPath,
            })),
          );
      }),
    );
  asset
    .command('show <id>')
    .description('show one asset in full')
    .action((id: string) =>
      ctx.withStation((st) => {
        const a = st.library.requireAsset(ctx.intArg(id, 'asset id'));
        if (ctx.json()) printJson(a);
        else for (const [k, v] of Object.entries(a)) process.stdout.write(`${k.padEnd(14)} ${v === null ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v)}\n`);
      }),
    );
  asset
    .command('set-kind <id> <kind>')
    .description(`set an asset's kind (${ASSET_KINDS.join(', ')}); later scans keep it`)
    .action((id: string, kind: string) =>
      ctx.withStation((st) => {
        st.library.setKind(ctx.intArg(id, 'asset id'), kind as AssetKind);
        if (ctx.json()) printJson(st.library.requireAsset(Number(id)));
        else process.stdout.write(`Asset ${id} is now a ${kind}.\n`);
      }),
    );

  program
    .command('probe <file>')
    .description('probe one media file and print what RetroVue would store')
    .action(async (file: string) => {
      const outcome = await ffprobe(file);
      const enriched = outcome.ok ? enrichFromProbe(outcome.result) : outcome;
      if (!enriched.ok) throw new LibraryError(`${file} is not playable media: ${enriched.reason}`);
      if (ctx.json()) printJson(enriched.value);
      else process.stdout.write(`${file}: ${formatMs(enriched.value.durationMs)} ${enriched.value.container}, ${enriched.value.chapters.length} chapters\n`);
    });
}
