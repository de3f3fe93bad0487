import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  STREAM_TYPE_H264,
  STREAM_TYPE_HEVC,
  TS_PACKET_SIZE,
  TsPacketAligner,
  crc32Mpeg2,
  findPmtPid,
  findVideoStream,
  isKeyframeStart,
  packetPid,
  packetPusi,
  packetRandomAccess,
  parsePat,
  parsePmt,
  parseTsHeader,
  payloadOffset,
} from './ts-packets.ts';
import { SYNTH, makePacket, makePatPacket, makePesStart, makePmtPacket, splitChunks, synthProgram } from './test-support/ts-synth.ts';

function alignAll(chunks: Buffer[], aligner = new TsPacketAligner()): Buffer {
  const out: Buffer[] = [];
  for (const c of chunks) {
    for (const block of aligner.push(c)) {
      expect(block.length % TS_PACKET_SIZE).toBe(0);
      expect(block[0]).toBe(0x47);
      out.push(block);
    }
  }
  return Buffer.concat(out);
}

describe('header parsing', () => {
  it('reads PID, PUSI, continuity counter and adaptation flags', () => {
    const pkt = makePesStart(0x1abc, { randomAccess: true, cc: 7 });
    const h = parseTsHeader(pkt)!;
    expect(h.pid).toBe(0x1abc);
    expect(h.pusi).toBe(true);
    expect(h.continuityCounter).toBe(7);
    expect(h.hasAdaptationField).toBe(true);
    expect(h.hasPayload).toBe(true);
    expect(h.randomAccess).toBe(true);
    expect(h.transportError).toBe(false);
    expect(h.payloadOffset).toBe(payloadOffset(pkt));
    expect(pkt[h.payloadOffset]).toBe(0x00);
    expect(pkt.subarray(h.payloadOffset, h.payloadOffset + 3)).toEqual(Buffer.from([0, 0, 1]));
    expect(packetPid(pkt)).toBe(0x1abc);
    expect(packetPusi(pkt)).toBe(true);
    expect(packetRandomAccess(pkt)).toBe(true);
  });

  it('handles packets without adaptation field, and offsets into a larger buffer', () => {
    const a = makePacket({ pid: 0x101, cc: 15 });
    const b = makePacket({ pid: 0x102, pusi: true, cc: 3 });
    const both = Buffer.concat([a, b]);
    const h = parseTsHeader(both, TS_PACKET_SIZE)!;
    expect(h).toMatchObject({ pid: 0x102, pusi: true, continuityCounter: 3, hasAdaptationField: false, randomAccess: false, payloadOffset: 4 });
    expect(parseTsHeader(both, 0)!.continuityCounter).toBe(15);
    expect(packetRandomAccess(both, 0)).toBe(false);
  });

  it('returns null off sync or on a short buffer', () => {
    const pkt = makePacket({ pid: 1 });
    expect(parseTsHeader(pkt, 1)).toBeNull();
    expect(parseTsHeader(pkt.subarray(0, 100))).toBeNull();
  });

  it('reports an adaptation-only packet as having no payload', () => {
    const pkt = makePacket({ pid: 0x100 });
    pkt[3] = 0x20; // adaptation field only
    pkt[4] = 183;
    pkt[5] = 0x40;
    expect(parseTsHeader(pkt)).toMatchObject({ hasPayload: false, randomAccess: true, payloadOffset: TS_PACKET_SIZE });
  });
});

