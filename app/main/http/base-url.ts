/**
 * The absolute base URL written into playlists and guides. It comes from the Host header
 * the client used (so a TV on the LAN gets the LAN address), but only when that header is
 * a plain host: anything else (quotes, spaces, paths) would be copied into an M3U
 * attribute or a stream URL, so the server's own address is used instead.
 */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

export function isPlainHost(host: string | undefined): host is string {
  return typeof host === 'string' && host.length <= 260 && HOST.test(host);
}

/** `http://host[:port]` from the client's Host header, else from the socket the request came in on. */
export function safeBaseUrl(protocol: string, hostHeader: string | undefined, local: { address?: string; port?: number }): string {
  const scheme = protocol === 'https' ? 'https' : 'http';
  if (isPlainHost(hostHeader)) return `${scheme}://${hostHeader}`;
  const addr = local.address ?? '127.0.0.1';
  const host = addr.includes(':') ? `[${addr.replace(/^::ffff:/, '')}]` : addr;
  return `${scheme}://${addr.startsWith('::ffff:') ? addr.slice(7) : host}${local.port ? `:${local.port}` : ''}`;
}

/**
 * The base URL of a request. Behind a reverse proxy started with --trust-proxy, fastify
 * gives X-Forwarded-Proto and X-Forwarded-Host as the request's protocol and host; without
 * it those headers are ignored (any client could send them).
 */
export function requestBaseUrl(req: { protocol: string; host: string; socket: { localAddress?: string; localPort?: number } }): string {
  return safeBaseUrl(req.protocol, req.host, { address: req.socket.localAddress, port: req.socket.localPort });
}
