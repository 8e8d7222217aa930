// The build: validate, render the briefs, check font coverage, then make only the outputs whose key changed. Each
// output is keyed by a hash of everything it depends on; a new generation of the output tree is written (unchanged
// files linked in), printed into, and switched in by one atomic rename (output.ts), so a reader of the output folder
// sees the whole last build or the whole new one, whatever happens.
import { rmSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { closeAllBrowsers, killAllBrowsers, openPrinter, type Printer } from '../print/browser.ts';
import { briefOutputs, fontsCssOf, readTemplates, renderBriefs, renderChanges, renderDossier, renderIndex, type OutputFile, type RenderedBrief, type Templates } from '../render/briefs.ts';
import { compareDatasets, type Change } from '../data/compare.ts';
import { CHECKSUMS_FILE, isChecksummed, sha256sums } from '../data/checksums.ts';
import { loadEarlierDataset, datasetAtRef } from '../data/earlier.ts';
import { FEED_FILE, renderFeed, type Feed, type FeedEntry } from '../render/feed.ts';
import { formatDate } from '../views/format.ts';
import { browserIdentity, buildInputsKey, projectRoot, entryFor, hash, pipelineVersion, readManifest, unchangedOnDisk, writeManifest, type Manifest } from './cache.ts';
import { editionsOf, isOwnEdition } from '../data/convert.ts';
import { describeWriteError, DiagnosticError, UsageError } from '../data/diagnostics.ts';
import { interruption, onForcedExit, onInterrupt, throwIfInterrupted } from './interrupt.ts';
import { buildEpub, epubIdentifier } from '../print/epub.ts';
import { documentCoverage, documentScript, readableText, textPlaces } from '../print/coverage.ts';
import { codePointsOf, DIGITS, fontFaceCss, subsetFaces, withoutCssComments } from '../print/fonts.ts';
import { datasetCounts, loadDataset } from '../data/load.ts';
import { fill, loadLocale, type Locale } from '../views/locale.ts';
import { acquireLock } from './lock.ts';
import { NAMES_REVIEW, namesReview } from '../views/names-review.ts';
import { ALL_FORMATS, BRIEF_NAMES, type BriefName, type Format, type Lang, type Paper } from '../data/names.ts';
import { abandonGeneration, beginGeneration, carryOver, publishGeneration, removeStaleProfiles, stageFiles, stagingDir, tidyOutput, type Generation, type PublishStep } from './output.ts';
import { printPdf, type PdfMetadata } from '../print/pdf.ts';
import type { ForeignPassage } from '../data/script.ts';
import type { Dataset } from '../data/schema.ts';
import { foreignPassages, printedDataset, publicationView, type PublicationView } from '../views/views.ts';

// On Ctrl-C or a kill every browser is closed, so a print in progress fails at once and its build reports the
// interruption; on a second signal what is left is killed outright.
onInterrupt(closeAllBrowsers);
onForcedExit(killAllBrowsers);

export { ALL_FORMATS, PAPERS } from '../data/names.ts';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface BuildOptions {
  dataDir: string;
  outDir: string;
  templatesDir: string;
  only: readonly BriefName[];
  formats: readonly Format[];
  /** The editions to write and print; absent, every edition the data can make (each is rendered all the same). */
  langs?: readonly Lang[];
  paper: Paper;
  /** An earlier edition to compare with (a git ref or a dataset folder): the changes page and the dossier's last part. */
  since?: string;
  /** The published site's address, for the feed's links (default: relative to the feed). */
  baseUrl?: string;
  /** Where earlier editions' files are kept, as <url><tag>/<lang>-<file> (a GitHub release's download address). */
  releasesUrl?: string;
  /** Rebuild every output, whatever the cache says. */
  force?: boolean;
  /** Make only this part of the printed outputs (PDF, EPUB); the rest is cheap and every shard makes it. */
  shard?: Shard;
  /** Progress lines; the CLI prints them, tests collect them. */
  log?: (line: string) => void;
  /** A printer that outlives the build (watch mode); otherwise one is opened when a PDF must be printed. */
  printer?: Printer;
  /** Tests only: called before each step of the publish, to make one fail. */
  fault?: (step: PublishStep) => void;
}

export interface BuiltFile {
  path: string;
  bytes: number;
  pages?: number;
}

export interface BuildResult {
  built: BuiltFile[];
  skipped: string[];
  counts: string;
  refused: string[];
  browserLaunched: boolean;
  /** Milliseconds per stage. */
  stages: Record<string, number>;
}

export const defaultBuildOptions = (): BuildOptions => ({
  dataDir: 'data',
  outDir: 'output',
  templatesDir: resolve('templates'),
  only: BRIEF_NAMES,
  formats: ALL_FORMATS,
  paper: 'a4',
});

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
interface Target {
  path: string;
  key: string;
  kind: 'file' | 'print';
  file?: OutputFile;
  make?: () => Promise<{ content: Uint8Array; pages?: number }>;
}

const stopwatch = () => {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const ms = Math.round(now - last);
    last = now;
    return ms;
  };
};

