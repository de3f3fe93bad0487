import { describe, expect, it } from 'vitest';
import type { OutputProfile } from '../runtime/producer/output-profile.ts';
import { buildDecoderArgs, buildSlateArgs, normaliseAudioFilter, normaliseVideoFilter, seekPoint } from './decoder-args.ts';
import { buildEncoderArgs, gopFrames } from './encoder-args.ts';
import { escapeGraphLevel, filterValue, quoteOptionValue } from './filter-escape.ts';

const P720: OutputProfile = {
  width: 1280,
  height: 720,
  fpsNum: 30,
  fpsDen: 1,
  audioSampleRate: 48_000,
  audioChannels: 2,
  videoBitrateKbps: 2500,
  audioBitrateKbps: 128,
  gopSeconds: 1,
};
const NTSC: OutputProfile = { ...P720, width: 640, height: 360, fpsNum: 30_000, fpsDen: 1001, gopSeconds: 2 };

describe('encoder args (golden)', () => {
  it('720p30', () => {
    expect(buildEncoderArgs(P720)).toEqual([
      '-hide_banner', '-nostdin', '-loglevel', 'warning',
      '-probesize', '32', '-analyzeduration', '0',
      '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', '1280x720', '-framerate', '30/1', '-thread_queue_size', '32', '-i', 'pipe:0',
      '-probesize', '32', '-analyzeduration', '0',
      '-f', 's16le', '-ar', '48000', '-ac', '2', '-thread_queue_size', '256', '-i', 'pipe:3',
      '-map', '0:v:0', '-map', '1:a:0',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
      '-b:v', '2500k', '-maxrate', '2500k', '-bufsize', '5000k',
      '-g', '30', '-keyint_min', '30', '-sc_threshold', '0',
      '-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2',
      '-f', 'mpegts', '-muxdelay', '0.1', '-muxpreload', '0', '-flush_packets', '1',
      'pipe:1',
    ]);
  });

  it('NTSC rate keeps the rational and rounds the GOP', () => {
    const args = buildEncoderArgs(NTSC, { preset: 'superfast' });
    expect(args[args.indexOf('-framerate') + 1]).toBe('30000/1001');
    expect(args[args.indexOf('-g') + 1]).toBe('60');
    expect(args[args.indexOf('-preset') + 1]).toBe('superfast');
    expect(gopFrames({ ...NTSC, gopSeconds: 0.5 })).toBe(15);
  });

  it('refuses a GOP over 2 s', () => {
    expect(() => buildEncoderArgs({ ...P720, gopSeconds: 4 })).toThrow();
  });
});

describe('decoder args (golden)', () => {
  it('audio+video with seek', () => {
    expect(
      buildDecoderArgs(P720, { path: '/media/My Show: S01E01 [x], y;z.mkv', seekMs: 123_456.7, frames: 300, samples: 480_000, video: true, audio: true }),
    ).toEqual([
      '-hide_banner', '-nostdin', '-loglevel', 'warning',
      // A quarter frame early (so the wanted frame is kept), in whole ms; the audio drops that lead.
      '-ss', '123.448',
      '-i', '/media/My Show: S01E01 [x], y;z.mkv',
      '-map', '0:v:0',
      '-vf', 'fps=fps=30/1:start_time=0,scale=1280:720:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=1280:720:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p',
      '-frames:v', '301',
      '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:3',
      '-map', '0:a:0',
      '-af', 'atrim=start=0.008700,asetpts=PTS-STARTPTS,aresample=48000:async=1:first_pts=0,aformat=sample_fmts=s16:sample_rates=48000:channel_layouts=stereo',
      '-t', '10.033',
      '-f', 's16le', '-ar', '48000', '-ac', '2', 'pipe:4',
    ]);
  });

  it('seeks a quarter frame before the wanted frame, never before the start', () => {
    expect(seekPoint(P720, 0, true)).toEqual({ seekMs: 0, leadMs: 0 });
    expect(seekPoint(P720, 5, true)).toEqual({ seekMs: 0, leadMs: 5 });
    expect(seekPoint(P720, 1000, true)).toEqual({ seekMs: 991, leadMs: 9 });
    const ntsc = seekPoint(NTSC, 1001, true);
    expect(ntsc.seekMs).toBe(992);
    expect(ntsc.seekMs + ntsc.leadMs).toBeCloseTo(1001, 9);
    // Sound alone has no frames to lose.
    expect(seekPoint(P720, 500, false)).toEqual({ seekMs: 500, leadMs: 0 });
  });

  it('video only, from the start, omits -ss and the audio output', () => {
    const args = buildDecoderArgs(NTSC, { path: 'a.mp4', seekMs: 0, frames: 10, samples: 16_016, video: true, audio: false });
    expect(args).not.toContain('-ss');
    expect(args).not.toContain('pipe:4');
    expect(args.at(-1)).toBe('pipe:3');
    expect(args).toContain('fps=fps=30000/1001:start_time=0,scale=640:360:force_original_aspect_ratio=decrease:force_divisible_by=2,pad=640:360:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1,format=yuv420p');
  });

  it('audio only', () => {
    const args = buildDecoderArgs(P720, { path: 'a.m4a', seekMs: 500, frames: 30, samples: 48_000, video: false, audio: true });
    expect(args).toEqual([
      '-hide_banner', '-nostdin', '-loglevel', 'warning', '-ss', '0.500', '-i', 'a.m4a',
      '-map', '0:a:0', '-af', normaliseAudioFilter(P720), '-t', '1.033', '-f', 's16le', '-ar', '48000', '-ac', '2', 'pipe:4',
    ]);
    expect(() => buildDecoderArgs(P720, { path: 'a', seekMs: 0, frames: 1, samples: 1, video: false, audio: false })).toThrow();
  });

  it('video filter fits any source into the profile', () => {
    expect(normaliseVideoFilter(P720)).toMatch(/^fps=fps=30\/1:start_time=0,scale=1280:720:force_original_aspect_ratio=decrease/);
  });
});

