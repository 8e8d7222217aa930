// Template problems are positioned in the template file; raw output is refused in Markdown templates.
import { describe, expect, it } from 'vitest';
import { createMarkdownRenderer, TemplateError } from '../pipeline/render/render-markdown.ts';

function failure(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error('expected a template error');
}

describe('template errors', () => {
  it('name the template, line and column of a syntax error', () => {
    const e = failure(() => createMarkdownRenderer([{ file: 'chronology.md.hbs', text: '# title\n\n{{#each years}}\n{{year}\n{{/each}}\n' }]));
    expect(e.diagnostic).toMatchObject({ file: 'chronology.md.hbs', line: 4, rule: 'template-syntax' });
    expect(e.message).toMatch(/^templates\/chronology\.md\.hbs:4:\d+: error: /);
  });

  it('name the template, line and column of a field that does not exist', () => {
    const r = createMarkdownRenderer([{ file: 'roster.md.hbs', text: '# {{brief.title}}\n\n{{#each people}}\n- {{nmae}}\n{{/each}}\n' }]);
    const e = failure(() => r.render('roster.md.hbs', { brief: { title: 'x' }, people: [{ name: '甲' }] }));
    expect(e.diagnostic).toMatchObject({ file: 'roster.md.hbs', line: 4, column: 3, rule: 'template-runtime' });
    expect(e.message).toContain('"nmae" not defined');
  });

  it('name the partial, not the template, for an error inside a partial', () => {
    const r = createMarkdownRenderer(
      [
        { file: 'checklist.md.hbs', text: '# t\n\n{{> item}}\n' },
        { file: 'partials/item.md.hbs', text: 'ok\n{{missing}}\n' },
      ],
    );
    const e = failure(() => r.render('checklist.md.hbs', {}));
    expect(e.diagnostic).toMatchObject({ file: 'partials/item.md.hbs', line: 2, column: 1 });
  });

  it('refuse {{{raw}}} output in a Markdown template', () => {
    const e = failure(() => createMarkdownRenderer([{ file: 'roster.md.hbs', text: 'a\n  {{{name}}}\n' }]));
    expect(e.diagnostic).toMatchObject({ file: 'roster.md.hbs', line: 2, column: 3, rule: 'template-raw-output' });
  });

  it('escape for Markdown every value, in blocks and partials too', () => {
    const r = createMarkdownRenderer([
      { file: 'x.md.hbs', text: '{{a}} {{#each items}}{{this}}{{/each}} {{> p}}\n' },
      { file: 'partials/p.md.hbs', text: '{{b.c}}' },
    ]);
    expect(r.render('x.md.hbs', { a: '*a*', items: ['[b]', '<c>'], b: { c: '|d|' } })).toBe('\\*a\\* \\[b\\]\\<c\\> \\|d\\|\n');
  });

  it('list note definitions in the order a reader meets their marks', () => {
    const r = createMarkdownRenderer([{ file: 'x.md.hbs', text: 'a{{cite first}} b{{cite second}} c{{cite first}}\n\n{{#each notes}}{{footnote this}}\n{{/each}}' }]);
    const notes = [
      { label: 'late', text: 'second', url: null },
      { label: 'early', text: 'first', url: null },
      { label: 'unused', text: 'never cited', url: null },
    ];
    const md = r.render('x.md.hbs', { first: ['early'], second: ['late'], notes });
    expect(md.split('\n').filter((l) => l.startsWith('[^'))).toEqual(['[^early]: first', '[^late]: second']);
  });
});
