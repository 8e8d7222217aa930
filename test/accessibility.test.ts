// Accessibility as institutions check it, on what a build writes: axe-core's WCAG 2.2 AA and best-practice rules on
// every HTML page, and Ace by DAISY (the EPUB accessibility checker) on the EPUB. Both run offline, on the shared
// build, in one Chromium launched for the file: Ace (in a process of its own) connects to it and checks the books in
// its tabs while axe checks the pages in another.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { AxeResults, RunOptions } from 'axe-core';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, findBrowser, NO_BROWSER_HELP } from '../pipeline/print/browser.ts';
import { realBuild } from './shared-build.ts';

const require = createRequire(import.meta.url);
// Loaded by each page from the file, as a page loads its own scripts, rather than sent over the DevTools pipe each time.
const AXE_SCRIPT = pathToFileURL(require.resolve('axe-core/axe.min.js')).href;
// Ace on Puppeteer (its plain `ace` runs on Electron, whose binary is not installed), every book in one run.
const ACE_RUNNER = fileURLToPath(new URL('ace.cjs', import.meta.url));

/** WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices: every rule of these runs, none is turned off. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Every HTML page of a full build. */
const LANGS = ['zh-Hant', 'zh-Hans'] as const;
const PAGES = ['index.html', ...LANGS.flatMap((lang) => ['chronology', 'roster', 'checklist', 'dossier'].map((name) => `${lang}/${name}.html`))];

const work = mkdtempSync(join(tmpdir(), 'briefs-a11y-'));
// The shared build: with PDF among its formats it publishes the dossier's page too.
const out = realBuild.outDir;
const chromium = findBrowser();
let browser: Browser | undefined;

/** Ace's reports on both books, from one Ace run, started with the file: it runs while axe checks the pages. */
let aceReports: Promise<Record<(typeof LANGS)[number], AceReport>>;

beforeAll(async () => {
  if (!chromium) throw new Error(NO_BROWSER_HELP);
  // Page scripts on (the printer turns them off): axe runs in the page. The pipe is Puppeteer's (Chromium exits with
  // its parent); the DevTools port, on 127.0.0.1, is for Ace's process.
  browser = await puppeteer.launch({ executablePath: chromium.path, headless: true, args: [...CHROMIUM_FLAGS, '--remote-debugging-port=0'], pipe: true });
  aceReports = runAce(browser.wsEndpoint());
  // Awaited by the Ace tests; a failure is theirs, not an unhandled rejection in the meantime.
  aceReports.catch(() => undefined);
}, 120_000);

async function runAce(browserWSEndpoint: string): Promise<Record<(typeof LANGS)[number], AceReport>> {
  if (!browserWSEndpoint) throw new Error('Chromium gave no DevTools address for Ace to connect to');
  // Ace's config and logs go to the work folder.
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: join(work, 'config'),
    XDG_STATE_HOME: join(work, 'state'),
    XDG_DATA_HOME: join(work, 'data'),
    XDG_CACHE_HOME: join(work, 'cache'),
  };
  const books = LANGS.map((lang) => join(out, lang, 'briefs.epub'));
  await promisify(execFile)(process.execPath, [ACE_RUNNER, browserWSEndpoint, join(work, 'ace'), join(work, 'ace-temp'), ...books], { env, timeout: 150_000 });
  return Object.fromEntries(LANGS.map((lang, i) => [lang, JSON.parse(readFileSync(join(work, 'ace', String(i), 'report.json'), 'utf8')) as AceReport])) as Record<(typeof LANGS)[number], AceReport>;
}

