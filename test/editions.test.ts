// The zh-Hans edition beside the zh-Hant one: every brief in every format, marked zh-Hans everywhere and set in the
// SC faces, the data converted by OpenCC with its explicit forms, each edition kept in its own script by the guard,
// each cached and rebuilt on its own, and quotations in the other script printed as written.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, defaultBuildOptions, type BuildOptions } from '../pipeline/build/build.ts';
import { namesWithoutExplicitForm, toSimplified } from '../pipeline/data/convert.ts';
import { openPrinter, type Printer } from '../pipeline/print/browser.ts';
import { DiagnosticError, formatDiagnostic } from '../pipeline/data/diagnostics.ts';
import { cli as launch, cliInProcess } from './cli.ts';
import { FIXTURES, readYamlFiles, ROOT, snapshotFiles } from './helpers.ts';
import { pdfLanguage, pdfLines } from './pdf-text.ts';
import { realDataset, TEMPLATES } from './render.ts';
import { realBuild } from './shared-build.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-editions-'));
// One browser for every build here that prints.
let printer: Printer;
beforeAll(async () => {
  printer = await openPrinter(work);
});
afterAll(async () => {
  await printer.close();
  rmSync(work, { recursive: true, force: true });
});

const options = (more: Partial<BuildOptions>): BuildOptions => ({ ...defaultBuildOptions(), dataDir: join(ROOT, 'data'), templatesDir: TEMPLATES, ...more, outDir: more.outDir! });
const BRIEFS = ['chronology', 'roster', 'checklist'] as const;

/** The base font names a PDF embeds (subset tags dropped): NotoSerifSC-Regular and so on. */
async function embeddedFonts(file: string): Promise<string[]> {
  const doc = await PDFDocument.load(readFileSync(file), { updateMetadata: false });
  const names = new Set<string>();
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (obj instanceof PDFDict && obj.get(PDFName.of('Type'))?.toString() === '/FontDescriptor') {
      names.add(String(obj.get(PDFName.of('FontName'))).replace(/^\/[A-Z]{6}\+/, ''));
    }
  }
  return [...names].sort();
}

/** A copy of the minimal dataset with some files changed, written to a folder of its own. */
function dataset(name: string, change: (texts: Map<string, string>) => void): string {
  const dir = join(work, name);
  cpSync(join(FIXTURES, 'minimal'), dir, { recursive: true });
  const texts = readYamlFiles(dir);
  change(texts);
  for (const [file, text] of texts) writeFileSync(join(dir, file), text);
  return dir;
}

