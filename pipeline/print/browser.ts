// The browser edge: finding a Chromium, launching one per build, printing pages offline with scripts off, and
// closing it on success, on failure and on Ctrl-C so that no Chromium outlives a build.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { launch, type Browser, type Page, type PDFOptions } from 'puppeteer-core';
import { PrintError } from '../data/diagnostics.ts';
import { findSystemBrowser, type BrowserChoice } from './find-browser.ts';

/** Flags for a headless Chromium on a closed network: no background traffic, no first-run work. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-extensions',
  '--font-render-hinting=none',
];

/** The browser, in this order: PUPPETEER_EXECUTABLE_PATH, a system Chromium or Chrome, Puppeteer's own download. */
export function findBrowser(env: NodeJS.ProcessEnv = process.env): BrowserChoice | undefined {
  const found = findSystemBrowser(env);
  if (found) return found;
  try {
    // The puppeteer package (its configuration, its download's path) is loaded only here: the build launches through
    // puppeteer-core, bundled with the command line, which loads in a fraction of the time.
    const puppeteer = createRequire(import.meta.url)('puppeteer') as typeof import('puppeteer');
    const own = puppeteer.executablePath();
    if (own && existsSync(own)) return { path: own, source: 'puppeteer' };
  } catch {
    // Puppeteer has no browser of its own: the caller says how to get one.
  }
  return undefined;
}

export const NO_BROWSER_HELP = `no Chromium or Chrome found. Any one of these fixes it:
  - make build (as root on Debian or Ubuntu it installs the chromium package),
  - npx puppeteer browsers install chrome-headless-shell,
  - apt-get install chromium, or
  - PUPPETEER_EXECUTABLE_PATH=/path/to/chrome.`;

export { PrintError };

export interface PrintJob {
  /** A name for messages: the brief's name. */
  name: string;
  /** An HTML file inside the allowed folder. */
  file: string;
  pdf: PDFOptions;
  /** Runs in the loaded page before printing (the DevTools protocol still works with page scripts off). */
  prepare?: (page: Page) => Promise<void>;
}

/**
 * Loads, in the loaded page, the font faces that each of `fonts` (CSS `font` shorthands such as
 * `normal 400 16px "Noto Sans TC", sans-serif`) needs to draw `text`, that is every face of those families whose
 * unicode-range touches it, then waits until no font load is pending. Chromium loads a face only when laid-out text
 * asks for it, and text that is printed while its face is still loading is left out; this loads them up front.
 * Returns the loads that failed (an unparsable font, or a face file that did not load).
 */
export async function loadFonts(page: Page, fonts: readonly string[], text: string): Promise<string[]> {
  if (!fonts.length || !text.trim()) return [];
  return page.evaluate(async (list: string[], chars: string) => {
    const failed = await Promise.all(
      list.map((font) =>
        document.fonts.load(font, chars).then(
          () => '',
          (err: unknown) => `${font}: ${err instanceof Error ? err.message : String(err)}`,
        ),
      ),
    );
    await document.fonts.ready;
    return failed.filter((f) => f !== '');
  }, [...fonts], text);
}

export interface Printer {
  print(job: PrintJob): Promise<Uint8Array>;
  /** Prints with a page that stays open for a second pass (the table of contents with page numbers). */
  withPage<T>(job: Omit<PrintJob, 'pdf'>, use: (page: Page, print: (options: PDFOptions) => Promise<Uint8Array>) => Promise<T>): Promise<T>;
  refused: string[];
  /** Settles while a page is printing: at once if one is, else when the next print starts. */
  printing(): Promise<void>;
  close(): Promise<void>;
}

/** How long one print may take: a 700-page dossier prints in about half a minute on two free cores. */
export const PRINT_TIMEOUT_MS = 10 * 60_000;

/** A small counting semaphore: at most `size` pages print at once. */
function pool(size: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= size) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** The prefix of every Chromium profile folder a build makes in the temporary folder; the next build clears dead ones. */
export const PROFILE_PREFIX = 'dialogue-briefs-chromium-';

const openBrowsers = new Set<Browser>();

/**
 * Closes every browser this process opened: on Ctrl-C or a kill the build calls it, so a print in progress fails at
 * once and the build that waited on it reports the interruption.
 */
export const closeAllBrowsers = (): Promise<unknown> => Promise.allSettled([...openBrowsers].map((b) => b.close()));

/** On a second signal, whatever browser is left is killed outright, synchronously. */
export function killAllBrowsers(): void {
  for (const b of openBrowsers) b.process()?.kill('SIGKILL');
}

/**
 * Launches one browser for the build. Pages load only files inside `allowedDir` (and data: URLs); every other request
 * is refused, recorded, and fails that print.
 */