afterAll(async () => {
  // Ace's run is over before its browser and folder go (it ends with its tests, or here should they not have run).
  await aceReports?.catch(() => undefined);
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/**
 * axe's results for one page of the build, loaded from its file, in the one tab every page is loaded into in turn
 * (Ace's tabs run beside it; more tabs for axe were measured to cost CPU time, not to save it).
 */
let tab: Page | undefined;
async function axe(page: string): Promise<AxeResults> {
  tab ??= await browser!.newPage();
  // A navigation leaves nothing of the page before: axe is added again to each page it checks.
  await tab.goto(pathToFileURL(join(out, page)).href, { waitUntil: 'load', timeout: 60_000 });
  await tab.evaluate(() => document.fonts.ready.then(() => undefined));
  await tab.addScriptTag({ url: AXE_SCRIPT });
  // Every rule runs and reports every violating element; passing and inapplicable rules are listed with one element
  // each, which spares axe building selectors for every element that passed.
  const options: RunOptions = { runOnly: { type: 'tag', values: AXE_TAGS }, resultTypes: ['violations'] };
  return await tab.evaluate((o) => (window as unknown as { axe: { run(context: Document, options: RunOptions): Promise<AxeResults> } }).axe.run(document, o), options);
}

describe('axe-core on every HTML page of a build', () => {
  it.each(PAGES)('%s has no violation of WCAG 2.2 AA or of a best practice', async (page) => {
    const results = await axe(page);
    expect(results.testEngine.version).toMatch(/^4\./);
    // The rules did run: a page that failed to load would pass vacuously.
    expect(results.passes.map((r) => r.id)).toEqual(expect.arrayContaining(['document-title', 'html-has-lang', 'landmark-one-main', 'region']));
    const report = results.violations.flatMap((v) => [
      `${v.id} (${v.impact}) on ${v.nodes.length} element(s): ${v.help} (${v.helpUrl})`,
      ...v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ')}`),
    ]);
    expect(results.violations.map((v) => `${v.id} ×${v.nodes.length}`), `${page}:\n${report.join('\n')}`).toEqual([]);
  }, 60_000);
});

/** The parts of Ace's report (EARL, https://daisy.github.io/ace/docs/report-json/) this test reads. */
interface AceReport {
  'earl:result': { 'earl:outcome': 'pass' | 'fail' };
  'earl:assertedBy': { 'doap:release': { 'doap:revision': string } };
  'earl:testSubject': { metadata: Record<string, unknown> };
  assertions: {
    'earl:testSubject': { url: string };
    assertions: { 'earl:test': { 'dct:title': string; 'earl:impact': string }; 'earl:result': { 'dct:description': string } }[];
  }[];
  'a11y-metadata': { missing: string[]; present: string[] };
}

describe('Ace by DAISY on the EPUB of a build', () => {
  let reports: Record<(typeof LANGS)[number], AceReport>;
  beforeAll(async () => {
    reports = await aceReports;
  }, 180_000);

  it.each(LANGS)('finds no violation in the %s book, and the accessibility metadata EPUB Accessibility 1.1 asks for', (lang) => {
    const report = reports[lang];
    // The report is of this book.
    expect(report['earl:testSubject'].metadata['dc:language']).toBe(lang);
    const violations = report.assertions.flatMap((doc) =>
      doc.assertions.map((a) => ({ impact: a['earl:test']['earl:impact'], rule: a['earl:test']['dct:title'], file: doc['earl:testSubject'].url, text: a['earl:result']['dct:description'] })),
    );
    const byImpact: Record<string, number> = {};
    const byRule: Record<string, number> = {};
    for (const v of violations) {
      byImpact[v.impact] = (byImpact[v.impact] ?? 0) + 1;
      byRule[`${v.rule} (${v.impact}) in ${v.file}`] = (byRule[`${v.rule} (${v.impact}) in ${v.file}`] ?? 0) + 1;
    }
    const summary = [
      `Ace ${report['earl:assertedBy']['doap:release']['doap:revision']}: ${JSON.stringify(byImpact)}`,
      ...Object.entries(byRule).map(([rule, n]) => `  ${n} × ${rule}`),
      ...violations.slice(0, 10).map((v) => `  ${v.file}: ${v.text}`),
    ].join('\n');
    expect(byImpact, summary).toEqual({});
    expect(report['earl:result']['earl:outcome'], summary).toBe('pass');
    const required = ['schema:accessMode', 'schema:accessModeSufficient', 'schema:accessibilityFeature', 'schema:accessibilityHazard', 'schema:accessibilitySummary', 'dcterms:conformsTo', 'a11y:certifiedBy'];
    expect(report['a11y-metadata'].present).toEqual(expect.arrayContaining(required));
  });
});
