// The language editions of a build, as the build makes them: each rendered (briefs, changes page, dossier, its
// passages in the other script), its outputs and font subsets, its prints and book, and the feed of numbered
// editions. Pure but for the font cache and the prints they describe.
import { join } from 'node:path';
import { compareDatasets, type Change } from '../data/compare.ts';
import { isOwnEdition } from '../data/convert.ts';
import { datasetAtRef } from '../data/earlier.ts';
import { BRIEF_NAMES, type BriefName, type Lang } from '../data/names.ts';
import type { Dataset } from '../data/schema.ts';
import type { ForeignPassage } from '../data/script.ts';
import type { Printer } from '../print/browser.ts';
import { readableText } from '../print/coverage.ts';
import { buildEpub, epubIdentifier } from '../print/epub.ts';
import { codePointsOf, DIGITS, fontFaceCss, subsetFaces, withoutCssComments } from '../print/fonts.ts';
import { printPdf, type PdfLayout, type PdfMetadata } from '../print/pdf.ts';
import { briefOutputs, fontsCssOf, renderBriefs, renderChanges, renderDossier, renderIndex, type OutputFile, type RenderedBrief, type Templates } from '../render/briefs.ts';
import { xml, type Feed, type FeedEntry } from '../render/feed.ts';
import { formatDate } from '../views/format.ts';
import { fill, type Locale } from '../views/locale.ts';
import { NAMES_REVIEW, namesReview } from '../views/names-review.ts';
import { foreignPassages, printedDataset, publicationView, type PublicationView } from '../views/index.ts';
import { browserIdentity, hash, projectRoot } from './cache.ts';
import type { BuildOptions } from './options.ts';

function pdfMetadata(title: string, subject: string, keywords: readonly string[], publication: PublicationView, headings: readonly { text: string }[]): PdfMetadata {
  return {
    title,
    author: publication.publisher,
    subject,
    keywords: [...keywords],
    lang: publication.lang,
    // The edition's day: the data's last day unless publication.yaml dates the edition.
    date: new Date(`${publication.edition.date}T00:00:00Z`),
    creator: 'dialogue-briefs',
    version: publication.edition.id,
    headings: headings.map((h) => h.text),
  };
}

/** An output to make: its path, the key of everything it depends on, and how to make it. */
export interface Target {
  path: string;
  key: string;
  kind: 'file' | 'print';
  file?: OutputFile;
  /** Makes the output; a print tells `laidOut` its layout as soon as it has it, before the file is finished. */
  make?: (printed: PrintedLayouts, laidOut: (layout: PdfLayout) => void) => Promise<{ content: Uint8Array; pages?: number; passes?: number; layout?: PdfLayout }>;
}

/** The layout of a PDF of this build by its output path, once printed (or carried over); undefined if there is none. */
export type PrintedLayouts = (path: string) => Promise<PdfLayout | undefined>;

/** One edition, rendered: its words, its printed data, its briefs and dossier, its own fonts. */
export interface RenderedEdition {
  lang: Lang;
  locale: Locale;
  publication: PublicationView;
  briefs: RenderedBrief[];
  /** The changes page (修訂說明), with --since. */
  changes?: RenderedBrief;
  dossierHtml: string;
  /** What it prints in the other script (verbatim quotations, sources' own titles), set in that script's faces. */
  passages: ForeignPassage[];
  /** Each document with the running header and footer it will carry. */
  documents: { name: string; text: string }[];
}

/** What an edition changed since an earlier dataset: the changes, and that dataset to word them from. */
export interface Since {
  before: Dataset;
  changes: Change[];
}

/** What an edition's rendering makes besides each brief's pages: its briefs' parts of the dossier, their EPUB chapters. */
export interface EditionParts {
  only: readonly BriefName[];
  withDossier: boolean;
  withChapters: boolean;
}

