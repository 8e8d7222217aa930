// The EPUB a real build writes: EPUBCheck-clean with the bundled font subsets it carries, linked from the index.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { build, defaultBuildOptions } from '../pipeline/build/build.ts';
import { epubcheck } from './epubcheck.ts';
import { ROOT } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-epub-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the EPUB of a build', () => {
  it('passes EPUBCheck with no error or warning, with its fonts, and is linked from the index', async () => {
    const out = join(work, 'out');
    const logs: string[] = [];
    await build({ ...defaultBuildOptions(), dataDir: join(ROOT, 'data'), templatesDir: join(ROOT, 'templates'), outDir: out, formats: ['html', 'epub'], log: (l) => logs.push(l) });
    const file = join(out, 'zh-Hant/briefs.epub');
    const report = await epubcheck(file);
    expect(report.messages, report.messages.join('\n')).toEqual([]);
    expect([report.fatal, report.errors, report.warnings]).toEqual([0, 0, 0]);
    const bytes = readFileSync(file);
    // One subset per face, cut for the book's own characters: a few hundred KiB, where the unicode-range slices its
    // characters touched made 3.5 MiB.
    expect(bytes.byteLength).toBeLessThan(700 * 1024);
    const entries = unzipSync(new Uint8Array(bytes));
    const fonts = Object.keys(entries).filter((p) => p.endsWith('.woff2'));
    expect(fonts.map((f) => f.replace(/-[0-9a-f]{8}\.woff2$/, ''))).toEqual(['OEBPS/fonts/noto-serif-tc-400', 'OEBPS/fonts/noto-serif-tc-700', 'OEBPS/fonts/noto-sans-tc-400', 'OEBPS/fonts/noto-sans-tc-700']);
    const opf = new TextDecoder().decode(entries['OEBPS/content.opf']);
    for (const f of fonts) expect(opf).toContain(`href="${f.replace('OEBPS/', '')}" media-type="font/woff2"`);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('href="zh-Hant/briefs.epub"');
    // No PDF was asked for, so no browser was launched.
    expect(logs.filter((l) => l.startsWith('browser:'))).toEqual([]);
  }, 120_000);
});
