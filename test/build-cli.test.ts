// `npm run build` as a user runs it: outputs, --data/--out, determinism, and nothing lost on bad input.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, cliInProcess } from './cli.ts';
import { ROOT } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-build-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// As users run it: the bundled command line, not a TypeScript loader; where the process itself is not what a test
// reads, the same command line in this process.
const args = (more: string[]) => ['build', '--format', 'md,html', ...more];
const build = (...more: string[]) => cli(args(more));
const buildInProcess = (...more: string[]) => cliInProcess(args(more));

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      // The generations, the cache manifest and the lock are the build's own bookkeeping, not outputs: a reader
      // sees the outputs through the links at the top of the folder.
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return out;
}

describe('npm run build', () => {
  const out1 = join(work, 'one');
  const out2 = join(work, 'two');
  const minimalOut = join(work, 'minimal-out');
  // The three builds into folders of their own are independent: started together, each test awaits the one it reads.
  // The first is a real process (its exit code, nothing on stderr); the same command in-process must match its bytes.
  const first = build('--out', out1);
  const second = buildInProcess('--out', out2);
  const minimal = buildInProcess('--data', 'test/fixtures/minimal', '--out', minimalOut);

  it('writes the three briefs in Markdown and HTML, the stylesheet and the index', async () => {
    const r = await first;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = [...tree(out1).keys()];
    for (const b of ['chronology', 'roster', 'checklist']) {
      expect(files).toContain(`zh-Hant/${b}.md`);
      expect(files).toContain(`zh-Hant/${b}.html`);
    }
    expect(files).toContain('index.html');
    expect(files).toContain('assets/style.css');
    const index = readFileSync(join(out1, 'index.html'), 'utf8');
    for (const b of ['chronology', 'roster', 'checklist']) expect(index).toContain(`href="zh-Hant/${b}.html"`);
  });

  it('gives byte-identical files when run twice, with no machine path in them', async () => {
    expect((await first).status).toBe(0);
    expect((await second).status).toBe(0);
    const a = tree(out1);
    const b = tree(out2);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [f, content] of a) {
      expect(b.get(f), f).toBe(content);
      expect(content, f).not.toContain(ROOT);
      expect(content, f).not.toContain(work);
    }
  });

  it('builds another dataset into another folder', async () => {
    const r = await minimal;
    expect(r.status).toBe(0);
    expect(readFileSync(join(minimalOut, 'zh-Hant/chronology.md'), 'utf8')).toContain('高層戰略對話');
  });

  it('on bad data exits 1 with positioned messages and leaves the last good outputs intact', async () => {
    expect((await first).status).toBe(0);
    const data = join(work, 'bad-data');
    cpSync(join(ROOT, 'data'), data, { recursive: true });
    const file = join(data, 'people.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('side: us', 'side: usa'));
    const before = tree(out1);
    const r = await build('--data', data, '--out', out1);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/people\.yaml:\d+:\d+: error: invalid value for "side"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(tree(out1)).toEqual(before);
  });
});
