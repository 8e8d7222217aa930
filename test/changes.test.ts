// Editions readers can follow: what changed since an earlier dataset (matched by id, field by field, worded for a
// reader, each with its citation), the edition stamped on the cover, the dossier's footers and the metadata, an Atom
// feed of editions, and SHA256SUMS beside the PDFs and the EPUB.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { XMLParser } from 'fast-xml-parser';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTemplates, renderChanges } from '../pipeline/render/briefs.ts';
import { build, defaultBuildOptions, type BuildOptions } from '../pipeline/build/build.ts';
import { compareDatasets } from '../pipeline/data/compare.ts';
import { loadLocale } from '../pipeline/views/locale.ts';
import type { Dataset } from '../pipeline/data/schema.ts';
import { cliInProcess } from './cli.ts';
import { ROOT } from './helpers.ts';
import { pdfLines } from './pdf-text.ts';
import { realDataset, TEMPLATES } from './render.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-changes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const options = (more: Partial<BuildOptions> & { outDir: string }): BuildOptions => ({ ...defaultBuildOptions(), dataDir: join(ROOT, 'data'), templatesDir: TEMPLATES, ...more });

const clone = (d: Dataset): Dataset => structuredClone(d);

/** Today's data with planted edits: what an editor's next edition might bring. */
function edited(data: Dataset): Dataset {
  const next = clone(data);
  // Added: an outcome, a person with a role.
  next.outcomes.push({ ...next.outcomes[0]!, id: 'planted-outcome', text: '雙方同意另設工作組' });
  next.people.push({ ...next.people[0]!, id: 'planted-person', name: '甲乙', roles: [{ ...next.people[0]!.roles[0]!, id: 'planted-role', title: '特使' }] });
  // Corrected: a date, a place, a name, a status.
  next.dialogues.find((d) => d.id === 'dialogue-2006-11')!.start = '2006-11-09';
  next.dialogues.find((d) => d.id === 'dialogue-2006-11')!.places = ['washington'];
  next.places.find((p) => p.id === 'beijing')!.name = '北京市';
  next.outcomes.find((o) => o.id === 'dialogue-2021-03-one-china')!.status = 'position-stated';
  // Removed: an event.
  next.events = next.events.filter((e) => e.id !== 'press-conference-2021-03-22');
  return next;
}

