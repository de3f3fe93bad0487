/**
 * MPEG-TS packet utilities: re-alignment of an arbitrary byte stream into whole
 * 188-byte packets, header parsing, PAT/PMT parsing and keyframe detection.
 *
 * Everything here reads packets in place: functions take `(buf, offset)` rather than
 * a per-packet slice, so the fanout can walk a 64 KiB chunk without allocating an
 * object per packet. Only the aligner keeps state (the partial packet carried
 * between chunks).
 */

export const TS_PACKET_SIZE = 188;
export const TS_SYNC_BYTE = 0x47;
export const PAT_PID = 0x0000;
export const NULL_PID = 0x1fff;

/** stream_type values (ISO/IEC 13818-1 table 2-34) the fanout cares about. */
export const STREAM_TYPE_H264 = 0x1b;
export const STREAM_TYPE_HEVC = 0x24;

export type VideoCodec = 'h264' | 'hevc';

export interface TsHeader {
  pid: number;
  /** payload_unit_start_indicator: a PES packet or PSI section begins here. */
  pusi: boolean;
  transportError: boolean;
  scrambling: number;
  hasAdaptationField: boolean;
  hasPayload: boolean;
  continuityCounter: number;
  /** From the adaptation field; false when there is none. */
  randomAccess: boolean;
  discontinuity: boolean;
  hasPcr: boolean;
  /** Offset of the payload from the packet start; TS_PACKET_SIZE when there is none. */
  payloadOffset: number;
}

// ---------------------------------------------------------------------------
// Fast accessors (no allocation) for the hot path.

export function isSynced(buf: Uint8Array, off = 0): boolean {
  return buf[off] === TS_SYNC_BYTE;
}

export function packetPid(buf: Uint8Array, off = 0): number {
  return ((buf[off + 1]! & 0x1f) << 8) | buf[off + 2]!;
}

export function packetPusi(buf: Uint8Array, off = 0): boolean {
  return (buf[off + 1]! & 0x40) !== 0;
}

/** random_access_indicator from the adaptation field (false when there is none). */
export function packetRandomAccess(buf: Uint8Array, off = 0): boolean {
  const afc = (buf[off + 3]! >> 4) & 0x3;
  if ((afc & 0x2) === 0) return false;
  const afLen = buf[off + 4]!;
  return afLen > 0 && (buf[off + 5]! & 0x40) !== 0;
}

/** Offset of the payload from the packet start, or TS_PACKET_SIZE when it has none. */
export function payloadOffset(buf: Uint8Array, off = 0): number {
  const afc = (buf[off + 3]! >> 4) & 0x3;
  if ((afc & 0x1) === 0) return TS_PACKET_SIZE;
  if ((afc & 0x2) === 0) return 4;
  const start = 5 + buf[off + 4]!;
  return start > TS_PACKET_SIZE ? TS_PACKET_SIZE : start;
}

/** Parse the 4-byte header and the adaptation-field flags; null when not on a sync byte. */
export function parseTsHeader(buf: Uint8Array, off = 0): TsHeader | null {
  if (off + TS_PACKET_SIZE > buf.length || buf[off] !== TS_SYNC_BYTE) return null;
  const b1 = buf[off + 1]!;
  const b3 = buf[off + 3]!;
  const afc = (b3 >> 4) & 0x3;
  const hasAdaptationField = (afc & 0x2) !== 0;
  let randomAccess = false;
  let discontinuity = false;
  let hasPcr = false;
  if (hasAdaptationField && buf[off + 4]! > 0) {
    const flags = buf[off + 5]!;
    discontinuity = (flags & 0x80) !== 0;
    randomAccess = (flags & 0x40) !== 0;
    hasPcr = (flags & 0x10) !== 0;
  }
  return {
    pid: ((b1 & 0x1f) << 8) | buf[off + 2]!,
    pusi: (b1 & 0x40) !== 0,
    transportError: (b1 & 0x80) !== 0,
    scrambling: (b3 >> 6) & 0x3,
    hasAdaptationField,
    hasPayload: (afc & 0x1) !== 0,
    continuityCounter: b3 & 0x0f,
    randomAccess,
    discontinuity,
    hasPcr,
    payloadOffset: payloadOffset(buf, off),
  };
}

