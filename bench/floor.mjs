// The floor: the least a script can do to print these pages with this browser. Start Node, launch the browser
// once, open and print each HTML file with page.pdf two at a time (as the pipeline prints), exit. Plain JavaScript,
// so nothing but Node and Puppeteer is loaded. Usage: node bench/floor.mjs BROWSER FILE…; prints JSON timings.
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer';

const [executablePath, ...files] = process.argv.slice(2);
const flags = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const started = performance.now();
const browser = await puppeteer.launch({ executablePath, headless: true, args: flags, pipe: true });
const launched = performance.now();
let next = 0;
const worker = async () => {
  while (next < files.length) {
    const file = files[next++];
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 0 });
    await page.pdf({ preferCSSPageSize: true, printBackground: true, timeout: 0 });
    await page.close();
  }
};
await Promise.all([worker(), worker()]);
await browser.close();
const done = performance.now();
process.stdout.write(`${JSON.stringify({ launchMs: Math.round(launched - started), printMs: Math.round(done - launched), inProcessMs: Math.round(done - started) })}\n`);
