/**
 * The control token: the one secret that lets a client change what the station airs
 * (modes, restarts). Made on first start, kept in the data directory readable by its
 * owner only, and reused on later starts so links and scripts keep working.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const CONTROL_TOKEN_FILE = 'control-token';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{32,256}$/;

export function controlTokenFile(dataDir: string): string {
  return path.join(dataDir, CONTROL_TOKEN_FILE);
}

/** The token stored in `dataDir`, or null when there is none (or it is not a token). */
export function readToken(dataDir: string): string | null {
  const file = controlTokenFile(dataDir);
  if (!existsSync(file)) return null;
  const token = readFileSync(file, 'utf8').trim();
  return TOKEN_SHAPE.test(token) ? token : null;
}

/** The station's token: the stored one, or a new one (32 random bytes, base64url) written with mode 0600. */
export function loadOrCreateToken(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const file = controlTokenFile(dataDir);
  const existing = readToken(dataDir);
  if (existing) {
    // Tighten a file someone loosened: anyone who can read it controls the station.
    if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return existing;
  }
  const token = randomBytes(32).toString('base64url');
  try {
    // 'wx' when there is no file: of two stations starting at once, one token wins and both use it.
    writeFileSync(file, `${token}\n`, { mode: 0o600, flag: existsSync(file) ? 'w' : 'wx' });
  } catch (err) {
    const winner = (err as NodeJS.ErrnoException).code === 'EEXIST' ? readToken(dataDir) : null;
    if (winner) return winner;
    throw new Error(`Cannot write the control token ${file}: ${(err as Error).message}. Check the data directory's permissions.`);
  }
  // The mode above applies only when the file is created (and through the umask); make sure.
  chmodSync(file, 0o600);
  return token;
}

/** Compare a presented token with the real one in constant time (lengths too). */
export function tokensEqual(presented: string, expected: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
