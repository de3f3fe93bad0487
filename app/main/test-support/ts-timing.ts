/**
 * Mux timing of an MPEG-TS capture: for every PES, how far its decode time is ahead of the
 * PCR when its first packet arrives. A PES whose DTS is already behind the PCR is late: a
 * player (VLC says "dts later than pcr") must drop or stall on it.
 */
import { PAT_PID, TS_PACKET_SIZE, TsPacketAligner, findPmtPid, packetPid, packetPusi, parsePmt, payloadOffset } from '../runtime/fanout/ts-packets.ts';

export interface StreamTiming {
  pes: number;
  late: number;
  /** Smallest DTS − PCR seen (ms); negative when late. */
  minMarginMs: number;
}

export interface MuxTiming {
  video: StreamTiming;
  audio: StreamTiming;
  firstVideoPts: number | null;
}

function pcrOf(p: Buffer): number | null {
  const afc = (p[3]! >> 4) & 0x3;
  if ((afc & 0x2) === 0 || p[4]! < 7 || (p[5]! & 0x10) === 0) return null;
  const base = p[6]! * 2 ** 25 + (p[7]! << 17) + (p[8]! << 9) + (p[9]! << 1) + (p[10]! >> 7);
  return base; // 90 kHz
}

function pesDts(p: Buffer): number | null {
  const o = payloadOffset(p);
  if (o + 14 > TS_PACKET_SIZE || p[o] !== 0 || p[o + 1] !== 0 || p[o + 2] !== 1) return null;
  const flags = p[o + 7]! >> 6;
  const at = (i: number) => ((p[i]! >> 1) & 0x07) * 2 ** 30 + ((p[i + 1]! << 7) | (p[i + 2]! >> 1)) * 2 ** 15 + ((p[i + 3]! << 7) | (p[i + 4]! >> 1));
  if (flags === 3) return at(o + 14);
  if (flags === 2) return at(o + 9);
  return null;
}

export function analyzeMuxTiming(ts: Buffer): MuxTiming {
  const aligner = new TsPacketAligner();
  let pmtPid: number | null = null;
  const kind = new Map<number, 'video' | 'audio'>();
  let pcr: number | null = null;
  const out: MuxTiming = { video: { pes: 0, late: 0, minMarginMs: Infinity }, audio: { pes: 0, late: 0, minMarginMs: Infinity }, firstVideoPts: null };
  for (const block of aligner.push(ts)) {
    for (let off = 0; off + TS_PACKET_SIZE <= block.length; off += TS_PACKET_SIZE) {
      const p = block.subarray(off, off + TS_PACKET_SIZE);
      const pid = packetPid(p);
      const c = pcrOf(p);
      if (c !== null) pcr = c;
      if (pid === PAT_PID && packetPusi(p)) pmtPid = findPmtPid(p) ?? pmtPid;
      else if (pid === pmtPid && packetPusi(p)) {
        for (const s of parsePmt(p)?.streams ?? []) kind.set(s.pid, s.streamType === 0x1b || s.streamType === 0x24 ? 'video' : 'audio');
      } else if (packetPusi(p) && kind.has(pid)) {
        const dts = pesDts(p);
        if (dts === null || pcr === null) continue;
        const k = kind.get(pid)!;
        if (k === 'video') out.firstVideoPts ??= dts;
        const margin = (dts - pcr) / 90;
        const t = out[k];
        t.pes++;
        if (margin < 0) t.late++;
        t.minMarginMs = Math.min(t.minMarginMs, margin);
      }
    }
  }
  return out;
}