describe('TsPacketAligner', () => {
  const program = synthProgram({ gops: 4 }).data;

  it('passes an aligned stream through as views, without copying', () => {
    const aligner = new TsPacketAligner();
    const blocks = aligner.push(program);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.buffer).toBe(program.buffer);
    expect(blocks[0]!.length).toBe(program.length);
  });

  it('reassembles packets across arbitrary chunk splits (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 12 }), (sizes) => {
        const out = alignAll(splitChunks(program, sizes));
        expect(out.equals(program)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('yields at most two blocks per chunk in steady state and copies only the straddling packet', () => {
    const aligner = new TsPacketAligner();
    const chunks = splitChunks(program, [1000]);
    for (const c of chunks) {
      const blocks = aligner.push(c);
      expect(blocks.length).toBeLessThanOrEqual(2);
      const views = blocks.filter((b) => b.buffer === c.buffer);
      const copies = blocks.filter((b) => b.buffer !== c.buffer);
      expect(copies.every((b) => b.length === TS_PACKET_SIZE)).toBe(true);
      expect(views.length + copies.length).toBe(blocks.length);
    }
  });

  describe('with garbage and a torn packet', () => {
    const garbage = Buffer.from([1, 2, 3, 0x47, 5, 6, 7]);
    const head = program.subarray(0, 10 * TS_PACKET_SIZE);
    const torn = program.subarray(10 * TS_PACKET_SIZE, 10 * TS_PACKET_SIZE + 100);
    const tail = program.subarray(20 * TS_PACKET_SIZE);
    const input = Buffer.concat([garbage, head, torn, tail]);

    it('drops exactly the garbage and the torn bytes when they are in view', () => {
      const aligner = new TsPacketAligner();
      const out = alignAll([input], aligner);
      expect(out.equals(Buffer.concat([head, tail]))).toBe(true);
      expect(aligner.stats.discardedBytes).toBe(garbage.length + torn.length);
      expect(aligner.stats.resyncs).toBe(1);
    });

    it('resyncs under any chunking, passing at most one damaged packet (property)', () => {
      const genuine = new Set<string>();
      for (let off = 0; off < program.length; off += TS_PACKET_SIZE) genuine.add(program.subarray(off, off + TS_PACKET_SIZE).toString('hex'));
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 8 }), (sizes) => {
          const aligner = new TsPacketAligner();
          const out = alignAll(splitChunks(input, sizes), aligner);
          let damaged = 0;
          for (let off = 0; off < out.length; off += TS_PACKET_SIZE) {
            if (!genuine.has(out.subarray(off, off + TS_PACKET_SIZE).toString('hex'))) damaged++;
          }
          expect(damaged).toBeLessThanOrEqual(1);
          // A tear hidden at a chunk edge may also cost the packet after it.
          expect(out.subarray(0, head.length).equals(head)).toBe(true);
          expect(out.subarray(out.length - (tail.length - TS_PACKET_SIZE)).equals(tail.subarray(TS_PACKET_SIZE))).toBe(true);
          expect(aligner.stats.resyncs).toBe(1);
        }),
        { numRuns: 300 },
      );
    });
  });

  it('does not lock onto a stray 0x47 in garbage', () => {
    const garbage = Buffer.alloc(400, 0x00);
    garbage[50] = 0x47;
    garbage[300] = 0x47;
    const out = alignAll([Buffer.concat([garbage, program])]);
    expect(out.equals(program)).toBe(true);
  });

  it('holds a partial packet until it completes, and can be reset', () => {
    const aligner = new TsPacketAligner();
    expect(aligner.push(program.subarray(0, 100))).toEqual([]);
    expect(aligner.pendingBytes).toBe(100);
    aligner.reset();
    expect(aligner.pendingBytes).toBe(0);
    const out = alignAll([program.subarray(TS_PACKET_SIZE)], aligner);
    expect(out.equals(program.subarray(TS_PACKET_SIZE))).toBe(true);
  });
});

