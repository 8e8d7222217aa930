// Handlebars templates to Markdown. Every `{{value}}` is escaped for Markdown (not HTML), so text in the data stays
// text: no `**`, `[x](javascript:…)`, `<script>`, `|` or leading `#` in a field can become markup.
import Handlebars from 'handlebars';
import type { HelperOptions } from 'handlebars';
import type { ForeignPassage } from '../data/script.ts';
import { TemplateError } from '../data/diagnostics.ts';
import { kept } from '../data/memo.ts';
import type { Footnote } from '../views/index.ts';

/** A template file: its name relative to the templates folder, and its text. */
export interface TemplateSource {
  file: string;
  text: string;
}

export { TemplateError };

// CommonMark reads any backslash-escaped ASCII punctuation as a literal. These characters open or close markup
// anywhere in a line: code, emphasis, strikethrough, links and footnotes, HTML, entities, table cells, headings'
// closing #s. (Bare URLs are not markup here: the HTML stage does not parse GFM's autolink literals at all.)
const INLINE_SPECIALS = /[\\`*_~[\]<>&|#]/g;

/** Data text as the briefs print it: one line, whitespace around a line break folded into one space, trimmed. */
export const dataTextAsPrinted = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

const escapeInline = (text: string): string => text.replace(INLINE_SPECIALS, (c) => `\\${c}`);
// A value may start a line: keep it from starting a list, a quote, a setext underline or a numbered item.
const escapeLineStart = (text: string): string => text.replace(/^([-+=])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');

/** Text as Markdown that reads as that text: one line, every character that could become markup escaped. */
export function escapeMarkdown(text: string): string {
  return escapeLineStart(escapeInline(dataTextAsPrinted(text)));
}


/**
 * Text as Markdown, as escapeMarkdown makes it, with every foreign passage in it wrapped in `<span lang>` (the one
 * raw HTML remarkLanguageSpans turns into an element), so it is set in its own script's fonts and read in its voice.
 */
export function escapeMarkdownMarking(text: string, passages: readonly ForeignPassage[]): string {
  const printed = dataTextAsPrinted(text);
  const found = passages.filter((p) => p.text !== '' && printed.includes(p.text));
  if (found.length === 0) return escapeLineStart(escapeInline(printed));
  const pattern = new RegExp(
    found
      .map((p) => p.text)
      .sort((a, b) => b.length - a.length)
      .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'gu',
  );
  let out = '';
  let last = 0;
  for (const m of printed.matchAll(pattern)) {
    out += escapeInline(printed.slice(last, m.index));
    out += `<span lang="${found.find((p) => p.text === m[0])!.lang}">${escapeInline(m[0])}</span>`;
    last = m.index + m[0].length;
  }
  return escapeLineStart(out + escapeInline(printed.slice(last)));
}

const SafeString = Handlebars.SafeString;

/** An error at the helper call's place in its template (Handlebars gives helpers their location). */
function positionedError(message: string, options: HelperOptions): Error {
  const loc = (options as HelperOptions & { loc?: hbs.AST.SourceLocation }).loc;
  return Object.assign(new Error(message), { lineNumber: loc?.start.line, column: loc?.start.column });
}

/**
 * Views give every field, with null for "absent"; an undefined value is a typo in a template. Handlebars' strict
 * mode does not check helper arguments, so every helper, built-in block helpers included, checks its own.
 */
function requireDefinedArguments(name: string, fn: (...args: unknown[]) => unknown) {
  return function (this: unknown, ...a: unknown[]) {
    const options = a[a.length - 1] as HelperOptions;
    const missing = a.slice(0, -1).findIndex((v) => v === undefined);
    if (missing >= 0) throw positionedError(`argument ${missing + 1} of "${name}" is not defined`, options);
    return fn.apply(this, a);
  };
}

/**
 * The helpers every Markdown template may use: escaping, citations, heading ids, task boxes and notes. They format
 * nothing: the view models hand over every value worded and ready to print.
 */
function markdownHelpers(): Record<string, (...args: unknown[]) => unknown> {
  const args = (a: unknown[]) => a.slice(0, -1); // Handlebars passes its options last
  const options = (a: unknown[]) => a[a.length - 1] as HelperOptions;
  // The passages ride in the render's data (as `@`-variables do), so one compiled set serves every dataset.
  const text = (value: unknown, a: unknown[]) => escapeMarkdownMarking(String(value), (options(a).data as RenderData).passages);
  return {
    md(...a) {
      const [value] = args(a);
      if (value instanceof SafeString) return value.toString();
      if (value === undefined) throw positionedError(`"${String(options(a).hash.expression)}" not defined`, options(a));
      if (value === null) return '';
      return text(value, a);
    },
    lang(...a) {
      // `{{lang nameEn "en"}}`: words of another language, marked as such (a screen reader changes voice, the
      // stylesheet justifies and breaks them as Latin). A null language means the page's own.
      const [value, tag] = args(a) as [string, string | null];
      if (tag === null || tag === undefined) return new SafeString(text(value, a));
      if (!/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(tag)) throw positionedError(`"${tag}" is not a language tag`, options(a));
      const name = options(a).hash.name === true ? ' class="name"' : '';
      return new SafeString(`<span lang="${tag}"${name}>${text(value, a)}</span>`);
    },
    cite(...a) {
      const [labels] = args(a) as [readonly string[]];
      // Plain marks: the HTML stage glues each to the word before it (a word joiner here would sit between a
      // closing ** and the mark, and stop the emphasis of a name that ends in punctuation).
      return new SafeString(labels.map((l) => `[^${l}]`).join(''));
    },
    anchor(...a) {
      // `{{anchor "year-" year}}` → ` {#year-2005}`: a stable heading id, read by the HTML stage.
      const id = args(a).map(String).join('');
      if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(id)) throw new Error(`anchor "${id}" is not an ASCII id starting with a letter`);
      return new SafeString(` {#${id}}`);
    },
    checkbox(...a) {
      const [checked] = args(a);
      return new SafeString(checked ? '[x]' : '[ ]');
    },
    footnote(...a) {
      const [note] = args(a) as [Footnote];
      const url = note.url && /^https?:\/\/[^\s<>]+$/.test(note.url) ? `${escapeInline(note.urlSeparator)}<${note.url}>` : '';
      const body = note.lang ? `<span lang="${note.lang}">${text(note.text, a)}</span>` : text(note.text, a);
      return new SafeString(`[^${note.label}]: ${body}${url}`);
    },
  };
}

