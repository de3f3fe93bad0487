/** `channel` commands. */
import type { Command } from 'commander';
import { parseIsoTime } from './cli-args.ts';
import { printJson, printTable } from './output.ts';
import type { CliContext } from './cli-context.ts';

export function registerChannelCommands(program: Command, ctx: CliContext): void {
  const channel = program.command('channel').description('channels');
  channel
    .command('add')
    .description('add a channel that loops a collection in order from a start time')
    .requiredOption('--number <n>', 'channel number')
    .requiredOption('--name <name>', 'channel name')
    .requiredOption('--collection <name>', 'collection to loop (see: retrovue collection list)')
    .option('--start <iso>', 'when the loop started (default: now)')
    .option('--timezone <iana>', 'channel time zone (default: this machine’s)')
    .action((opts: { number: string; name: string; collection: string; start?: string; timezone?: string }) =>
      ctx.withStation((st) => {
        const row = st.channels.addLoop({
          number: ctx.intArg(opts.number, '--number'),
          name: opts.name,
          collection: opts.collection,
          startMs: opts.start === undefined ? undefined : parseIsoTime(opts.start, '--start'),
          timezone: opts.timezone,
        });
        if (ctx.json()) printJson(row);
        else process.stdout.write(`Added channel ${row.number} '${row.name}'.\n`);
      }),
    );
  channel
    .command('list')
    .description('list channels')
    .action(() =>
      ctx.withStation((st) => {
        const rows = st.channels.list();
        if (ctx.json()) printJson(rows);
        else printTable(rows.map((c) => ({ number: c.number, name: c.name, plan: c.planKind, enabled: c.enabled, timezone: c.timezone })));
      }),
    );
  channel
    .command('show <number>')
    .description('show one channel')
    .action((n: string) =>
      ctx.withStation((st) => {
        const row = st.channels.require(ctx.intArg(n, 'channel number'));
        if (ctx.json()) printJson(row);
        else for (const [k, v] of Object.entries(row)) process.stdout.write(`${k.padEnd(18)} ${v === null ? '-' : String(v)}\n`);
      }),
    );
}
