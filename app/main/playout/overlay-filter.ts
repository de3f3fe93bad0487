/**
 * Branding composed onto a segment's pictures in its decoder: the logo bug (a second
 * input, overlaid), then the rating bug, the "next" lower third and the crawl (drawtext
 * over boxes). Every text is read from a file with `expansion=none`, so it is drawn
 * literally; the only values in the graph are numbers computed here and escaped paths.
 *
 * Windows are given in segment time; `t` in the graph is decoder time (0 at the
 * decoder's first frame), so each window is shifted by where the decoder started.
 */
import type { OutputProfile } from '../runtime/producer/output-profile.ts';
import type { OverlayCorner, SegmentOverlay } from '../runtime/producer/producer.ts';
import { drawText } from './draw-text.ts';
import { filterValue } from './filter-escape.ts';

/** The logo input and where it goes (numbers of ours; the image path is an argv entry, not graph text). */
export interface LogoInput {
  image: string;
  heightPx: number;
  opacity: number;
  /** overlay filter position expressions. */
  x: string;
  y: string;
}

export interface OverlayRender {
  logo: LogoInput | null;
  /** Filters drawn after the logo, or null. */
  chain: string | null;
}

export interface OverlayContext {
  fontFile: string | null;
  /** Segment time (ms) at the decoder's first frame. */
  offsetMs: number;
  /** Station time (ms) at the decoder's first frame (the crawl's scroll phase). */
  stationMs: number;
  /** A file holding `text` (the caller owns and removes it). */
  textFile: (text: string) => string;
}

const num = (n: number) => (Math.round(n * 1000) / 1000).toFixed(3);
const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));

/** `enable` for a segment-time window, in decoder time; null when it is already over. */
function windowEnable(fromMs: number, untilMs: number, offsetMs: number): string | null {
  const a = (fromMs - offsetMs) / 1000;
  const b = (untilMs - offsetMs) / 1000;
  if (b <= 0 || b <= a) return null;
  return `enable=${filterValue(`between(t,${num(Math.max(0, a))},${num(b)})`)}`;
}

function cornerText(corner: OverlayCorner, margin: number): { x: string; y: string } {
  const x = corner.endsWith('left') ? `${margin}` : `w-text_w-${margin}`;
  const y = corner.startsWith('top') ? `${margin}` : `h-text_h-${margin}`;
  return { x, y };
}

function text(fontFile: string, file: string, size: number, x: string, y: string, enable: string, box?: { color: string; border: number }): string {
  return drawText({ fontFile, textFile: file, size, x, y, enable, ...(box ? { box: box.color, boxBorder: box.border } : {}) });
}

export function renderOverlays(profile: OutputProfile, overlays: readonly SegmentOverlay[], ctx: OverlayContext): OverlayRender {
  const { width: w, height: h } = profile;
  let logo: LogoInput | null = null;
  const chain: string[] = [];
  for (const o of overlays) {
    if (o.kind === 'logo') {
      const m = Math.round((h * o.marginPct) / 100);
      logo = {
        image: o.image,
        heightPx: even((h * o.heightPct) / 100),
        opacity: Math.min(1, Math.max(0, o.opacity)),
        x: o.corner.endsWith('left') ? `${m}` : `main_w-overlay_w-${m}`,
        y: o.corner.startsWith('top') ? `${m}` : `main_h-overlay_h-${m}`,
      };
      continue;
    }
    // Text needs a font; without one only the logo is drawn.
    if (!ctx.fontFile) continue;
    const enable = windowEnable(o.fromMs, o.untilMs, ctx.offsetMs);
    if (!enable) continue;
    const file = ctx.textFile(o.text);
    if (o.kind === 'rating') {
      const size = Math.max(10, Math.round(h / 20));
      const m = Math.round(h / 22);
      const pos = cornerText(o.corner, m);
      chain.push(text(ctx.fontFile, file, size, pos.x, pos.y, enable, { color: 'black@0.55', border: Math.max(2, Math.round(size / 3)) }));
    } else if (o.kind === 'lower-third') {
      const bandY = Math.round(h * 0.72);
      const bandH = Math.round(h * 0.12);
      const size = Math.max(10, Math.round(bandH * 0.5));
      chain.push(`drawbox=x=0:y=${bandY}:w=iw:h=${bandH}:color=0x101c4a@0.85:t=fill:${enable}`);
      chain.push(text(ctx.fontFile, file, size, `${Math.round(w * 0.06)}`, `${bandY}+(${bandH}-text_h)/2`, enable));
    } else {
      const bandH = Math.max(16, Math.round(h / 9));
      const size = Math.round(bandH * 0.55);
      const speed = Math.round(w / 8);
      const y = h - bandH;
      const phase = (ctx.stationMs - o.sinceMs) / 1000;
      chain.push(`drawbox=x=0:y=${y}:w=iw:h=${bandH}:color=0x0b0b0b@0.8:t=fill:${enable}`);
      chain.push(text(ctx.fontFile, file, size, `w-mod((t+${num(phase)})*${speed},w+text_w)`, `${y}+(${bandH}-text_h)/2`, enable));
    }
  }
  return { logo, chain: chain.length ? chain.join(',') : null };
}

/** The logo input's filter chain: scaled to its height, alpha times the opacity. */
export function logoChain(logo: LogoInput): string {
  return `scale=-2:${logo.heightPx},format=rgba,colorchannelmixer=aa=${logo.opacity.toFixed(2)}`;
}