export function renderEdition(data: Dataset, locale: Locale, templates: Templates, { only, withDossier, withChapters }: EditionParts, since?: Since): RenderedEdition {
  const printed = printedDataset(data, locale.lang);
  const publication = publicationView(printed, locale);
  const briefs = renderBriefs({ data, locale, templates, only, withDossier, printed, withChapters });
  // The book holds the briefs only: the changes page needs no chapter.
  const changes = since ? renderChanges(since.changes, since.before, data, locale, templates, { withDossier }) : undefined;
  // The dossier ends with the changes page, when there is one.
  const dossierHtml = withDossier ? renderDossier(changes ? [...briefs, changes] : briefs, publication, locale, templates) : '';
  const documents = [
    ...[...briefs, ...(changes ? [changes] : [])].map((b) => ({ name: `${locale.lang} ${b.name}`, text: `${b.html}${b.title}${locale.page_of}` })),
    ...(withDossier ? [{ name: `${locale.lang} dossier`, text: `${dossierHtml}${publication.dossierTitle}${locale.page_of}` }] : []),
  ];
  // Only the passages the edition prints: a source nothing in it cites needs no faces of the other script.
  const readable = documents.map((d) => readableText(d.text));
  const passages = foreignPassages(printed, locale.lang).filter((p) => readable.some((t) => t.includes(p.text)));
  return { lang: locale.lang, locale, publication, briefs, ...(changes ? { changes } : {}), dossierHtml, passages, documents };
}

/** Where finished font subsets are kept between builds: `.cache/fonts/` in the project. */
const fontCacheDir = (): string => join(projectRoot(), '.cache', 'fonts');


/** The files of an edition a reader downloads, as the feed links them: the dossier, the three briefs, the book. */
const DOWNLOADS = [
  ...(['dossier', ...BRIEF_NAMES] as const).map((name) => ({ name, file: `${name}.pdf`, type: 'application/pdf' as const, format: 'pdf' as const })),
  { name: 'dossier' as const, file: 'briefs.epub', type: 'application/epub+zip' as const, format: 'epub' as const },
];

/**
 * The feed of every edition publication.yaml lists: this build's (its files on the site, its changes since --since,
 * else since the previous edition's tag when git has it) and the earlier ones (their files as release assets named
 * <lang>-<file> under --releases-url, their changes from their tags). Worded in the first language edition's words.
 */
export function feedOf(data: Dataset, editions: readonly RenderedEdition[], templates: Templates, options: BuildOptions, since?: Since): Feed {
  const first = editions[0]!;
  const { locale, publication } = first;
  const listed = data.publication.editions ?? [{ id: publication.edition.id }];
  const downloads = DOWNLOADS.filter((d) => options.formats.includes(d.format));
  const atTag = (tag: string | undefined) => (tag ? datasetAtRef(tag, options.dataDir) : undefined);
  // The changes as the dossier carries them: no contents of their own, ids prefixed.
  const changesHtml = (before: Dataset | undefined, after: Dataset | undefined) =>
    before && after ? renderChanges(compareDatasets(before, after), before, after, locale, templates, { withDossier: true }).dossierPart!.html : undefined;
  const entries = listed.map((edition, i): FeedEntry => {
    const current = i === 0;
    const dataset = current ? data : atTag(edition.tag);
    const date = current ? publication.edition.date : (edition.date ?? (dataset ? publicationView(printedDataset(dataset, locale.lang), locale).edition.date : publication.edition.date));
    const previous = listed[i + 1];
    const content =
      // This edition's changes page is rendered already, with its dossier part, whenever the build prints a dossier.
      (current ? first.changes?.dossierPart?.html : undefined) ??
      changesHtml(current ? (since?.before ?? atTag(previous?.tag)) : atTag(previous?.tag), dataset) ??
      `<p>${xml(previous ? locale.changes.unrecorded : locale.changes.first)}</p>`;
    const releases = options.releasesUrl;
    const files = editions.flatMap((e) =>
      downloads.flatMap((d) => {
        const href = current ? `${e.lang}/${d.file}` : releases && edition.tag ? `${releases}${encodeURIComponent(edition.tag)}/${e.lang}-${d.file}` : undefined;
        const title = d.name === 'dossier' ? e.publication.dossierTitle : e.publication.briefs[d.name].title;
        return href ? [{ href, type: d.type, lang: e.lang, title: `${title}${fill(e.locale.parenthetical, { text: e.locale.formats[d.format] })}` }] : [];
      }),
    );
    return {
      id: edition.id,
      date,
      title: fill(locale.edition_label, { id: edition.id, date: formatDate(locale, date) }),
      contentHtml: content,
      files,
      ...(current ? { alternate: first.changes ? `${first.lang}/changes.html` : 'index.html' } : {}),
    };
  });
  return { title: publication.title, subtitle: publication.description, author: publication.publisher, lang: first.lang, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}), entries };
}

