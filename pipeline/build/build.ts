// The build: prepare → plan → make → publish. Prepare loads and validates the data, renders every language edition
// and checks it can be printed; plan keys every output by a hash of everything it depends on and compares with the
// last build; make writes a new generation of the output tree (unchanged files linked in) and prints into it; publish
// writes the checksums and the manifest and switches the generation in by one atomic rename (output.ts), so a reader
// of the output folder sees the whole last build or the whole new one, whatever happens.
import { rmSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { CHECKSUMS_FILE, isChecksummed, sha256sums } from '../data/checksums.ts';
import { compareDatasets } from '../data/compare.ts';
import { editionsOf } from '../data/convert.ts';
import { describeWriteError, DiagnosticError, UsageError, type Diagnostic } from '../data/diagnostics.ts';
import { loadEarlierDataset } from '../data/earlier.ts';
import { datasetCounts, readDataFolder, validateTexts, type LoadedDataset } from '../data/load.ts';
import { BRIEF_NAMES, type Lang } from '../data/names.ts';
import type { Dataset } from '../data/schema.ts';
import { closeAllBrowsers, killAllBrowsers, openPrinter, type Printer } from '../print/browser.ts';
import { documentCoverage, documentScript, textPlaces } from '../print/coverage.ts';
import { pdfLayout, type PdfLayout } from '../print/pdf.ts';
import { fontsCssOf, renderIndex, templatesFrom, type OutputFile, type Templates } from '../render/briefs.ts';
import { FEED_FILE, renderFeed } from '../render/feed.ts';
import { parseLocale } from '../views/locale.ts';
import { buildInputsKey, entryFor, filesKey, hash, pipelineVersion, readManifest, readTemplateFiles, templateDirs, unchangedOnDisk, writeManifest, type InputFiles, type Manifest } from './cache.ts';
import { editionFiles, editionPrints, feedOf, renderEdition, type PrintedLayouts, type RenderedEdition, type Since, type Target } from './editions.ts';
import { interruption, onForcedExit, onInterrupt, throwIfInterrupted } from './interrupt.ts';
import { acquireLock } from './lock.ts';
import type { BuildOptions, BuildResult, BuiltFile } from './options.ts';
import { abandonGeneration, beginGeneration, carryOver, publishGeneration, removeStaleProfiles, stageFiles, stagingDir, tidyOutput, type Generation } from './output.ts';

// Watch mode keeps one printer across its builds.
export { openPrinter, type Printer } from '../print/browser.ts';
export { ALL_FORMATS, PAPERS, defaultBuildOptions, type BuildOptions, type BuildResult, type BuiltFile, type Shard } from './options.ts';

// On Ctrl-C or a kill every browser is closed, so a print in progress fails at once and its build reports the
// interruption; on a second signal what is left is killed outright.
onInterrupt(closeAllBrowsers);
onForcedExit(killAllBrowsers);

const stopwatch = () => {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const ms = Math.round(now - last);
    last = now;
    return ms;
  };
};

/** What prepare hands on: the data, every language edition rendered and checked, the templates, the inputs' key. */
interface Prepared extends Rendered {
  inputsKey: string;
  /** The editions to write and print. */
  asked: Set<Lang>;
  withDossier: boolean;
}

/** What prepare makes of the files it read, whatever the build is asked to write: reused within a session. */
interface Rendered {
  loaded: LoadedDataset;
  data: Dataset;
  editions: RenderedEdition[];
  templates: Templates;
  since?: Since;
}

/**
 * Reads the inputs once (the data folder, every template file), keys them by what was read, and loads, validates
 * and renders every edition from those bytes: or takes all that from the session, when the same files were read and
 * the same briefs asked for.
 */