/**
 * Routes every escaped mustache through the `md` helper: `{{x}}` becomes `{{md x}}` and `{{date a b}}` becomes
 * `{{md (date a b)}}`. Triple-stash output is refused: it would let data become markup.
 */
function escapeMustaches(program: hbs.AST.Program, file: string, helpers: Set<string>): void {
  const visit = (node: hbs.AST.Node | undefined | null): void => {
    if (!node) return;
    if (node.type === 'Program') (node as hbs.AST.Program).body.forEach(visit);
    else if (node.type === 'BlockStatement') {
      visit((node as hbs.AST.BlockStatement).program);
      visit((node as hbs.AST.BlockStatement).inverse);
    } else if (node.type === 'MustacheStatement') {
      const m = node as hbs.AST.MustacheStatement & { loc: hbs.AST.SourceLocation };
      if (!m.escaped) {
        throw new TemplateError({
          file,
          line: m.loc.start.line,
          column: m.loc.start.column + 1,
          severity: 'error',
          message: 'raw output {{{…}}} in a Markdown template (expected {{…}}, which escapes Markdown)',
          rule: 'template-raw-output',
        });
      }
      const path = m.path as hbs.AST.PathExpression;
      const isHelperCall = m.params.length > 0 || m.hash !== undefined || (path.type === 'PathExpression' && helpers.has(path.original));
      const inner = isHelperCall ? ({ type: 'SubExpression', path: m.path, params: m.params, hash: m.hash, loc: m.loc } as unknown as hbs.AST.Expression) : m.path;
      const original = (path as { original?: unknown }).original;
      m.path = { type: 'PathExpression', data: false, depth: 0, parts: ['md'], original: 'md', loc: m.loc } as unknown as hbs.AST.PathExpression;
      m.params = [inner];
      // The expression's own text rides along, so a missing field can be named in the message.
      m.hash = {
        type: 'Hash',
        pairs: [{ type: 'HashPair', key: 'expression', value: { type: 'StringLiteral', value: String(original), original: String(original), loc: m.loc }, loc: m.loc }],
        loc: m.loc,
      } as unknown as hbs.AST.Hash;
    }
  };
  visit(program);
}

/** Any Handlebars error (parse or run time) as a TemplateError positioned in `file`. */
export function templateError(file: string, err: unknown, rule: 'template-syntax' | 'template-runtime'): TemplateError {
  if (err instanceof TemplateError) return err;
  const e = err as { message?: string; lineNumber?: number; column?: number; hash?: { loc?: { first_line: number; first_column: number } } };
  const message = String(e.message ?? err).split('\n')[0]!.replace(/ - \d+:\d+$/, '');
  const line = e.lineNumber ?? e.hash?.loc?.first_line ?? Number(/line (\d+)/.exec(String(e.message))?.[1] ?? 1);
  const column = (e.column ?? e.hash?.loc?.first_column ?? 0) + 1;
  return new TemplateError({ file, line, column, severity: 'error', message, rule });
}