interface PrintContext {
  options: BuildOptions;
  version: string;
  templates: Templates;
  /** The edition's font faces as its fonts.<lang>.css declares them (named by content). */
  fontsKey: string;
  stagedDir: () => string;
  printer: () => Promise<Printer>;
  /** The build prints the dossier (every brief asked for, in PDF). */
  withDossier: boolean;
}

/** An edition's printed outputs: its PDFs (the dossier once its briefs are printed) and its EPUB, each with its key. */
export function editionPrints(e: RenderedEdition, c: PrintContext): Target[] {
  const { options, version, templates } = c;
  const targets: Target[] = [];
  if (options.formats.includes('pdf')) {
    // A print depends on its own page, the stylesheet, the font subsets it is set in (named by what they hold: the
    // characters of every page of the edition, so a character new anywhere in it prints its PDFs again), the paper
    // and the browser.
    const printKey = (path: string, html: string) => hash(version, path, html, templates.stylesheet, c.fontsKey, options.paper, browserIdentity());
    const jobs = [
      ...(c.withDossier
        ? [{ name: 'dossier', html: e.dossierHtml, metadata: pdfMetadata(e.publication.dossierTitle, e.publication.dossierDescription, e.publication.keywords, e.publication, e.briefs.flatMap((b) => b.dossierPart?.headings ?? b.headings)) }]
        : []),
      ...e.briefs.map((b) => ({ name: b.name as string, html: b.html, metadata: pdfMetadata(b.title, b.description, b.keywords, e.publication, b.headings) })),
    ];
    // The dossier binds the briefs as they print on their own (and the changes page, which has no PDF of its own), so
    // its contents are numbered from the briefs' PDFs of this build.
    const parts = (printed: PrintedLayouts) =>
      Promise.all(
        [...e.briefs, ...(e.changes ? [e.changes] : [])].map(async (b) => {
          const own = b.name === 'changes' ? undefined : await printed(`${e.lang}/${b.name}.pdf`);
          return { selector: `section.dossier-${b.name}`, idPrefix: `${b.name}-`, ...(own ? { own } : {}) };
        }),
      );
    for (const job of jobs) {
      const path = `${e.lang}/${job.name}.pdf`;
      targets.push({
        path,
        key: printKey(path, job.html),
        kind: 'print',
        make: async (printed, laidOut) => {
          const bound = job.name === 'dossier' ? { parts: await parts(printed) } : {};
          const r = await printPdf(await c.printer(), { name: `${e.lang}/${job.name}`, file: join(c.stagedDir(), e.lang, `${job.name}.html`), paper: options.paper, metadata: job.metadata, withLayout: c.withDossier && job.name !== 'dossier', onLayout: laidOut, ...bound });
          return { content: r.pdf, pages: r.pages, passes: r.passes, ...(r.layout ? { layout: r.layout } : {}) };
        },
      });
    }
  }
  if (options.formats.includes('epub')) {
    const path = `${e.lang}/briefs.epub`;
    targets.push({
      path,
      key: hash(version, path, ...e.briefs.map((b) => b.fragment), templates.stylesheet, JSON.stringify(e.locale), JSON.stringify(e.publication), JSON.stringify(e.passages)),
      kind: 'print',
      make: async () => ({ content: await buildBriefsEpub(e, templates.stylesheet) }),
    });
  }
  return targets;
}

/**
 * An edition's EPUB of all briefs, with its own subset of each of the edition's faces, cut for exactly the characters
 * of its chapters, contents and stylesheet (and the other script's faces for its passages in that script); its
 * identifier and date come from the data.
 */
