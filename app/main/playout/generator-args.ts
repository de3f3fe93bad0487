/**
 * Argument lists for GENERATOR ffmpeg processes: pictures and sound that RetroVue makes
 * itself (alert cards, maintenance slates, SMPTE bars, the guide's listings), emitted as
 * raw frames and samples in the channel's exact format, like a segment decoder.
 *
 * Operator and schedule text is never spliced into a filtergraph: it is written to a
 * file the generator reads with drawtext's `textfile` and `expansion=none`, so every
 * character is drawn literally. The only values in the graph are numbers RetroVue
 * computed and constants from this file (quoted and escaped all the same).
 */
import type { OutputProfile } from '../runtime/producer/output-profile.ts';
import { DECODER_AUDIO_FD, DECODER_VIDEO_FD } from './decoder-args.ts';
import { drawText } from './draw-text.ts';
import { filterValue } from './filter-escape.ts';

/** What a generator draws. Text lives in files (see module comment). */
export type GeneratorSpec =
  /** Full-screen emergency alert: red card, heading, the operator's message, the two-tone attention signal. */
  | { kind: 'alert'; heading: string; textFile: string; stationName: string; sinceMs: number; toneSeconds: number }
  /** A still slate with a heading and a line of text ("We are experiencing technical difficulties"), optional 1 kHz tone. */
  | { kind: 'slate'; heading: string; textFile: string | null; tone: boolean }
  /** SMPTE colour bars with 1 kHz tone at -20 dBFS. */
  | { kind: 'bars' }
  /** A countdown to `targetMs` (station time). */
  | { kind: 'countdown'; heading: string; targetMs: number }
  /** The guide channel: listings scrolling upwards under a header with the station clock. */
  | { kind: 'guide'; textFile: string; stationName: string; lines: number; utcOffsetMinutes: number; anchorMs: number }
  /** Black (under a crawl). */
  | { kind: 'black' };

