/** XMLTV guide data for IPTV clients (Jellyfin, Plex, Kodi, TiviMate). Pure. */
import { toLocal, zoneOffsetMs } from '../clock/zoned-time.ts';
import type { EpgEntry } from '../schedule/types.ts';

export interface XmltvChannel {
  number: number;
  name: string;
  timezone: string;
  entries: EpgEntry[];
}

export function xmltvChannelId(number: number): string {
  return `${number}.retrovue`;
}

function esc(text: string): string {
  // XML 1.0 forbids these control characters outright; escaping cannot save them.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** "YYYYMMDDhhmmss +HHMM" in the channel's zone. */
export function xmltvTime(epochMs: number, timeZone: string): string {
  const l = toLocal(epochMs, timeZone);
  const off = zoneOffsetMs(epochMs, timeZone) / 60000;
  const p = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');
  return `${p(l.year, 4)}${p(l.month)}${p(l.day)}${p(l.hour)}${p(l.minute)}${p(l.second)} ${off < 0 ? '-' : '+'}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
}

const CATEGORY: Partial<Record<EpgEntry['kind'], string>> = { program: 'Series', filler: 'Interstitial', pad: 'Off air' };

export function buildXmltv(base: string, channels: XmltvChannel[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE tv SYSTEM "xmltv.dtd">', `<tv source-info-name="RetroVue" generator-info-name="RetroVue">`];
  for (const c of channels) {
    out.push(`  <channel id="${xmltvChannelId(c.number)}">`, `    <display-name>${esc(c.name)}</display-name>`, `    <display-name>${c.number}</display-name>`, `    <icon src="${esc(base)}/icons/icon.png" />`, '  </channel>');
  }
  for (const c of channels) {
    for (const e of c.entries) {
      const lines = [`  <programme start="${xmltvTime(e.startMs, c.timezone)}" stop="${xmltvTime(e.endMs, c.timezone)}" channel="${xmltvChannelId(c.number)}">`, `    <title>${esc(e.title)}</title>`];
      if (e.subtitle) lines.push(`    <sub-title>${esc(e.subtitle)}</sub-title>`);
      const category = e.season !== null || e.episode !== null ? 'Series' : CATEGORY[e.kind];
      if (category) lines.push(`    <category>${category}</category>`);
      if (e.episode !== null) {
        lines.push(`    <episode-num system="xmltv_ns">${e.season !== null ? e.season - 1 : ''}.${e.episode - 1}.</episode-num>`);
        if (e.season !== null) lines.push(`    <episode-num system="onscreen">S${String(e.season).padStart(2, '0')}E${String(e.episode).padStart(2, '0')}</episode-num>`);
      }
      lines.push('  </programme>');
      out.push(...lines);
    }
  }
  out.push('</tv>');
  return out.join('\n') + '\n';
}
