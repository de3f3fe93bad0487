/**
 * The kernel's view of a TCP connection (/proc/net/tcp), to tell whether the station has
 * let go of a viewer that never reads: its side leaves ESTABLISHED (FIN_WAIT, or gone)
 * even though the stalled client, not reading, would never notice.
 */
import { readFileSync } from 'node:fs';

const STATES: Record<string, string> = {
  '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2', '06': 'TIME_WAIT',
  '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0A': 'LISTEN', '0B': 'CLOSING',
};

/** State of the socket bound to `localPort` and connected to `remotePort` (IPv4 loopback), or null if there is none. */
export function tcpState(localPort: number, remotePort: number): string | null {
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4) continue;
      const lp = parseInt(f[1]!.split(':')[1]!, 16);
      const rp = parseInt(f[2]!.split(':')[1]!, 16);
      if (lp === localPort && rp === remotePort) return STATES[f[3]!] ?? f[3]!;
    }
  }
  return null;
}
