// Renders resources/icons/retrovue.svg to the PNG the desktop window and installers use.
import { chromium } from 'playwright';
import { readFileSync } from 'node:fs';
void (async () => {
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const p = await b.newPage({ viewport: { width: 512, height: 512 } });
  const svg = readFileSync(new URL('../resources/icons/retrovue.svg', import.meta.url), 'utf8');
  await p.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg', '<svg width="512" height="512"')}</body></html>`);
  await p.screenshot({ path: new URL('../resources/icons/icon.png', import.meta.url).pathname, omitBackground: true });
  await b.close();
})();
