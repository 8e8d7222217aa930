// The dossier of the shared build of the real data, printed once: each brief bound in it page for page as its own
// PDF, so its contents' page numbers could be read off the briefs' PDFs; and no page shrunk to fit (Chromium scales
// a whole document down to its widest line, which would set one brief smaller than the others and the dossier apart).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pdfLayout } from '../pipeline/print/pdf.ts';
import { realBuild } from './shared-build.ts';

const BRIEFS = ['chronology', 'roster', 'checklist'] as const;
const read = (lang: string, name: string) => new Uint8Array(readFileSync(join(realBuild.outDir, lang, `${name}.pdf`)));

/** The size text is set at, as pdf.js reads it, and how many characters are set at it, over every page. */
async function textSizes(pdf: Uint8Array): Promise<Map<number, number>> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: pdf, verbosity: 0 }).promise;
  const sizes = new Map<number, number>();
  for (let i = 1; i <= doc.numPages; i++) {
    for (const item of (await (await doc.getPage(i)).getTextContent()).items) {
      if (!('str' in item) || !item.str.trim()) continue;
      const size = Math.round(Math.hypot(item.transform[2]!, item.transform[3]!) * 100) / 100;
      sizes.set(size, (sizes.get(size) ?? 0) + item.str.length);
    }
  }
  await doc.destroy();
  return sizes;
}

describe.each(['zh-Hant', 'zh-Hans'])('the %s dossier', (lang) => {
  it('was printed once, its contents numbered before the print', () => {
    const dossier = realBuild.result.built.find((f) => f.path === `${lang}/dossier.pdf`);
    expect(dossier?.passes).toBe(1);
  });

  it('binds each brief page for page as its own PDF, after its cover and contents', async () => {
    const dossier = await pdfLayout(read(lang, 'dossier'));
    const own = await Promise.all(BRIEFS.map(async (name) => ({ name, layout: await pdfLayout(read(lang, name)) })));
    const front = dossier.pages - own.reduce((n, b) => n + b.layout.pages, 0);
    expect(front).toBeGreaterThanOrEqual(2); // the cover, and at least one page of contents
    let before = front;
    for (const { name, layout } of own) {
      expect(layout.destinations.size, name).toBeGreaterThan(5);
      for (const [id, page] of layout.destinations) expect(dossier.destinations.get(`${name}-${id}`), `${name} #${id}`).toBe(before + page);
      before += layout.pages;
    }
  });

  it('sets each brief and itself at the stylesheet\'s sizes: none shrunk to fit', async () => {
    const sizes = await Promise.all(BRIEFS.map(async (name) => textSizes(read(lang, name))));
    // Running text at 10.5pt, the print size, in every brief; and every brief's title at the same size.
    for (const [i, s] of sizes.entries()) expect(s.get(10.5), BRIEFS[i]).toBeGreaterThan(50);
    const titles = sizes.map((s) => Math.max(...s.keys()));
    expect(new Set(titles).size, `titles at ${titles.join(', ')}pt`).toBe(1);
    // The dossier sets nothing at a size no brief uses but for its cover.
    const dossier = await textSizes(read(lang, 'dossier'));
    const used = new Set(sizes.flatMap((s) => [...s.keys()]));
    expect([...dossier.keys()].filter((k) => !used.has(k)).length).toBeLessThanOrEqual(2);
    expect(dossier.get(10.5)).toBeGreaterThan(sizes.reduce((n, s) => n + s.get(10.5)!, 0) - 1);
  });
});
