// `npm run dev` as a new user meets it: a served page that reloads after an edit, and shows a data error over the
// last good output.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-dev-'));
const data = join(work, 'data');
let child: ChildProcess;
let base: string;
const events: string[] = [];

const fetchText = (url: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });

/** Waits until the server has told the page to reload `n` times in all. */
async function reloads(n: number): Promise<void> {
  for (let i = 0; i < 300 && events.length < n; i++) await new Promise((r) => setTimeout(r, 100));
  expect(events.length).toBeGreaterThanOrEqual(n);
}

beforeAll(async () => {
  cpSync(join(ROOT, 'data'), data, { recursive: true });
  child = spawn('node', ['pipeline/launch.mjs', 'dev', '--data', data, '--out', join(work, 'out'), '--format', 'md,html', '--port', '0'], { cwd: ROOT });
  let output = '';
  base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const url = /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child.on('exit', () => reject(new Error(`dev stopped:\n${output}`)));
  });
  get(`${base}__events`, (res) => res.setEncoding('utf8').on('data', (c: string) => c.includes('data: reload') && events.push(c)));
  await new Promise((r) => setTimeout(r, 300));
}, 60_000);

afterAll(async () => {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(work, { recursive: true, force: true });
});

describe('npm run dev', () => {
  it('serves the briefs with a reload hook that is not in the files', async () => {
    const page = await fetchText(`${base}zh-Hant/chronology.html`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('new EventSource("/__events")');
    expect(readFileSync(join(work, 'out/zh-Hant/chronology.html'), 'utf8')).not.toContain('EventSource');
    expect((await fetchText(`${base}`)).body).toContain('中美戰略對話簡報');
    expect((await fetchText(`${base}..%2f..%2fetc/passwd`)).status).not.toBe(200);
  });

  it('rebuilds after a date is edited and tells the page to reload', async () => {
    const file = join(data, 'dialogues.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('start: 2006-11-08', 'start: 2006-11-09'));
    await reloads(1);
    expect((await fetchText(`${base}zh-Hant/chronology.html`)).body).toContain('2006年11月9日');
  }, 40_000);

  it('shows a data error on the page over the last good output', async () => {
    const file = join(data, 'dialogues.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('start: 2006-11-09', 'start: 2006-11-31'));
    await reloads(2);
    const page = (await fetchText(`${base}zh-Hant/chronology.html`)).body;
    expect(page).toMatch(/<div role="alert"[^>]*>[^<]*dialogues\.yaml:\d+:\d+: error: invalid date &quot;2006-11-31&quot;/);
    expect(page).toContain('2006年11月9日');
  }, 40_000);
});