describe('what changed between two datasets', () => {
  it('finds every addition, correction and removal by id and field, and nothing in a reordered file', async () => {
    const data = await realDataset();
    const shuffled = clone(data);
    shuffled.outcomes.reverse();
    shuffled.people.reverse();
    shuffled.places = [...shuffled.places].reverse().map((p) => Object.fromEntries(Object.entries(p).reverse()) as typeof p);
    expect(compareDatasets(data, shuffled)).toEqual([]);
    expect(compareDatasets(data, data)).toEqual([]);
    const changes = compareDatasets(data, edited(data));
    expect(changes).toEqual([
      { change: 'corrected', record: 'round', id: 'dialogue-2006-11', field: 'start', before: '2006-11-08', after: '2006-11-09' },
      { change: 'corrected', record: 'round', id: 'dialogue-2006-11', field: 'places', before: ['beijing'], after: ['washington'] },
      { change: 'removed', record: 'event', id: 'press-conference-2021-03-22' },
      { change: 'added', record: 'person', id: 'planted-person' },
      { change: 'added', record: 'role', id: 'planted-role' },
      { change: 'corrected', record: 'outcome', id: 'dialogue-2021-03-one-china', field: 'status', before: 'reaffirmed', after: 'position-stated' },
      { change: 'added', record: 'outcome', id: 'planted-outcome' },
      { change: 'corrected', record: 'place', id: 'beijing', field: 'name', before: '北京', after: '北京市' },
    ]);
  });

  it('words each change for a reader, old → new, each with the citation of its record, in both editions', async () => {
    const data = await realDataset();
    const templates = await readTemplates(TEMPLATES);
    const hant = renderChanges(compareDatasets(data, edited(data)), data, edited(data), await loadLocale(TEMPLATES, 'zh-Hant'), templates).markdown;
    expect(hant).toContain('# 修訂說明 {#top}');
    expect(hant).toContain('- 對話「2006年11月9日 中美戰略對話」的開始日期：2006年11月8日 → 2006年11月9日[^seed-rounds]');
    expect(hant).toContain('- 對話「2006年11月9日 中美戰略對話」的地點：北京 → 華盛頓[^seed-rounds]');
    expect(hant).toContain('- 成果「美方重申在台灣問題上堅持「一個中國」政策」的狀態：重申 → 闡明立場[^seed-outcomes]');
    expect(hant).toContain('- 地點「北京市」的名稱：北京 → 北京市');
    expect(hant).toContain('- 成果：雙方同意另設工作組[^seed-');
    expect(hant).toContain('- 人物：甲乙[^');
    expect(hant).toContain('- 職務：甲乙：特使[^');
    expect(hant).toMatch(/## 刪除 \{#changes-removed\}\n\n- 事件：2021年3月22日 .+\[\^seed-outcomes\]/);
    expect(hant).toMatch(/\n\[\^seed-rounds\]: 《中美戰略對話》，「歷次對話」一節/);
    const hans = renderChanges(compareDatasets(data, edited(data)), data, edited(data), await loadLocale(TEMPLATES, 'zh-Hans'), templates).markdown;
    expect(hans).toContain('- 对话“2006年11月9日 中美战略对话”的开始日期：2006年11月8日 → 2006年11月9日[^seed-rounds]');
    const none = renderChanges([], data, data, await loadLocale(TEMPLATES, 'zh-Hant'), templates).markdown;
    expect(none).toContain('兩版資料所載紀錄相同，沒有修訂。');
  });
});

describe('an edition built --since an earlier dataset', () => {
  const earlier = join(work, 'earlier');
  const out = join(work, 'out');
  beforeAll(async () => {
    // The earlier edition lacked one outcome and had a round's date wrong: today's data adds and corrects.
    cpSync(join(ROOT, 'data'), earlier, { recursive: true });
    const outcomes = readFileSync(join(earlier, 'outcomes.yaml'), 'utf8');
    const start = outcomes.indexOf('  - id: dialogue-2021-03-one-china');
    writeFileSync(join(earlier, 'outcomes.yaml'), outcomes.slice(0, start) + outcomes.slice(outcomes.indexOf('  - id:', start + 10)));
    const dialogues = join(earlier, 'dialogues.yaml');
    writeFileSync(dialogues, readFileSync(dialogues, 'utf8').replace('start: 2006-11-08', 'start: 2006-11-09'));
    await build(options({ outDir: out, since: earlier }));
  }, 240_000);

  it('writes a changes page in each edition and ends the dossier with it', async () => {
    for (const lang of ['zh-Hant', 'zh-Hans']) {
      for (const ext of ['md', 'html']) expect(existsSync(join(out, lang, `changes.${ext}`)), `${lang}/changes.${ext}`).toBe(true);
    }
    const md = readFileSync(join(out, 'zh-Hant', 'changes.md'), 'utf8');
    expect(md).toContain('- 成果：美方重申在台灣問題上堅持「一個中國」政策[^seed-outcomes]');
    expect(md).toContain('- 對話「2006年11月8日 中美戰略對話」的開始日期：2006年11月9日 → 2006年11月8日[^seed-rounds]');
    const dossier = await pdfLines(join(out, 'zh-Hant', 'dossier.pdf'));
    const last = dossier.lastIndexOf('修訂說明');
    expect(last).toBeGreaterThan(dossier.lastIndexOf('中美戰略對話成果清單'));
    expect(dossier.slice(last).join('')).toContain('2006年11月9日 → 2006年11月8日');
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('href="zh-Hant/changes.html"');
  });

  it('stamps the edition on the cover, in every running footer of the dossier, in the PDF and EPUB metadata and on the index', async () => {
    const label = '第1版（2021年3月22日）';
    const pages = await pageTexts(join(out, 'zh-Hant', 'dossier.pdf'));
    expect(pages[0]).toContain(label);
    // pdf.js reads the footer's ideographic space as a space.
    for (const [i, text] of pages.entries()) if (i > 0) expect(text.replace(/\u3000/g, ' '), `page ${i + 1}`).toContain(`${label} 第${i + 1}頁，共${pages.length}頁`);
    for (const lang of ['zh-Hant', 'zh-Hans']) {
      for (const name of ['dossier', 'chronology']) expect(await xmp(join(out, lang, `${name}.pdf`)), `${lang}/${name}`).toContain('<xmpMM:VersionID>1</xmpMM:VersionID>');
      const opf = strFromU8(unzipSync(new Uint8Array(readFileSync(join(out, lang, 'briefs.epub'))))['OEBPS/content.opf']!);
      expect(opf).toContain('<dc:date>2021-03-22</dc:date>');
      expect(opf).toContain('<meta property="schema:version">1</meta>');
    }
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    // Once in each edition's section (the label reads the same in both scripts).
    expect(index.split(`<p class="edition-label">${label}</p>`)).toHaveLength(3);
  });

  it('writes SHA256SUMS beside each edition\'s PDFs and EPUB, as sha256sum -c reads it', () => {
    for (const lang of ['zh-Hant', 'zh-Hans']) {
      const sums = readFileSync(join(out, lang, 'SHA256SUMS'), 'utf8');
      const lines = sums.trimEnd().split('\n');
      expect(lines.map((l) => l.slice(66))).toEqual(['briefs.epub', 'checklist.pdf', 'chronology.pdf', 'dossier.pdf', 'roster.pdf']);
      for (const line of lines) {
        const [hash, name] = line.split('  ') as [string, string];
        expect(hash, name).toBe(createHash('sha256').update(readFileSync(join(out, lang, name))).digest('hex'));
      }
      const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: join(out, lang), encoding: 'utf8' });
      expect(check.status, check.stdout + check.stderr).toBe(0);
    }
  });

  it('publishes an Atom feed of the edition: required elements, ids, dates, links to every PDF and EPUB, its changes as content', () => {
    const feed = parseFeed(readFileSync(join(out, 'feed.xml'), 'utf8'));
    expect(feed['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(feed.title).toBe('中美戰略對話簡報');
    expect(feed.updated).toBe('2021-03-22T00:00:00Z');
    expect(feed.author.name).toBe('中美戰略對話簡報');
    expect(links(feed).find((l) => l['@_rel'] === 'self')?.['@_href']).toBe('feed.xml');
    const entries = [feed.entry].flat();
    expect(entries).toHaveLength(1);
    const entry = entries[0]!;
    expect(entry.id).toMatch(/^urn:uuid:/);
    expect(entry.id).not.toBe(feed.id);
    expect(entry.title).toBe('第1版（2021年3月22日）');
    expect(entry.updated).toBe('2021-03-22T00:00:00Z');
    const enclosures = links(entry).filter((l) => l['@_rel'] === 'enclosure');
    expect(enclosures.map((l) => l['@_href']).sort()).toEqual(
      ['zh-Hans', 'zh-Hant'].flatMap((lang) => ['briefs.epub', 'checklist.pdf', 'chronology.pdf', 'dossier.pdf', 'roster.pdf'].map((f) => `${lang}/${f}`)).sort(),
    );
    for (const l of enclosures) expect(existsSync(join(out, l['@_href']!)), l['@_href']).toBe(true);
    expect(entry.content['@_type']).toBe('html');
    expect(entry.content['#text']).toContain('美方重申在台灣問題上堅持「一個中國」政策');
    expect(entry.content['#text'].replace(/<[^>]+>/g, '')).toContain('2006年11月9日 → 2006年11月8日');
  });
});

describe('the feed of several editions', () => {
  it('lists every edition newest first, earlier ones linking their release assets, with absolute links under --base-url', async () => {
    const data = join(work, 'two-editions');
    cpSync(join(ROOT, 'data'), data, { recursive: true });
    const publication = join(data, 'publication.yaml');
    writeFileSync(
      publication,
      readFileSync(publication, 'utf8').replace('  editions:\n    - id: "1"\n', '  editions:\n    - id: "2"\n      date: 2021-04-01\n    - id: "1"\n      date: 2021-03-22\n      tag: v1-no-such-tag\n'),
    );
    const out = join(work, 'two-out');
    await build(options({ dataDir: data, outDir: out, formats: ['md', 'epub'], baseUrl: 'https://briefs.example.org/', releasesUrl: 'https://github.com/example/briefs/releases/download/' }));
    const feed = parseFeed(readFileSync(join(out, 'feed.xml'), 'utf8'));
    expect(feed['@_xml:base']).toBe('https://briefs.example.org/');
    const entries = [feed.entry].flat();
    expect(entries.map((e) => e.title)).toEqual(['第2版（2021年4月1日）', '第1版（2021年3月22日）']);
    expect(feed.updated).toBe('2021-04-01T00:00:00Z');
    expect(new Set(entries.map((e) => e.id)).size).toBe(2);
    expect(links(entries[1]!).map((l) => l['@_href'])).toEqual([
      'https://github.com/example/briefs/releases/download/v1-no-such-tag/zh-Hant-briefs.epub',
      'https://github.com/example/briefs/releases/download/v1-no-such-tag/zh-Hans-briefs.epub',
    ]);
    // No such tag in git: the first edition's changes cannot be computed, and the feed says so.
    expect(entries[0]!.content['#text']).toContain('未能比較');
    expect(entries[1]!.content['#text']).toContain('首次發布');
  }, 120_000);

  it('refuses a --since that is neither a folder nor a git ref, in one line', async () => {
    // The command line in this process: that a refusal found inside the build leaves a real process with exit 2 and
    // one line, editions.test.ts proves with its own.
    const r = await cliInProcess(['build', '--out', join(work, 'bad-since'), '--format', 'md', '--since', 'no-such-ref-or-folder']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('error: --since takes a folder holding an earlier dataset or a git ref of this repository; "no-such-ref-or-folder" is neither\n');
  });

  it('compares with a git ref: the data as HEAD has it', async () => {
    const out = join(work, 'head-out');
    const head = spawnSync('git', ['diff', '--quiet', 'HEAD', '--', 'data'], { cwd: ROOT });
    await build(options({ outDir: out, formats: ['md'], since: 'HEAD' }));
    const md = readFileSync(join(out, 'zh-Hant', 'changes.md'), 'utf8');
    // Unless data/ has uncommitted edits (a developer's tree), HEAD holds the same records.
    if (head.status === 0) expect(md).toContain('兩版資料所載紀錄相同，沒有修訂。');
    expect(md).toMatch(/^# 修訂說明/);
  }, 60_000);
});

type Link = { '@_rel'?: string; '@_href'?: string };
type Entry = { id: string; title: string; updated: string; link: Link | Link[]; content: { '@_type': string; '#text': string } };
type FeedDoc = { '@_xmlns': string; '@_xml:base'?: string; id: string; title: string; updated: string; author: { name: string }; link: Link | Link[]; entry: Entry | Entry[] };
const links = (node: { link: Link | Link[] }): Link[] => [node.link].flat();

function parseFeed(text: string): FeedDoc {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', textNodeName: '#text', alwaysCreateTextNode: false }).parse(text) as { feed: FeedDoc };
  const feed = doc.feed;
  // RFC 4287 §4.1.1: atom:id, atom:title, atom:updated, and atom:author unless every entry has one.
  for (const key of ['id', 'title', 'updated', 'author'] as const) expect(feed[key], `feed ${key}`).toBeDefined();
  for (const e of [feed.entry].flat()) {
    for (const key of ['id', 'title', 'updated'] as const) expect(e[key], `entry ${key}`).toBeDefined();
    expect(e.updated).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(e.content ?? links(e).some((l) => l['@_rel'] === 'alternate')).toBeTruthy();
  }
  return feed;
}

/** Each page's text, as pdf.js reads it. */
async function pageTexts(file: string): Promise<string[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(readFileSync(file)), verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) pages.push((await (await doc.getPage(i)).getTextContent()).items.map((item) => ('str' in item ? item.str : '')).join(''));
  await doc.destroy();
  return pages;
}

async function xmp(file: string): Promise<string> {
  const doc = await PDFDocument.load(readFileSync(file), { updateMetadata: false });
  const stream = doc.context.lookup(doc.catalog.get(PDFName.of('Metadata')));
  return stream instanceof PDFRawStream ? Buffer.from(stream.contents).toString('utf8') : '';
}