async function prepare(options: BuildOptions, lap: () => number, stages: Record<string, number>, onInputs: (key: string) => void): Promise<Prepared> {
  const read = await readDataFolder(options.dataDir);
  const dataFiles = new Map<string, Uint8Array | undefined>([...read.problems.map((d) => [d.file, undefined] as const), ...read.files]);
  const files: InputFiles = { data: dataFiles, templates: readTemplateFiles(templateDirs(options)) };
  const inputsKey = buildInputsKey(options, files);
  onInputs(inputsKey);
  // An earlier dataset named by a git ref can move while no file here changes: a build --since always renders.
  const sessionKey = options.since === undefined ? hash(filesKey(files), options.only.join(), String(options.formats.includes('epub'))) : undefined;
  const cached = sessionKey === undefined ? undefined : (options.session?.rendered.get(sessionKey) as Rendered | undefined);
  const rendered = cached ?? (await render(options, files, read.problems, lap, stages));
  if (sessionKey !== undefined && options.session) options.session.rendered = new Map([[sessionKey, rendered]]);
  const available = rendered.editions.map((e) => e.lang);
  const unavailable = (options.langs ?? []).filter((l) => !available.includes(l));
  if (unavailable.length) {
    throw new UsageError(`the data is written in ${rendered.data.publication.language}, so no ${unavailable.join(' or ')} edition can be made from it (expected --lang ${available.join(',')})`);
  }
  // The dossier holds all three briefs; a build of some briefs only leaves it alone.
  const withDossier = options.formats.includes('pdf') && options.only.length === BRIEF_NAMES.length && options.dossier !== false;
  return { ...rendered, inputsKey, asked: new Set(options.langs ?? available), withDossier };
}

/** Validates the data read, renders every edition and checks its text: the work prepare saves when it can. */
async function render(options: BuildOptions, files: InputFiles, unreadable: Diagnostic[], lap: () => number, stages: Record<string, number>): Promise<Rendered> {
  const loaded = validateTexts(new Map([...files.data].flatMap(([name, bytes]) => (bytes ? [[name, bytes] as const] : []))), unreadable);
  if (!loaded.dataset) throw new DiagnosticError(loaded.diagnostics, options.dataDir);
  const data = loaded.dataset;
  const available = editionsOf(data);
  const before = options.since === undefined ? undefined : await loadEarlierDataset(options.since, options.dataDir);
  const since = before ? { before, changes: compareDatasets(before, data) } : undefined;
  stages.validate = lap();
  throwIfInterrupted();

  // A dataset folder's own templates/ comes first, so a publisher can restyle without forking.
  const dirs = templateDirs(options);
  const templates = templatesFrom(files.templates, dirs);
  const localeFiles = available.map((lang) => join(options.templatesDir, 'locales', `${lang}.yaml`));
  const localeTexts = localeFiles.map((f) => {
    const bytes = files.templates.get(f);
    if (!bytes) throw new Error(`locale ${relative(options.templatesDir, f)} not found in ${options.templatesDir}`);
    return new TextDecoder().decode(bytes);
  });
  const locales = localeTexts.map((text) => parseLocale(text));
  // Every edition the data can make is rendered (it is cheap), so the index and each edition's fonts are the same
  // whatever --lang asks for; only the editions asked for are written and printed. The dossier's parts are rendered
  // whenever all briefs are, so a build of the pages only renders what a full one does (watch mode reuses it).
  const dossierParts = options.only.length === BRIEF_NAMES.length;
  const parts = { only: options.only, withDossier: dossierParts, withChapters: options.formats.includes('epub') };
  const editions = locales.map((locale) => renderEdition(data, locale, templates, parts, since));
  stages.render = lap();

  // Each edition in its own script and its own fonts, checked where its text comes from: the data (as written, or
  // as converted for the other edition), its locale, else the template.
  const problems = editions.flatMap((e, i) => {
    const places = textPlaces(data, e.lang, loaded.texts, relative(options.dataDir, localeFiles[i]!), localeTexts[i]!);
    return [...documentScript(e.documents, places, e.lang, e.passages), ...documentCoverage(e.documents, places, e.lang, e.passages)];
  });
  if (problems.length) throw new DiagnosticError(problems, options.dataDir);
  return { loaded, data, editions, templates, ...(since ? { since } : {}) };
}

/** What plan decides: every output with its key, what to make, what is kept, and what was there before. */
interface Plan {
  files: OutputFile[];
  /** Pages staged only to be printed (the dossier's, the briefs' without --format html). */
  printInputs: OutputFile[];
  toMake: Target[];
  skipped: string[];
  /** Outputs of the last build carried over unchanged, with their manifest entries. */
  carried: [string, Manifest['outputs'][string]][];
  /** Each edition's SHA256SUMS, made after its prints. */
  sumsPaths: Set<string>;
  manifest: Manifest | undefined;
  /** Nothing to make, nothing changed: the last build stands. */
  upToDate: boolean;
  version: string;
  /** What the inputs read hash to: recorded in the manifest for the next build's no-op check. */
  inputsKey: string;
}

