/**
 * Relays the encoder's MPEG-TS to the channel's one output stream, which lives as long
 * as the channel is on air (encoder restarts included).
 *
 * - A reader that stops reading loses whole TS packets rather than stalling the channel.
 * - After an encoder restart, every PID's first packet from the new encoder is preceded
 *   by an adaptation-field-only packet with the discontinuity indicator set, so players
 *   resync their clocks and continuity counters instead of reporting errors.
 */
import type { PassThrough } from 'node:stream';
import { TS_PACKET_SIZE, TS_SYNC_BYTE, TsPacketAligner, packetPid } from '../runtime/fanout/ts-packets.ts';

export interface RelayStats {
  outputBytes: number;
  droppedOutputBytes: number;
  /** Discontinuity packets inserted (one per PID per encoder restart). */
  discontinuities: number;
}

/** An adaptation-field-only packet (no payload) for `pid` with discontinuity_indicator = 1. */
export function discontinuityPacket(pid: number, cc: number): Buffer {
  const p = Buffer.alloc(TS_PACKET_SIZE, 0xff);
  p[0] = TS_SYNC_BYTE;
  p[1] = (pid >> 8) & 0x1f;
  p[2] = pid & 0xff;
  // adaptation_field_control = 10 (adaptation field only); CC does not advance on such packets.
  p[3] = 0x20 | (cc & 0x0f);
  p[4] = TS_PACKET_SIZE - 5; // adaptation_field_length: the rest of the packet
  p[5] = 0x80; // discontinuity_indicator
  return p;
}

export class OutputRelay {
  readonly stats: RelayStats = { outputBytes: 0, droppedOutputBytes: 0, discontinuities: 0 };
  private dropping = false;
  private aligner = new TsPacketAligner();
  /** PIDs already seen since the last encoder restart; null = no restart pending. */
  private marked: Set<number> | null = null;

  constructor(
    private readonly out: PassThrough,
    private readonly maxBufferBytes: number,
    private readonly warn: (text: string) => void,
  ) {}

  /** The next bytes come from a new encoder: mark each PID's first packet as a discontinuity. */
  markDiscontinuity(): void {
    this.aligner = new TsPacketAligner();
    this.marked = new Set();
  }

  push(chunk: Buffer): void {
    this.stats.outputBytes += chunk.length;
    // Packet-aligned blocks, so dropping and marking never tear a packet.
    for (const block of this.aligner.push(chunk)) this.forward(this.marked ? this.mark(block) : block);
  }

  end(): void {
    if (!this.out.writableEnded) this.out.end();
  }

  private mark(block: Buffer): Buffer {
    const seen = this.marked!;
    const parts: Buffer[] = [];
    let from = 0;
    for (let off = 0; off + TS_PACKET_SIZE <= block.length; off += TS_PACKET_SIZE) {
      const pid = packetPid(block, off);
      if (seen.has(pid)) continue;
      seen.add(pid);
      parts.push(block.subarray(from, off), discontinuityPacket(pid, ((block[off + 3]! & 0x0f) + 15) & 0x0f));
      from = off;
      this.stats.discontinuities++;
    }
    if (parts.length === 0) return block;
    parts.push(block.subarray(from));
    // Marking ends once the stream's PIDs (PAT, PMT, video, audio, SDT) have all been seen.
    if (seen.size >= 5) this.marked = null;
    return Buffer.concat(parts);
  }

  private forward(block: Buffer): void {
    if (this.out.destroyed || this.out.writableEnded) return;
    const backlog = this.out.writableLength + this.out.readableLength;
    if (!this.dropping && backlog > this.maxBufferBytes) {
      this.dropping = true;
      this.warn(`output reader is not keeping up (${backlog} bytes queued); dropping`);
    }
    if (this.dropping) {
      if (backlog > this.maxBufferBytes / 2) {
        this.stats.droppedOutputBytes += block.length;
        return;
      }
      this.dropping = false;
    }
    this.out.write(block);
  }
}
