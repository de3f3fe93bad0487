/**
 * One drawtext filter, for every caption the engine draws (generators, slates, branding).
 * Text is literal (expansion=none) unless the caller asks for expansion with a constant of
 * its own; anyone's text goes in `textFile`, so it never enters the filtergraph.
 */
import { filterValue } from './filter-escape.ts';

export interface DrawTextOptions {
  fontFile: string;
  /** A constant of ours, escaped for the filtergraph. */
  text?: string;
  /** A file holding anyone's text, read by drawtext. */
  textFile?: string;
  size: number;
  x: string;
  y: string;
  color?: string;
  /** A box behind the text in this colour. */
  box?: string;
  /** The box's border, in pixels; a quarter of the size unless given. */
  boxBorder?: number;
  /** Expand %{…} in `text` (only ever our own expressions). */
  expand?: boolean;
  /** A complete `enable=…` option, already escaped. */
  enable?: string;
}

export function drawText(opts: DrawTextOptions): string {
  const parts = [`drawtext=expansion=${opts.expand ? 'normal' : 'none'}`, `fontfile=${filterValue(opts.fontFile)}`];
  if (opts.textFile !== undefined) parts.push(`textfile=${filterValue(opts.textFile)}`);
  else parts.push(`text=${filterValue(opts.text ?? '')}`);
  parts.push(`fontcolor=${opts.color ?? 'white'}`, `fontsize=${opts.size}`, `x=${filterValue(opts.x)}`, `y=${filterValue(opts.y)}`);
  if (opts.box) parts.push('box=1', `boxcolor=${opts.box}`, `boxborderw=${opts.boxBorder ?? Math.max(2, Math.round(opts.size / 4))}`);
  if (opts.enable) parts.push(opts.enable);
  return parts.join(':');
}
