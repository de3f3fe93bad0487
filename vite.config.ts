// Renderer build: app/renderer/index.html → out/renderer, with relative asset URLs so the same
// build loads from file:// in Electron and from "/" on the station's HTTP server.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

// The console fetches the API and the MPEG-TS streams from the station (which, from file://,
// is another origin); mpegts.js feeds MSE through blob: URLs. Build only: dev needs inline HMR code.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "connect-src 'self' http: https:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'retrovue-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

// `vite` (dev) proxies the API to a running station: RETROVUE_STATION=http://127.0.0.1:8400 npx vite
const station = process.env.RETROVUE_STATION;

export default defineConfig({
  root: here('./app/renderer'),
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  // Allow the icon in resources/ to be referenced from index.html.
  server: {
    fs: { allow: [here('.')] },
    proxy: station ? { '/api': station, '/iptv': station } : undefined,
  },
  build: {
    outDir: here('./out/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    // mpegts.js alone is ~300 kB; a desktop console loads from disk or localhost.
    chunkSizeWarningLimit: 1024,
  },
});