describe('both editions of the real data', () => {
  const out = realBuild.outDir;

  it('writes every brief in every format in each edition\'s folder, and links them all from the index', () => {
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const lang of ['zh-Hant', 'zh-Hans']) {
      const files = [...BRIEFS.flatMap((b) => ['md', 'html', 'pdf'].map((ext) => `${lang}/${b}.${ext}`)), `${lang}/dossier.pdf`, `${lang}/briefs.epub`];
      for (const f of files) {
        expect(existsSync(join(out, f)), f).toBe(true);
        expect(index, f).toContain(`href="${f}" hreflang="${lang}"`);
      }
    }
    expect(index).toContain('<section class="edition" lang="zh-Hans" aria-labelledby="edition-zh-Hans">\n<h2 id="edition-zh-Hans">简体中文版</h2>');
    expect(index).toContain('<h2 id="edition-zh-Hant">繁體中文版</h2>');
  });

  it('says zh-Hans in every file of the zh-Hans edition: HTML lang, PDF /Lang and XMP, EPUB dc:language', async () => {
    for (const b of BRIEFS) expect(readFileSync(join(out, 'zh-Hans', `${b}.html`), 'utf8')).toMatch(/^<!DOCTYPE html>\n<html lang="zh-Hans">/);
    for (const name of [...BRIEFS, 'dossier']) {
      expect(await pdfLanguage(join(out, 'zh-Hans', `${name}.pdf`)), name).toEqual({ lang: 'zh-Hans', xmp: 'zh-Hans' });
      expect(await pdfLanguage(join(out, 'zh-Hant', `${name}.pdf`)), name).toEqual({ lang: 'zh-Hant', xmp: 'zh-Hant' });
    }
    const book = unzipSync(new Uint8Array(readFileSync(join(out, 'zh-Hans', 'briefs.epub'))));
    const opf = strFromU8(book['OEBPS/content.opf']!);
    expect(opf).toContain('<dc:language>zh-Hans</dc:language>');
    expect(opf).toContain('xml:lang="zh-Hans"');
    for (const [path, bytes] of Object.entries(book).filter(([p]) => p.endsWith('.xhtml'))) expect(strFromU8(bytes), path).toContain('lang="zh-Hans" xml:lang="zh-Hans"');
  });

  it('sets each edition in its own script\'s faces, embedded, and declares only those', async () => {
    for (const name of [...BRIEFS, 'dossier']) {
      const hant = await embeddedFonts(join(out, 'zh-Hant', `${name}.pdf`));
      expect(hant.every((f) => /^Noto(Serif|Sans)TC-(Regular|Bold)$/.test(f)), `${name}: ${hant.join()}`).toBe(true);
      expect(hant.length, name).toBeGreaterThanOrEqual(3);
      // The same faces of the same families, in their Simplified Chinese cut.
      expect(await embeddedFonts(join(out, 'zh-Hans', `${name}.pdf`)), name).toEqual(hant.map((f) => f.replace('TC-', 'SC-')));
    }
    const families = (lang: string) => [...new Set([...readFileSync(join(out, 'assets', `fonts.${lang}.css`), 'utf8').matchAll(/font-family: '([^']+)'/g)].map((m) => m[1]))];
    expect(families('zh-Hans')).toEqual(['Noto Serif SC', 'Noto Sans SC']);
    expect(families('zh-Hant')).toEqual(['Noto Serif TC', 'Noto Sans TC']);
    const book = unzipSync(new Uint8Array(readFileSync(join(out, 'zh-Hans', 'briefs.epub'))));
    expect(Object.keys(book).filter((p) => p.endsWith('.woff2')).map((p) => p.replace(/-[0-9a-f]{8}\.woff2$/, ''))).toEqual([
      'OEBPS/fonts/noto-serif-sc-400',
      'OEBPS/fonts/noto-serif-sc-700',
      'OEBPS/fonts/noto-sans-sc-400',
      'OEBPS/fonts/noto-sans-sc-700',
    ]);
  });

  it('prints every outcome and every name of the data as OpenCC converts it, with the explicit forms and their sources', async () => {
    const data = await realDataset();
    const forms = data.publication.zh_hans ?? [];
    const checklist = (await pdfLines(join(out, 'zh-Hans', 'checklist.pdf'))).join('');
    const roster = (await pdfLines(join(out, 'zh-Hans', 'roster.pdf'))).join('');
    // The PDF's text keeps the typeset punctuation; the facts are compared without it.
    const bare = (s: string) => s.replace(/[\p{P}\s]/gu, '');
    for (const o of data.outcomes) expect(bare(checklist), o.id).toContain(bare(toSimplified(o.text, forms)));
    for (const p of data.people) expect(roster, p.id).toContain(toSimplified(p.name, forms));
    expect(roster).toContain('布什');
    expect(roster).not.toContain('布希');
    expect(roster).toContain('布林肯');
    expect(roster).not.toContain('布尔肯');
    // The form's own source is cited where the name is introduced, in the zh-Hans roster only.
    const md = readFileSync(join(out, 'zh-Hans', 'roster.md'), 'utf8');
    expect(md).toMatch(/\*\*布什\*\*\[\^seed-background\]\[\^zh-wikipedia-george-w-bush\]/);
    expect(readFileSync(join(out, 'zh-Hant', 'roster.md'), 'utf8')).not.toContain('zh-wikipedia-george-w-bush');
    // The publisher's own zh-Hans title, not OpenCC's 演示文稿 (a slide deck) for 簡報.
    const hans = readFileSync(join(out, 'zh-Hans', 'chronology.html'), 'utf8');
    expect(hans).toContain('<a href="../index.html">中美战略对话简报</a>');
    expect(hans).not.toContain('演示文稿');
  });

  it('lists for review every name it converted without an explicit form', async () => {
    const review = readFileSync(join(out, 'zh-Hans', 'names-review.md'), 'utf8');
    const names = namesWithoutExplicitForm(await realDataset());
    expect(review).toContain(`${names.length} names print in the zh-Hans edition as OpenCC converts them, with no explicit form; 2 have one`);
    for (const n of names) expect(review).toContain(`| ${n.name} | ${n.printed} | ${n.kind} |`);
    expect(review).toContain('| 華春瑩 | 华春莹 | person |');
    expect(review).not.toContain('布希');
    expect(existsSync(join(out, 'zh-Hant', 'names-review.md'))).toBe(false);
  });

  it('the same inputs give byte-identical files: every file of every format of both editions, built again from nothing', async () => {
    const again = join(work, 'again');
    await build(options({ outDir: again, printer }));
    const first = snapshotFiles(out);
    // The comparison covers the whole build: both editions, every format, the shared assets and the feed.
    expect([...first.keys()].filter((p) => p.startsWith('zh-Hans/')).length).toBe(14);
    expect([...first.keys()].filter((p) => p.startsWith('zh-Hant/')).length).toBe(13);
    for (const ext of ['md', 'html', 'pdf', 'epub', 'woff2', 'css', 'xml']) expect([...first.keys()].some((p) => p.endsWith(`.${ext}`)), ext).toBe(true);
    expect(snapshotFiles(again)).toEqual(first);
  }, 240_000);
});

describe('each edition on its own', () => {
  it('makes only the editions --lang names, and keeps the other\'s files as they were', async () => {
    const out = join(work, 'lang-out');
    // The editions, not the data, are the subject: the minimal dataset, which makes both; and the command, not its
    // process: run in this one.
    const cli = (...args: string[]) => cliInProcess(['build', '--data', join(FIXTURES, 'minimal'), '--out', out, '--format', 'md,html', ...args]);
    const first = await cli('--lang', 'zh-Hant');
    expect(first.status, first.stderr).toBe(0);
    expect(existsSync(join(out, 'zh-Hant', 'chronology.html'))).toBe(true);
    expect(existsSync(join(out, 'zh-Hans'))).toBe(false);
    const hant = snapshotFiles(join(out, 'zh-Hant'));
    const mtime = statSync(join(out, 'zh-Hant', 'chronology.html')).mtimeMs;
    const second = await cli('--lang', 'zh-Hans');
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/built zh-Hans\/chronology\.html/);
    expect(second.stdout).not.toMatch(/built zh-Hant\//);
    expect(snapshotFiles(join(out, 'zh-Hant'))).toEqual(hant);
    expect(statSync(join(out, 'zh-Hant', 'chronology.html')).mtimeMs).toBe(mtime);
  }, 60_000);

  it('rebuilds one edition when only its locale changes', async () => {
    const out = join(work, 'locale-out');
    const templates = join(work, 'locale-templates');
    cpSync(TEMPLATES, templates, { recursive: true });
    const o = options({ outDir: out, templatesDir: templates, formats: ['md', 'html', 'pdf'], only: ['chronology'], printer });
    await build(o);
    const hant = snapshotFiles(join(out, 'zh-Hant'));
    const locale = join(templates, 'locales', 'zh-Hans.yaml');
    writeFileSync(locale, readFileSync(locale, 'utf8').replace('not_recorded: 未记载', 'not_recorded: 没有记载'));
    const again = await build(o);
    expect(again.built.map((f) => f.path).filter((p) => !p.startsWith('assets/'))).toEqual(['zh-Hans/chronology.html', 'zh-Hans/chronology.md', 'zh-Hans/chronology.pdf', 'zh-Hans/SHA256SUMS']);
    expect(readFileSync(join(out, 'zh-Hans', 'chronology.md'), 'utf8')).toContain('没有记载');
    expect(snapshotFiles(join(out, 'zh-Hant'))).toEqual(hant);
  }, 120_000);

  it('refuses an edition the data cannot make, and an unknown one, in one line', async () => {
    // The minimal dataset written in Simplified Chinese throughout.
    const data = dataset('simplified-data', (texts) => {
      for (const [file, text] of texts) texts.set(file, toSimplified(text).replace(/language: zh-Hant/g, 'language: zh-Hans'));
    });
    const args = (...more: string[]) => ['build', '--data', data, '--out', join(work, 'refused-out'), '--format', 'md', ...more];
    // The refusal found inside the build by a real process (exit code, one line, and the process ends); the one the
    // option's parser makes by the same command line in this process. Started together.
    const [wrong, unknown] = await Promise.all([launch(args('--lang', 'zh-Hant')), cliInProcess(args('--lang', 'zh-TW'))]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toBe('error: the data is written in zh-Hans, so no zh-Hant edition can be made from it (expected --lang zh-Hans)\n');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe('error: --lang takes zh-Hant, zh-Hans; found "zh-TW"\n');
  }, 60_000);
});

describe('the script guard', () => {
  const failed = async (data: string, more: Partial<BuildOptions> = {}) => {
    const out = join(work, `${data.split('/').at(-1)}-out`);
    const error = await build(options({ dataDir: data, outDir: out, formats: ['md', 'html'], ...more })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiagnosticError);
    return { messages: (error as DiagnosticError).diagnostics.map((d) => formatDiagnostic(d, '')), out };
  };

  it('fails the build at the data when a zh-Hant text holds a Simplified-only character, and leaves the last outputs alone', async () => {
    const good = dataset('planted-good', () => undefined);
    const out = join(work, 'planted-fa-out');
    await build(options({ dataDir: good, outDir: out, formats: ['md', 'html'] }));
    const before = snapshotFiles(out);
    const planted = dataset('planted-fa', (texts) => texts.set('outcomes.yaml', texts.get('outcomes.yaml')!.replace('text: 加強合作', 'text: 加強合作发展')));
    const error = await build(options({ dataDir: planted, outDir: out, formats: ['md', 'html'] })).catch((e: unknown) => e);
    expect((error as DiagnosticError).diagnostics.map((d) => formatDiagnostic(d, ''))).toEqual([
      'outcomes.yaml:6:15: error: U+53D1 "发" exists only in Simplified Chinese, and the zh-Hant edition prints it as written (expected Traditional Chinese: write 發 or 髮; a quotation of a Simplified source is listed under "verbatim" in publication.yaml) [wrong-script]',
    ]);
    expect(snapshotFiles(out)).toEqual(before);
  }, 60_000);

  it('fails the build at a zh-Hans-only field that holds a Traditional-only character', async () => {
    const planted = dataset('planted-fa-traditional', (texts) => texts.set('publication.yaml', `${texts.get('publication.yaml')!}  zh_hans_publication:\n    title: 测试簡報\n`));
    const { messages } = await failed(planted);
    expect(messages).toEqual([
      'publication.yaml:7:14: error: U+7C21 "簡" exists only in Traditional Chinese, and the zh-Hans edition prints this form as written (expected Simplified Chinese: write 简) [wrong-script]',
      'publication.yaml:7:15: error: U+5831 "報" exists only in Traditional Chinese, and the zh-Hans edition prints this form as written (expected Simplified Chinese: write 报) [wrong-script]',
    ]);
  }, 60_000);

  it('fails the build at the zh-Hans locale when its wording holds a Traditional-only character', async () => {
    const templates = join(work, 'planted-locale-templates');
    cpSync(TEMPLATES, templates, { recursive: true });
    const locale = join(templates, 'locales', 'zh-Hans.yaml');
    writeFileSync(locale, readFileSync(locale, 'utf8').replace('toc: 目录', 'toc: 目錄'));
    const { messages } = await failed(join(FIXTURES, 'minimal'), { templatesDir: templates });
    const line = readFileSync(locale, 'utf8').split('\n').findIndex((l) => l === 'toc: 目錄') + 1;
    expect(messages).toEqual([
      `${relative(join(FIXTURES, 'minimal'), locale)}:${line}:7: error: U+9304 "錄" exists only in Traditional Chinese, and the zh-Hans edition prints it (expected Simplified Chinese: write 录; a quotation of a Traditional source is listed under "verbatim" in publication.yaml) [wrong-script]`,
    ]);
  }, 60_000);

  it('prints a quotation marked verbatim as its source writes it, marked with its language and set in its faces, in both editions', async () => {
    const quote = '中美经贸磋商机制';
    const data = dataset('verbatim', (texts) => {
      texts.set('outcomes.yaml', texts.get('outcomes.yaml')!.replace('text: 加強合作', `text: 雙方同意設立「${quote}」`));
      texts.set('publication.yaml', `${texts.get('publication.yaml')!}  verbatim:\n    - { text: ${quote}, language: zh-Hans, source: { id: web } }\n`);
    });
    const out = join(work, 'verbatim-out');
    await build(options({ dataDir: data, outDir: out, only: ['checklist'], formats: ['md', 'html', 'pdf'], printer }));
    const hant = readFileSync(join(out, 'zh-Hant', 'checklist.html'), 'utf8');
    expect(hant).toContain(`雙方同意設立「<span lang="zh-Hans">${quote}</span>」`);
    const hans = readFileSync(join(out, 'zh-Hans', 'checklist.html'), 'utf8');
    expect(hans).toContain(`双方同意设立“${quote}”`);
    // The zh-Hant edition carries the SC faces for the passage alone, and prints it in them.
    expect(readFileSync(join(out, 'assets', 'fonts.zh-Hant.css'), 'utf8')).toContain("font-family: 'Noto Serif SC'");
    expect(await embeddedFonts(join(out, 'zh-Hant', 'checklist.pdf'))).toEqual(expect.arrayContaining(['NotoSerifTC-Regular', 'NotoSerifSC-Regular']));
    expect((await pdfLines(join(out, 'zh-Hant', 'checklist.pdf'))).join('')).toContain(`雙方同意設立「${quote}」`);
    // Without the mark, the same text is a Simplified character in Traditional data.
    const unmarked = dataset('verbatim-unmarked', (texts) => texts.set('outcomes.yaml', texts.get('outcomes.yaml')!.replace('text: 加強合作', `text: 雙方同意設立「${quote}」`)));
    const { messages } = await failed(unmarked);
    expect(messages.filter((m) => m.endsWith('[wrong-script]')).map((m) => /"(.)"/.exec(m)?.[1]).join('')).toBe('经贸机');
  }, 120_000);
});
