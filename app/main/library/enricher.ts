/**
 * The probe enricher: turns ffprobe's view of a file into what scheduling needs
 * (duration, streams, chapters). A file that is not playable media is rejected with a reason.
 */
import type { ProbeResult } from '../media/ffprobe.ts';
import type { AudioStreamInfo, Chapter, VideoStreamInfo } from '../db/schema/index.ts';

export interface Enrichment {
  durationMs: number;
  container: string;
  video: VideoStreamInfo | null;
  audio: AudioStreamInfo | null;
  chapters: Chapter[];
  bitRate: number | null;
}

function rate(r: string | undefined): number {
  if (!r) return 0;
  const [n, d] = r.split('/').map(Number);
  if (!n || !Number.isFinite(n)) return 0;
  return d ? n / d : n;
}

export type EnrichOutcome = { ok: true; value: Enrichment } | { ok: false; reason: string };

export function enrichFromProbe(probe: ProbeResult): EnrichOutcome {
  const v = probe.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const a = probe.streams.find((s) => s.codec_type === 'audio');
  if (!v && !a) return { ok: false, reason: 'no audio or video stream: not a media file' };
  const seconds = Number(probe.format.duration ?? v?.duration ?? a?.duration);
  if (!Number.isFinite(seconds) || seconds <= 0) return { ok: false, reason: 'no duration: a still image or an unreadable stream, not playable media' };
  const video: VideoStreamInfo | null = v
    ? { codec: v.codec_name ?? 'unknown', width: v.width ?? 0, height: v.height ?? 0, fps: Math.round((rate(v.avg_frame_rate) || rate(v.r_frame_rate)) * 1000) / 1000 }
    : null;
  const audio: AudioStreamInfo | null = a
    ? { codec: a.codec_name ?? 'unknown', channels: a.channels ?? 0, sampleRate: Number(a.sample_rate ?? 0) }
    : null;
  const durationMs = Math.round(seconds * 1000);
  const chapters: Chapter[] = probe.chapters
    .map((c) => ({ startMs: Math.round(Number(c.start_time) * 1000), endMs: Math.round(Number(c.end_time) * 1000), title: c.tags?.title ?? null }))
    .filter((c) => Number.isFinite(c.startMs) && Number.isFinite(c.endMs) && c.endMs > c.startMs && c.startMs < durationMs);
  const bitRate = probe.format.bit_rate ? Number(probe.format.bit_rate) : null;
  return { ok: true, value: { durationMs, container: probe.format.format_name ?? 'unknown', video, audio, chapters, bitRate } };
}
