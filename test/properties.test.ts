// Property tests (fast-check, seeded and reproducible): any text in any printed field prints as that text and never
// as structure; any bytes or YAML given to the loader give positioned messages, never an internal error.
import fc from 'fast-check';
import type { Element, Root, RootContent } from 'hast';
import rehypeParse from 'rehype-parse';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { validateTexts } from '../pipeline/data/load.ts';
import { loadLocale } from '../pipeline/views/locale.ts';
import { markdownToHtml } from '../pipeline/render/markdown-to-html.ts';
import { createMarkdownRenderer, dataTextAsPrinted } from '../pipeline/render/render-markdown.ts';
import { readTemplates, renderBriefs } from '../pipeline/render/briefs.ts';
import { RULES } from '../pipeline/data/rules.ts';
import { typesetText } from '../pipeline/views/typeset.ts';
import { FIXTURES, readYamlFiles } from './helpers.ts';
import { TEMPLATES } from './render.ts';

/** One seed for the whole file: a failure prints it with the shrunk case, and SEED=… replays it. */
const SEED = Number(process.env.SEED ?? 20261126);
const locale = await loadLocale(TEMPLATES, 'zh-Hant');
// Read once: every case renders with the same templates, as renderAll would read them again for each.
const templates = await readTemplates(TEMPLATES);

/** Text biased toward everything that could become structure: Markdown, HTML, Handlebars, URLs, notes, escapes. */
const SPECIALS = [
  '*', '**', '_', '__', '~', '~~', '`', '```', '[', ']', '(', ')', '<', '>', '&', '|', '#', '\\', '!', '{', '}',
  '{{', '}}', '{{{', '}}}', '{{#each x}}', '{{/each}}', '{{> p}}', '[^seed]', '[^seed]: 來源', '[x](javascript:alert(1))',
  '![i](http://a.b/i.png)', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<iframe src="https://a.b">',
  '</p>', 'https://zh.wikipedia.org/wiki/中美戰略對話', 'http://a.b', 'www.fmprc.gov.cn', 'mailto:a@b.c', 'a@b.co',
  '<https://a.b/c>', '&amp;', '&lt;', '&#x3C;', '&#60;', '&nbsp;', '- ', '+ ', '1. ', '1) ', '> ', '=', '---', '***',
  '    ', '\t', '\n', '\r\n', '\n\n', '  \n', '。', '、', '「', '」', '（', '）', '：', '；', '！', '？', '……', '——',
  '中美', '戰略對話', '\u200b', '\u200c', '\u200d', '\u2060', '\u00a0', '\u3000', '\u202e', '\u2066', '\u2069',
  '\u0301', 'é', '𠀀', '😀', ':', ';', ',', '?', '"', "'", '$', '%', '^', '@', '.', '/', '-', '+',
];

const fieldText = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SPECIALS) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) }), { maxLength: 10 })
  .map((parts) => parts.join(''))
  // Text that cannot be printed is refused by validate (unprintable-character): it never reaches a brief.
  .filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDFFF]/u.test(s));

const parser = unified().use(rehypeParse, { fragment: true });

/** The text a reader sees, and the element structure with the text left out (keep-together spans aside). */
function readBack(html: string): { text: string; shape: string } {
  const tree = parser.parse(html) as Root;
  let text = '';
  const shape = (node: Root | RootContent): string => {
    if (node.type === 'text') {
      text += node.value;
      return '';
    }
    if (node.type !== 'element' && node.type !== 'root') return '';
    const inner = node.children.map(shape).join('');
    if (node.type === 'root') return inner;
    const e = node as Element;
    // A span that only keeps a date on one line is layout, not structure the data made.
    if (e.tagName === 'span' && (e.properties.className as string[] | undefined)?.includes('nowrap')) return inner;
    return `<${e.tagName} ${JSON.stringify(e.properties)}>${inner}</${e.tagName}>`;
  };
  const s = shape(tree);
  return { text, shape: s };
}

/** Every kind of field a brief prints a data value in: heading, paragraph, table cell, roster name, list, task, quote, note. */
const FIELDS_TEMPLATE = [
  '# {{t}}{{anchor "top"}}',
  '',
  '{{t}}{{cite c}}',
  '',
  '## {{t}}{{anchor "h2"}}',
  '',
  '### {{t}}{{anchor "h3"}}',
  '',
  '| a | b |',
  '| --- | --- |',
  '| **{{t}}** | {{t}}{{cite c}} |',
  '',
  '- {{t}}{{cite c}}',
  '- **{{t}}**：{{t}}',
  '',
  '- {{checkbox true}} {{t}}{{cite c}}\\',
  '  {{t}}',
  '',
  '> **{{t}}**：{{t}}{{cite c}}',
  '',
  '{{#each notes}}',
  '{{footnote this}}',
  '{{/each}}',
].join('\n');

const renderer = createMarkdownRenderer([{ file: 'fields.md.hbs', text: FIELDS_TEMPLATE }]);
const CONTROL = '丙丁';
const fieldsHtml = (t: string) =>
  markdownToHtml(renderer.render('fields.md.hbs', { t, c: ['seed'], notes: [{ label: 'seed', text: t, url: 'https://example.org/', lang: null, urlSeparator: ' ' }] }), locale).html;

