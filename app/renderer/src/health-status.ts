/** A channel's health (the live feed's `status` event) as the channel status the views show. Pure. */
import type { ChannelHealthDto, ChannelStatusDto } from '../../shared/types.ts';

export function statusFromHealth(h: ChannelHealthDto, apiBase: string): ChannelStatusDto {
  return {
    uuid: `channel-${h.number}`,
    number: h.number,
    name: h.name,
    enabled: h.enabled,
    mode: h.mode,
    viewerCount: Array.isArray(h.viewers) ? h.viewers.length : 0,
    producerStatus: h.producerStatus,
    nowPlaying: h.nowPlaying ?? null,
    streamUrl: `${apiBase}/iptv/channel/${h.number}.ts`,
  };
}