describe('slate args (golden)', () => {
  it('escapes the caption for the filtergraph', () => {
    const args = buildSlateArgs({ ...P720, width: 320, height: 180 }, { caption: "We'll be right back: [50%], ok;", fontFile: '/fonts/DejaVu Sans.ttf' });
    expect(args).toEqual([
      '-hide_banner', '-nostdin', '-loglevel', 'warning',
      '-f', 'lavfi', '-i', 'color=c=0x202a44:s=320x180:r=1',
      '-frames:v', '1',
      '-vf',
      "drawtext=expansion=none:fontfile=\\'/fonts/DejaVu Sans.ttf\\':text=\\'We\\'\\\\\\'\\'ll be right back: \\[50%\\]\\, ok\\;\\':fontcolor=white:fontsize=13:x=\\'(w-text_w)/2\\':y=\\'(h-text_h)/2\\',format=yuv420p",
      '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:3',
    ]);
  });

  it('draws no text without a font', () => {
    const args = buildSlateArgs(P720, { caption: 'x' });
    expect(args[args.indexOf('-vf') + 1]).toBe('format=yuv420p');
  });
});

describe('filter escaping', () => {
  it('quotes for the option level and escapes for the graph level', () => {
    expect(quoteOptionValue("a'b")).toBe("'a'\\''b'");
    expect(escapeGraphLevel("x[y],z;'\\")).toBe("x\\[y\\]\\,z\\;\\'\\\\");
    expect(filterValue('plain')).toBe("\\'plain\\'");
    expect(filterValue('a\0b')).toBe("\\'ab\\'");
  });
});

describe('generator args and operator text', () => {
  const HOSTILE = `Evacuate: "now" \\ 100% %{pts} %{eif:1:d} [a],b;c 'q'\nline two — Ünïcödé ☂`;

  it('never puts operator text in the argument list: it goes to a file drawn with expansion=none', async () => {
    const { createTextFile } = await import('./text-file.ts');
    const { crawlFilter, buildGeneratorArgs } = await import('./generator-args.ts');
    const file = createTextFile(HOSTILE, { oneLine: true });
    try {
      const { readFileSync } = await import('node:fs');
      expect(readFileSync(file.path, 'utf8')).toBe(HOSTILE.replace('\n', '   '));
      const alert = buildGeneratorArgs(NTSC, {
        spec: { kind: 'alert', heading: 'EMERGENCY ALERT', textFile: file.path, stationName: 'RetroVue', sinceMs: 0, toneSeconds: 8 },
        fromMs: 2000, frames: 300, samples: 480_000, fontFile: '/fonts/f.ttf',
      });
      const crawl = crawlFilter(NTSC, { textFile: file.path, fontFile: '/fonts/f.ttf', offsetSeconds: 1.5 });
      for (const arg of [...alert, crawl]) {
        for (const piece of ['Evacuate', '%{pts}', 'Ünïcödé', 'line two']) expect(arg).not.toContain(piece);
      }
      const vf = alert[alert.indexOf('-vf') + 1]!;
      // Every text drawn from a file is drawn literally.
      for (const m of vf.matchAll(/drawtext=expansion=(\w+)[^,]*textfile/g)) expect(m[1]).toBe('none');
      expect(crawl).toMatch(/^drawbox=.*,drawtext=expansion=none:.*textfile=/);
      // The attention signal: 853 + 960 Hz for the first 8 s since the alert began (2 s in already).
      expect(alert[alert.indexOf('-i', alert.indexOf('-i') + 1) + 1]).toBe("aevalsrc=\\'if(lt(t+2.000\\,8)\\,0.25*(sin(2*PI*853*t)+sin(2*PI*960*t))\\,0)\\':s=48000:c=stereo");
    } finally {
      file.remove();
    }
  });

  it('control characters become spaces; a crawl is one line', async () => {
    const { drawableText } = await import('./text-file.ts');
    expect(drawableText('a\tb\u0007c\r\nd')).toBe('a b c\nd');
    expect(drawableText('a\n\nb', { oneLine: true })).toBe('a   b');
  });
});