export interface MarkdownRenderer {
  render(template: string, view: unknown): string;
}

/** What every render hands its helpers besides the view: the foreign passages of the dataset being printed. */
interface RenderData {
  passages: readonly ForeignPassage[];
}

type CompiledTemplate = (context: unknown, options?: Handlebars.RuntimeOptions) => string;

/** The templates (partials registered, not listed) compiled by one Handlebars environment with the Markdown helpers. */
function compileTemplates(templates: readonly TemplateSource[]): Map<string, CompiledTemplate> {
  const hb = Handlebars.create();
  const helpers = markdownHelpers();
  for (const [name, fn] of Object.entries(helpers)) hb.registerHelper(name, name === 'md' ? fn : requireDefinedArguments(name, fn));
  for (const name of ['each', 'if', 'unless', 'with']) {
    hb.registerHelper(name, requireDefinedArguments(name, hb.helpers[name] as (...args: unknown[]) => unknown));
  }
  const helperNames = new Set(Object.keys(helpers));

  const compile = (t: TemplateSource): CompiledTemplate => {
    let ast: hbs.AST.Program;
    try {
      ast = hb.parse(t.text);
    } catch (err) {
      throw templateError(t.file, err, 'template-syntax');
    }
    escapeMustaches(ast, t.file, helperNames);
    const fn = hb.compile(ast, { strict: true, noEscape: true, preventIndent: true });
    // Errors inside a partial are positioned in the partial: tag them with its file on the way out.
    return (context, options) => {
      try {
        return fn(context, options);
      } catch (err) {
        const tagged = err as { templateFile?: string };
        if (err instanceof TemplateError) throw err;
        tagged.templateFile ??= t.file;
        throw err;
      }
    };
  };

  const compiled = new Map<string, CompiledTemplate>();
  for (const t of templates) {
    const fn = compile(t);
    if (t.file.startsWith('partials/')) {
      hb.registerPartial(t.file.replace(/^partials\//, '').replace(/\.md\.hbs$/, ''), fn as unknown as Handlebars.Template);
    } else compiled.set(t.file, fn);
  }
  return compiled;
}

/**
 * Each list of templates compiled once, whatever the passages: compiling (Handlebars compiles on a template's first
 * render) cost more than rendering every brief. A list of templates is not changed once read.
 */
const compiledSets = new WeakMap<readonly TemplateSource[], Map<string, CompiledTemplate>>();

/**
 * Compiles the brief templates and partials once. `templates` maps a template file (`chronology.md.hbs`,
 * `partials/cite.md.hbs`) to its text; partials are named by their file name without folder and extension. Data text
 * holding one of `passages` prints it marked with its language.
 */
export function createMarkdownRenderer(templates: readonly TemplateSource[], passages: readonly ForeignPassage[] = []): MarkdownRenderer {
  const compiled = kept(compiledSets, templates, () => compileTemplates(templates));
  const data: RenderData = { passages };
  return {
    render(template, view) {
      const fn = compiled.get(template);
      if (!fn) throw new Error(`no template ${template}`);
      let text: string;
      try {
        text = fn(view, { data });
      } catch (err) {
        const file = (err as { templateFile?: string }).templateFile ?? template;
        throw templateError(file, err, 'template-runtime');
      }
      return tidyMarkdown(orderFootnotes(text));
    },
  };
}

const FOOTNOTE_DEFINITION = /^\[\^([^\]\s]+)\]: /;

/**
 * Note definitions in the order a reader meets their marks, after the body: the view models collect citations in
 * data order, which is not always reading order. A definition no mark refers to is dropped.
 */
export function orderFootnotes(markdown: string): string {
  const definitions = new Map<string, string>();
  const body: string[] = [];
  for (const line of markdown.split('\n')) {
    const label = FOOTNOTE_DEFINITION.exec(line)?.[1];
    if (label === undefined) body.push(line);
    else definitions.set(label, line);
  }
  if (definitions.size === 0) return markdown;
  const text = body.join('\n');
  const order: string[] = [];
  for (const m of text.matchAll(/\[\^([^\]\s]+)\](?!:)/g)) if (definitions.has(m[1]!) && !order.includes(m[1]!)) order.push(m[1]!);
  return `${text.trimEnd()}\n\n${order.map((label) => definitions.get(label)).join('\n')}\n`;
}

/** One blank line between blocks, no trailing spaces, one final newline: stable, diff-friendly Markdown. */
export function tidyMarkdown(text: string): string {
  return `${text
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}
