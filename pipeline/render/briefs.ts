// The briefs stage: validated data to Markdown and HTML files, in memory. Pure once the templates are read.
import Handlebars from 'handlebars';
import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { BRIEF_NAMES, fill, type BriefName, type Locale } from '../views/locale.ts';
import type { Format, Lang } from '../data/names.ts';
import { kept } from '../data/memo.ts';
import { markdownToHtml, markdownToHtmlVariants, type Heading, type HtmlOptions } from './markdown-to-html.ts';
import type { XhtmlChapter } from './xhtml-chapter.ts';
import { createMarkdownRenderer, templateError, type TemplateSource } from './render-markdown.ts';
import type { Dataset } from '../data/schema.ts';
import type { Change } from '../data/compare.ts';
import { CHECKSUMS_FILE } from '../data/checksums.ts';
import { FEED_FILE } from './feed.ts';
import { briefView, changesView, foreignPassages, printedDataset, publicationView, seriesFacts, type PublicationView } from '../views/index.ts';

export interface Templates {
  markdown: TemplateSource[];
  layout: TemplateSource;
  index: TemplateSource;
  dossier: TemplateSource;
  stylesheet: string;
}

export interface OutputFile {
  /** Relative to the output folder, with forward slashes. */
  path: string;
  /** The bytes, or a file to copy them from (the bundled fonts). */
  content: string | Uint8Array | { copyFrom: string };
}

export interface RenderedBrief {
  /** A brief, or the changes page (修訂說明), which the dossier carries last. */
  name: BriefName | 'changes';
  /** Its part of the dossier, when asked for: a brief as it prints on its own, the changes page without contents; ids prefixed with the name. */
  dossierPart?: { html: string; headings: Heading[] };
  title: string;
  description: string;
  keywords: string[];
  markdown: string;
  /** The body fragment and the standalone document. */
  fragment: string;
  /** The body as an EPUB chapter, when asked for (RenderInput.withChapters). */
  chapter?: XhtmlChapter;
  html: string;
  headings: Heading[];
}

/** The Markdown templates of the pages, and the layouts and stylesheet: every template file but the partials. */
const PAGE_TEMPLATES = [...BRIEF_NAMES, 'changes'].map((b) => `${b}.md.hbs`);
const LAYOUT_FILES = ['layout.html.hbs', 'index.html.hbs', 'dossier.html.hbs', 'style.css'];

/**
 * The templates from the files of the template folders (path → bytes or text), the first folder that has a file
 * winning: a dataset's own templates/ before the defaults. Pure; partials are every `partials/*.md.hbs` of any folder.
 */
export function templatesFrom(files: ReadonlyMap<string, Uint8Array | string>, folders: readonly string[]): Templates {
  const find = (file: string): string => {
    for (const dir of folders) {
      const content = files.get(join(dir, file));
      if (content !== undefined) return typeof content === 'string' ? content : new TextDecoder().decode(content);
    }
    throw new Error(`template ${file} not found in ${folders.join(', ')}`);
  };
  const read = (file: string): TemplateSource => ({ file, text: find(file) });
  const partialNames = new Set<string>();
  for (const dir of folders) {
    const partials = join(dir, 'partials') + sep;
    for (const path of files.keys()) if (path.startsWith(partials) && path.endsWith('.md.hbs') && !path.slice(partials.length).includes(sep)) partialNames.add(path.slice(partials.length));
  }
  return {
    markdown: [...PAGE_TEMPLATES.map((t) => read(t)), ...[...partialNames].sort().map((p) => read(`partials/${p}`))],
    layout: read('layout.html.hbs'),
    index: read('index.html.hbs'),
    dossier: read('dossier.html.hbs'),
    stylesheet: find('style.css'),
  };
}

