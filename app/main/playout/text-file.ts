/**
 * Text for generators lives in files (drawtext `textfile`), never in a filtergraph: the
 * operator's words are drawn exactly as written, whatever characters they contain.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TextFile {
  path: string;
  /** Replace the text (drawtext reads the file when the generator starts). */
  write(text: string): void;
  remove(): void;
}

/** Control characters other than newline become spaces; NUL cannot be drawn. */
export function drawableText(text: string, opts: { oneLine?: boolean } = {}): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being removed
  const t = text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, ' ');
  return opts.oneLine ? t.replace(/\n+/g, '   ') : t;
}

export function createTextFile(text: string, opts: { oneLine?: boolean } = {}): TextFile {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'retrovue-text-'));
  const file = path.join(dir, 'text.txt');
  const write = (t: string) => writeFileSync(file, drawableText(t, opts), { encoding: 'utf8', mode: 0o600 });
  write(text);
  return { path: file, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Wrap text at about `width` characters per line (the alert card is not a crawl). */
export function wrapText(text: string, width: number): string {
  return drawableText(text)
    .split('\n')
    .map((para) => {
      const words = para.split(/ +/);
      const lines: string[] = [];
      let line = '';
      for (const w of words) {
        if (line && line.length + 1 + w.length > width) {
          lines.push(line);
          line = w;
        } else line = line ? `${line} ${w}` : w;
      }
      lines.push(line);
      return lines.join('\n');
    })
    .join('\n');
}
