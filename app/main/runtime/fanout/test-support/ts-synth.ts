/**
 * Hand-built MPEG-TS packets for tests: just enough PAT/PMT/PES structure to drive
 * the packet utilities and the fanout without ffmpeg.
 */
import { STREAM_TYPE_H264, TS_PACKET_SIZE, crc32Mpeg2 } from '../ts-packets.ts';

export interface PacketSpec {
  pid: number;
  pusi?: boolean;
  cc?: number;
  randomAccess?: boolean;
  /** Payload bytes; shorter payloads are padded with adaptation-field stuffing. */
  payload?: Uint8Array;
  /** Byte used to fill the payload when none is given. */
  fill?: number;
}

export function makePacket(spec: PacketSpec): Buffer {
  const pkt = Buffer.alloc(TS_PACKET_SIZE, 0xff);
  const payload = spec.payload ?? Buffer.alloc(184, spec.fill ?? 0xaa);
  const needAf = spec.randomAccess === true || payload.length < 184;
  pkt[0] = 0x47;
  pkt[1] = (spec.pusi ? 0x40 : 0) | ((spec.pid >> 8) & 0x1f);
  pkt[2] = spec.pid & 0xff;
  pkt[3] = ((needAf ? 0x3 : 0x1) << 4) | ((spec.cc ?? 0) & 0x0f);
  let p = 4;
  if (needAf) {
    const afLen = 183 - Math.min(payload.length, 182);
    pkt[4] = afLen;
    if (afLen > 0) pkt[5] = spec.randomAccess ? 0x40 : 0x00;
    p = 5 + afLen;
  }
  Buffer.from(payload.subarray(0, TS_PACKET_SIZE - p)).copy(pkt, p);
  return pkt;
}

/** Wrap a PSI section body (table_id … last byte before CRC) with pointer field and CRC. */
function psiPacket(pid: number, section: number[], cc: number): Buffer {
  const crc = crc32Mpeg2(Uint8Array.from(section));
  const bytes = [0x00, ...section, (crc >>> 24) & 0xff, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff];
  const payload = Buffer.alloc(184, 0xff);
  Buffer.from(bytes).copy(payload);
  return makePacket({ pid, pusi: true, cc, payload });
}

export function makePatPacket(pmtPid: number, opts: { programNumber?: number; cc?: number; withNit?: boolean } = {}): Buffer {
  const programs: number[] = [];
  if (opts.withNit) programs.push(0x00, 0x00, 0xe0, 0x10);
  const pn = opts.programNumber ?? 1;
  programs.push((pn >> 8) & 0xff, pn & 0xff, 0xe0 | ((pmtPid >> 8) & 0x1f), pmtPid & 0xff);
  const sectionLength = 5 + programs.length + 4;
  const section = [0x00, 0xb0 | ((sectionLength >> 8) & 0x0f), sectionLength & 0xff, 0x00, 0x01, 0xc1, 0x00, 0x00, ...programs];
  return psiPacket(0, section, opts.cc ?? 0);
}

export interface SynthStream {
  streamType: number;
  pid: number;
  /** ES_info descriptor bytes (exercise the length skip). */
  esInfo?: number[];
}

export function makePmtPacket(pmtPid: number, streams: SynthStream[], opts: { pcrPid?: number; cc?: number; programNumber?: number } = {}): Buffer {
  const es: number[] = [];
  for (const s of streams) {
    const info = s.esInfo ?? [];
    es.push(s.streamType, 0xe0 | ((s.pid >> 8) & 0x1f), s.pid & 0xff, 0xf0 | ((info.length >> 8) & 0x0f), info.length & 0xff, ...info);
  }
  const programInfo = [0x05, 0x04, 0x43, 0x55, 0x45, 0x49]; // a registration descriptor, to be skipped
  const sectionLength = 9 + programInfo.length + es.length + 4;
  const pcrPid = opts.pcrPid ?? streams[0]?.pid ?? 0x1fff;
  const pn = opts.programNumber ?? 1;
  const section = [
    0x02,
    0xb0 | ((sectionLength >> 8) & 0x0f),
    sectionLength & 0xff,
    (pn >> 8) & 0xff,
    pn & 0xff,
    0xc1,
    0x00,
    0x00,
    0xe0 | ((pcrPid >> 8) & 0x1f),
    pcrPid & 0xff,
    0xf0 | ((programInfo.length >> 8) & 0x0f),
    programInfo.length & 0xff,
    ...programInfo,
    ...es,
  ];
  return psiPacket(pmtPid, section, opts.cc ?? 0);
}