/** Reads the templates of `dirs` (see templatesFrom). */
export async function readTemplates(dirs: string | readonly string[]): Promise<Templates> {
  const folders = typeof dirs === 'string' ? [dirs] : dirs;
  const names = [...PAGE_TEMPLATES, ...LAYOUT_FILES];
  const files = new Map<string, string>();
  for (const dir of folders) {
    const partials = (await readdir(join(dir, 'partials')).catch(() => [] as string[])).filter((f) => f.endsWith('.md.hbs')).map((f) => `partials/${f}`);
    for (const name of [...names, ...partials]) {
      const text = await readFile(join(dir, name), 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
        throw err;
      });
      if (text !== undefined) files.set(join(dir, name), text);
    }
  }
  return templatesFrom(files, folders);
}

/** Each HTML template compiled once: the layout serves every page of every edition, build after build. */
const compiledHtml = new WeakMap<TemplateSource, Handlebars.TemplateDelegate>();

function compileHtml(t: TemplateSource): Handlebars.TemplateDelegate {
  return kept(compiledHtml, t, () => compileHtmlTemplate(t));
}

/** An HTML template (Handlebars with its own HTML escaping); errors name the template, line and column. */
function compileHtmlTemplate(t: TemplateSource): Handlebars.TemplateDelegate {
  const hb = Handlebars.create();
  let fn: Handlebars.TemplateDelegate;
  try {
    fn = hb.compile(hb.parse(t.text), { strict: true });
  } catch (err) {
    throw templateError(t.file, err, 'template-syntax');
  }
  return (context: unknown) => {
    try {
      return fn(context);
    } catch (err) {
      throw templateError(t.file, err, 'template-runtime');
    }
  };
}

/** A CSS string literal; `<` is escaped too, so the text can never close the <style> element it sits in. */
export function cssString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\A ').replace(/</g, '\\3C ')}"`;
}

/** "第 {page} 頁,共 {pages} 頁" as CSS generated content with the page counters. */
export function pageCounterContent(pattern: string): string {
  return pattern
    .split(/(\{page\}|\{pages\})/)
    .filter((part) => part !== '')
    .map((part) => (part === '{page}' ? 'counter(page)' : part === '{pages}' ? 'counter(pages)' : cssString(part)))
    .join(' ');
}

/** The running header (a title) and footer (page X of Y) of a page, or of a named page. */
export function runningHeadCss(title: string, locale: Locale, pageName = '', footer = locale.page_of): string {
  const name = pageName ? ` ${pageName}` : '';
  return `@page${name} { @top-center { content: ${cssString(title)}; } @bottom-center { content: ${pageCounterContent(footer)}; } }`;
}

/** The dossier's running footer: its edition, then the page count ("第1版（2021年3月22日）　第3頁，共14頁"). */
export const dossierFooter = (publication: PublicationView, locale: Locale): string => fill(locale.dossier.footer, { edition: publication.edition.label, page_of: locale.page_of });

export interface RenderInput {
  data: Dataset;
  locale: Locale;
  templates: Templates;
  /** The briefs to render (default: all). */
  only?: readonly BriefName[];
  /** Also render each brief's part of the dossier. */
  withDossier?: boolean;
  /** The data as this edition prints it, when the caller has it already (printedDataset converts and typesets). */
  printed?: Dataset;
  /** Also make each brief's EPUB chapter. */
  withChapters?: boolean;
}

/** The stylesheet of an edition's font faces: each edition is set in its own script's faces. */
export const fontsCssOf = (lang: Lang): string => `fonts.${lang}.css`;

/**
 * Renders every brief to Markdown and HTML, in the edition of `locale.lang` (the data converted to its script when
 * it is not the data's own). Pure: no clock, no machine path, no random id.
 */
