// Shards assembled: a dataset built whole and as two --shard K/2 builds, each copied by the workflow's own step as
// CI uploads it (links followed, dot files left out), then merged by assemble into exactly what the single build
// makes. The minimal fixture, which makes both editions: how shards merge is the subject, not the data.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleShards } from '../pipeline/build/assemble.ts';
import { openPrinter, type Printer } from '../pipeline/print/browser.ts';
import { build, defaultBuildOptions, type Shard } from '../pipeline/build/build.ts';
import { FIXTURES, ROOT, snapshotFiles } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-shards-'));
let printer: Printer;
afterAll(async () => {
  await printer?.close();
  rmSync(work, { recursive: true, force: true });
});

// The workflow's own step that copies a shard's output for upload (`cp -rL`, then every dot file pruned).
const copyStep = ((parse(readFileSync(join(ROOT, '.github/workflows/briefs.yml'), 'utf8')) as { jobs: { print: { steps: { run?: string }[] } } }).jobs.print.steps
  .map((s) => s.run ?? '')
  .find((r) => r.includes('cp -rL')))!;

/** The visible output, copied by the workflow's step as the print job runs it (from a checkout holding output/). */
function plainCopy(outDir: string, to: string): string {
  const checkout = mkdtempSync(join(work, 'checkout-'));
  symlinkSync(outDir, join(checkout, 'output'));
  execFileSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', copyStep], { cwd: checkout });
  renameSync(join(checkout, 'shard'), to);
  return to;
}

async function buildCopy(name: string, shard?: Shard): Promise<string> {
  const outDir = join(work, `${name}-out`);
  await build({ ...defaultBuildOptions(), dataDir: join(FIXTURES, 'minimal'), templatesDir: join(ROOT, 'templates'), outDir, ...(shard ? { shard } : {}), printer });
  return plainCopy(outDir, join(work, name));
}

const cli = (...args: string[]) => spawnSync('node', [join(ROOT, 'pipeline/cli/launch.mjs'), 'assemble', ...args], { cwd: work, encoding: 'utf8' });
const isPrint = (path: string) => /\.(pdf|epub)$/.test(path);

let whole: string;
let shards: string[];

beforeAll(async () => {
  // One browser for the three builds, made at once (each has its own output folder); every output folder lies under
  // `work`, the folder it may read.
  printer = await openPrinter(work);
  [whole, ...shards] = await Promise.all([buildCopy('whole'), buildCopy('shard-1', { index: 1, count: 2 }), buildCopy('shard-2', { index: 2, count: 2 })]);
}, 300_000);

describe('assembling shards', () => {
  it('gives the single build byte for byte: the same files, feed.xml and each SHA256SUMS included', async () => {
    const site = join(work, 'site');
    const result = await assembleShards(site, shards);
    const expected = snapshotFiles(whole);
    expect([...expected.keys()]).toEqual(expect.arrayContaining(['index.html', 'feed.xml', 'zh-Hant/SHA256SUMS', 'zh-Hans/SHA256SUMS', 'zh-Hant/dossier.pdf', 'zh-Hans/briefs.epub']));
    expect([...snapshotFiles(site)]).toEqual([...expected]);
    expect(result.files).toEqual([...expected.keys()].sort());
    expect(result.checksums).toEqual(['zh-Hans/SHA256SUMS', 'zh-Hant/SHA256SUMS']);
    // Each shard's own SHA256SUMS lists only its prints: the assembled ones were computed again, not copied.
    for (const shard of shards) expect(readFileSync(join(shard, 'zh-Hant/SHA256SUMS'), 'utf8')).not.toBe(readFileSync(join(whole, 'zh-Hant/SHA256SUMS'), 'utf8'));
  });

  it('splits the printed outputs between the shards, each print in exactly one', () => {
    const [one, two] = shards.map((s) => [...snapshotFiles(s).keys()].filter(isPrint));
    expect(one!.length).toBeGreaterThan(0);
    expect(two!.length).toBeGreaterThan(0);
    expect(one!.filter((p) => two!.includes(p))).toEqual([]);
    expect([...one!, ...two!].sort()).toEqual([...snapshotFiles(whole).keys()].filter(isPrint).sort());
  });

  it('runs as npm run assemble: exit 0, one line, the same tree', () => {
    const r = cli('--out', 'site-cli', 'shard-1', 'shard-2');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^site-cli: assembled \d+ files from 2 shards \(zh-Hans\/SHA256SUMS, zh-Hant\/SHA256SUMS\)\n$/);
    expect([...snapshotFiles(join(work, 'site-cli'))]).toEqual([...snapshotFiles(whole)]);
  });

  it('refuses shards that disagree on a file, naming the file and both folders, and writes nothing', async () => {
    const other = join(work, 'shard-2-other');
    cpSync(shards[1]!, other, { recursive: true });
    writeFileSync(join(other, 'index.html'), `${readFileSync(join(other, 'index.html'), 'utf8')}<!-- another build -->\n`);
    const error = await assembleShards(join(work, 'mixed'), [shards[0]!, other]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`index.html differs between shard ${shards[0]} and shard ${other}`);
    expect(existsSync(join(work, 'mixed'))).toBe(false);

    const r = cli('--out', 'mixed', 'shard-1', 'shard-2-other');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: index\.html differs between shard shard-1 and shard shard-2-other \(.*\)\n$/);
    expect(r.stdout).toBe('');
    expect(existsSync(join(work, 'mixed'))).toBe(false);
  });

  it('says in one line, without a stack trace, when a shard folder is missing', () => {
    const r = cli('--out', 'nowhere-site', 'shard-1', 'shard-3');
    expect(r.status).toBe(66);
    expect(r.stderr).toMatch(/^error: shard folder shard-3 does not exist \(.*\)\n$/);
    expect(existsSync(join(work, 'nowhere-site'))).toBe(false);
  });

  it('refuses an --out that already holds files, with exit 73', () => {
    const r = cli('--out', 'shard-2', 'shard-1');
    expect(r.status).toBe(73);
    expect(r.stderr).toMatch(/^error: .*shard-2.*\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
