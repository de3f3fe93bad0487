import { describe, expect, it } from 'vitest';
import { buildEncoderArgs } from '../../playout/encoder-args.ts';
import { validateStation, StationFileError } from '../../schedule/station-file.ts';
import { DEFAULT_PROFILE } from './output-profile.ts';
import { describeProfile, resolveProfile } from './output-spec.ts';

describe('output profiles from the station file', () => {
  it('resolve names to exact formats, over the station default', () => {
    const p = resolveProfile({ resolution: '480p', fps: 29.97, videoBitrateKbps: 900, preset: 'superfast', audioChannels: 1 }, DEFAULT_PROFILE);
    expect([p.width, p.height, p.fpsNum, p.fpsDen, p.videoBitrateKbps, p.preset, p.audioChannels]).toEqual([640, 480, 30000, 1001, 900, 'superfast', 1]);
    expect(p.audioBitrateKbps).toBe(DEFAULT_PROFILE.audioBitrateKbps);
    expect(resolveProfile({ fps: 25 }, DEFAULT_PROFILE)).toMatchObject({ width: 1280, height: 720, fpsNum: 25, fpsDen: 1 });
    expect(resolveProfile(null, DEFAULT_PROFILE)).toBe(DEFAULT_PROFILE);
    expect(describeProfile(p)).toBe('640x480 29.97 fps 900 kb/s libx264 superfast');
  });

  it('build encoder arguments for each rate control and encoder (golden)', () => {
    const crf = buildEncoderArgs(resolveProfile({ crf: 23, maxrateKbps: 3000 }, DEFAULT_PROFILE));
    const at = crf.indexOf('-c:v');
    expect(crf.slice(at, at + 18)).toEqual(['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-crf', '23', '-maxrate', '3000k', '-bufsize', '6000k', '-g', '30', '-keyint_min', '30']);
    const ntsc = buildEncoderArgs(resolveProfile({ fps: 29.97 }, DEFAULT_PROFILE));
    expect(ntsc[ntsc.indexOf('-framerate') + 1]).toBe('30000/1001');
    expect(ntsc[ntsc.indexOf('-g') + 1]).toBe('30');
    const nvenc = buildEncoderArgs(resolveProfile({ encoder: 'nvenc', videoBitrateKbps: 4000 }, DEFAULT_PROFILE));
    expect(nvenc.slice(nvenc.indexOf('-c:v'), nvenc.indexOf('-c:v') + 8)).toEqual(['-c:v', 'h264_nvenc', '-preset', 'p2', '-tune', 'll', '-rc', 'cbr']);
    const vaapi = buildEncoderArgs(resolveProfile({ encoder: 'vaapi' }, DEFAULT_PROFILE));
    expect(vaapi).toContain('format=nv12,hwupload');
  });

  it('refuse what cannot be encoded, naming the field', () => {
    const bad = (output: unknown) => {
      try {
        validateStation({ channels: [{ number: 1, name: 'A', timezone: 'UTC', output }] });
        return [];
      } catch (err) {
        return (err as StationFileError).problems;
      }
    };
    expect(bad({ resolution: '720p', fps: 30 })).toEqual([]);
    expect(bad({ fps: 31 })[0]).toMatch(/^channels\[0\]\.output\.fps/);
    expect(bad({ resolution: '4k' })[0]).toMatch(/^channels\[0\]\.output\.resolution/);
    expect(bad({ crf: 20 })).toContain('channels[0].output.maxrateKbps: crf needs maxrateKbps (a live stream needs a ceiling)');
    expect(bad({ encoder: 'cuda' })[0]).toMatch(/^channels\[0\]\.output\.encoder/);
    expect(bad({ videoBitrateKbps: 1e9 })[0]).toMatch(/^channels\[0\]\.output\.videoBitrateKbps/);
  });
});