describe('PAT / PMT', () => {
  it('finds the PMT PID in a PAT, skipping the network PID entry', () => {
    const pat = makePatPacket(0x1000, { withNit: true, programNumber: 7 });
    expect(parsePat(pat)).toEqual([{ programNumber: 7, pmtPid: 0x1000 }]);
    expect(findPmtPid(pat)).toBe(0x1000);
  });

  it('rejects a PAT with a bad CRC, a non-PAT PID or a missing PUSI', () => {
    const pat = makePatPacket(0x1000);
    const bad = Buffer.from(pat);
    bad[12] = bad[12]! ^ 0x01;
    expect(parsePat(bad)).toBeNull();
    const otherPid = Buffer.from(pat);
    otherPid[2] = 0x11;
    expect(parsePat(otherPid)).toBeNull();
    const noPusi = Buffer.from(pat);
    noPusi[1] = noPusi[1]! & ~0x40;
    expect(parsePat(noPusi)).toBeNull();
  });

  it('lists PMT streams past descriptors and finds the video PID', () => {
    const pmt = makePmtPacket(0x1000, [
      { streamType: 0x0f, pid: 0x101, esInfo: [0x0a, 0x04, 0x65, 0x6e, 0x67, 0x00] },
      { streamType: STREAM_TYPE_H264, pid: 0x100, esInfo: [] },
    ], { pcrPid: 0x100 });
    const parsed = parsePmt(pmt)!;
    expect(parsed.pcrPid).toBe(0x100);
    expect(parsed.streams).toEqual([
      { streamType: 0x0f, pid: 0x101 },
      { streamType: STREAM_TYPE_H264, pid: 0x100 },
    ]);
    expect(findVideoStream(parsed)).toEqual({ pid: 0x100, codec: 'h264' });
  });

  it('detects HEVC and reports no video for audio-only programs', () => {
    const hevc = parsePmt(makePmtPacket(0x1000, [{ streamType: STREAM_TYPE_HEVC, pid: 0x200 }]))!;
    expect(findVideoStream(hevc)).toEqual({ pid: 0x200, codec: 'hevc' });
    const audioOnly = parsePmt(makePmtPacket(0x1000, [{ streamType: 0x0f, pid: 0x101 }]))!;
    expect(findVideoStream(audioOnly)).toBeNull();
  });

  it('computes CRC-32/MPEG-2 (check value of "123456789")', () => {
    expect(crc32Mpeg2(Buffer.from('123456789'))).toBe(0x0376e6e7);
  });
});

describe('keyframe detection', () => {
  const vpid = SYNTH.videoPid;

  it('accepts random_access_indicator on a PUSI packet of the video PID', () => {
    expect(isKeyframeStart(makePesStart(vpid, { randomAccess: true, nalTypes: [9, 1] }), 0, vpid)).toBe(true);
  });

  it('ignores RAI on another PID or without PUSI', () => {
    expect(isKeyframeStart(makePesStart(0x101, { randomAccess: true }), 0, vpid)).toBe(false);
    const noPusi = makePacket({ pid: vpid, randomAccess: true });
    expect(isKeyframeStart(noPusi, 0, vpid)).toBe(false);
  });

  it('falls back to H.264 IDR or SPS NAL units in the PES payload', () => {
    expect(isKeyframeStart(makePesStart(vpid, { nalTypes: [9, 5] }), 0, vpid)).toBe(true);
    expect(isKeyframeStart(makePesStart(vpid, { nalTypes: [9, 7, 8, 5] }), 0, vpid)).toBe(true);
    expect(isKeyframeStart(makePesStart(vpid, { nalTypes: [9, 1] }), 0, vpid)).toBe(false);
    expect(isKeyframeStart(makePesStart(vpid, { nalTypes: [9, 6, 1] }), 0, vpid)).toBe(false);
  });

  it('falls back to HEVC IRAP / parameter-set NAL units', () => {
    expect(isKeyframeStart(makePesStart(vpid, { codec: 'hevc', nalTypes: [35, 32, 33, 34, 19] }), 0, vpid, 'hevc')).toBe(true);
    expect(isKeyframeStart(makePesStart(vpid, { codec: 'hevc', nalTypes: [35, 21] }), 0, vpid, 'hevc')).toBe(true);
    expect(isKeyframeStart(makePesStart(vpid, { codec: 'hevc', nalTypes: [35, 1] }), 0, vpid, 'hevc')).toBe(false);
  });

  it('finds exactly the keyframes of a synthetic program at any offset', () => {
    for (const marking of ['rai', 'nal'] as const) {
      const { data, keyframeOffsets } = synthProgram({ gops: 5, marking });
      const found: number[] = [];
      for (let off = 0; off < data.length; off += TS_PACKET_SIZE) if (isKeyframeStart(data, off, vpid)) found.push(off);
      expect(found).toEqual(keyframeOffsets);
    }
  });
});
