// The build: validate, render the briefs, check font coverage, stage, print, package, then move every output into
// place at the end. Nothing in the output folder changes until everything has succeeded.
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { openPrinter, type Printer } from './browser.ts';
import { briefOutputs, readTemplates, renderBriefs, renderDossier, type Format, type OutputFile, type RenderedBrief } from './briefs.ts';
import { formatDateZh } from './dates.ts';
import { DiagnosticError, type Diagnostic } from './diagnostics.ts';
import { codePointsOf, describeCodePoint, facesFor, fontFaceCss, missingGlyphs } from './fonts.ts';
import { loadDataset } from './load.ts';
import { BRIEF_NAMES, loadLocale, type BriefName, type Locale } from './locale.ts';
import { buildEpub, epubIdentifier } from './epub.ts';
import { commitStaged, removeStaleStaging, stageFiles, stagingDir } from './output.ts';
import { printPdf, type Paper, type PdfMetadata } from './pdf.ts';
import type { Dataset } from './schema.ts';
import { latestDate } from './views.ts';

export const ALL_FORMATS: readonly Format[] = ['md', 'html', 'pdf', 'epub'];
export const PAPERS: readonly Paper[] = ['a4', 'letter'];

export interface BuildOptions {
  dataDir: string;
  outDir: string;
  templatesDir: string;
  only: readonly BriefName[];
  formats: readonly Format[];
  paper: Paper;
  /** Progress lines; the CLI prints them, tests pass nothing. */
  log?: (line: string) => void;
}

export interface BuiltFile {
  path: string;
  bytes: number;
  pages?: number;
}

export interface BuildResult {
  files: BuiltFile[];
  counts: string;
  refused: string[];
}

export const defaultBuildOptions = (): BuildOptions => ({
  dataDir: 'data',
  outDir: 'output',
  templatesDir: resolve('templates'),
  only: BRIEF_NAMES,
  formats: ALL_FORMATS,
  paper: 'a4',
});

export function datasetCounts(d: Dataset): string {
  const roles = d.people.reduce((n, p) => n + p.roles.length, 0);
  return `${d.dialogues.length} rounds, ${d.events.length} events, ${d.people.length} people, ${roles} roles, ${d.outcomes.length} outcomes, ${d.sources.length} sources`;
}

/**
 * Every character a brief prints must be in the bundled fonts. A missing one is reported where it stands in the
 * data when it comes from there, else against the brief.
 */
function coverageDiagnostics(documents: readonly { name: string; text: string }[], dataTexts: Map<string, string>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<number>();
  for (const b of documents) {
    for (const m of missingGlyphs(codePointsOf(b.text))) {
      if (seen.has(m.codePoint)) continue;
      seen.add(m.codePoint);
      const message = `${describeCodePoint(m.codePoint)} in the ${b.name} brief is not in the bundled fonts (${m.family} ${m.weight}) (expected characters the Noto Serif TC and Noto Sans TC fonts can draw)`;
      const place = [...dataTexts].map(([file, text]) => ({ file, at: text.indexOf(m.char) })).find((p) => p.at >= 0);
      if (place) {
        const before = dataTexts.get(place.file)!.slice(0, place.at).split('\n');
        diagnostics.push({ file: place.file, line: before.length, column: before.at(-1)!.length + 1, severity: 'error', message, rule: 'missing-glyph' });
      } else {
        diagnostics.push({ file: `${b.name} brief`, line: 1, column: 1, severity: 'error', message, rule: 'missing-glyph' });
      }
    }
  }
  return diagnostics;
}

function pdfMetadata(title: string, subject: string, locale: Locale, date: string): PdfMetadata {
  return { title, author: locale.author, subject, keywords: locale.keywords, lang: locale.lang, date: new Date(`${date}T00:00:00Z`), creator: 'dialogue-briefs' };
}

