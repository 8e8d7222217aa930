// The zh-Hans edition's text: OpenCC (Taiwan → mainland, with phrases) on every text field of the data, explicit
// forms winning, GB/T 15834 quotation marks, and the names left for an editor to review.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { namesWithoutExplicitForm, simplifiedDataset, toSimplified } from '../pipeline/data/convert.ts';
import { loadLocale } from '../pipeline/views/locale.ts';
import { FIXTURES, readYamlFiles } from './helpers.ts';
import { datasetFromTexts, realDataset, TEMPLATES } from './render.ts';

const bush = { term: '布希', form: '布什', source: { id: 'web' } };

describe('conversion to mainland Simplified Chinese', () => {
  it('converts characters and Taiwan phrases by OpenCC', () => {
    expect(toSimplified('中美戰略對話機制正式啟動')).toBe('中美战略对话机制正式启动');
    expect(toSimplified('同意就網路安全問題保持和加強溝通協調')).toBe('同意就网络安全问题保持和加强沟通协调');
    expect(toSimplified('歐巴馬')).toBe('奥巴马');
  });

  it('lets an explicit form win, even inside a longer phrase', () => {
    expect(toSimplified('胡錦濤和美國總統布希在智利聖地亞哥', [bush])).toBe('胡锦涛和美国总统布什在智利圣地亚哥');
    expect(toSimplified('胡錦濤和美國總統布希在智利聖地亞哥')).toContain('布希');
  });

  it('writes quotation marks as GB/T 15834 does', () => {
    expect(toSimplified('美方重申在台灣問題上堅持「一個中國」政策')).toBe('美方重申在台湾问题上坚持“一个中国”政策');
    expect(toSimplified('『甲』')).toBe('‘甲’');
  });

  it('converts every text field of the dataset and nothing else: ids, dates, URLs and languages stay', async () => {
    const data = await realDataset();
    const hans = simplifiedDataset(data);
    expect(hans.dialogues.map((d) => [d.id, d.start, d.end])).toEqual(data.dialogues.map((d) => [d.id, d.start, d.end]));
    expect(hans.sources.map((s) => [s.id, s.url, s.language])).toEqual(data.sources.map((s) => [s.id, s.url, s.language]));
    expect(hans.people.find((p) => p.id === 'hu-jintao')!.name).toBe('胡锦涛');
    expect(hans.outcomes.find((o) => o.id === 'dialogue-2021-03-one-china')!.text).toBe('美方重申在台湾问题上坚持“一个中国”政策');
    expect(JSON.stringify(hans)).not.toMatch(/[戰對話會議國務]/u);
  });

  it('lists every name printed without an explicit form, for an editor to review', async () => {
    const texts = readYamlFiles(join(FIXTURES, 'minimal'));
    texts.set('publication.yaml', `${texts.get('publication.yaml')!}  zh_hans:\n    - { term: 甲, form: 甲甲, source: { id: web } }\n`);
    const data = await datasetFromTexts(texts);
    expect(simplifiedDataset(data).people.find((p) => p.id === 'person-a')!.name).toBe('甲甲');
    expect(namesWithoutExplicitForm(data)).toEqual([
      { name: '乙', printed: '乙', kind: 'person' },
      { name: '北京', printed: '北京', kind: 'place' },
      { name: '安克雷奇', printed: '安克雷奇', kind: 'place' },
      { name: '對話機制', printed: '对话机制', kind: 'mechanism' },
      { name: '戰略對話', printed: '战略对话', kind: 'round' },
      { name: '高層戰略對話', printed: '高层战略对话', kind: 'round' },
    ]);
  });

  it('has a zh-Hans locale with every key of the zh-Hant one, worded for the mainland', async () => {
    const hant = await loadLocale(TEMPLATES, 'zh-Hant');
    const hans = await loadLocale(TEMPLATES, 'zh-Hans');
    const keys = (o: unknown, prefix = ''): string[] =>
      o && typeof o === 'object' ? Object.entries(o).flatMap(([k, v]) => [`${prefix}${k}`, ...keys(v, `${prefix}${k}.`)]) : [];
    expect(keys(hans)).toEqual(keys(hant));
    expect(hans.lang).toBe('zh-Hans');
    expect(hans.quotation).toBe('“{text}”');
    expect(hans.page_of).toBe('第{page}页，共{pages}页');
    expect(JSON.stringify(hans)).not.toMatch(/[「」『』]/u);
  });
});
