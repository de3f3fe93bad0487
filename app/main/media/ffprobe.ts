/** Runs ffprobe on one file and returns its JSON, or a reason it could not. */
import { execFile } from 'node:child_process';
import { resolveFfmpegBinaries } from './ffmpeg-binaries.ts';

export interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  channels?: number;
  sample_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
}
export interface ProbeChapter {
  start_time: string;
  end_time: string;
  tags?: { title?: string };
}
export interface ProbeResult {
  streams: ProbeStream[];
  chapters: ProbeChapter[];
  /** Container tags (title, description, genre, date …), keys as the container spells them. */
  format: { format_name?: string; duration?: string; bit_rate?: string; tags?: Record<string, string> };
}

export type ProbeOutcome = { ok: true; result: ProbeResult } | { ok: false; reason: string };

export function ffprobe(file: string, timeoutMs = 30_000): Promise<ProbeOutcome> {
  const { ffprobe: bin } = resolveFfmpegBinaries();
  const args = ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-show_chapters', '--', file];
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const detail = String(stderr).trim().split('\n').pop() || err.message;
        resolve({ ok: false, reason: (err as { killed?: boolean }).killed ? `ffprobe timed out after ${timeoutMs} ms` : `ffprobe failed: ${detail}` });
        return;
      }
      try {
        const parsed = JSON.parse(stdout) as Partial<ProbeResult>;
        resolve({ ok: true, result: { streams: parsed.streams ?? [], chapters: parsed.chapters ?? [], format: parsed.format ?? {} } });
      } catch (e) {
        resolve({ ok: false, reason: `ffprobe printed unreadable output: ${(e as Error).message}` });
      }
    });
  });
}
