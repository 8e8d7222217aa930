// Golden files: each brief's Markdown and HTML from data/, reviewed like code. To accept a deliberate change:
//   npm run golden   (then read the diff of test/golden/ before committing it)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';
import { realDataset, renderAll } from './render.ts';

const GOLDEN = join(ROOT, 'test/golden');
const update = process.env.UPDATE_GOLDEN === '1';

// The zh-Hant edition's files at the top of test/golden/, the zh-Hans edition's in test/golden/zh-Hans/.
describe.each(['zh-Hant', 'zh-Hans'] as const)('golden briefs, %s', async (lang) => {
  const { briefs } = await renderAll(await realDataset(), lang);
  const dir = lang === 'zh-Hant' ? GOLDEN : join(GOLDEN, lang);
  for (const b of briefs) {
    for (const [ext, text] of [['md', b.markdown], ['html', b.html]] as const) {
      it(`${b.name}.${ext} matches ${join('test/golden', lang === 'zh-Hant' ? '' : lang, `${b.name}.${ext}`)}`, () => {
        const path = join(dir, `${b.name}.${ext}`);
        if (update) {
          mkdirSync(dir, { recursive: true });
          writeFileSync(path, text);
        }
        expect(existsSync(path), `${path} is missing: run npm run golden`).toBe(true);
        expect(text).toBe(readFileSync(path, 'utf8'));
      });
    }
  }
});