/** One edition, rendered: its words, its printed data, its briefs and dossier, its own fonts. */
interface RenderedEdition {
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
interface Since {
  before: Dataset;
  changes: Change[];
}

function renderEdition(data: Dataset, locale: Locale, templates: Templates, only: readonly BriefName[], withDossier: boolean, since?: Since): RenderedEdition {
  const printed = printedDataset(data, locale.lang);
  const publication = publicationView(printed, locale);
  const briefs = renderBriefs({ data, locale, templates, only, withDossier });
  const changes = since ? renderChanges(since.changes, since.before, data, locale, templates, withDossier) : undefined;
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

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

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
function feedOf(data: Dataset, editions: readonly RenderedEdition[], templates: Templates, options: BuildOptions, since?: Since): Feed {
  const first = editions[0]!;
  const { locale, publication } = first;
  const listed = data.publication.editions ?? [{ id: publication.edition.id }];
  const downloads = DOWNLOADS.filter((d) => options.formats.includes(d.format));
  const atTag = (tag: string | undefined) => (tag ? datasetAtRef(tag, options.dataDir) : undefined);
  // The changes as the dossier carries them: no contents of their own, ids prefixed.
  const changesHtml = (before: Dataset | undefined, after: Dataset | undefined) =>
    before && after ? renderChanges(compareDatasets(before, after), before, after, locale, templates, true).dossierPart!.html : undefined;
  const entries = listed.map((edition, i): FeedEntry => {
    const current = i === 0;
    const dataset = current ? data : atTag(edition.tag);
    const date = current ? publication.edition.date : (edition.date ?? (dataset ? publicationView(printedDataset(dataset, locale.lang), locale).edition.date : publication.edition.date));
    const previous = listed[i + 1];
    const content =
      changesHtml(current ? (since?.before ?? atTag(previous?.tag)) : atTag(previous?.tag), dataset) ??
      `<p>${escapeText(previous ? locale.changes.unrecorded : locale.changes.first)}</p>`;
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

/** Runs a build. Data and font problems throw a DiagnosticError before anything is written. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? (() => undefined);
  const lap = stopwatch();
  const stages: Record<string, number> = {};
  const release = acquireLock(options.outDir);
  let printer: Printer | undefined;
  let opening: Promise<Printer> | undefined;
  let generation: Generation | undefined;
  // A second Ctrl-C exits at once: the unpublished generation and the lock go with it, synchronously.
  const forgetForcedExit = onForcedExit(() => {
    if (generation) rmSync(generation.dir, { recursive: true, force: true });
    release();
  });
  try {
    // What killed builds left: their generations, their Chromium profiles.
    await tidyOutput(options.outDir);
    await removeStaleProfiles();
    const loaded = await loadDataset(options.dataDir);
    if (!loaded.dataset) throw new DiagnosticError(loaded.diagnostics, options.dataDir);
    const data = loaded.dataset;
    const available = editionsOf(data);
    const unavailable = (options.langs ?? []).filter((l) => !available.includes(l));
    if (unavailable.length) {
      throw new UsageError(`the data is written in ${data.publication.language}, so no ${unavailable.join(' or ')} edition can be made from it (expected --lang ${available.join(',')})`);
    }
    const before = options.since === undefined ? undefined : await loadEarlierDataset(options.since, options.dataDir);
    const since = before ? { before, changes: compareDatasets(before, data) } : undefined;
    stages.validate = lap();
    throwIfInterrupted();

    // A dataset folder's own templates/ comes first, so a publisher can restyle without forking.
    const localeFiles = available.map((lang) => join(options.templatesDir, 'locales', `${lang}.yaml`));
    const [templates, ...locales] = await Promise.all([readTemplates([join(options.dataDir, 'templates'), options.templatesDir]), ...available.map((lang) => loadLocale(options.templatesDir, lang))]);
    const localeTexts = await Promise.all(localeFiles.map((f) => readFile(f, 'utf8')));
    const wantPdf = options.formats.includes('pdf');
    // The dossier holds all three briefs; a build of some briefs only leaves it alone.
    const withDossier = wantPdf && options.only.length === BRIEF_NAMES.length;
    // Every edition the data can make is rendered (it is cheap), so the index and each edition's fonts are the same
    // whatever --lang asks for; only the editions asked for are written and printed.
    const editions = locales.map((locale) => renderEdition(data, locale, templates, options.only, withDossier, since));
    stages.render = lap();

    // Each edition in its own script and its own fonts, checked where its text comes from: the data (as written, or
    // as converted for the other edition), its locale, else the template.
    const problems = editions.flatMap((e, i) => {
      const places = textPlaces(data, e.lang, loaded.texts, relative(options.dataDir, localeFiles[i]!), localeTexts[i]!);
      return [...documentScript(e.documents, places, e.lang, e.passages), ...documentCoverage(e.documents, places, e.lang, e.passages)];
    });
    if (problems.length) throw new DiagnosticError(problems, options.dataDir);

    const index = renderIndex(editions, templates, options.formats);
    const feed = renderFeed(feedOf(data, editions, templates, options, since));
    const files: OutputFile[] = [{ path: 'assets/style.css', content: templates.stylesheet }, { path: 'index.html', content: index }, { path: FEED_FILE, content: feed }];
    // Printing needs every page and asset staged, published or not.
    const printInputs: OutputFile[] = [];
    const asked = new Set(options.langs ?? available);
    for (const e of editions) {
      const pages = briefOutputs(e.changes ? [...e.briefs, e.changes] : e.briefs, e.lang, options.formats);
      // Every page and print of an edition links its one fonts.<lang>.css, so they share one subset of each face: the
      // characters of every document with its running header and footer, its pages, the index, what the stylesheet
      // can print, and the digits of page counters and the contents' page numbers. Its passages in the other script
      // get that script's faces, cut for them alone.
      const html = pages.filter((f) => f.path.endsWith('.html')).map((f) => String(f.content));
      // The index's part in this edition's words (its header, its section): another edition's words never change
      // this edition's faces, so never reprint its PDFs.
      const ownIndex = renderIndex([e], templates, options.formats);
      const fonts = await subsetFaces(codePointsOf(...e.documents.map((d) => d.text), ...html, ownIndex, withoutCssComments(templates.stylesheet), DIGITS), { lang: e.lang, cacheDir: fontCacheDir() });
      const other = e.passages.length ? await subsetFaces(codePointsOf(...e.passages.map((p) => p.text), DIGITS), { lang: e.lang === 'zh-Hant' ? 'zh-Hans' : 'zh-Hant', cacheDir: fontCacheDir() }) : [];
      files.push({ path: `assets/${fontsCssOf(e.lang)}`, content: fontFaceCss([...fonts, ...other]) });
      for (const f of [...fonts, ...other]) files.push({ path: `assets/fonts/${f.file}`, content: f.data });
      if (!asked.has(e.lang)) continue;
      files.push(...pages);
      if (wantPdf) {
        for (const b of e.briefs) if (!options.formats.includes('html')) printInputs.push({ path: `${e.lang}/${b.name}.html`, content: b.html });
        if (withDossier) (options.formats.includes('html') ? files : printInputs).push({ path: `${e.lang}/dossier.html`, content: e.dossierHtml });
      }
      if (e.lang === 'zh-Hans' && !isOwnEdition(data, 'zh-Hans')) files.push({ path: `${e.lang}/${NAMES_REVIEW}`, content: namesReview(data) });
    }
    stages.fonts = lap();

    const version = pipelineVersion();
    // A font subset is keyed by its bytes, like every other file.
    const targets: Target[] = files.map((f) => {
      const bytes = typeof f.content === 'string' ? f.content : 'copyFrom' in f.content ? basename(f.content.copyFrom) : f.content;
      return { path: f.path, key: hash(version, f.path, bytes), kind: 'file', file: f };
    });
    const printTargets: Target[] = [];
    // One browser for the whole build, however many prints of however many editions ask for it at once.
    const openOnce = async (): Promise<Printer> => {
      throwIfInterrupted();
      opening ??= options.printer ? Promise.resolve(options.printer) : openPrinter(stagingDir(options.outDir), { log });
      printer = await opening;
      return printer;
    };
    const fontsOf = (lang: Lang) => files.filter((f) => f.path === `assets/${fontsCssOf(lang)}`).map((f) => String(f.content)).join();
    for (const e of editions.filter((x) => asked.has(x.lang))) {
      printTargets.push(...editionPrints(e, { options, version, templates, fontsKey: fontsOf(e.lang), stagedDir: () => generation!.dir, printer: openOnce }));
    }
    // A shard makes every K-th printed output, in a fixed order, so N runners share the printing.
    const shard = options.shard;
    const ownPrints = [...printTargets]
      .sort((a, b) => a.path.localeCompare(b.path))
      .filter((_, i) => !shard || i % shard.count === shard.index - 1)
      .sort((a, b) => printTargets.indexOf(a) - printTargets.indexOf(b));

    const manifest: Manifest | undefined = options.force ? undefined : await readManifest(options.outDir);
    const fresh = (t: Target) => manifest?.outputs[t.path]?.key === t.key && unchangedOnDisk(options.outDir, t.path, manifest.outputs[t.path]);
    const toMake = [...targets, ...ownPrints].filter((t) => !fresh(t));
    // Each edition's SHA256SUMS is written after its prints, from their bytes; it is carried over only if it comes out
    // the same (it then counts as kept, like any unchanged output).
    const printedFormats = options.formats.some((f) => f === 'pdf' || f === 'epub');
    const sumsPaths = new Set(printedFormats ? [...asked].map((lang) => `${lang}/${CHECKSUMS_FILE}`) : []);
    const skipped = [...[...targets, ...ownPrints].filter((t) => !toMake.includes(t)).map((t) => t.path), ...[...sumsPaths].filter((p) => manifest?.outputs[p])];
    // Every output of the last build that is still whole on disk and not made again goes on unchanged: the briefs of
    // another --only, another shard's prints, this build's fresh ones.
    const made = new Set(toMake.map((t) => t.path));
    const kept = Object.entries(manifest?.outputs ?? {}).filter(([path, entry]) => !made.has(path) && unchangedOnDisk(options.outDir, path, entry));
    stages.plan = lap();
    throwIfInterrupted();
    if (toMake.length === 0 && manifest && kept.length === Object.keys(manifest.outputs).length && manifest.inputs === buildInputsKey(options)) {
      return { built: [], skipped, counts: datasetCounts(data), refused: [], browserLaunched: false, stages };
    }

    const carried = kept.filter(([path]) => !sumsPaths.has(path));

    generation = await beginGeneration(options.outDir);
    const gen = generation;
    await carryOver(options.outDir, gen, carried.map(([path]) => path));
    const printsToMake = toMake.filter((t) => t.kind === 'print');
    // Printing needs every page and asset in the generation, published or not (carried-over ones are there already).
    const printing = printsToMake.some((t) => t.path.endsWith('.pdf'));
    await stageFiles(gen.dir, [...toMake.flatMap((t) => (t.file ? [t.file] : [])), ...(printing ? printInputs : [])]);
    if (printing) await stageFiles(gen.dir, files.filter((f) => !made.has(f.path) && !carried.some(([path]) => path === f.path)));
    stages.stage = lap();

    const built: BuiltFile[] = [];
    let left = printsToMake.length;
    // Each print goes to the generation as soon as it is made, so a 700-page dossier is not held in memory.
    const make = async (group: Target[]): Promise<number> => {
      const started = performance.now();
      await Promise.all(
        group.map(async (t) => {
          log(`making ${t.path}`);
          const r = await t.make!();
          throwIfInterrupted();
          await stageFiles(gen.dir, [{ path: t.path, content: r.content }]);
          built.push({ path: t.path, bytes: r.content.byteLength, ...(r.pages ? { pages: r.pages } : {}) });
          log(`made ${t.path}${r.pages ? ` (${r.pages} pages)` : ''}; ${--left} left`);
        }),
      );
      return Math.round(performance.now() - started);
    };
    // The EPUB is packed while Chromium prints: each stage's time is its own, the wall time is the longer.
    const [pdfMs, epubMs] = await Promise.all([
      make(printsToMake.filter((t) => t.path.endsWith('.pdf'))).finally(async () => {
        if (printer && printer !== options.printer) await printer.close();
      }),
      make(printsToMake.filter((t) => !t.path.endsWith('.pdf'))),
    ]);
    const browserLaunched = printer !== undefined && printer !== options.printer;
    lap();
    stages.pdf = pdfMs;
    stages.epub = epubMs;

    // Pages staged only to be printed are not published; the manifest goes in with the outputs it describes.
    const published = new Set([...carried.map(([path]) => path), ...made]);
    for (const f of [...printInputs, ...files]) if (!published.has(f.path)) await rm(join(gen.dir, f.path), { force: true });
    const entries: Manifest['outputs'] = Object.fromEntries(carried);
    for (const t of toMake) entries[t.path] = entryFor(gen.dir, t.path, t.key);
    for (const t of toMake) if (t.kind === 'file') built.push({ path: t.path, bytes: entries[t.path]!.size });
    for (const path of sumsPaths) {
      const dir = join(gen.dir, dirname(path));
      const names = (await readdir(dir).catch(() => [] as string[])).filter(isChecksummed).sort();
      if (names.length === 0) continue;
      const content = sha256sums(await Promise.all(names.map(async (name) => ({ name, bytes: await readFile(join(dir, name)) }))));
      const key = hash(version, path, content);
      const before = manifest?.outputs[path];
      if (before?.key === key && unchangedOnDisk(options.outDir, path, before)) {
        await carryOver(options.outDir, gen, [path]);
        entries[path] = before;
      } else {
        await stageFiles(gen.dir, [{ path, content }]);
        entries[path] = entryFor(gen.dir, path, key);
        built.push({ path, bytes: entries[path].size });
        if (skipped.includes(path)) skipped.splice(skipped.indexOf(path), 1);
      }
    }
    await writeManifest(gen.dir, {
      format: 'dialogue-briefs-manifest/1',
      inputs: buildInputsKey(options),
      outputs: Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b))),
    });
    throwIfInterrupted();
    await publishGeneration(options.outDir, gen, {
      log,
      // From the switch on it is the one readers see: never dropped, whatever fails after.
      onSwitched: () => (generation = undefined),
      ...(options.fault ? { fault: options.fault } : {}),
    });
    stages.write = lap();
    built.sort((a, b) => a.path.localeCompare(b.path));
    return { built, skipped, counts: datasetCounts(data), refused: printer?.refused ?? [], browserLaunched, stages };
  } catch (err) {
    // A print that failed because the browser was closed by Ctrl-C is the interruption, not a print error.
    if (interruption.aborted) throw interruption.reason as Error;
    throw describeWriteError(err);
  } finally {
    const opened = await opening?.catch(() => undefined);
    if (opened && opened !== options.printer) await opened.close();
    if (generation) await abandonGeneration(generation);
    forgetForcedExit();
    release();
  }
}

interface PrintContext {
  options: BuildOptions;
  version: string;
  templates: Templates;
  /** The edition's font faces as its fonts.<lang>.css declares them (named by content). */
  fontsKey: string;
  stagedDir: () => string;
  printer: () => Promise<Printer>;
}

/** An edition's printed outputs: its PDFs (the dossier first, the longest print) and its EPUB, each with its key. */
function editionPrints(e: RenderedEdition, c: PrintContext): Target[] {
  const { options, version, templates } = c;
  const targets: Target[] = [];
  if (options.formats.includes('pdf')) {
    // A print depends on its own page, the stylesheet, the font subsets it is set in (named by what they hold: the
    // characters of every page of the edition, so a character new anywhere in it prints its PDFs again), the paper
    // and the browser.
    const printKey = (path: string, html: string) => hash(version, path, html, templates.stylesheet, c.fontsKey, options.paper, browserIdentity());
    const jobs = [
      ...(e.dossierHtml
        ? [{ name: 'dossier', html: e.dossierHtml, metadata: pdfMetadata(e.publication.dossierTitle, e.publication.dossierDescription, e.publication.keywords, e.publication, e.briefs.flatMap((b) => b.dossierPart?.headings ?? b.headings)) }]
        : []),
      ...e.briefs.map((b) => ({ name: b.name as string, html: b.html, metadata: pdfMetadata(b.title, b.description, b.keywords, e.publication, b.headings) })),
    ];
    for (const job of jobs) {
      const path = `${e.lang}/${job.name}.pdf`;
      targets.push({
        path,
        key: printKey(path, job.html),
        kind: 'print',
        make: async () => {
          const r = await printPdf(await c.printer(), { name: `${e.lang}/${job.name}`, file: join(c.stagedDir(), e.lang, `${job.name}.html`), paper: options.paper, metadata: job.metadata });
          return { content: r.pdf, pages: r.pages };
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
  const chapters = briefs.map((b) => ({ name: b.name, title: b.title, fragment: b.fragment }));
  const fonts = [
    ...(await subsetFaces(codePointsOf(...chapters.flatMap((c) => [c.title, c.fragment]), publication.dossierTitle, locale.toc, withoutCssComments(stylesheet)), { lang: e.lang, cacheDir: fontCacheDir() })),
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
    taskLabels: { checked: locale.checklist.settled, unchecked: locale.checklist.follow_up },
  });
}