describe('data text is text, in every kind of field', () => {
  const control = readBack(fieldsHtml(CONTROL));

  it('prints as written, and never as structure (2,000 cases)', () => {
    fc.assert(
      fc.property(fieldText, (t) => {
        const printed = dataTextAsPrinted(t);
        // Blank text is refused by the schema (empty-text): it never reaches a brief.
        fc.pre(printed.length > 0 && !printed.includes(CONTROL));
        const got = readBack(fieldsHtml(t));
        // The same elements, attributes and nesting as a plain control text...
        expect(got.shape).toBe(control.shape.split(CONTROL).join(printed));
        // ...and, where the control text stood, exactly the text as written.
        expect(got.text).toBe(control.text.split(CONTROL).join(printed));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('keeps a bare URL as text and the citation after it', () => {
    for (const fact of ['中美戰略對話機制正式啟動(見 https://zh.wikipedia.org/wiki/中美戰略對話)。這是…', '詳見 https://www.fmprc.gov.cn', '見 www.fmprc.gov.cn。', '<https://a.b/c>']) {
      const html = fieldsHtml(fact);
      expect(readBack(html).text).toContain(`${fact}\u20601`); // the note mark (glued by a word joiner) follows the fact
      expect(html).not.toMatch(/<a href="(?!#|https:\/\/example\.org\/)/);
      expect(html).not.toContain('[^seed]');
    }
  });
});

describe('data text through the whole briefs stage', async () => {
  const base = readYamlFiles(join(FIXTURES, 'minimal'));
  const q = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
  /** The minimal dataset with `t` as a round's summary, a person's name, a place, an event title and an outcome. */
  const withText = (t: string) => {
    const texts = new Map(base);
    const edit = (file: string, from: string) => texts.set(file, texts.get(file)!.replace(from, from.replace(/: .*/, `: ${q(t)}`)));
    edit('dialogues.yaml', 'summary: 交換意見。');
    edit('people.yaml', 'name: 甲');
    edit('places.yaml', 'name: 北京');
    edit('events.yaml', 'title: 宣布對話');
    edit('outcomes.yaml', 'text: 加強合作');
    return texts;
  };
  const render = async (t: string) => {
    const result = validateTexts(withText(t));
    // Text the validator refuses never reaches a brief; it may refuse it only for what it cannot print.
    if (!result.dataset) {
      expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.rule).filter((r) => !['missing-glyph', 'empty-text'].includes(r))).toEqual([]);
      return undefined;
    }
    return renderBriefs({ data: result.dataset, locale, templates }).map((b) => readBack(b.html));
  };
  const control = (await render(CONTROL))!;

  it('prints as written in every brief and never as structure (100 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(fieldText, async (t) => {
        // The briefs typeset the data's punctuation (full-width between Han characters) and nothing else.
        const printed = dataTextAsPrinted(typesetText(t, 'full-width'));
        // Empty or blank text is refused by the schema (empty-text), and a value equal to another place's name may
        // legitimately merge rows; neither is what this property is about.
        fc.pre(printed.length > 0 && !printed.includes(CONTROL) && !/^\s|\s$/.test(t));
        const got = await render(t);
        fc.pre(got !== undefined);
        got!.forEach((b, i) => {
          expect(b.shape).toBe(control[i]!.shape.split(CONTROL).join(printed));
          expect(b.text).toBe(control[i]!.text.split(CONTROL).join(printed));
        });
      }),
      { seed: SEED, numRuns: 100 },
    );
  }, 120_000);
});

describe('the loader and validator, fuzzed', () => {
  const minimal = readYamlFiles(join(FIXTURES, 'minimal'));
  const names = [...minimal.keys()];
  const ruleIds = new Set(Object.keys(RULES));

  /** Every message is positioned and names a rule of the catalog; nothing throws. */
  const wellFormed = (files: Map<string, string | Uint8Array>) => {
    const result = validateTexts(files);
    // One expectation for all the messages (a failure lists the ill-formed ones): four for each message were about
    // a tenth of the fuzzing's time.
    expect(result.diagnostics.filter((d) => !(d.line >= 1 && d.column >= 1 && ruleIds.has(d.rule) && d.message.length > 10))).toEqual([]);
    if (!result.dataset) expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  };

  it('gives positioned messages for any bytes in place of a data file (500 cases)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.uint8Array({ maxLength: 300 }), (name, bytes) => {
        wellFormed(new Map<string, string | Uint8Array>([...minimal, [name, bytes]]));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('gives positioned messages for a data file cut, spliced or salted with YAML syntax (1,000 cases)', () => {
    const yamlish = fc.constantFrom('&a', '*a', '!foo', '!!str', '? ', '- ', ': ', '{', '}', '[', ']', '"', "'", '#', '|', '>', '%YAML 1.2', '---', '...', '\t', '\n', '  ', '\uFEFF', '2021-02-30', '24:00', 'null', '~', 'true', '1e9');
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.nat(), fc.nat(), fc.array(fc.oneof(yamlish, fieldText), { maxLength: 6 }), (name, a, b, salt) => {
        const text = minimal.get(name)!;
        const [from, to] = [a % (text.length + 1), b % (text.length + 1)].sort((x, y) => x - y) as [number, number];
        const mutated = `${text.slice(0, from)}${salt.join('')}${text.slice(to)}`;
        wellFormed(new Map([...minimal, [name, mutated]]));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