/** Every output, keyed; compared with the last build's manifest. */
async function plan(p: Prepared, options: BuildOptions, printer: () => Promise<Printer>, stagedDir: () => string): Promise<Plan> {
  const index = renderIndex(p.editions, p.templates, options.formats);
  const files: OutputFile[] = [{ path: 'assets/style.css', content: p.templates.stylesheet }, { path: 'index.html', content: index }, { path: FEED_FILE, content: renderFeed(feedOf(p.data, p.editions, p.templates, options, p.since)) }];
  const printInputs: OutputFile[] = [];
  for (const e of p.editions) {
    const made = await editionFiles(e, p.data, p.templates, options, { asked: p.asked.has(e.lang), withDossier: p.withDossier });
    files.push(...made.files);
    printInputs.push(...made.printInputs);
  }
  const version = pipelineVersion();
  // A font subset is keyed by its bytes, like every other file.
  const targets: Target[] = files.map((f) => {
    const bytes = typeof f.content === 'string' ? f.content : 'copyFrom' in f.content ? basename(f.content.copyFrom) : f.content;
    return { path: f.path, key: hash(version, f.path, bytes), kind: 'file', file: f };
  });
  const fontsOf = (lang: Lang) => files.filter((f) => f.path === `assets/${fontsCssOf(lang)}`).map((f) => String(f.content)).join();
  const printTargets = p.editions
    .filter((e) => p.asked.has(e.lang))
    .flatMap((e) => editionPrints(e, { options, version, templates: p.templates, fontsKey: fontsOf(e.lang), stagedDir, printer, withDossier: p.withDossier }));
  // A shard makes every K-th printed output, in a fixed order, so N runners share the printing.
  const shard = options.shard;
  const ownPrints = [...printTargets]
    .sort((a, b) => a.path.localeCompare(b.path))
    .filter((_, i) => !shard || i % shard.count === shard.index - 1)
    .sort((a, b) => printTargets.indexOf(a) - printTargets.indexOf(b));

  const manifest = options.force ? undefined : await readManifest(options.outDir);
  const fresh = (t: Target) => manifest?.outputs[t.path]?.key === t.key && unchangedOnDisk(options.outDir, t.path, manifest.outputs[t.path]);
  const toMake = [...targets, ...ownPrints].filter((t) => !fresh(t));
  // Each edition's SHA256SUMS is written after its prints, from their bytes; it is carried over only if it comes out
  // the same (it then counts as kept, like any unchanged output).
  const printed = options.formats.some((f) => f === 'pdf' || f === 'epub');
  const sumsPaths = new Set(printed ? [...p.asked].map((lang) => `${lang}/${CHECKSUMS_FILE}`) : []);
  const skipped = [...[...targets, ...ownPrints].filter((t) => !toMake.includes(t)).map((t) => t.path), ...[...sumsPaths].filter((path) => manifest?.outputs[path])];
  // Every output of the last build that is still whole on disk and not made again goes on unchanged: the briefs of
  // another --only, another shard's prints, this build's fresh ones.
  const made = new Set(toMake.map((t) => t.path));
  const kept = Object.entries(manifest?.outputs ?? {}).filter(([path, entry]) => !made.has(path) && unchangedOnDisk(options.outDir, path, entry));
  const upToDate = toMake.length === 0 && manifest !== undefined && kept.length === Object.keys(manifest.outputs).length && manifest.inputs === p.inputsKey;
  const carried = kept.filter(([path]) => !sumsPaths.has(path));
  return { files, printInputs, toMake, skipped, carried, sumsPaths, manifest, upToDate, version, inputsKey: p.inputsKey };
}

