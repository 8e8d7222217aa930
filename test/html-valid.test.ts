// The HTML the build writes is valid HTML5, checked by html-validate's recommended rules: every page of both
// editions of the shared build of the real data (the briefs, the dossier, the index).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { realBuild } from './shared-build.ts';

const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });

async function problems(html: string): Promise<string[]> {
  const report = await validator.validateString(html);
  return report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
}

const pages = ['zh-Hant', 'zh-Hans'].flatMap((lang) =>
  readdirSync(join(realBuild.outDir, lang))
    .filter((n) => n.endsWith('.html'))
    .map((n) => `${lang}/${n}`),
);

describe('HTML validity', () => {
  it('covers every page of both editions', () => {
    for (const lang of ['zh-Hant', 'zh-Hans']) {
      expect(pages.filter((p) => p.startsWith(`${lang}/`)).map((p) => p.slice(lang.length + 1)).sort()).toEqual(['checklist.html', 'chronology.html', 'dossier.html', 'roster.html']);
    }
  });

  it.each(pages)('%s has no problem', async (page) => {
    expect(await problems(readFileSync(join(realBuild.outDir, page), 'utf8'))).toEqual([]);
  });

  it('index.html, with both editions, has no problem', async () => {
    const html = readFileSync(join(realBuild.outDir, 'index.html'), 'utf8');
    expect(html).toContain('<section class="edition" lang="zh-Hans"');
    expect(await problems(html)).toEqual([]);
  });
});