// ---------------------------------------------------------------------------
// Alignment

export interface AlignerStats {
  /** Bytes skipped while looking for sync (garbage, torn packets). */
  discardedBytes: number;
  /** Times sync was lost after having been established. */
  resyncs: number;
}

/**
 * Turns an arbitrary chunk stream into blocks of whole packets.
 *
 * `push` returns zero or more blocks, each a whole number of packets, in stream
 * order. In the common case a chunk yields at most two blocks: one 188-byte packet
 * completed from the carried remainder (the only copy), then a zero-copy view of
 * the rest of the chunk. Views share memory with the input chunk, so callers must
 * not mutate chunks after pushing them (stream chunks are never reused).
 *
 * Sync: while locked, a packet is accepted when it starts with 0x47 and the next
 * packet, if already in view, does too (so a torn packet inside a chunk is dropped,
 * not passed on). After a loss, a new position is only trusted once the byte one
 * packet further on is 0x47 too, so a stray 0x47 in a payload does not cause a false
 * lock. A tear right at a chunk edge cannot be seen without holding data back, so
 * there one damaged packet may pass; the stream resyncs right after.
 */
export class TsPacketAligner {
  private carry: Buffer = Buffer.alloc(0);
  /** True until the first lock and after every sync loss: candidates need confirmation. */
  private hunting = true;
  private everLocked = false;
  readonly stats: AlignerStats = { discardedBytes: 0, resyncs: 0 };

  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    if (chunk.length === 0) return out;
    let data = chunk;
    let pos = 0;
    if (this.carry.length > 0) {
      const need = TS_PACKET_SIZE - this.carry.length;
      if (!this.hunting && chunk.length < need) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return out;
      }
      if (!this.hunting && (need === chunk.length || chunk[need] === TS_SYNC_BYTE)) {
        // Steady state: complete the straddling packet (the only copy), view the rest.
        out.push(Buffer.concat([this.carry, chunk.subarray(0, need)], TS_PACKET_SIZE));
        pos = need;
      } else {
        // Hunting, or the straddling packet looks torn: rare, so simplicity over zero-copy.
        data = Buffer.concat([this.carry, chunk]);
      }
      this.carry = EMPTY;
    }
    this.scan(data, pos, out);
    return out;
  }

  /** Drop any carried partial packet and start hunting for sync again (new source). */
  reset(): void {
    this.carry = EMPTY;
    this.hunting = true;
    this.everLocked = false;
  }

  /** Bytes held back waiting for the rest of a packet. */
  get pendingBytes(): number {
    return this.carry.length;
  }

  private scan(data: Buffer, start: number, out: Buffer[]): void {
    const len = data.length;
    let pos = start;
    let blockStart = -1;
    while (pos + TS_PACKET_SIZE <= len) {
      if (data[pos] === TS_SYNC_BYTE && (this.hunting ? this.confirmed(data, pos) : this.plausible(data, pos))) {
        if (this.hunting) {
          this.hunting = false;
          this.everLocked = true;
        }
        if (blockStart < 0) blockStart = pos;
        pos += TS_PACKET_SIZE;
        continue;
      }
      if (this.hunting && data[pos] === TS_SYNC_BYTE && pos + TS_PACKET_SIZE >= len) {
        // Candidate whose confirming byte has not arrived yet: carry it.
        break;
      }
      if (blockStart >= 0) {
        out.push(data.subarray(blockStart, pos));
        blockStart = -1;
      }
      if (!this.hunting) {
        this.hunting = true;
        if (this.everLocked) this.stats.resyncs++;
      }
      const next = this.findCandidate(data, pos + 1);
      this.stats.discardedBytes += next - pos;
      pos = next;
    }
    if (blockStart >= 0) out.push(data.subarray(blockStart, pos));
    if (pos < len) {
      if (data[pos] === TS_SYNC_BYTE) {
        // Copy so the carry does not pin the whole (large) chunk.
        this.carry = Buffer.from(data.subarray(pos));
      } else {
        const next = this.findCandidate(data, pos);
        this.stats.discardedBytes += next - pos;
        this.carry = next < len ? Buffer.from(data.subarray(next)) : EMPTY;
        if (!this.hunting) {
          this.hunting = true;
          if (this.everLocked) this.stats.resyncs++;
        }
      }
    }
  }

  /** While locked, reject a packet whose successor (when already in view) is off sync: it is torn. */
  private plausible(data: Buffer, pos: number): boolean {
    const probe = pos + TS_PACKET_SIZE;
    return probe >= data.length || data[probe] === TS_SYNC_BYTE;
  }

  private confirmed(data: Buffer, pos: number): boolean {
    const probe = pos + TS_PACKET_SIZE;
    return probe < data.length && data[probe] === TS_SYNC_BYTE;
  }

  /** First position >= from that could start a packet (or data.length). */
  private findCandidate(data: Buffer, from: number): number {
    const len = data.length;
    for (let i = from; i < len; i++) {
      if (data[i] !== TS_SYNC_BYTE) continue;
      const probe = i + TS_PACKET_SIZE;
      if (probe >= len || data[probe] === TS_SYNC_BYTE) return i;
    }
    return len;
  }
}

