/** The M3U playlist IPTV clients (VLC, Kodi, Jellyfin, Plex via xTeVe) read. */
import type { ChannelStatusDto } from '../../shared/types.ts';

/** Attribute values are quoted; quotes and newlines in names would break the line. */
function attr(value: string): string {
  return value.replace(/["\r\n]/g, ' ');
}

export function buildM3u(base: string, channels: ChannelStatusDto[], group: string): string {
  const lines = [`#EXTM3U url-tvg="${base}/iptv/xmltv.xml" x-tvg-url="${base}/iptv/xmltv.xml"`];
  for (const c of channels) {
    lines.push(
      `#EXTINF:-1 tvg-id="${c.number}.retrovue" tvg-chno="${c.number}" tvg-name="${attr(c.name)}" tvg-logo="${base}/icons/icon.png" group-title="${attr(group)}",${attr(c.name)}`,
      c.streamUrl,
    );
  }
  return lines.join('\n') + '\n';
}
