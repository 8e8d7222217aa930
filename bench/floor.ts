// The floor: the least any tool can do to print these pages with this browser. One launch, then each HTML file
// opened and printed with page.pdf, two at a time (as the pipeline prints), nothing else.
import puppeteer from 'puppeteer';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_FLAGS, findBrowser } from '../pipeline/browser.ts';

export interface FloorResult {
  launchMs: number;
  printMs: number;
  totalMs: number;
  pages: number;
}

export async function floor(files: readonly string[], concurrency = 2): Promise<FloorResult> {
  const started = performance.now();
  const browser = await puppeteer.launch({ executablePath: findBrowser()!.path, headless: true, args: CHROMIUM_FLAGS });
  const launched = performance.now();
  let next = 0;
  let pages = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const page = await browser.newPage();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 0 });
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true, timeout: 0 });
      pages += (Buffer.from(pdf).toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      await page.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await browser.close();
  }
  const done = performance.now();
  return { launchMs: Math.round(launched - started), printMs: Math.round(done - launched), totalMs: Math.round(done - started), pages };
}
