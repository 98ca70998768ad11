/*
 * bench/page/bench.js: time to usable and bytes transferred for the web page on a
 * slow phone: 360x740, DevTools "Slow 3G" (2000 ms round trip, 50 kB/s each way)
 * and 4x CPU slowdown, through the Chrome DevTools Protocol (playwright-core,
 * Debian chromium). usage: node bench.js URL RUNS
 * "Usable" = the first red-flag question (cancer history) is on screen and
 * enabled; "triage" = after choosing "known cancer", back pain and leg weakness,
 * the emergency card is shown. Prints one JSON line per run and a median line.
 */
'use strict';
const { chromium } = require('../../tests/browser/node_modules/playwright-core');
const URL = process.argv[2];
const RUNS = Math.max(1, Math.min(10, Number(process.argv[3] || 3)));
const SLOW3G = { offline: false, latency: 2000, downloadThroughput: 50000, uploadThroughput: 50000 };

async function one(browser) {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', SLOW3G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0, requests = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; requests++; });
  const t0 = Date.now();
  await page.goto(URL, { waitUntil: 'commit', timeout: 120000 });
  const seen = page.waitForFunction(() => /\S/.test(document.body ? document.body.innerText : ''), null, { timeout: 120000, polling: 50 })
    .then(() => Date.now() - t0);
  await page.waitForSelector('#f-cancer-history:not([disabled])', { state: 'visible', timeout: 120000 });
  const usable = Date.now() - t0;
  const usableBytes = bytes, usableRequests = requests;
  const firstText = await seen;
  await page.selectOption('#f-cancer-history', 'known');
  await page.click('#f-symptoms-pain_thoracic_or_cervical');
  await page.click('#f-symptoms-limb_weakness');
  await page.waitForSelector('#triage[data-urgency="emergency"]', { timeout: 120000 });
  const triage = Date.now() - t0;
  await page.waitForTimeout(500);
  const firstLoadBytes = bytes;
  await ctx.close();
  return { first_text_ms: firstText, usable_ms: usable, triage_ms: triage, bytes_at_usable: usableBytes, requests_at_usable: usableRequests,
    bytes_total: firstLoadBytes, requests_total: requests };
}

(async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const runs = [];
  try {
    for (let i = 0; i < RUNS; i++) { const r = await one(browser); runs.push(r); console.log(JSON.stringify(r)); }
  } finally { await browser.close(); }
  const med = (k) => { const v = runs.map((r) => r[k]).sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
  console.log('median ' + JSON.stringify({ first_text_ms: med('first_text_ms'), usable_ms: med('usable_ms'), triage_ms: med('triage_ms'),
    bytes_at_usable: med('bytes_at_usable'), bytes_total: med('bytes_total'), requests_total: med('requests_total') }));
})().catch((e) => { console.error(e); process.exit(1); });