export interface GeneratorArgsInput {
  spec: GeneratorSpec;
  /** Station time of the first frame (ms): animations and tones continue across restarts. */
  fromMs: number;
  frames: number;
  samples: number;
  fontFile: string | null;
  /** Extra video filter appended to the chain (the crawl). */
  overlay?: string;
  logLevel?: 'error' | 'warning' | 'info';
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(6, '0')}`;
}

/**
 * The emergency crawl: a dark band at the foot of the picture with the operator's text
 * scrolling right to left. `offsetSeconds` is the crawl's age at the decoder's first
 * frame, so the text keeps moving smoothly across segment boundaries.
 */
export function crawlFilter(profile: OutputProfile, input: { textFile: string; fontFile: string; offsetSeconds: number }): string {
  const bandH = Math.max(16, Math.round(profile.height / 9));
  const size = Math.round(bandH * 0.55);
  const speed = Math.round(profile.width / 6); // a sixth of the width per second
  const y = profile.height - bandH;
  return [
    `drawbox=x=0:y=${y}:w=iw:h=${bandH}:color=0x8b0000@0.85:t=fill`,
    drawText({
      fontFile: input.fontFile,
      textFile: input.textFile,
      size,
      x: `w-mod((t+${input.offsetSeconds.toFixed(3)})*${speed},w+text_w)`,
      y: `${y}+(${bandH}-text_h)/2`,
    }),
  ].join(',');
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

function videoSource(profile: OutputProfile, spec: GeneratorSpec): string {
  const { width: w, height: h, fpsNum, fpsDen } = profile;
  const rate = `${fpsNum}/${fpsDen}`;
  switch (spec.kind) {
    case 'alert':
      return `color=c=${hex(0x7a0000)}:s=${w}x${h}:r=${rate}`;
    case 'bars':
      return `smptebars=s=${w}x${h}:r=${rate}`;
    case 'guide':
      return `color=c=${hex(0x101c4a)}:s=${w}x${h}:r=${rate}`;
    case 'black':
      return `color=c=black:s=${w}x${h}:r=${rate}`;
    default:
      return `color=c=${hex(0x202a44)}:s=${w}x${h}:r=${rate}`;
  }
}

function videoFilters(profile: OutputProfile, input: GeneratorArgsInput): string[] {
  const { spec, fontFile } = input;
  const h = profile.height;
  const f: string[] = [];
  if (fontFile) {
    const big = Math.max(12, Math.round(h / 10));
    const body = Math.max(10, Math.round(h / 18));
    switch (spec.kind) {
      case 'alert':
        f.push(
          `drawbox=x=0:y=0:w=iw:h=${Math.round(h / 5)}:color=white@1:t=fill`,
          drawText({ fontFile, text: spec.heading, size: big, x: '(w-text_w)/2', y: `(${Math.round(h / 5)}-text_h)/2`, color: hex(0x7a0000) }),
          drawText({ fontFile, textFile: spec.textFile, size: body, x: `${Math.round(profile.width / 16)}`, y: `${Math.round(h / 3.2)}` }),
          drawText({ fontFile, text: spec.stationName, size: body, x: '(w-text_w)/2', y: `h-${Math.round(h / 8)}` }),
        );
        break;
      case 'slate':
        // Sized to fit the longest standard heading across the picture.
        f.push(drawText({ fontFile, text: spec.heading, size: Math.max(10, Math.round(h / 16)), x: '(w-text_w)/2', y: `h/2-text_h-${Math.round(h / 30)}` }));
        if (spec.textFile) f.push(drawText({ fontFile, textFile: spec.textFile, size: body, x: '(w-text_w)/2', y: `h/2+${Math.round(h / 30)}` }));
        break;
      case 'countdown': {
        // Whole seconds left, computed by drawtext from the frame time and our own number.
        const left = `max(0,${((spec.targetMs - input.fromMs) / 1000).toFixed(3)}-t)`;
        f.push(
          drawText({ fontFile, text: spec.heading, size: body, x: '(w-text_w)/2', y: `h/2-${Math.round(h / 6)}` }),
          drawText({ fontFile, text: `%{eif:${left}/60:d:2}:%{eif:mod(${left},60):d:2}`, size: big * 2, x: '(w-text_w)/2', y: '(h-text_h)/2', expand: true }),
        );
        break;
      }
      case 'guide': {
        const lineH = Math.round(body * 1.5);
        const headH = Math.round(h / 7);
        const total = spec.lines * lineH;
        // Scroll upwards about a line a second from the top of the list, then round again from the
        // bottom; the age since the anchor keeps it smooth across segments.
        const age = ((input.fromMs - spec.anchorMs) / 1000).toFixed(3);
        const epoch = ((input.fromMs + spec.utcOffsetMinutes * 60_000) / 1000).toFixed(3);
        f.push(
          drawText({ fontFile, textFile: spec.textFile, size: body, x: `${Math.round(profile.width / 24)}`, y: `${headH}+${Math.round(lineH / 2)}-mod((t+${age})*${lineH}+h-${headH},h-${headH}+${total})+h-${headH}` }),
          `drawbox=x=0:y=0:w=iw:h=${headH}:color=${hex(0x0a1030)}@1:t=fill`,
          drawText({ fontFile, text: spec.stationName, size: body, x: `${Math.round(profile.width / 24)}`, y: `(${headH}-text_h)/2` }),
          drawText({ fontFile, text: `%{pts:gmtime:${epoch}:%H\\:%M\\:%S}`, size: body, x: `w-text_w-${Math.round(profile.width / 24)}`, y: `(${headH}-text_h)/2`, expand: true }),
        );
        break;
      }
      default:
        break;
    }
  }
  if (input.overlay) f.push(input.overlay);
  f.push('format=yuv420p');
  return f;
}

function audioSource(profile: OutputProfile, input: GeneratorArgsInput): string {
  const { spec } = input;
  const rate = profile.audioSampleRate;
  const layout = profile.audioChannels === 1 ? 'mono' : 'stereo';
  let expr = '0';
  if (spec.kind === 'alert') {
    // The two-tone attention signal (853 Hz + 960 Hz) for its first toneSeconds, then silence.
    const age = ((input.fromMs - spec.sinceMs) / 1000).toFixed(3);
    expr = `if(lt(t+${age},${spec.toneSeconds}),0.25*(sin(2*PI*853*t)+sin(2*PI*960*t)),0)`;
  } else if (spec.kind === 'bars' || (spec.kind === 'slate' && spec.tone)) {
    expr = '0.1*sin(2*PI*1000*t)'; // 1 kHz at -20 dBFS
  }
  return `aevalsrc=${filterValue(expr)}:s=${rate}:c=${layout}`;
}

/** True when the picture changes from frame to frame (otherwise one frame is rendered and held). */
export function isAnimated(spec: GeneratorSpec, overlay?: string): boolean {
  return !!overlay || spec.kind === 'guide' || spec.kind === 'countdown';
}

export function buildGeneratorArgs(profile: OutputProfile, input: GeneratorArgsInput): string[] {
  // A still still renders a few frames: with a one-frame output ffmpeg can hold the picture back behind the audio.
  const frames = isAnimated(input.spec, input.overlay) ? input.frames + 1 : 3;
  const durMs = (input.samples * 1000) / profile.audioSampleRate + (1000 * profile.fpsDen) / profile.fpsNum;
  return [
    '-hide_banner', '-nostdin', '-loglevel', input.logLevel ?? 'warning',
    '-f', 'lavfi', '-i', videoSource(profile, input.spec),
    '-f', 'lavfi', '-i', audioSource(profile, input),
    '-map', '0:v:0', '-vf', videoFilters(profile, input).join(','), '-frames:v', String(frames),
    // A still is one frame: flush it at once rather than when the process ends.
    '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-flush_packets', '1', `pipe:${DECODER_VIDEO_FD}`,
    '-map', '1:a:0', '-t', seconds(durMs),
    '-f', 's16le', '-ar', String(profile.audioSampleRate), '-ac', String(profile.audioChannels), `pipe:${DECODER_AUDIO_FD}`,
  ];
}
