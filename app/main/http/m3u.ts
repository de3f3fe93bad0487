/** The M3U playlist IPTV clients (VLC, Kodi, Jellyfin, Plex via xTeVe) read. */
import type { ChannelStatusDto } from '../../shared/types.ts';
import { xmltvChannelId } from './xmltv.ts';

/** Attribute values are quoted; quotes and newlines in names would break the line. */
function attr(value: string): string {
  return value.replace(/["\r\n]/g, ' ');
}

export interface M3uLook {
  /** Absolute logo URL. */
  logoUrl?: string;
  /** group-title; default: the playlist's group. */
  group?: string | null;
}

/**
 * One entry per channel, with Kodi IPTV Simple's conventions: tvg-id is the XMLTV channel
 * id, tvg-chno the number, tvg-logo the channel's own logo, group-title its group.
 */
export function buildM3u(base: string, channels: ChannelStatusDto[], group: string, looks: ReadonlyMap<number, M3uLook> = new Map()): string {
  const lines = [`#EXTM3U url-tvg="${base}/iptv/xmltv.xml" x-tvg-url="${base}/iptv/xmltv.xml"`];
  for (const c of channels) {
    const look = looks.get(c.number);
    const logo = look?.logoUrl ?? `${base}/iptv/logos/${c.number}.png`;
    lines.push(
      `#EXTINF:-1 tvg-id="${xmltvChannelId(c.number)}" tvg-chno="${c.number}" tvg-name="${attr(c.name)}" tvg-logo="${attr(logo)}" group-title="${attr(look?.group ?? group)}",${attr(c.name)}`,
      c.streamUrl,
    );
  }
  return lines.join('\n') + '\n';
}
