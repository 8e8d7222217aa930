// The EPUBs a real build writes: EPUBCheck-clean with the bundled font subsets they carry, linked from the index; and
// a build that asks for no PDF launches no browser.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, defaultBuildOptions } from '../pipeline/build/build.ts';
import { epubcheckAll, type EpubCheckReport } from './epubcheck.ts';
import { ROOT } from './helpers.ts';
import { realBuild } from './shared-build.ts';

const LANGS = ['zh-Hant', 'zh-Hans'] as const;
const work = mkdtempSync(join(tmpdir(), 'briefs-epub-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the EPUBs of a build', () => {
  let reports: Record<(typeof LANGS)[number], EpubCheckReport>;
  // Both books in one EPUBCheck run.
  beforeAll(async () => {
    const [hant, hans] = await epubcheckAll(LANGS.map((lang) => join(realBuild.outDir, lang, 'briefs.epub')));
    reports = { 'zh-Hant': hant!, 'zh-Hans': hans! };
  }, 120_000);

  it.each(LANGS)('%s: passes EPUBCheck with no error or warning', (lang) => {
    const report = reports[lang];
    expect(report.messages, report.messages.join('\n')).toEqual([]);
    expect([report.fatal, report.errors, report.warnings]).toEqual([0, 0, 0]);
  });

  it('carries its fonts, and is linked from the index', () => {
    const bytes = readFileSync(join(realBuild.outDir, 'zh-Hant/briefs.epub'));
    // One subset per face, cut for the book's own characters: a few hundred KiB, where the unicode-range slices its
    // characters touched made 3.5 MiB.
    expect(bytes.byteLength).toBeLessThan(700 * 1024);
    const entries = unzipSync(new Uint8Array(bytes));
    const fonts = Object.keys(entries).filter((p) => p.endsWith('.woff2'));
    expect(fonts.map((f) => f.replace(/-[0-9a-f]{8}\.woff2$/, ''))).toEqual(['OEBPS/fonts/noto-serif-tc-400', 'OEBPS/fonts/noto-serif-tc-700', 'OEBPS/fonts/noto-sans-tc-400', 'OEBPS/fonts/noto-sans-tc-700']);
    const opf = new TextDecoder().decode(entries['OEBPS/content.opf']);
    for (const f of fonts) expect(opf).toContain(`href="${f.replace('OEBPS/', '')}" media-type="font/woff2"`);
    expect(readFileSync(join(realBuild.outDir, 'index.html'), 'utf8')).toContain('href="zh-Hant/briefs.epub"');
  });
});

describe('a build of HTML and EPUB', () => {
  it('launches no browser, since no PDF was asked for', async () => {
    const logs: string[] = [];
    const result = await build({ ...defaultBuildOptions(), dataDir: join(ROOT, 'data'), templatesDir: join(ROOT, 'templates'), outDir: join(work, 'out'), formats: ['html', 'epub'], log: (l) => logs.push(l) });
    expect(result.built.map((f) => f.path)).toContain('zh-Hant/briefs.epub');
    expect(logs.filter((l) => l.startsWith('browser:'))).toEqual([]);
    expect(result.browserLaunched).toBe(false);
  }, 120_000);
});