const EMPTY = Buffer.alloc(0);

// ---------------------------------------------------------------------------
// PSI (PAT / PMT)

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32/MPEG-2 as used by PSI sections; a whole section including its CRC yields 0. */
export function crc32Mpeg2(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ buf[i]!) & 0xff]!) >>> 0;
  return crc >>> 0;
}

interface SectionBounds {
  /** Absolute offset of table_id. */
  start: number;
  /** Absolute offset one past the CRC. */
  end: number;
}

/**
 * Locate a PSI section that starts in this packet and ends in it (with a valid CRC).
 * Sections spanning packets are not reassembled: ffmpeg and every single-program
 * mux we feed ourselves fit PAT and PMT in one packet.
 */
function sectionIn(buf: Uint8Array, off: number, tableId: number): SectionBounds | null {
  if (off + TS_PACKET_SIZE > buf.length || buf[off] !== TS_SYNC_BYTE || !packetPusi(buf, off)) return null;
  const pOff = payloadOffset(buf, off);
  if (pOff >= TS_PACKET_SIZE) return null;
  const pointer = buf[off + pOff]!;
  const start = off + pOff + 1 + pointer;
  const packetEnd = off + TS_PACKET_SIZE;
  if (start + 3 > packetEnd || buf[start] !== tableId) return null;
  const sectionLength = ((buf[start + 1]! & 0x0f) << 8) | buf[start + 2]!;
  const end = start + 3 + sectionLength;
  if (sectionLength < 9 || end > packetEnd) return null;
  if (crc32Mpeg2(buf, start, end) !== 0) return null;
  return { start, end };
}

export interface PatProgram {
  programNumber: number;
  pmtPid: number;
}

/** Programs listed in a PAT packet (network PID entries excluded); null if not a whole PAT. */
export function parsePat(buf: Uint8Array, off = 0): PatProgram[] | null {
  if (packetPid(buf, off) !== PAT_PID) return null;
  const s = sectionIn(buf, off, 0x00);
  if (!s) return null;
  const programs: PatProgram[] = [];
  for (let i = s.start + 8; i + 4 <= s.end - 4; i += 4) {
    const programNumber = (buf[i]! << 8) | buf[i + 1]!;
    const pid = ((buf[i + 2]! & 0x1f) << 8) | buf[i + 3]!;
    if (programNumber !== 0) programs.push({ programNumber, pmtPid: pid });
  }
  return programs;
}

