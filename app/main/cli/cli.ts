/** The `retrovue` command line. Errors are one line on stderr and a non-zero exit. */
import { Command, CommanderError } from 'commander';
import { createCliContext } from './cli-context.ts';
import { registerChannelCommands } from './channel-commands.ts';
import { registerDirectorCommands } from './director-commands.ts';
import { registerMonitoringCommands } from './monitoring-commands.ts';
import { registerLibraryCommands } from './library-commands.ts';
import { registerServeCommands } from './serve-commands.ts';
import { registerScheduleCommands } from './schedule-commands.ts';
import { ScheduleService } from '../schedule/schedule-service.ts';
import { openStation } from '../station.ts';
import { DISK_FULL } from '../db/database.ts';

export function buildCli(): Command {
  const program = new Command('retrovue')
    .description('RetroVue: a 24/7 television network without 24/7 encoders')
    .option('--data <dir>', 'data directory (default: $RETROVUE_DATA_DIR or your app-data folder)')
    .option('--json', 'print JSON')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  const ctx = createCliContext(() => program.opts<{ data?: string; json?: boolean }>());
  registerLibraryCommands(program, ctx);
  registerChannelCommands(program, ctx);
  registerServeCommands(program, ctx);
  registerDirectorCommands(program, ctx);
  registerMonitoringCommands(program, ctx);
  registerScheduleCommands(program, async () => {
    const station = openStation({ dataDir: ctx.dataDir() });
    const schedule = new ScheduleService({ db: station.db, clock: station.clock });
    return { db: station.db, clock: station.clock, schedule, close: () => (schedule.stop(), station.close()) };
  });
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  const program = buildCli();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (usage errors, --help, --version).
      return err.exitCode;
    }
    const code = (err as { code?: string }).code;
    const message = code === 'SQLITE_FULL' ? DISK_FULL : (err as Error).message;
    process.stderr.write(`retrovue: ${message}\n`);
    if (process.env.RETROVUE_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isEntry) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
