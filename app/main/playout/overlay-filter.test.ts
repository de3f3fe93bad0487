import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE, type OutputProfile } from '../runtime/producer/output-profile.ts';
import type { SegmentOverlay } from '../runtime/producer/producer.ts';
import { buildDecoderArgs } from './decoder-args.ts';
import { renderOverlays } from './overlay-filter.ts';

const P: OutputProfile = { ...DEFAULT_PROFILE, width: 640, height: 360, fpsNum: 30, fpsDen: 1 };
const HOSTILE = `Tonight's "news"; [x], a:b=c \\ %{pts} 100%`;

const overlays: SegmentOverlay[] = [
  { kind: 'logo', image: '/srv/brand/logo [1].png', corner: 'top-right', opacity: 0.7, heightPct: 12, marginPct: 4 },
  { kind: 'rating', text: HOSTILE, corner: 'top-left', fromMs: 0, untilMs: 10_000 },
  { kind: 'lower-third', text: HOSTILE, fromMs: 60_000, untilMs: 70_000 },
  { kind: 'crawl', text: HOSTILE, fromMs: 0, untilMs: 120_000, sinceMs: 1_000_000 },
];

function render(offsetMs: number, stationMs = 1_030_000) {
  const files: string[] = [];
  const r = renderOverlays(P, overlays, { fontFile: '/f/DejaVuSans.ttf', offsetMs, stationMs, textFile: (t) => (files.push(t), `/tmp/text-${files.length}.txt`) });
  return { r, files };
}

describe('overlay filters (golden)', () => {
  it('draws the branding from files, with windows in decoder time', () => {
    const { r, files } = render(0);
    expect(r.logo).toEqual({ image: '/srv/brand/logo [1].png', heightPx: 44, opacity: 0.7, x: 'main_w-overlay_w-14', y: '14' });
    expect(files).toEqual([HOSTILE, HOSTILE, HOSTILE]);
    expect(r.chain!.split(/,(?=draw)/)).toEqual([
      "drawtext=expansion=none:fontfile=\\'/f/DejaVuSans.ttf\\':textfile=\\'/tmp/text-1.txt\\':fontcolor=white:fontsize=18:x=\\'16\\':y=\\'16\\':box=1:boxcolor=black@0.55:boxborderw=6:enable=\\'between(t\\,0.000\\,10.000)\\'",
      "drawbox=x=0:y=259:w=iw:h=43:color=0x101c4a@0.85:t=fill:enable=\\'between(t\\,60.000\\,70.000)\\'",
      "drawtext=expansion=none:fontfile=\\'/f/DejaVuSans.ttf\\':textfile=\\'/tmp/text-2.txt\\':fontcolor=white:fontsize=22:x=\\'38\\':y=\\'259+(43-text_h)/2\\':enable=\\'between(t\\,60.000\\,70.000)\\'",
      "drawbox=x=0:y=320:w=iw:h=40:color=0x0b0b0b@0.8:t=fill:enable=\\'between(t\\,0.000\\,120.000)\\'",
      "drawtext=expansion=none:fontfile=\\'/f/DejaVuSans.ttf\\':textfile=\\'/tmp/text-3.txt\\':fontcolor=white:fontsize=22:x=\\'w-mod((t+30.000)*80\\,w+text_w)\\':y=\\'320+(40-text_h)/2\\':enable=\\'between(t\\,0.000\\,120.000)\\'",
    ]);
  });

  it('shifts windows by where the decoder started, and drops those already over', () => {
    const { r, files } = render(65_000, 1_095_000);
    expect(files).toHaveLength(2); // the rating bug's 10 s are over
    expect(r.chain).not.toContain('between(t\\,0.000\\,10.000)');
    expect(r.chain).toContain('between(t\\,0.000\\,5.000)'); // the lower third's last 5 s
    expect(r.chain).toContain('(t+95.000)'); // the crawl keeps scrolling from where it was
  });

  it('puts no text of anyone into an argument, and the logo in as a second input', () => {
    const { r } = render(0);
    const args = buildDecoderArgs(P, { path: '/m/show.mp4', seekMs: 0, frames: 30, samples: 48_000, video: true, audio: true, overlay: r.chain!, logo: r.logo! });
    for (const a of args) expect(a).not.toContain('news');
    const i = args.indexOf('-filter_complex');
    expect(args.slice(0, i)).toEqual(['-hide_banner', '-nostdin', '-loglevel', 'warning', '-i', '/m/show.mp4', '-f', 'image2', '-pattern_type', 'none', '-i', '/srv/brand/logo [1].png']);
    const graph = args[i + 1]!.split(';');
    expect(graph[0]).toMatch(/^\[0:v:0\]fps=fps=30\/1:start_time=0,.*\[base\]$/);
    expect(graph[1]).toBe('[1:v:0]scale=-2:44,format=rgba,colorchannelmixer=aa=0.70[logo]');
    expect(graph[2]).toMatch(/^\[base\]\[logo\]overlay=x=main_w-overlay_w-14:y=14:eof_action=repeat:format=auto,drawtext=.*,format=yuv420p\[v\]$/);
    expect(args.slice(i + 2, i + 4)).toEqual(['-map', '[v]']);
    // Without a logo the chain rides on -vf as before.
    const plain = buildDecoderArgs(P, { path: '/m/show.mp4', seekMs: 0, frames: 30, samples: 48_000, video: true, audio: true, overlay: r.chain! });
    expect(plain).not.toContain('-filter_complex');
    expect(plain[plain.indexOf('-vf') + 1]).toMatch(/format=yuv420p,drawtext=expansion=none/);
  });

  it('draws only the logo when there is no font', () => {
    const r = renderOverlays(P, overlays, { fontFile: null, offsetMs: 0, stationMs: 0, textFile: () => { throw new Error('no text without a font'); } });
    expect(r.chain).toBeNull();
    expect(r.logo).not.toBeNull();
  });
});