/** A PES start packet carrying the given NAL unit types (H.264 header byte = type, HEVC = type << 1). */
export function makePesStart(
  pid: number,
  opts: { nalTypes?: number[]; codec?: 'h264' | 'hevc'; randomAccess?: boolean; cc?: number; streamId?: number; tag?: number } = {},
): Buffer {
  const bytes: number[] = [0x00, 0x00, 0x01, opts.streamId ?? 0xe0, 0x00, 0x00, 0x80, 0x80, 0x05, 0x21, 0x00, 0x01, 0x00, 0x01];
  for (const t of opts.nalTypes ?? []) {
    if (opts.codec === 'hevc') bytes.push(0x00, 0x00, 0x00, 0x01, (t & 0x3f) << 1, 0x01, 0x11, 0x22, 0x33);
    else bytes.push(0x00, 0x00, 0x00, 0x01, 0x60 | (t & 0x1f), 0x11, 0x22, 0x33);
  }
  const payload = Buffer.alloc(184, opts.tag ?? 0xbb);
  Buffer.from(bytes).copy(payload);
  return makePacket({ pid, pusi: true, cc: opts.cc ?? 0, randomAccess: opts.randomAccess, payload });
}

export const SYNTH = { pmtPid: 0x1000, videoPid: 0x100, audioPid: 0x101 } as const;

export interface SynthProgramOptions {
  gops: number;
  /** Video packets per GOP after the keyframe packet. */
  packetsPerGop?: number;
  /** An audio packet after every N video packets. */
  audioEvery?: number;
  /** Use RAI (default) or only IDR NAL units to mark keyframes. */
  marking?: 'rai' | 'nal';
  /** Emit PAT/PMT only at the very start (default) or before every GOP. */
  psiEveryGop?: boolean;
  /** Leading packets (audio) before the first PAT, e.g. a join mid-stream. */
  leadingAudio?: number;
}

export interface SynthProgram {
  data: Buffer;
  /** Byte offsets of keyframe packets. */
  keyframeOffsets: number[];
}

/**
 * A single-program stream: PAT, PMT, then GOPs of one keyframe PES start and
 * non-key video packets, with interleaved audio. Every packet carries a unique
 * 4-byte serial at the end of its payload, so order and loss are checkable.
 */
export function synthProgram(opts: SynthProgramOptions): SynthProgram {
  const { pmtPid, videoPid, audioPid } = SYNTH;
  const packets: Buffer[] = [];
  const keyframeOffsets: number[] = [];
  const cc = new Map<number, number>();
  const nextCc = (pid: number): number => {
    const c = cc.get(pid) ?? 0;
    cc.set(pid, (c + 1) & 0xf);
    return c;
  };
  let serial = 0;
  const push = (pkt: Buffer): void => {
    pkt.writeUInt32BE(serial++, TS_PACKET_SIZE - 4);
    packets.push(pkt);
  };
  const pat = makePatPacket(pmtPid);
  const pmt = makePmtPacket(pmtPid, [
    { streamType: STREAM_TYPE_H264, pid: videoPid },
    { streamType: 0x0f, pid: audioPid },
  ]);
  const audio = (pusi: boolean): Buffer =>
    pusi
      ? makePesStart(audioPid, { streamId: 0xc0, cc: nextCc(audioPid), tag: 0xcc })
      : makePacket({ pid: audioPid, cc: nextCc(audioPid), fill: 0xcc });
  for (let i = 0; i < (opts.leadingAudio ?? 0); i++) push(audio(i === 0));
  const perGop = opts.packetsPerGop ?? 20;
  const audioEvery = opts.audioEvery ?? 4;
  for (let g = 0; g < opts.gops; g++) {
    if (g === 0 || opts.psiEveryGop) {
      push(Buffer.from(pat));
      push(Buffer.from(pmt));
    }
    keyframeOffsets.push(packets.length * TS_PACKET_SIZE);
    const rai = (opts.marking ?? 'rai') === 'rai';
    push(makePesStart(videoPid, { randomAccess: rai, nalTypes: rai ? [9, 1] : [9, 7, 8, 5], cc: nextCc(videoPid) }));
    for (let i = 0; i < perGop; i++) {
      // Mid-GOP frames start new PES packets too; they must not look like keyframes.
      if (i % 5 === 4) push(makePesStart(videoPid, { nalTypes: [9, 1], cc: nextCc(videoPid) }));
      else push(makePacket({ pid: videoPid, cc: nextCc(videoPid), fill: 0xdd }));
      if (i % audioEvery === audioEvery - 1) push(audio(i % (audioEvery * 2) === audioEvery - 1));
    }
  }
  return { data: Buffer.concat(packets), keyframeOffsets };
}

/** Split a buffer at the given sizes (cycled) to imitate arbitrary pipe reads. */
export function splitChunks(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  let i = 0;
  while (pos < data.length) {
    const size = Math.max(1, sizes[i++ % sizes.length] ?? 1);
    out.push(data.subarray(pos, Math.min(data.length, pos + size)));
    pos += size;
  }
  return out;
}
