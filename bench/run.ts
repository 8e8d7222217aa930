// `npm run bench`: the pipeline at 1×, 10× and 100× the real dataset, stage by stage, cold and no-op, with peak
// memory, against the floor (one browser printing the same HTML files with page.pdf) measured in the same run.
// Writes bench/results.json and the table between the bench markers of README.md.
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { findBrowser } from '../pipeline/print/browser.ts';
import { generateDataset } from './generate.ts';

interface FloorResult {
  launchMs: number;
  printMs: number;
  /** From the browser's launch to its close, inside the script: what the PDF stage is compared with. */
  inProcessMs: number;
  /** The whole script, Node's start included, timed from outside: what a cold build is compared with. */
  wallMs: number;
}

/** Runs bench/floor.mjs as its own process, as a user would run such a script. */
async function floor(files: readonly string[]): Promise<FloorResult> {
  const started = performance.now();
  const stdout = await new Promise<string>((resolve, reject) => {
    let out = '';
    const child = spawn('node', ['bench/floor.mjs', findBrowser()!.path, ...files], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`floor exited ${code}`))));
  });
  return { ...(JSON.parse(stdout) as Omit<FloorResult, 'wallMs'>), wallMs: Math.round(performance.now() - started) };
}

const ROOT = new URL('..', import.meta.url).pathname;
const WORK = join(ROOT, '.cache', 'bench');
// BENCH_SCALES picks scales for a quick look (none: the dev edit only); such a run writes neither results.json nor README.md.
const SCALES = (process.env.BENCH_SCALES ?? '1,10,100').split(',').filter(Boolean).map(Number);
const PARTIAL = process.env.BENCH_SCALES !== undefined && process.env.BENCH_WRITE === undefined;
// The heap the builds get: the npm scripts' own 384 MiB unless BENCH_HEAP_MIB says otherwise.
const HEAP_MIB = process.env.BENCH_HEAP_MIB ?? '384';
const REPEATS: Record<number, number> = { 1: 5, 10: 3, 100: 1 };

interface BuildReport {
  upToDate: boolean;
  stages: Record<string, number>;
  wallMs: number;
  peakRssMiB: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs the command line as a user would (`node pipeline/cli/launch.mjs …`), timing it from outside. */
async function cli(args: string[], report?: string): Promise<{ wallMs: number; report?: BuildReport }> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('node', [`--max-old-space-size=${HEAP_MIB}`, 'pipeline/cli/launch.mjs', ...args, ...(report ? ['--report', report] : []), '--quiet'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`build ${args.join(' ')} exited ${code}`))));
  });
  const wallMs = Math.round(performance.now() - started);
  return { wallMs, ...(report ? { report: JSON.parse(await readFile(report, 'utf8')) as BuildReport } : {}) };
}

/** `npm run build` exactly as typed, on the real data, when nothing changed. */
async function npmNoop(): Promise<number> {
  const run = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const child = spawn('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'ignore' });
      child.on('exit', (code) => (code === 0 ? resolve(Math.round(performance.now() - started)) : reject(new Error(`npm run build exited ${code}`))));
    });
  await run(); // brings output/ up to date
  const times: number[] = [];
  for (let i = 0; i < 5; i++) times.push(await run());
  return median(times);
}

interface Row {
  scale: number;
  rounds: number;
  outcomes: number;
  pages: number;
  stages: Record<string, number>;
  coldMs: number;
  noopMs: number;
  peakRssMiB: number;
  floor: FloorResult;
  pdfOverFloor: number;
  totalOverFloor: number;
}

