/**
 * XMLTV guide data for IPTV clients (Jellyfin, Plex, Kodi, TiviMate). Pure.
 *
 * Clients sort and badge programmes by these elements, so each says only what is known:
 * the series or movie as <title>, the episode's own title as <sub-title> (never a copy of
 * the title), <desc>, <date> (the year), <category> (Movie or Series, then the genres),
 * <episode-num> in xmltv_ns and onscreen forms, and from NFO files the first-aired date
 * (<date>, <previously-shown>) and the certification (<rating>). Children follow the DTD's order.
 */
import { toLocal, zoneOffsetMs } from '../clock/zoned-time.ts';
import type { ProgramInfo } from '../library/program-info.ts';
import type { EpgEntry } from '../schedule/types.ts';
import { xmlText as esc } from './xml-text.ts';

export interface XmltvChannel {
  number: number;
  name: string;
  timezone: string;
  entries: EpgEntry[];
  /** Absolute URL of the channel's logo. */
  iconUrl?: string;
  /** Language of the guide text (default en). */
  lang?: string;
}

export function xmltvChannelId(number: number): string {
  return `${number}.retrovue`;
}

/** "YYYYMMDDhhmmss +HHMM" in the channel's zone. */
export function xmltvTime(epochMs: number, timeZone: string): string {
  const l = toLocal(epochMs, timeZone);
  const off = zoneOffsetMs(epochMs, timeZone) / 60000;
  const p = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');
  return `${p(l.year, 4)}${p(l.month)}${p(l.day)}${p(l.hour)}${p(l.minute)}${p(l.second)} ${off < 0 ? '-' : '+'}${p(Math.floor(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
}

const KIND_CATEGORY: Partial<Record<EpgEntry['kind'], string>> = { filler: 'Interstitial', pad: 'Off air' };
const OWN_LABELS = new Set(['Movie', 'Series', 'Interstitial', 'Off air']);

/** What one programme element says, from the guide entry and (when known) its asset. */
export interface ProgrammeText {
  title: string;
  subTitle: string | null;
  desc: string | null;
  year: number | null;
  categories: string[];
  season: number | null;
  episode: number | null;
  /** First aired, YYYY-MM-DD. */
  aired?: string | null;
  rating?: string | null;
}

/** The rating system a certification belongs to: US TV (V-chip) or US film (MPAA); none for others. */
function ratingSystem(rating: string): string | null {
  if (/^TV-(Y7?|Y7-FV|G|PG|14|MA)$/.test(rating)) return 'VCHIP';
  if (/^(G|PG|PG-13|R|NC-17|NR|UNRATED)$/.test(rating)) return 'MPAA';
  return null;
}

export function programmeText(e: EpgEntry, info: ProgramInfo | undefined): ProgrammeText {
  if (info && e.kind === 'program') {
    const head = info.isMovie ? ['Movie'] : info.isSeries ? ['Series'] : [];
    const categories = [...new Set([...head, ...info.genres])];
    const subTitle = info.episodeTitle && info.episodeTitle !== info.title ? info.episodeTitle : null;
    return { title: info.title, subTitle, desc: info.description, year: info.year, categories, season: info.season, episode: info.episode, aired: info.aired, rating: info.rating };
  }
  // No asset facts (a gap, filler, or a guide without the library): what the entry itself says.
  const subTitle = e.subtitle && e.subtitle !== e.title && !/^\s*(.*\s)?s\d{1,2}e\d{1,3}\s*$/i.test(e.subtitle) ? e.subtitle : null;
  const kindCategory = KIND_CATEGORY[e.kind];
  const categories = e.kind === 'program' && (e.season !== null || e.episode !== null) ? ['Series'] : kindCategory ? [kindCategory] : [];
  return { title: e.title, subTitle, desc: null, year: null, categories, season: e.season, episode: e.episode };
}

function episodeNums(season: number | null, episode: number | null): string[] {
  if (episode === null || episode < 1) return [];
  const out = [`    <episode-num system="xmltv_ns">${season !== null && season >= 1 ? season - 1 : ''}.${episode - 1}.</episode-num>`];
  if (season !== null && season >= 1) out.push(`    <episode-num system="onscreen">S${String(season).padStart(2, '0')}E${String(episode).padStart(2, '0')}</episode-num>`);
  return out;
}

export function buildXmltv(base: string, channels: XmltvChannel[], programs: ReadonlyMap<number, ProgramInfo> = new Map()): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<!DOCTYPE tv SYSTEM "xmltv.dtd">', `<tv source-info-name="RetroVue" generator-info-name="RetroVue">`];
  for (const c of channels) {
    const lang = esc(c.lang ?? 'en');
    out.push(
      `  <channel id="${xmltvChannelId(c.number)}">`,
      `    <display-name lang="${lang}">${esc(c.name)}</display-name>`,
      `    <display-name>${c.number}</display-name>`,
      `    <icon src="${esc(c.iconUrl ?? `${base}/iptv/logos/${c.number}.png`)}" />`,
      '  </channel>',
    );
  }
  for (const c of channels) {
    const lang = esc(c.lang ?? 'en');
    for (const e of c.entries) {
      const t = programmeText(e, e.assetId !== null ? programs.get(e.assetId) : undefined);
      out.push(`  <programme start="${xmltvTime(e.startMs, c.timezone)}" stop="${xmltvTime(e.endMs, c.timezone)}" channel="${xmltvChannelId(c.number)}">`, `    <title lang="${lang}">${esc(t.title)}</title>`);
      if (t.subTitle) out.push(`    <sub-title lang="${lang}">${esc(t.subTitle)}</sub-title>`);
      if (t.desc) out.push(`    <desc lang="${lang}">${esc(t.desc)}</desc>`);
      if (t.aired) out.push(`    <date>${t.aired.replaceAll('-', '')}</date>`);
      else if (t.year !== null) out.push(`    <date>${t.year}</date>`);
      // Our own labels are English; genres are in whatever language the files were tagged in, taken as the channel's.
      for (const cat of t.categories) out.push(`    <category lang="${OWN_LABELS.has(cat) ? 'en' : lang}">${esc(cat)}</category>`);
      out.push(...episodeNums(t.season, t.episode));
      if (t.aired) out.push(`    <previously-shown start="${t.aired.replaceAll('-', '')}000000" />`);
      if (t.rating) {
        const system = ratingSystem(t.rating);
        out.push(`    <rating${system ? ` system="${system}"` : ''}>`, `      <value>${esc(t.rating)}</value>`, '    </rating>');
      }
      out.push('  </programme>');
    }
  }
  out.push('</tv>');
  return out.join('\n') + '\n';
}