/** Runs a build. Data and font problems throw a DiagnosticError before anything is written. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? (() => undefined);
  const loaded = await loadDataset(options.dataDir);
  if (!loaded.dataset) throw new DiagnosticError(loaded.diagnostics, options.dataDir);
  const data = loaded.dataset;
  const [locale, templates] = await Promise.all([loadLocale(options.templatesDir, 'zh-Hant'), readTemplates(options.templatesDir)]);
  const briefs = renderBriefs(data, locale, templates, options.only);
  const date = latestDate(data);
  const wantPdf = options.formats.includes('pdf');
  const wantEpub = options.formats.includes('epub');
  // The dossier holds all three briefs; a build of some briefs only leaves it alone.
  const withDossier = wantPdf && options.only.length === BRIEF_NAMES.length;
  const dossierHtml = withDossier ? renderDossier(briefs, locale, templates, formatDateZh(date)) : '';

  // Each document with the running header and footer it will carry.
  const documents = [
    ...briefs.map((b) => ({ name: b.name, text: `${b.html}${b.title}${locale.page_of}` })),
    ...(withDossier ? [{ name: 'dossier', text: `${dossierHtml}${locale.dossier.title}${locale.page_of}` }] : []),
  ];
  const missing = coverageDiagnostics(documents, loaded.texts);
  if (missing.length) throw new DiagnosticError(missing, options.dataDir);

  const published = briefOutputs(briefs, locale, templates, options.formats);
  const allHtml = [...briefs.map((b) => b.html), dossierHtml, ...published.map((f) => (typeof f.content === 'string' ? f.content : ''))];
  const faces = facesFor(codePointsOf(...allHtml, locale.page_of));
  published.push({ path: 'assets/fonts.css', content: fontFaceCss(faces) });
  for (const f of faces) published.push({ path: `assets/fonts/${f.file}`, content: { copyFrom: f.path } });
  const internal: OutputFile[] = withDossier ? [{ path: `${locale.lang}/dossier.html`, content: dossierHtml }] : [];

  await removeStaleStaging(options.outDir);
  const staging = stagingDir(options.outDir);
  const built: BuiltFile[] = [];
  let printer: Printer | undefined;
  try {
    await stageFiles(staging, [...published, ...internal]);
    const printed: OutputFile[] = [];
    if (wantPdf) {
      printer = await openPrinter(staging, { log });
      const jobs: { name: string; file: string; path: string; metadata: PdfMetadata }[] = briefs.map((b) => ({
        name: b.name,
        file: join(staging, locale.lang, `${b.name}.html`),
        path: `${locale.lang}/${b.name}.pdf`,
        metadata: pdfMetadata(b.title, b.description, locale, date),
      }));
      if (withDossier) {
        jobs.push({
          name: 'dossier',
          file: join(staging, locale.lang, 'dossier.html'),
          path: `${locale.lang}/dossier.pdf`,
          metadata: pdfMetadata(locale.dossier.title, locale.dossier.description, locale, date),
        });
      }
      let left = jobs.length;
      const results = await Promise.all(
        jobs.map(async (job) => {
          log(`printing ${job.name}`);
          const r = await printPdf(printer!, { name: job.name, file: job.file, paper: options.paper, metadata: job.metadata });
          log(`printed ${job.name} (${r.pages} pages), ${--left} left`);
          return { path: job.path, ...r };
        }),
      );
      for (const r of results) {
        printed.push({ path: r.path, content: r.pdf });
        built.push({ path: r.path, bytes: r.pdf.byteLength, pages: r.pages });
      }
      await printer.close();
    }
    if (wantEpub) {
      const epub = await buildBriefsEpub(briefs, locale, date, templates.stylesheet);
      printed.push({ path: `${locale.lang}/briefs.epub`, content: epub });
      built.push({ path: `${locale.lang}/briefs.epub`, bytes: epub.byteLength });
    }
    await stageFiles(staging, printed);
    const paths = [...published, ...printed].map((f) => f.path);
    await commitStaged(staging, options.outDir, paths);
    for (const f of published) built.push({ path: f.path, bytes: typeof f.content === 'string' ? Buffer.byteLength(f.content) : 0 });
    built.sort((a, b) => a.path.localeCompare(b.path));
    return { files: built, counts: datasetCounts(data), refused: printer?.refused ?? [] };
  } finally {
    await printer?.close();
    await rm(staging, { recursive: true, force: true });
  }
}

/** The EPUB of all briefs, with the bundled font subsets its text needs; its identifier and date come from the data. */
async function buildBriefsEpub(briefs: readonly RenderedBrief[], locale: Locale, date: string, stylesheet: string): Promise<Uint8Array> {
  const chapters = briefs.map((b) => ({ name: b.name, title: b.title, fragment: b.fragment }));
  const faces = facesFor(codePointsOf(...chapters.map((c) => c.fragment), locale.dossier.title, locale.toc));
  return buildEpub({
    lang: locale.lang,
    title: locale.dossier.title,
    description: locale.dossier.description,
    author: locale.author,
    identifier: epubIdentifier([locale.lang, ...briefs.map((b) => b.markdown)]),
    modified: `${date}T00:00:00Z`,
    chapters,
    stylesheet,
    fontCss: fontFaceCss(faces, 'fonts/'),
    fonts: await Promise.all(faces.map(async (f) => ({ path: `fonts/${f.file}`, data: new Uint8Array(await readFile(f.path)) }))),
    tocLabel: locale.toc,
    taskLabels: { checked: locale.checklist.settled!, unchecked: locale.checklist.follow_up! },
  });
}
