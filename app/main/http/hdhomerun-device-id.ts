/**
 * The station's HDHomeRun DeviceID: 8 hex digits whose last digit is a checksum of the
 * other seven (the rule libhdhomerun applies; Plex refuses a tuner whose ID fails it).
 * Made on first start and kept in the data directory, so clients that saved the tuner
 * find the same device after a restart.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const DEVICE_ID_FILE = 'hdhomerun-device-id';
const LOOKUP = [0xa, 0x5, 0xf, 0x6, 0x7, 0xc, 0x1, 0xb, 0x9, 0x2, 0x8, 0xd, 0x4, 0x3, 0xe, 0x0] as const;
const SHAPE = /^[0-9A-F]{8}$/;

/** XOR of the seven leading nibbles, alternately through the lookup table: the value the last nibble must have. */
function checkNibble(nibbles: number[]): number {
  let sum = 0;
  for (let i = 0; i < 7; i++) sum ^= i % 2 === 0 ? (LOOKUP[nibbles[i] as number] as number) : (nibbles[i] as number);
  return sum;
}

export function isValidDeviceId(id: string): boolean {
  if (!SHAPE.test(id)) return false;
  const nibbles = [...id].map((c) => parseInt(c, 16));
  return checkNibble(nibbles) === nibbles[7];
}

/** A new DeviceID from seven random nibbles and their check nibble. */
export function makeDeviceId(random: Buffer = randomBytes(4)): string {
  const nibbles = [...random.toString('hex').toUpperCase().slice(0, 7)].map((c) => parseInt(c, 16));
  // A leading 0 or F reads like a wildcard or a test ID to some tools; keep clear of both.
  if (nibbles[0] === 0 || nibbles[0] === 0xf) nibbles[0] = 1;
  return [...nibbles, checkNibble(nibbles)].map((n) => n.toString(16).toUpperCase()).join('');
}

/** The stored DeviceID, or a new one written to the data directory. */
export function loadOrCreateDeviceId(dataDir: string): string {
  const file = path.join(dataDir, DEVICE_ID_FILE);
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim().toUpperCase();
    if (isValidDeviceId(stored)) return stored;
  }
  mkdirSync(dataDir, { recursive: true });
  const id = makeDeviceId();
  try {
    writeFileSync(file, `${id}\n`);
  } catch (err) {
    throw new Error(`Cannot write the HDHomeRun device ID ${file}: ${(err as Error).message}. Check the data directory's permissions.`);
  }
  return id;
}

/** The UPnP UDN for the device (device.xml and SSDP must agree): a UUID derived from the DeviceID. */
export function deviceUdn(deviceId: string): string {
  const h = createHash('sha1').update(`retrovue-hdhomerun:${deviceId}`).digest('hex');
  // RFC 4122 name-based layout: version 5, variant 10xx.
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