async function buildBriefsEpub(e: RenderedEdition, stylesheet: string): Promise<Uint8Array> {
  const { briefs, publication, locale } = e;
  const chapters = briefs.map((b) => {
    if (!b.chapter) throw new Error(`${e.lang}/${b.name} was rendered without its EPUB chapter`);
    return { name: b.name, title: b.title, ...b.chapter };
  });
  const fonts = [
    ...(await subsetFaces(codePointsOf(...briefs.flatMap((b) => [b.title, b.fragment]), publication.dossierTitle, locale.toc, withoutCssComments(stylesheet)), { lang: e.lang, cacheDir: fontCacheDir() })),
    ...(e.passages.length ? await subsetFaces(codePointsOf(...e.passages.map((p) => p.text)), { lang: e.lang === 'zh-Hant' ? 'zh-Hans' : 'zh-Hant', cacheDir: fontCacheDir() }) : []),
  ];
  return buildEpub({    lang: locale.lang,
    title: publication.dossierTitle,
    description: publication.dossierDescription,
    author: publication.publisher,
    publisher: publication.publisher,
    accessibilitySummary: locale.epub_accessibility,
    identifier: epubIdentifier([locale.lang, ...briefs.map((b) => b.markdown)]),
    modified: `${publication.edition.date}T00:00:00Z`,
    edition: { id: publication.edition.id, date: publication.edition.date },
    chapters,
    stylesheet,
    fontCss: fontFaceCss(fonts, 'fonts/'),
    fonts: fonts.map((f) => ({ path: `fonts/${f.file}`, data: f.data })),
    tocLabel: locale.toc,
  });
}

/**
 * An edition's files: its font stylesheet and subsets (always, so the index and every edition's pages stay set in
 * the same faces), and, when the edition is asked for, its pages, the pages staged only to print, and the names
 * review. Every page and print of an edition links its one fonts.<lang>.css, so they share one subset of each face:
 * the characters of every document with its running header and footer, its pages, its part of the index, what the
 * stylesheet can print, and the digits of page counters and the contents' page numbers. Its passages in the other
 * script get that script's faces, cut for them alone.
 */
export async function editionFiles(e: RenderedEdition, data: Dataset, templates: Templates, options: BuildOptions, how: { asked: boolean; withDossier: boolean }): Promise<{ files: OutputFile[]; printInputs: OutputFile[] }> {
  const pages = briefOutputs(e.changes ? [...e.briefs, e.changes] : e.briefs, e.lang, options.formats);
  const html = pages.filter((f) => f.path.endsWith('.html')).map((f) => String(f.content));
  // The index's part in this edition's words: another edition's words never change these faces, nor reprint its PDFs.
  const ownIndex = renderIndex([e], templates, options.formats);
  const fonts = await subsetFaces(codePointsOf(...e.documents.map((d) => d.text), ...html, ownIndex, withoutCssComments(templates.stylesheet), DIGITS), { lang: e.lang, cacheDir: fontCacheDir() });
  const other = e.passages.length ? await subsetFaces(codePointsOf(...e.passages.map((p) => p.text), DIGITS), { lang: e.lang === 'zh-Hant' ? 'zh-Hans' : 'zh-Hant', cacheDir: fontCacheDir() }) : [];
  const files: OutputFile[] = [{ path: `assets/${fontsCssOf(e.lang)}`, content: fontFaceCss([...fonts, ...other]) }, ...[...fonts, ...other].map((f) => ({ path: `assets/fonts/${f.file}`, content: f.data }))];
  const printInputs: OutputFile[] = [];
  if (!how.asked) return { files, printInputs };
  files.push(...pages);
  if (options.formats.includes('pdf')) {
    // Printing needs every page staged, published or not.
    for (const b of e.briefs) if (!options.formats.includes('html')) printInputs.push({ path: `${e.lang}/${b.name}.html`, content: b.html });
    if (how.withDossier) (options.formats.includes('html') ? files : printInputs).push({ path: `${e.lang}/dossier.html`, content: e.dossierHtml });
  }
  if (e.lang === 'zh-Hans' && !isOwnEdition(data, 'zh-Hans')) files.push({ path: `${e.lang}/${NAMES_REVIEW}`, content: namesReview(data) });
  return { files, printInputs };
}
