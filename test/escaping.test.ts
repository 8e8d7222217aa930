// Text in the data is text: Markdown, HTML and Handlebars specials in any field come out literally.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { escapeMarkdown } from '../pipeline/render/render-markdown.ts';
import { FIXTURES, readYamlFiles } from './helpers.ts';
import { fromHtml } from './html.ts';
import { datasetFromTexts, renderAll } from './render.ts';

const HOSTILE = {
  script: '<script>alert(1)</script>',
  image: '<img src=x onerror=alert(1)>',
  bold: '**粗體**',
  handlebars: '{{l.toc}} {{{body}}}',
  pipe: '左|右',
  link: '[點我](javascript:alert(1))',
  heading: '# 不是標題',
  list: '1. 不是清單',
  entity: '&lt;b&gt; &amp;',
  url: 'https://evil.example/x www.evil.example mail@evil.example',
  strike: '~~刪除~~',
  backslash: 'C:\\路徑\\',
};

/** The minimal dataset with a hostile string in every kind of field the briefs print. */
async function hostileDataset() {
  const texts = readYamlFiles(join(FIXTURES, 'minimal'));
  const q = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar
  const edit = (file: string, from: string, to: string) => {
    const text = texts.get(file)!;
    expect(text, `${file} has ${from}`).toContain(from);
    texts.set(file, text.replace(from, to));
  };
  edit('dialogues.yaml', 'summary: 交換意見。', `summary: ${q(HOSTILE.heading)}`);
  edit('dialogues.yaml', 'summary: 舉行對話。', `summary: ${q(`${HOSTILE.script} ${HOSTILE.image}`)}`);
  edit('dialogues.yaml', 'name: 戰略對話', `name: ${q(HOSTILE.bold)}`);
  edit('people.yaml', 'name: 甲', `name: ${q(HOSTILE.pipe)}`);
  edit('people.yaml', 'title: 國務卿', `title: ${q(HOSTILE.handlebars)}`);
  edit('places.yaml', 'name: 北京', `name: ${q(HOSTILE.link)}`);
  edit('events.yaml', 'title: 宣布對話', `title: ${q(HOSTILE.strike)}`);
  edit('events.yaml', 'summary: 宣布。', `summary: ${q(HOSTILE.list)}`);
  edit('outcomes.yaml', 'text: 加強合作', `text: ${q(`${HOSTILE.entity} ${HOSTILE.url} ${HOSTILE.backslash}`)}`);
  return datasetFromTexts(texts);
}

describe('hostile text in the data', async () => {
  const { briefs } = await renderAll(await hostileDataset());
  const docs = briefs.map((b) => ({ name: b.name, md: b.markdown, html: b.html, doc: fromHtml(b.html) }));
  const all = (pick: (d: (typeof docs)[number]) => string) => docs.map(pick).join('\n');

  it('comes out literally in the text a reader sees', () => {
    const text = all((d) => d.doc.text);
    for (const value of Object.values(HOSTILE)) expect(text).toContain(value);
  });

  it('never becomes a script, an image, a link, emphasis or strikethrough', () => {
    for (const { name, doc } of docs) {
      expect(doc.elements('script'), name).toEqual([]);
      // The checklist's own boxes are images (img.task-box, an SVG data: URL); no other image may appear.
      for (const img of doc.elements('img')) {
        expect(img.properties.className, name).toEqual(['task-box']);
        expect(String(img.properties.src), name).toMatch(/^data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+$/);
      }
      expect(doc.elements('del'), name).toEqual([]);
      expect(doc.elements('strong').map((e) => JSON.stringify(e.children)).join(), name).not.toContain('粗體');
      for (const a of doc.elements('a')) {
        const href = String(a.properties.href);
        expect(href, name).toMatch(/^(#|\.\.\/|https:\/\/example\.org\/)/);
        expect(href).not.toContain('evil');
      }
    }
  });

  it('never becomes a heading or a list item of its own', () => {
    for (const { name, doc } of docs) {
      expect(doc.headings, name).not.toContain('不是標題');
      const listed = doc.elements('li');
      expect(listed.filter((li) => /"value":"不是清單/.test(JSON.stringify(li))), name).toEqual([]);
    }
    const chronology = docs.find((d) => d.name === 'chronology')!;
    expect(chronology.doc.text).toContain('1. 不是清單');
    expect(chronology.doc.text).toContain('# 不是標題');
    expect(chronology.md).toContain('\\# 不是標題');
  });

  it('keeps a | inside one table cell', () => {
    const roster = docs.find((d) => d.name === 'roster')!.doc;
    for (const table of roster.tables) for (const row of table) expect(row).toHaveLength(table[0]!.length);
    expect(roster.tables.flat(2).some((cell) => cell.includes(HOSTILE.pipe))).toBe(true);
  });

  it('is not evaluated by Handlebars', () => {
    const text = all((d) => d.doc.text);
    expect(text).toContain('{{l.toc}}');
    expect(text).toContain('{{{body}}}');
  });
});

describe('escapeMarkdown', () => {
  it('escapes what could open markup and leaves Chinese alone', () => {
    expect(escapeMarkdown('中美**戰略**對話')).toBe('中美\\*\\*戰略\\*\\*對話');
    expect(escapeMarkdown('# 標題')).toBe('\\# 標題');
    expect(escapeMarkdown('- 項目')).toBe('\\- 項目');
    expect(escapeMarkdown('2021. 年')).toBe('2021\\. 年');
    expect(escapeMarkdown('a|b')).toBe('a\\|b');
    expect(escapeMarkdown('行一\n行二')).toBe('行一 行二');
    expect(escapeMarkdown('中美戰略對話')).toBe('中美戰略對話');
  });
});
