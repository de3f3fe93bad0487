/**
 * Viewers that misbehave at the socket level: one that never reads, one that reads at a
 * fixed slow rate. Plain TCP, so nothing in between reads on their behalf.
 */
import net from 'node:net';

export interface RawViewer {
  /** Bytes this client has read (headers included). */
  readonly received: () => number;
  /** The client's local port, to find the connection in /proc/net/tcp. */
  readonly localPort: () => number;
  close(): void;
}

/**
 * GET `url` and read at most `bytesPerSecond` (0: never read anything). The socket is
 * paused, so unread bytes stay in the kernel's buffers and the sender sees a full window.
 */
export async function rawViewer(url: string, bytesPerSecond: number): Promise<RawViewer> {
  const u = new URL(url);
  const socket = net.connect({ host: u.hostname, port: Number(u.port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  socket.pause();
  socket.write(`GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: fault-test\r\n\r\n`);
  let received = 0;
  let timer: NodeJS.Timeout | null = null;
  if (bytesPerSecond > 0) {
    const perTick = Math.max(1, Math.round(bytesPerSecond / 10));
    timer = setInterval(() => {
      const n = Math.min(perTick, socket.readableLength);
      if (n <= 0) {
        // Nothing buffered yet: a zero-length read asks the stream to fetch more.
        socket.read(0);
        return;
      }
      const chunk = socket.read(n) as Buffer | null;
      if (chunk) received += chunk.length;
    }, 100);
  }
  const localPort = socket.localPort!;
  return {
    received: () => received,
    localPort: () => localPort,
    close() {
      if (timer) clearInterval(timer);
      socket.destroy();
    },
  };
}