/** Stages what the plan makes into the generation and prints into it; the EPUBs are packed while Chromium prints. */
async function make(plan: Plan, gen: Generation, options: BuildOptions, log: (line: string) => void, closePrinter: () => Promise<void>, printingBegun: () => Promise<void>): Promise<{ built: BuiltFile[]; pdfMs: number; epubMs: number }> {
  const made = new Set(plan.toMake.map((t) => t.path));
  await carryOver(options.outDir, gen, plan.carried.map(([path]) => path));
  const prints = plan.toMake.filter((t) => t.kind === 'print');
  // Printing needs every page and asset in the generation, published or not (carried-over ones are there already).
  const printing = prints.some((t) => t.path.endsWith('.pdf'));
  await stageFiles(gen.dir, [...plan.toMake.flatMap((t) => (t.file ? [t.file] : [])), ...(printing ? plan.printInputs : [])]);
  if (printing) await stageFiles(gen.dir, plan.files.filter((f) => !made.has(f.path) && !plan.carried.some(([path]) => path === f.path)));

  const built: BuiltFile[] = [];
  let left = prints.length;
  // A print that needs another's layout (the dossier, its briefs') waits for it; one this build does not print is
  // read from the generation, where it was carried over.
  const printedLayouts = new Map<string, { promise: Promise<PdfLayout | undefined>; resolve: (layout: PdfLayout | undefined) => void; reject: (err: unknown) => void }>();
  for (const t of prints) {
    let settle!: { resolve: (layout: PdfLayout | undefined) => void; reject: (err: unknown) => void };
    const promise = new Promise<PdfLayout | undefined>((resolve, reject) => (settle = { resolve, reject }));
    promise.catch(() => undefined); // a failed print fails the build itself; its waiters fail with it
    printedLayouts.set(t.path, { promise, ...settle });
  }
  const layoutOf: PrintedLayouts = (path) =>
    printedLayouts.get(path)?.promise ?? readFile(join(gen.dir, path)).then((bytes) => pdfLayout(new Uint8Array(bytes)), () => undefined);
  // Each print goes to the generation as soon as it is made, so a 700-page dossier is not held in memory.
  const run = async (group: Target[]): Promise<number> => {
    const started = performance.now();
    await Promise.all(
      group.map(async (t) => {
        log(`making ${t.path}`);
        // A brief's layout goes to the dossier that binds it as soon as it is read, while the brief is being finished.
        const r = await t.make!(layoutOf, (layout) => printedLayouts.get(t.path)!.resolve(layout)).catch((err: unknown) => {
          printedLayouts.get(t.path)!.reject(err);
          throw err;
        });
        printedLayouts.get(t.path)!.resolve(r.layout);
        throwIfInterrupted();
        await stageFiles(gen.dir, [{ path: t.path, content: r.content }]);
        built.push({ path: t.path, bytes: r.content.byteLength, ...(r.pages ? { pages: r.pages } : {}), ...(r.passes ? { passes: r.passes } : {}) });
        log(`made ${t.path}${r.pages ? ` (${r.pages} pages${r.passes && r.passes > 1 ? `, printed ${r.passes} times for its contents' page numbers` : ''})` : ''}; ${--left} left`);
      }),
    );
    return Math.round(performance.now() - started);
  };
  // Each stage's time is its own; the wall time is the longer. The EPUBs are packed once Chromium is printing: packing
  // holds the main thread, which the pages' loading (every request they make is answered here) needs before that.
  const pdfs = run(prints.filter((t) => t.path.endsWith('.pdf'))).finally(closePrinter);
  const begun = printing ? Promise.race([printingBegun(), pdfs.then(() => undefined, () => undefined)]) : Promise.resolve();
  const epubs = begun.then(() => {
    throwIfInterrupted();
    return run(prints.filter((t) => !t.path.endsWith('.pdf')));
  });
  const [pdfMs, epubMs] = await Promise.all([pdfs, epubs]);
  return { built, pdfMs, epubMs };
}

/** Each edition's SHA256SUMS, from the prints in the generation: carried over when it comes out the same. */
async function writeChecksums(plan: Plan, gen: Generation, options: BuildOptions, entries: Manifest['outputs'], built: BuiltFile[]): Promise<void> {
  for (const path of plan.sumsPaths) {
    const dir = join(gen.dir, dirname(path));
    const names = (await readdir(dir).catch(() => [] as string[])).filter(isChecksummed).sort();
    if (names.length === 0) continue;
    const content = sha256sums(await Promise.all(names.map(async (name) => ({ name, bytes: await readFile(join(dir, name)) }))));
    const key = hash(plan.version, path, content);
    const before = plan.manifest?.outputs[path];
    if (before?.key === key && unchangedOnDisk(options.outDir, path, before)) {
      await carryOver(options.outDir, gen, [path]);
      entries[path] = before;
    } else {
      await stageFiles(gen.dir, [{ path, content }]);
      entries[path] = entryFor(gen.dir, path, key);
      built.push({ path, bytes: entries[path].size });
      if (plan.skipped.includes(path)) plan.skipped.splice(plan.skipped.indexOf(path), 1);
    }
  }
}

