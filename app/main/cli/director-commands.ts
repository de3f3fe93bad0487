/**
 * `emergency`, `mode` and `director`: master control from the command line, against the
 * running station (through its HTTP control API and the token in the data directory).
 */
import type { Command } from 'commander';
import type { ApiError, DirectorStateDto, EmergencyStyle, ModeChangeDto, ModeRequest, ModeSwitchResult } from '../../shared/types.ts';
import { LibraryError } from '../library/library-errors.ts';
import type { CliContext } from './cli-context.ts';
import { printJson, printTable } from './output.ts';
import { StationClient } from './station-client.ts';

const STYLES: EmergencyStyle[] = ['takeover', 'crawl'];
const PLAIN_MODES = ['guide', 'maintenance', 'normal'] as const;

function parseChannels(value: string, ctx: CliContext): number[] {
  const parts = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new LibraryError(`--channels must list channel numbers, e.g. --channels 1,2 (got '${value}').`);
  return parts.map((p) => ctx.intArg(p, '--channels'));
}

function describeState(s: DirectorStateDto): string {
  const scope = s.channels ? `channels ${s.channels.join(', ')}` : 'every channel';
  const lines = [`Mode:     ${s.mode}${s.mode === 'normal' ? '' : ` on ${scope}`}`, `Since:    ${s.since} (by ${s.by}${s.reason ? `: ${s.reason}` : ''})`];
  if (s.mode === 'emergency') lines.push(`Style:    ${s.style}`, `Message:  ${s.message}`);
  return lines.join('\n') + '\n';
}

/** Send one switch and report it; a refusal (401, 400, 409, 500) becomes a non-zero exit with the station's words. */
async function switchMode(ctx: CliContext, req: ModeRequest): Promise<void> {
  const client = StationClient.find(ctx.dataDir());
  const { status, body } = await client.post<ModeSwitchResult & ApiError>('/api/director/mode', req);
  if (status === 401) {
    throw new LibraryError(`The station refused the control token (${body.error}). The CLI uses the control-token file in ${ctx.dataDir()}; is the station running from this data directory?`);
  }
  if (status === 400) throw new LibraryError(`The station refused the request: ${body.error}`);
  if (typeof body.ok !== 'boolean' || !body.state) throw new LibraryError(`The station answered ${status}: ${body.error ?? 'an unexpected reply'}`);
  if (ctx.json()) printJson(body);
  else {
    const switched = body.channels.filter((c) => c.ok).map((c) => c.number);
    if (body.ok) {
      process.stdout.write(
        !body.changed ? 'Nothing to switch: the station was already in that mode.\n'
        : switched.length ? `Switched channel${switched.length > 1 ? 's' : ''} ${switched.join(', ')}.\n`
        : 'No channel needed to switch.\n',
      );
      process.stdout.write(describeState(body.state));
    } else {
      for (const c of body.channels.filter((x) => !x.ok)) process.stdout.write(`Channel ${c.number} could not switch: ${c.error}\n`);
    }
  }
  if (!body.ok) throw new LibraryError(body.error ?? `The switch failed (HTTP ${status}).`);
}

export function registerDirectorCommands(program: Command, ctx: CliContext): void {
  const emergency = program.command('emergency').description('put an emergency message on the air, or take it off (the running station)');
  emergency
    .command('on')
    .description('air an emergency message on every channel, or on --channels')
    .requiredOption('--message <text>', 'the text that airs, up to 500 characters')
    .option('--style <style>', 'takeover (a full-screen card) or crawl (a crawl over the programme)', 'takeover')
    .option('--channels <list>', 'only these channels, e.g. 1,2 (default: every channel)')
    .option('--reason <text>', 'why, for the log')
    .action(async (opts: { message: string; style: string; channels?: string; reason?: string }) => {
      if (!STYLES.includes(opts.style as EmergencyStyle)) throw new LibraryError(`--style must be ${STYLES.join(' or ')} (got '${opts.style}').`);
      await switchMode(ctx, {
        mode: 'emergency', message: opts.message, style: opts.style as EmergencyStyle,
        ...(opts.channels === undefined ? {} : { channels: parseChannels(opts.channels, ctx) }),
        ...(opts.reason === undefined ? {} : { reason: opts.reason }),
      });
    });
  emergency
    .command('off')
    .description('end the emergency: every channel back to its schedule')
    .option('--reason <text>', 'why, for the log')
    .action(async (opts: { reason?: string }) => switchMode(ctx, { mode: 'normal', ...(opts.reason === undefined ? {} : { reason: opts.reason }) }));

  program
    .command('mode <mode>')
    .description(`switch every channel to ${PLAIN_MODES.join(', ')} (the running station; for an emergency use 'emergency on')`)
    .option('--reason <text>', 'why, for the log')
    .action(async (mode: string, opts: { reason?: string }) => {
      if (mode === 'emergency') throw new LibraryError("An emergency needs its message: use 'retrovue emergency on --message TEXT'.");
      if (!(PLAIN_MODES as readonly string[]).includes(mode)) throw new LibraryError(`mode must be one of ${PLAIN_MODES.join(', ')} (got '${mode}').`);
      await switchMode(ctx, { mode: mode as ModeRequest['mode'], ...(opts.reason === undefined ? {} : { reason: opts.reason }) });
    });

  program
    .command('director')
    .description("the running station's mode, and with --history the latest switches")
    .option('--history <n>', 'also list the latest n switches')
    .action(async (opts: { history?: string }) => {
      const limit = opts.history === undefined ? 0 : ctx.intArg(opts.history, '--history');
      const client = StationClient.find(ctx.dataDir());
      const state = (await client.get<DirectorStateDto>('/api/director')).body;
      const history = limit > 0 ? (await client.get<ModeChangeDto[]>(`/api/director/history?limit=${Math.min(limit, 500)}`)).body : null;
      if (ctx.json()) return printJson(history ? { state, history } : state);
      process.stdout.write(describeState(state));
      if (history) {
        process.stdout.write('\n');
        printTable(history.map((h) => ({ at: h.at, by: h.by, mode: h.mode, channels: h.channels?.join(',') ?? 'all', ok: h.ok, reason: h.reason, error: h.error })));
      }
    });
}
