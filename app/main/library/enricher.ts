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
  /** Guide metadata from the container's tags; null where untagged. */
  description: string | null;
  genre: string | null;
  year: number | null;
}

/** The first non-empty tag of `names`, matched without regard to case (MP4 says "description", Matroska "DESCRIPTION"). */
function tag(tags: Record<string, string> | undefined, ...names: string[]): string | null {
  if (!tags) return null;
  const lower = new Map(Object.entries(tags).map(([k, v]) => [k.toLowerCase(), v]));
  for (const n of names) {
    const v = lower.get(n)?.replace(/\s+/g, ' ').trim();
    if (v) return v.slice(0, 4000);
  }
  return null;
}

/** A release year from a date tag ("1987", "1987-05-01"); encoding times (creation_time) are not release dates. */
function tagYear(tags: Record<string, string> | undefined): number | null {
  const m = /^((?:18|19|20)\d{2})\b/.exec(tag(tags, 'date', 'year', 'date_released', 'originaldate') ?? '');
  return m ? Number(m[1]) : null;
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
  const tags = probe.format.tags;
  return {
    ok: true,
    value: {
      durationMs, container: probe.format.format_name ?? 'unknown', video, audio, chapters, bitRate,
      description: tag(tags, 'description', 'synopsis', 'summary', 'comment', 'longdescription'), genre: tag(tags, 'genre'), year: tagYear(tags),
    },
  };
}