async function measure(scale: number): Promise<Row> {
  const dir = join(WORK, `${scale}x`);
  const data = join(dir, 'data');
  const out = join(dir, 'out');
  await rm(dir, { recursive: true, force: true });
  await generateDataset(join(ROOT, 'data'), scale, data);
  const colds: BuildReport[] = [];
  const coldWalls: number[] = [];
  const floors: FloorResult[] = [];
  const noops: number[] = [];
  for (let i = 0; i < (REPEATS[scale] ?? 1); i++) {
    const cold = await cli(['build', '--data', data, '--out', out, '--force'], join(dir, 'cold.json'));
    colds.push(cold.report!);
    coldWalls.push(cold.wallMs);
    const noop = await cli(['build', '--data', data, '--out', out], join(dir, 'noop.json'));
    if (!noop.report!.upToDate) throw new Error('a build right after a build was not a no-op');
    noops.push(noop.wallMs);
    // The same pages the build prints: both editions' three briefs and dossier.
    floors.push(await floor(['zh-Hant', 'zh-Hans'].flatMap((lang) => ['chronology', 'roster', 'checklist', 'dossier'].map((n) => join(out, lang, `${n}.html`)))));
  }
  const stageNames = Object.keys(colds[0]!.stages);
  const stages = Object.fromEntries(stageNames.map((s) => [s, median(colds.map((c) => c.stages[s]!))]));
  const floorWall = median(floors.map((f) => f.wallMs));
  const floorRow = floors.find((f) => f.wallMs === floorWall)!;
  const floorInProcess = median(floors.map((f) => f.inProcessMs));
  const coldMs = median(coldWalls);
  const lastCold = JSON.parse(await readFile(join(dir, 'cold.json'), 'utf8')) as { built: { path: string; pages?: number }[] };
  const pages = lastCold.built.filter((f) => f.path.endsWith('.pdf')).reduce((n, f) => n + (f.pages ?? 0), 0);
  const outcomes = (parse(await readFile(join(data, 'outcomes.yaml'), 'utf8')) as { outcomes: unknown[] }).outcomes.length;
  return {
    scale,
    rounds: 7 * scale,
    outcomes,
    pages,
    stages,
    coldMs,
    noopMs: median(noops),
    peakRssMiB: Math.max(...colds.map((c) => c.peakRssMiB)),
    floor: floorRow,
    pdfOverFloor: stages.pdf! / floorInProcess,
    totalOverFloor: coldMs / floorWall,
  };
}

const s = (ms: number) => (ms / 1000).toFixed(2);

function table(rows: Row[], npmNoopMs: number): string {
  const base = rows.find((r) => r.scale === 1);
  const lines = [
    '| data | rounds / outcomes | PDF pages | validate | Markdown + HTML | PDF | EPUB | cold build (`--force`) | no-op | floor: printing / whole script | PDF ÷ floor printing | cold ÷ floor script | × of 1× time | peak RSS |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...rows.map(
      (r) =>
        `| ${r.scale}× | ${r.rounds} / ${r.outcomes} | ${r.pages} | ${s(r.stages.validate!)} s | ${s(r.stages.render!)} s | ${s(r.stages.pdf!)} s | ${s(r.stages.epub!)} s | ${s(r.coldMs)} s | ${s(r.noopMs)} s | ${s(r.floor.inProcessMs)} s / ${s(r.floor.wallMs)} s | ${r.pdfOverFloor.toFixed(2)} | ${r.totalOverFloor.toFixed(2)} | ${base ? (r.coldMs / base.coldMs).toFixed(1) : '–'} | ${r.peakRssMiB} MiB |`,
    ),
  ];
  return [
    ...lines,
    '',
    `No-op \`npm run build\` as typed, real data: ${s(npmNoopMs)} s (median of 5). Medians of ${REPEATS[1]}, ${REPEATS[10]} and ${REPEATS[100]} runs at 1×, 10× and 100×; ${cpus().length} cores, Node ${process.versions.node}.`,
    'The floor (`bench/floor.mjs`) is a plain script that launches the same browser once and prints the same eight HTML files (each edition\'s three briefs and dossier) with `page.pdf`, two at a time. "Printing" is its time from launch to close, compared with the PDF stage (which includes the launch, the outline, the dossier\'s print of its cover and contents alone for their page numbers, and finishing); "whole script" is its wall time with Node\'s start, compared with the cold build timed the same way.',
  ].join('\n');
}

