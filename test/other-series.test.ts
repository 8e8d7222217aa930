// Any dialogue series: a second, different series (the 2025 economic and trade talks) and the smallest dataset (one
// round, no one named, no events, no outcomes) build to every format, say only what their own data says, and print
// every page with its running header and footer.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPrinter, type Printer } from '../pipeline/print/browser.ts';
import { build, defaultBuildOptions } from '../pipeline/build/build.ts';
import { formatDateRange } from '../pipeline/views/format.ts';
import { loadLocale } from '../pipeline/views/locale.ts';
import type { Dataset } from '../pipeline/data/schema.ts';
import { publicationView } from '../pipeline/views/series.ts';
import { epubcheck, type EpubCheckReport } from './epubcheck.ts';
import { FIXTURES, readYamlFiles } from './helpers.ts';
import { fromHtml } from './html.ts';
import { datasetFromTexts, realDataset, TEMPLATES } from './render.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-series-'));
const locale = await loadLocale(TEMPLATES, 'zh-Hant');
let printer: Promise<Printer>;
// Both fixtures are built at once, on one browser (its pages print side by side), from the first hook on; each
// describe awaits its own.
const builds: Record<string, Promise<Awaited<ReturnType<typeof buildFixture>>>> = {};
const builtFixture = (name: string) => (builds[name] ??= buildFixture(name));

beforeAll(async () => {
  printer = openPrinter(work);
  await printer;
  for (const name of ['series-2025', 'single-round']) builtFixture(name).catch(() => undefined);
});
afterAll(async () => {
  await Promise.allSettled(Object.values(builds));
  await (await printer).close();
  rmSync(work, { recursive: true, force: true });
});

/** The running header of a page: the title of its brief, or of the dossier. */
function headerPattern(data: Dataset): RegExp {
  const p = publicationView(data, locale);
  const titles = [p.dossierTitle, ...Object.values(p.briefs).map((b) => b.title)].map((t) => t.replace(/\s+/g, ''));
  return new RegExp(`^(${titles.join('|')})`);
}

/** Every page of every PDF but the dossier's cover starts with its running header and carries "page X of Y". */
function expectRunningHeadAndFoot(pdfs: Record<string, string[]>, own: Dataset): void {
  const header = headerPattern(own);
  for (const [file, pages] of Object.entries(pdfs)) {
    pages.forEach((text, i) => {
      if (file === 'dossier.pdf' && i === 0) return;
      expect(text, `${file} page ${i + 1}`).toContain(`第${i + 1}頁，共${pages.length}頁`);
      expect(text, `${file} page ${i + 1}`).toMatch(header);
    });
  }
}

/** Builds a fixture to every format and reads back what a reader sees in each file, page by page for PDFs. */
async function buildFixture(name: string) {
  const out = join(work, name);
  // Only the zh-Hant edition is read here (the index lists both editions whatever is made).
  await build({ ...defaultBuildOptions(), dataDir: join(FIXTURES, name), templatesDir: TEMPLATES, outDir: out, langs: ['zh-Hant'], printer: await printer });
  const dir = join(out, 'zh-Hant');
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const pdfs: Record<string, string[]> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.pdf'))) {
    const doc = await getDocument({ data: new Uint8Array(readFileSync(join(dir, file))), verbosity: 0 }).promise;
    const pages: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const content = await (await doc.getPage(i)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join('').replace(/\s+/g, ''));
    }
    pdfs[file] = pages;
    await doc.destroy();
  }
  const epub = unzipSync(new Uint8Array(readFileSync(join(dir, 'briefs.epub'))));
  const texts: Record<string, string> = {
    ...Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.md')).map((f) => [f, readFileSync(join(dir, f), 'utf8')])),
    ...Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.html')).map((f) => [f, fromHtml(readFileSync(join(dir, f), 'utf8')).text])),
    ...Object.fromEntries(Object.entries(pdfs).map(([f, pages]) => [f, pages.join('')])),
    ...Object.fromEntries(Object.entries(epub).filter(([p]) => p.endsWith('.xhtml')).map(([p, bytes]) => [`briefs.epub/${p}`, fromHtml(strFromU8(bytes)).text])),
    // The package document's metadata, not its namespaces (which hold years of their own).
    'briefs.epub/content.opf': [...strFromU8(epub['OEBPS/content.opf']!).matchAll(/<dc:\w+[^>]*>([^<]*)</g)].map((m) => m[1]).join('\n'),
    'index.html': fromHtml(readFileSync(join(out, 'index.html'), 'utf8')).text,
  };
  return { out, dir, pdfs, texts };
}

