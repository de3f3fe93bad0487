/**
 * GET /metrics in the Prometheus text format (prom-client), for Grafana. Values are read
 * from the monitor at scrape time; counters only grow across a channel's times on air.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { StationMonitor, ChannelTotals } from './station-monitor.ts';

type CounterKey = Exclude<keyof ChannelTotals, 'viewersDropped'> | 'viewersDropped';

const COUNTERS: [CounterKey, string, string][] = [
  ['framesProduced', 'retrovue_frames_produced_total', 'Frames written to the channel encoder.'],
  ['framesLate', 'retrovue_frames_late_total', 'Frames whose source was late.'],
  ['framesPadded', 'retrovue_frames_padded_total', 'Frames padded or held over a late source.'],
  ['framesUnderrun', 'retrovue_frames_underrun_total', 'Frames of black because nothing was queued.'],
  ['bytesOut', 'retrovue_output_bytes_total', 'MPEG-TS bytes the channel encoder put out.'],
  ['bytesDropped', 'retrovue_output_dropped_bytes_total', 'Output bytes dropped because the reader could not keep up.'],
  ['encoderRestarts', 'retrovue_encoder_restarts_total', 'Encoder restarts.'],
  ['decoderRestarts', 'retrovue_decoder_restarts_total', 'Decoder restarts in place.'],
  ['timesOnAir', 'retrovue_on_air_starts_total', 'Times the channel went on the air.'],
  ['viewersDropped', 'retrovue_viewers_dropped_total', 'Viewers disconnected for lagging.'],
];

export function createMetrics(monitor: StationMonitor): { text(): Promise<string>; contentType: string } {
  const registry = new Registry();
  const reported = new Map<string, number>();
  const counters = COUNTERS.map(([key, name, help]) => ({ key, counter: new Counter({ name, help, labelNames: ['channel'], registers: [registry] }) }));

  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void) =>
    new Gauge({ name, help, labelNames, registers: [registry], collect() { this.reset(); collect(this); } });

  gauge('retrovue_channel_on_air', '1 while the channel is on the air.', ['channel', 'producer'], (g) => {
    for (const c of monitor.status().channels) g.set({ channel: String(c.number), producer: c.producerKind ?? 'none' }, c.onAirSince ? 1 : 0);
  });
  gauge('retrovue_channel_viewers', 'Viewers tuned in.', ['channel'], (g) => {
    for (const c of monitor.status().channels) g.set({ channel: String(c.number) }, c.viewers.length);
  });
  gauge('retrovue_channel_bitrate_bits_per_second', 'Output bitrate over the last sample.', ['channel'], (g) => {
    for (const c of monitor.status().channels) g.set({ channel: String(c.number) }, c.bitrateBps);
  });
  gauge('retrovue_channel_degraded', '1 while the channel reports a problem condition.', ['channel'], (g) => {
    for (const c of monitor.status().channels) g.set({ channel: String(c.number) }, c.producerStatus === 'degraded' || c.producerStatus === 'error' ? 1 : 0);
  });
  gauge('retrovue_process_cpu_percent', 'CPU of each ffmpeg process (% of one core).', ['channel', 'role'], (g) => {
    for (const c of monitor.status().channels) for (const p of c.processes) if (p.cpuPercent !== null) g.inc({ channel: String(c.number), role: p.role }, p.cpuPercent);
  });
  gauge('retrovue_process_resident_bytes', 'Resident memory of each ffmpeg process.', ['channel', 'role'], (g) => {
    for (const c of monitor.status().channels) for (const p of c.processes) if (p.rssBytes !== null) g.inc({ channel: String(c.number), role: p.role }, p.rssBytes);
  });
  gauge('retrovue_station_resident_bytes', 'Resident memory of the station process.', [], (g) => g.set(monitor.status().system.rssBytes));
  gauge('retrovue_system_load1', 'One-minute load average.', [], (g) => g.set(monitor.status().system.load[0] ?? 0));

  // Counters are brought up to the monitor's totals at each scrape (they never go down).
  const sync = () => {
    for (const c of monitor.status().channels) {
      const totals = monitor.totals(c.number);
      if (!totals) continue;
      for (const { key, counter } of counters) {
        const id = `${key}|${c.number}`;
        const delta = totals[key] - (reported.get(id) ?? 0);
        if (delta > 0) counter.inc({ channel: String(c.number) }, delta);
        reported.set(id, Math.max(totals[key], reported.get(id) ?? 0));
      }
    }
  };
  return {
    async text() {
      sync();
      return registry.metrics();
    },
    contentType: registry.contentType,
  };
}