export function renderBriefs({ data: source, locale, templates, only = BRIEF_NAMES, withDossier = false, printed, withChapters = false }: RenderInput): RenderedBrief[] {
  const data = printed ?? printedDataset(source, locale.lang);
  const md = createMarkdownRenderer(templates.markdown, foreignPassages(data, locale.lang));
  const facts = seriesFacts(data, locale);
  const publication = publicationView(data, locale, facts);
  return only.map((name) => {
    const view = briefView(name, data, locale, facts);
    // A brief's part of the dossier is the brief as it prints on its own, contents and all (ids prefixed), so that the
    // dossier's page numbers can be read off the brief's own PDF (pipeline/print/pdf.ts).
    const part = withDossier ? { idPrefix: `${name}-` } : undefined;
    return renderPage(md.render(`${name}.md.hbs`, { ...view, l: locale }), { name, ...view.brief }, publication, locale, templates, part, withChapters);
  });
}

/** A page's Markdown as the brief file, its standalone HTML page, its body for the EPUB and its part of the dossier. */
function renderPage(markdown: string, page: { name: RenderedBrief['name']; title: string; description: string; keywords: string[] }, publication: PublicationView, locale: Locale, templates: Templates, part: HtmlOptions | undefined, withChapter: boolean): RenderedBrief {
  const { name } = page;
  const own: HtmlOptions = withChapter ? { chapter: { taskLabels: { checked: locale.checklist.settled, unchecked: locale.checklist.follow_up } } } : {};
  const variants = markdownToHtmlVariants(markdown, locale, part ? [part, own] : [own]);
  const fragment = variants[variants.length - 1]!;
  const dossierPart = part ? variants[0] : undefined;
  const html = compileHtml(templates.layout)({
    lang: locale.lang,
    name,
    title: page.title,
    description: page.description,
    siteTitle: publication.title,
    author: publication.publisher,
    assets: '../assets/',
    fontsCss: fontsCssOf(locale.lang),
    home: '../',
    printStyle: runningHeadCss(page.title, locale),
    body: fragment.html,
  });
  return { ...page, markdown, fragment: fragment.html, html, headings: fragment.headings, ...(fragment.chapter ? { chapter: fragment.chapter } : {}), ...(dossierPart ? { dossierPart } : {}) };
}

/**
 * The changes page (修訂說明) of an edition: what it changed since an earlier dataset, worded from the two printed
 * datasets by changesView, rendered as the briefs are (with its part of the dossier, where it comes last).
 */
export function renderChanges(changes: readonly Change[], before: Dataset, after: Dataset, locale: Locale, templates: Templates, { withDossier = false }: { withDossier?: boolean } = {}): RenderedBrief {
  const [was, is] = [printedDataset(before, locale.lang), printedDataset(after, locale.lang)];
  const publication = publicationView(is, locale);
  const since = publicationView(was, locale).edition.label;
  const view = changesView(changes, was, is, locale, { since, edition: publication.edition.label });
  const md = createMarkdownRenderer(templates.markdown, foreignPassages(is, locale.lang));
  const markdown = md.render('changes.md.hbs', { ...view, l: locale });
  // Printed only in the dossier, the changes page needs no contents of its own there.
  const part = withDossier ? { toc: false, idPrefix: 'changes-' } : undefined;
  return renderPage(markdown, { name: 'changes', title: view.title, description: view.intro, keywords: [...publication.keywords, view.title] }, publication, locale, templates, part, false);
}

export type { Format } from '../data/names.ts';

/**
 * The combined document: a cover, a table of contents of every brief and its sections, then the briefs, each on
 * its own named page so the running header follows the brief. Ids are prefixed per brief, so they stay unique.
 */