/** PMT PID of the first program in a PAT packet, or null. */
export function findPmtPid(buf: Uint8Array, off = 0): number | null {
  const programs = parsePat(buf, off);
  return programs?.[0]?.pmtPid ?? null;
}

export interface PmtStream {
  streamType: number;
  pid: number;
}

export interface Pmt {
  programNumber: number;
  pcrPid: number;
  streams: PmtStream[];
}

/** Parse a PMT packet; null if this is not a whole PMT section. */
export function parsePmt(buf: Uint8Array, off = 0): Pmt | null {
  const s = sectionIn(buf, off, 0x02);
  if (!s) return null;
  const programNumber = (buf[s.start + 3]! << 8) | buf[s.start + 4]!;
  const pcrPid = ((buf[s.start + 8]! & 0x1f) << 8) | buf[s.start + 9]!;
  const programInfoLength = ((buf[s.start + 10]! & 0x0f) << 8) | buf[s.start + 11]!;
  const streams: PmtStream[] = [];
  const loopEnd = s.end - 4;
  let i = s.start + 12 + programInfoLength;
  while (i + 5 <= loopEnd) {
    const streamType = buf[i]!;
    const pid = ((buf[i + 1]! & 0x1f) << 8) | buf[i + 2]!;
    const esInfoLength = ((buf[i + 3]! & 0x0f) << 8) | buf[i + 4]!;
    streams.push({ streamType, pid });
    i += 5 + esInfoLength;
  }
  return { programNumber, pcrPid, streams };
}

export interface VideoStream {
  pid: number;
  codec: VideoCodec;
}

/** The first H.264 or HEVC stream in a PMT. */
export function findVideoStream(pmt: Pmt): VideoStream | null {
  for (const s of pmt.streams) {
    if (s.streamType === STREAM_TYPE_H264) return { pid: s.pid, codec: 'h264' };
    if (s.streamType === STREAM_TYPE_HEVC) return { pid: s.pid, codec: 'hevc' };
  }
  return null;
}

// ---------------------------------------------------------------------------
// Keyframes

/**
 * Does this packet begin a video access unit that a decoder can start from?
 *
 * Primary signal: random_access_indicator on a PUSI packet of the video PID (ffmpeg
 * sets it on keyframes). Fallback for muxers that do not: look for an IDR slice or
 * parameter set in the part of the PES payload that is in this packet. Encoders emit
 * SPS only with keyframes, and the access unit delimiter, SPS, PPS and often the
 * slice header all fit in the first packet.
 */
export function isKeyframeStart(buf: Uint8Array, off: number, videoPid: number, codec: VideoCodec = 'h264'): boolean {
  if (buf[off] !== TS_SYNC_BYTE || packetPid(buf, off) !== videoPid || !packetPusi(buf, off)) return false;
  if (packetRandomAccess(buf, off)) return true;
  return pesStartsWithKeyframe(buf, off, codec);
}

/** The fallback of isKeyframeStart: scan the PES payload in this packet for IDR/SPS NAL units. */
export function pesStartsWithKeyframe(buf: Uint8Array, off: number, codec: VideoCodec): boolean {
  const end = off + TS_PACKET_SIZE;
  const p = off + payloadOffset(buf, off);
  // PES header: 00 00 01 stream_id, length(2), flags(2), header_data_length.
  if (p + 9 > end || buf[p] !== 0 || buf[p + 1] !== 0 || buf[p + 2] !== 1) return false;
  const es = p + 9 + buf[p + 8]!;
  for (let i = es; i + 3 < end; i++) {
    if (buf[i] !== 0 || buf[i + 1] !== 0 || buf[i + 2] !== 1) continue;
    const h = buf[i + 3]!;
    if (codec === 'h264') {
      const type = h & 0x1f;
      if (type === 5 || type === 7) return true;
    } else {
      const type = (h >> 1) & 0x3f;
      // IRAP pictures (BLA/IDR/CRA, 16..21) or VPS/SPS.
      if ((type >= 16 && type <= 21) || type === 32 || type === 33) return true;
    }
    i += 2;
  }
  return false;
}