export async function openPrinter(allowedDir: string, options: { concurrency?: number; log?: (line: string) => void } = {}): Promise<Printer> {
  const choice = findBrowser();
  if (!choice) throw new PrintError('briefs', NO_BROWSER_HELP);
  const profile = await mkdtemp(join(tmpdir(), `${PROFILE_PREFIX}${process.pid}-`));
  const launching = launch({
    userDataDir: profile,
    executablePath: choice.path,
    headless: true,
    args: CHROMIUM_FLAGS,
    // Over a pipe, Chromium sees its parent die (even by kill -9) and exits instead of running on as an orphan.
    pipe: true,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    // A protocol call waits as long as a print may take (puppeteer's own 180 s would cut a long dossier short on a
    // loaded machine, and its error names no brief).
    protocolTimeout: PRINT_TIMEOUT_MS,
  });
  const browser = await launching.catch(async (err: unknown) => {
    await rm(profile, { recursive: true, force: true });
    throw err;
  });
  // Over the pipe (fds 3 and 4), a write racing Chromium's exit — Ctrl-C closes it mid-print — fails with EPIPE; with
  // no listener that error would crash the process while it reports the interruption.
  for (const stream of (browser.process()?.stdio ?? []) as (NodeJS.EventEmitter | null)[]) stream?.on('error', () => undefined);
  openBrowsers.add(browser);
  options.log?.(`browser: ${choice.path} (${choice.source}), pid ${browser.process()?.pid ?? '?'}`);
  const root = resolve(allowedDir) + sep;
  const refused: string[] = [];
  let inFlight = 0;
  const whenPrinting: (() => void)[] = [];
  const limit = pool(options.concurrency ?? 2);

  const isOwnFile = (url: string) => {
    if (url.startsWith('data:')) return true;
    if (!url.startsWith('file:')) return false;
    const path = decodeURIComponent(new URL(url).pathname);
    return resolve(path).startsWith(root);
  };

  /** A tab and the job it is printing: its request checks report to that job. */
  interface Tab {
    page: Page;
    job?: { name: string; problems: string[] };
  }
  // Tabs are kept between prints: a new tab costs a renderer's start and the font files' loading and decoding again,
  // as much as printing a short brief does.
  const idle: Tab[] = [];

  async function newTab(): Promise<Tab> {
    const page = await browser.newPage();
    const tab: Tab = { page };
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      const url = request.url();
      if (isOwnFile(url)) {
        void request.continue();
      } else {
        refused.push(url);
        options.log?.(`refused: ${tab.job?.name ?? 'a page'} asked for ${url}`);
        tab.job?.problems.push(`refused a request that is not one of the build's files: ${url}`);
        void request.abort('blockedbyclient');
      }
    });
    page.on('requestfailed', (request) => {
      if (isOwnFile(request.url())) tab.job?.problems.push(`could not load ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`);
    });
    page.on('pageerror', (err) => tab.job?.problems.push(`page error: ${err instanceof Error ? err.message : String(err)}`));
    return tab;
  }

  async function openPage(name: string, file: string): Promise<{ tab: Tab; problems: string[] }> {
    const tab = idle.pop() ?? (await newTab());
    const job = { name, problems: [] as string[] };
    tab.job = job;
    try {
      const response = await tab.page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load', timeout: 60_000 });
      if (response && !response.ok()) job.problems.push(`could not open ${file}`);
      await tab.page.evaluate(() => document.fonts.ready.then(() => undefined));
    } catch (err) {
      await tab.page.close().catch(() => undefined);
      throw err;
    }
    return { tab, problems: job.problems };
  }

  const check = (name: string, problems: string[]) => {
    if (problems.length) throw new PrintError(name, problems.join('; '));
  };

  const withPage: Printer['withPage'] = (job, use) =>
    limit(async () => {
      const { tab, problems } = await openPage(job.name, job.file);
      const { page } = tab;
      let reusable = false;
      try {
        check(job.name, problems);
        if (job.prepare) await job.prepare(page);
        const result = await use(page, async (pdfOptions) => {
          inFlight++;
          for (const resolve of whenPrinting.splice(0)) resolve();
          const bytes = await page.pdf({ timeout: PRINT_TIMEOUT_MS, ...pdfOptions }).finally(() => inFlight--).catch((err: unknown) => {
            // A print that outlasts the time-out is this brief's failure, in words; a closed browser is the caller's.
            if (err instanceof Error && /timed out|Timeout/i.test(err.message) && browser.connected) {
              throw new PrintError(job.name, `Chromium did not finish printing within ${PRINT_TIMEOUT_MS / 60_000} minutes (a machine this busy may need the build run again when it is quieter)`);
            }
            throw err;
          });
          check(job.name, problems);
          return bytes;
        });
        reusable = true;
        return result;
      } finally {
        // A tab whose print failed is not trusted with another; one that printed waits for the next.
        if (reusable && idle.length < (options.concurrency ?? 2)) {
          tab.job = undefined;
          idle.push(tab);
        } else await page.close().catch(() => undefined);
      }
    });

  return {
    refused,
    withPage,
    print: (job) => withPage(job, (_, print) => print(job.pdf)),
    printing: () => (inFlight > 0 ? Promise.resolve() : new Promise((resolve) => whenPrinting.push(resolve))),
    async close() {
      openBrowsers.delete(browser);
      const chromium = browser.process();
      await browser.close().catch(() => undefined);
      // A close already under way (Ctrl-C closed every browser first) returns before Chromium has exited, and an exiting
      // Chromium still writes into its profile: the profile goes only once the process is gone (or after 5 s).
      if (chromium && chromium.exitCode === null && chromium.signalCode === null) {
        await Promise.race([new Promise((r) => chromium.once('exit', r)), new Promise((r) => setTimeout(r, 5_000).unref())]);
      }
      await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
}