/** Drops what was staged only to print, writes checksums and the manifest, and switches the generation in. */
async function publish(plan: Plan, gen: Generation, options: BuildOptions, built: BuiltFile[], onSwitched: () => void): Promise<void> {
  const published = new Set([...plan.carried.map(([path]) => path), ...plan.toMake.map((t) => t.path)]);
  for (const f of [...plan.printInputs, ...plan.files]) if (!published.has(f.path)) await rm(join(gen.dir, f.path), { force: true });
  const entries: Manifest['outputs'] = Object.fromEntries(plan.carried);
  for (const t of plan.toMake) entries[t.path] = entryFor(gen.dir, t.path, t.key);
  for (const t of plan.toMake) if (t.kind === 'file') built.push({ path: t.path, bytes: entries[t.path]!.size });
  await writeChecksums(plan, gen, options, entries, built);
  // The manifest goes in with the outputs it describes.
  await writeManifest(gen.dir, {
    format: 'dialogue-briefs-manifest/1',
    inputs: plan.inputsKey,
    outputs: Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b))),
  });
  throwIfInterrupted();
  // From the switch on it is the one readers see: never dropped, whatever fails after.
  await publishGeneration(options.outDir, gen, { log: options.log ?? (() => undefined), onSwitched, ...(options.fault ? { fault: options.fault } : {}) });
}

/** Runs a build. Data and font problems throw a DiagnosticError before anything is written. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? (() => undefined);
  const lap = stopwatch();
  const stages: Record<string, number> = {};
  const release = acquireLock(options.outDir);
  let opening: Promise<Printer> | undefined;
  let generation: Generation | undefined;
  // A second Ctrl-C exits at once: the unpublished generation and the lock go with it, synchronously.
  const forgetForcedExit = onForcedExit(() => {
    if (generation) rmSync(generation.dir, { recursive: true, force: true });
    release();
  });
  // One browser for the whole build, however many prints of however many editions ask for it at once.
  const printer = () => {
    throwIfInterrupted();
    return (opening ??= options.printer ? Promise.resolve(options.printer) : openPrinter(stagingDir(options.outDir), { log }));
  };
  const ownPrinter = async () => {
    const opened = await opening?.catch(() => undefined);
    return opened && opened !== options.printer ? opened : undefined;
  };
  try {
    // What killed builds left: their generations, their Chromium profiles.
    await Promise.all([tidyOutput(options.outDir), removeStaleProfiles()]);
    // Inputs other than the last build's will most likely print: Chromium starts while the data is validated and
    // rendered, instead of after.
    const warmUp = (inputsKey: string) => {
      if (!options.formats.includes('pdf') || options.printer || (options.shard && options.shard.count > 1)) return;
      // A launch that fails or is interrupted is the first print's to report, if any print comes.
      void readManifest(options.outDir)
        .then((m) => (options.force || m?.inputs !== inputsKey ? printer() : undefined))
        .catch(() => undefined);
    };
    const prepared = await prepare(options, lap, stages, warmUp);
    const planned = await plan(prepared, options, printer, () => generation!.dir);
    const counts = datasetCounts(prepared.data);
    // The plan cuts the font subsets (cached by content) and reads the last manifest.
    stages.plan = lap();
    throwIfInterrupted();
    const editions = [...prepared.asked];
    if (planned.upToDate) return { built: [], skipped: planned.skipped, counts, editions, refused: [], browserLaunched: false, stages };
    generation = await beginGeneration(options.outDir);
    const { built, pdfMs, epubMs } = await make(planned, generation, options, log, async () => (await ownPrinter())?.close(), async () => (await printer()).printing());
    const launched = await ownPrinter();
    lap();
    Object.assign(stages, { pdf: pdfMs, epub: epubMs });
    await publish(planned, generation, options, built, () => (generation = undefined));
    stages.write = lap();
    built.sort((a, b) => a.path.localeCompare(b.path));
    const refused = (await opening?.catch(() => undefined))?.refused ?? [];
    return { built, skipped: planned.skipped, counts, editions, refused, browserLaunched: launched !== undefined, stages };
  } catch (err) {
    // A print that failed because the browser was closed by Ctrl-C is the interruption, not a print error.
    if (interruption.aborted) throw interruption.reason as Error;
    throw describeWriteError(err);
  } finally {
    await (await ownPrinter())?.close();
    if (generation) await abandonGeneration(generation);
    forgetForcedExit();
    release();
  }
}