export function renderDossier(briefs: readonly RenderedBrief[], publication: PublicationView, locale: Locale, templates: Templates): string {
  const layout = compileHtml(templates.dossier);
  const parts = briefs.map((b) => {
    const fragment = b.dossierPart ?? markdownToHtml(b.markdown, locale, { toc: b.name !== 'changes', idPrefix: `${b.name}-` });
    return {
      name: b.name,
      title: b.title,
      top: fragment.headings.find((h) => h.depth === 1)!.id,
      sections: fragment.headings.filter((h) => h.depth === 2),
      body: fragment.html,
    };
  });
  const footer = dossierFooter(publication, locale);
  const printStyle = [
    runningHeadCss(publication.dossierTitle, locale, '', footer),
    '@page cover { @top-center { content: none; } @bottom-center { content: none; } }',
    '.cover { page: cover; }',
    ...briefs.map((b) => `${runningHeadCss(b.title, locale, b.name, footer)} .dossier-${b.name} { page: ${b.name}; }`),
  ].join('\n');
  return layout({
    lang: locale.lang,
    title: publication.dossierTitle,
    description: publication.dossierDescription,
    author: publication.publisher,
    siteTitle: publication.title,
    coverLines: publication.coverLines,
    tocLabel: locale.toc,
    asOf: publication.asOf,
    edition: publication.edition.label,
    assets: '../assets/',
    fontsCss: fontsCssOf(locale.lang),
    printStyle,
    briefs: parts,
  });
}

/** One edition as the index lists it: its words and what it says of itself. */
export interface IndexEdition {
  publication: PublicationView;
  locale: Locale;
  /** Its changes page, when the build has one. */
  changes?: RenderedBrief;
}

/**
 * The index page: every edition, each with every brief (a build of some briefs or editions leaves the others' files
 * in place, so all are listed) in every format that is built, the dossier and the EPUB. The page speaks the first
 * edition's language; each edition's part is marked with its own.
 */
export function renderIndex(editions: readonly IndexEdition[], templates: Templates, formats: readonly Format[]): string {
  const perBrief = formats.filter((f) => f !== 'epub');
  const first = editions[0]!;
  return compileHtml(templates.index)({
    lang: first.locale.lang,
    title: first.publication.title,
    description: first.publication.description,
    fontsCss: editions.map((e) => fontsCssOf(e.locale.lang)),
    feed: FEED_FILE,
    editions: editions.map(({ publication, locale, changes }) => {
      const dir = locale.lang;
      const printed = formats.includes('pdf') || formats.includes('epub');
      return {
        lang: locale.lang,
        // The page's own language needs no mark; another edition's part is marked, and titled by its own words.
        ownLang: locale.lang === first.locale.lang ? null : locale.lang,
        heading: locale.edition_name,
        edition: publication.edition.label,
        whole: [
          ...(formats.includes('pdf') ? [{ href: `${dir}/dossier.pdf`, label: `${publication.dossierTitle}${fill(locale.parenthetical, { text: locale.formats.pdf })}` }] : []),
          ...(formats.includes('epub') ? [{ href: `${dir}/briefs.epub`, label: `${publication.dossierTitle}${fill(locale.parenthetical, { text: locale.formats.epub })}` }] : []),
          ...(printed ? [{ href: `${dir}/${CHECKSUMS_FILE}`, label: locale.checksums }] : []),
          ...(changes && formats.includes('html') ? [{ href: `${dir}/changes.html`, label: changes.title }] : []),
        ],
        briefs: BRIEF_NAMES.map((name) => ({
          title: publication.briefs[name].title,
          description: publication.briefs[name].description,
          href: `${dir}/${name}.${formats.includes('html') ? 'html' : perBrief[0] ?? 'md'}`,
          formats: perBrief.map((f) => ({ href: `${dir}/${name}.${f}`, label: locale.formats[f] })),
        })),
      };
    }),
  });
}

/** The Markdown and HTML outputs of one edition's briefs. */
export function briefOutputs(briefs: readonly RenderedBrief[], lang: Lang, formats: readonly Format[]): OutputFile[] {
  const files: OutputFile[] = [];
  for (const b of briefs) {
    if (formats.includes('md')) files.push({ path: `${lang}/${b.name}.md`, content: b.markdown });
    if (formats.includes('html')) files.push({ path: `${lang}/${b.name}.html`, content: b.html });
  }
  return files;
}
