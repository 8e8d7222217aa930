// The HTML the build writes is valid HTML5, checked by html-validate's recommended rules.
import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { readTemplates, renderIndex } from '../pipeline/render/briefs.ts';
import { loadLocale } from '../pipeline/views/locale.ts';
import { printedDataset } from '../pipeline/views/printed.ts';
import { publicationView } from '../pipeline/views/series.ts';
import { realDataset, renderAll, TEMPLATES } from './render.ts';

const validator = new HtmlValidate({ extends: ['html-validate:recommended'] });
const dataset = await realDataset();
const { briefs, locale } = await renderAll(dataset);

async function problems(html: string): Promise<string[]> {
  const report = await validator.validateString(html);
  return report.results.flatMap((r) => r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}: ${m.message}`));
}

describe('HTML validity', () => {
  it.each(briefs.map((b) => [b.name, b.html] as const))('%s.html has no problem', async (_, html) => {
    expect(await problems(html)).toEqual([]);
  });

  it('index.html, with both editions, has no problem', async () => {
    const hans = await loadLocale(TEMPLATES, 'zh-Hans');
    const editions = [locale, hans].map((l) => ({ publication: publicationView(printedDataset(dataset, l.lang), l), locale: l }));
    const html = renderIndex(editions, await readTemplates(TEMPLATES), ['md', 'html', 'pdf', 'epub']);
    expect(html).toContain('<section class="edition" lang="zh-Hans"');
    expect(await problems(html)).toEqual([]);
  });
});