/**
 * `npm run dev` as an author uses it: once the first build is done, one round of the real data is edited (two of its
 * summary's phrases swapped, so no new character asks for new font subsets) and the time is taken until the edition's
 * chronology PDF on disk is the new one, and until the whole rebuild is done. Median of 5 edits.
 */
async function devEdit(): Promise<{ pdfMs: number; allMs: number }> {
  const dir = join(WORK, 'dev');
  const data = join(dir, 'data');
  const out = join(dir, 'out');
  await rm(dir, { recursive: true, force: true });
  await generateDataset(join(ROOT, 'data'), 1, data);
  const child = spawn('node', ['--max-old-space-size=384', 'pipeline/cli/launch.mjs', 'dev', '--data', data, '--out', out, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    for (const w of waiters.splice(0)) w();
  });
  // A full rebuild ends with "rebuilt N, kept M in S s".
  const rebuilds = () => (stdout.match(/^rebuilt \d+, kept \d+ in /gm) ?? []).length;
  const untilRebuilds = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => (rebuilds() >= n ? resolve() : waiters.push(check));
      check();
    });
  const pdf = join(out, 'zh-Hant', 'chronology.pdf');
  const pdfBytes = () => readFile(pdf).catch(() => Buffer.alloc(0));
  const file = join(data, 'dialogues.yaml');
  const [a, b] = ['坦誠、深入地交換了意見', '深入、坦誠地交換了意見'];
  const pdfTimes: number[] = [];
  const allTimes: number[] = [];
  try {
    await untilRebuilds(1);
    for (let i = 0; i < 5; i++) {
      const before = await pdfBytes();
      const text = await readFile(file, 'utf8');
      if (!text.includes(a) && !text.includes(b)) throw new Error(`dialogues.yaml no longer holds "${a}": pick another edit`);
      const started = performance.now();
      await writeFile(file, text.includes(a) ? text.replace(a, b) : text.replace(b, a));
      let pdfMs: number | undefined;
      const done = untilRebuilds(i + 2).then(() => Math.round(performance.now() - started));
      // The PDF is switched in with the rest of its generation: polled until its bytes are new.
      while (pdfMs === undefined) {
        if (!(await pdfBytes()).equals(before)) pdfMs = Math.round(performance.now() - started);
        else await new Promise((r) => setTimeout(r, 10));
      }
      pdfTimes.push(pdfMs);
      allTimes.push(await done);
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  return { pdfMs: median(pdfTimes), allMs: median(allTimes) };
}

const rows: Row[] = [];
for (const scale of SCALES) {
  process.stdout.write(`bench: ${scale}×…\n`);
  rows.push(await measure(scale));
}
const npmNoopMs = await npmNoop();
process.stdout.write('bench: npm run dev, one round edited…\n');
const dev = await devEdit();
const devLine = `\`npm run dev\`, one round of the real data edited: the chronology PDF on disk in ${s(dev.pdfMs)} s, the whole rebuild (both editions, every format) in ${s(dev.allMs)} s (medians of 5 edits).`;
const text = `${table(rows, npmNoopMs)}\n${devLine}`;
process.stdout.write(`${text}\n`);
if (PARTIAL) process.exit(0);
await writeFile(join(ROOT, 'bench', 'results.json'), `${JSON.stringify({ node: process.versions.node, cores: cpus().length, npmNoopMs, dev, rows }, null, 2)}\n`);
const readmePath = join(ROOT, 'README.md');
const readme = await readFile(readmePath, 'utf8');
const marked = /<!-- bench:start -->[\s\S]*<!-- bench:end -->/;
if (marked.test(readme)) await writeFile(readmePath, readme.replace(marked, `<!-- bench:start -->\n${text}\n<!-- bench:end -->`));