/** The words only the main dataset has: its mechanism's names, its places, its years, its people. */
function wordingOf(data: Dataset): string[] {
  const years = new Set<string>();
  const dates = [...data.dialogues.flatMap((d) => [d.start, d.end]), ...data.events.map((e) => e.date), ...data.people.flatMap((p) => p.roles.flatMap((r) => [r.from, r.until]))];
  for (const d of dates) if (d) years.add(d.slice(0, 4));
  return [
    data.mechanism.name,
    ...(data.mechanism.name_variants ?? []),
    ...data.places.map((p) => p.name),
    ...years,
    ...data.people.flatMap((p) => [p.name, ...(p.name_variants ?? []), ...(p.name_en ? [p.name_en] : [])]),
  ];
}

describe('a second series: the 2025 economic and trade talks', async () => {
  const own = await datasetFromTexts(readYamlFiles(join(FIXTURES, 'series-2025')));
  let built: Awaited<ReturnType<typeof buildFixture>>;
  beforeAll(async () => {
    built = await builtFixture('series-2025');
  }, 180_000);

  it('is a different series: at least five rounds, no session times, no outcomes, a person in two roles', () => {
    expect(own.dialogues.length).toBeGreaterThanOrEqual(5);
    expect(own.dialogues.every((d) => !d.sessions)).toBe(true);
    expect(own.outcomes).toEqual([]);
    expect(own.people.some((p) => new Set(p.roles.map((r) => r.title)).size >= 2)).toBe(true);
  });

  it('prints none of the main dataset\'s wording in any file', async () => {
    const main = wordingOf(await realDataset());
    expect(main.length).toBeGreaterThan(20);
    for (const [file, text] of Object.entries(built.texts)) {
      for (const word of main) expect(text, `${file} says "${word}"`).not.toContain(word);
    }
  });

  it('prints every one of its own rounds, places and co-chairs', () => {
    const people = new Map(own.people.map((p) => [p.id, p]));
    const places = new Map(own.places.map((p) => [p.id, p]));
    for (const file of ['chronology.html', 'chronology.pdf', 'roster.html', 'roster.pdf', 'dossier.pdf']) {
      const text = built.texts[file]!.replace(/\s+/g, '');
      for (const d of own.dialogues) {
        expect(text, `${file}: ${d.id}`).toContain(formatDateRange(locale, d.start, d.end));
        for (const id of d.places) expect(text, `${file}: ${id}`).toContain(places.get(id)!.name);
        if (file.startsWith('roster')) for (const c of d.co_chairs ?? []) expect(text, `${file}: ${c.person}`).toContain(people.get(c.person)!.name);
      }
    }
    expect(built.texts['roster.md']).toContain('國務院副總理（2023年3月12日起）');
    expect(built.texts['index.html']).toContain(own.publication.title);
  });

  it('prints a running header and a "page X of Y" footer on every page but the cover', () => {
    expectRunningHeadAndFoot(built.pdfs, own);
  });
});

describe('the smallest dataset: one round, no one named, no events, no outcomes', async () => {
  const own = await datasetFromTexts(readYamlFiles(join(FIXTURES, 'single-round')));
  let built: Awaited<ReturnType<typeof buildFixture>>;
  let checked: Promise<EpubCheckReport>;
  beforeAll(async () => {
    built = await builtFixture('single-round');
    // The global setup made this book too (the same bytes), so the test run's one EPUBCheck run checks it
    // (test/epubcheck.ts); asked for now, while the tests before it read the other files.
    checked = epubcheck(join(built.dir, 'briefs.epub'));
    checked.catch(() => undefined);
  }, 180_000);

  it('builds every format, and says in words what there is not', () => {
    for (const name of ['chronology', 'roster', 'checklist']) {
      for (const ext of ['md', 'html', 'pdf']) expect(Object.keys(built.texts), `${name}.${ext}`).toContain(`${name}.${ext}`);
    }
    expect(built.texts['checklist.html']).toContain(locale.briefs.checklist.empty);
    expect(built.texts['checklist.pdf']).toContain(locale.briefs.checklist.empty!.replace(/\s+/g, ''));
    expect(built.texts['roster.html']).toContain(locale.briefs.roster.empty);
    expect(built.texts['checklist.html']).not.toMatch(/合計|0項/);
  });

  it('prints a running header and a footer on every page, though its body uses few of their characters', () => {
    expectRunningHeadAndFoot(built.pdfs, own);
  });

  it('makes an EPUB that EPUBCheck passes', async () => {
    const report = await checked;
    expect(report.messages, report.messages.join('\n')).toEqual([]);
    expect([report.fatal, report.errors, report.warnings]).toEqual([0, 0, 0]);
  }, 120_000);
});
