// `npm run dev` as a new user meets it: a served page that reloads after an edit, and shows a data error over the
// last good output; and as a careless editor or a hostile page meets it: malformed and traversing paths, foreign
// Host headers, links out of the output folder, other methods, byte ranges, atomic saves, a FIFO, an output folder
// inside the data folder, and a stop that takes no time.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ROOT } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-dev-'));
// The minimal dataset: the server and the watcher are the subject, not the data, and each rebuild is quicker.
const data = join(work, 'data');
/** The minimal dataset's title, on its index page. */
const TITLE = '測試簡報';
const out = join(work, 'out');
const SECRET = 'secret beside the output folder: 4f1c9a';

interface Dev {
  child: ChildProcess;
  port: number;
  base: string;
  /** Everything the dev server printed on stdout so far. */
  stdout: () => string;
}

/** Starts `npm run dev` on a free port, as the command line is run, and waits for its "serving" line. */
async function startDev(dataDir: string, outDir: string): Promise<Dev> {
  const child = spawn('node', ['pipeline/cli/launch.mjs', 'dev', '--data', dataDir, '--out', outDir, '--format', 'md,html', '--port', '0'], { cwd: ROOT });
  let output = '';
  let errors = '';
  child.stderr!.on('data', (c: Buffer) => (errors += c.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const url = /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child.once('exit', () => reject(new Error(`dev stopped:\n${output}\n${errors}`)));
  });
  return { child, base, port: Number(new URL(base).port), stdout: () => output };
}

async function stopDev(dev: Dev | undefined): Promise<void> {
  if (!dev || dev.child.exitCode !== null || dev.child.signalCode !== null) return;
  const exited = new Promise((r) => dev.child.once('exit', r));
  dev.child.kill('SIGTERM');
  await exited;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** One request with exactly these method, path and headers (node:http sends the path as given). */
const ask = (dev: Dev, path: string, options: { method?: string; headers?: Record<string, string>; timeout?: number } = {}) =>
  new Promise<Answer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dev.port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
    });
    req.setTimeout(options.timeout ?? 10_000, () => req.destroy(new Error(`no answer to ${options.method ?? 'GET'} ${path} in time`)));
    req.on('error', reject).end();
  });

/** A request line sent byte for byte, for paths an HTTP client would normalise. Resolves with the whole answer. */
const askRaw = (dev: Dev, requestLine: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = connect(dev.port, '127.0.0.1', () => socket.end(`${requestLine}\r\nHost: 127.0.0.1:${dev.port}\r\nConnection: close\r\n\r\n`));
    let answer = '';
    socket.setEncoding('utf8').on('data', (c: string) => (answer += c)).on('end', () => resolve(answer)).on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no answer to ${requestLine}`)));
  });

/** Polls until `check` holds (a rebuild is seconds away, not a fixed time), then asserts it once more. */
async function until(check: () => Promise<boolean> | boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect.fail(`timed out waiting for ${what}`);
}

const chronology = async (dev: Dev) => (await ask(dev, '/zh-Hant/chronology.html')).text;

/** An editor's atomic save: the new content written to a temporary file beside the old one, then renamed over it. */
function atomicSave(file: string, content: string, temporary: string): void {
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}

let dev: Dev;
const events: string[] = [];
// The server whose output folder is inside its data folder, started with the first one: its first build, and its
// check below (an edit, then a quiet wait), overlap the other server's tests; its test reads the outcome.
const inner = join(work, 'data-inner');
let innerDev: Promise<Dev>;
let innerLoop: Promise<{ rebuilds: number; stdout: string; page: string }>;

/** One edit in the data folder that holds the output folder, then as long again without an edit: the rebuilds counted. */
async function checkInnerLoop(second: Dev): Promise<{ rebuilds: number; stdout: string; page: string }> {
  try {
    const rebuilt = () => second.stdout().match(/^rebuilt /gm)?.length ?? 0;
    // The first build wrote into preview/ before "serving": had those writes been taken for edits, a rebuild
    // would follow within the debounce; the edit's own rebuild below shows how long one takes on this machine.
    const before = rebuilt();
    const file = join(inner, 'dialogues.yaml');
    const edited = Date.now();
    writeFileSync(file, readFileSync(file, 'utf8').replace('start: 2021-03-18', 'start: 2021-03-17'));
    await until(() => rebuilt() > before, 'the rebuild after the edit');
    // Then quiet for twice as long as that took (at least 1.5 s): a rebuild set off by the build's own writes
    // into preview/ would come in that time.
    await new Promise((r) => setTimeout(r, Math.max(1500, 2 * (Date.now() - edited))));
    return { rebuilds: rebuilt() - before, stdout: second.stdout(), page: (await ask(second, '/zh-Hant/chronology.html')).text };
  } finally {
    await stopDev(second);
  }
}

beforeAll(async () => {
  cpSync(join(FIXTURES, 'minimal'), data, { recursive: true });
  cpSync(join(FIXTURES, 'minimal'), inner, { recursive: true });
  writeFileSync(join(work, 'secret.txt'), SECRET);
  innerDev = startDev(inner, join(inner, 'preview'));
  innerLoop = innerDev.then(checkInnerLoop);
  // Awaited by its test; a failure is the test's, not an unhandled rejection in the meantime.
  innerLoop.catch(() => undefined);
  dev = await startDev(data, out);
  // Subscribed once the server has answered: from then on every reload it sends reaches `events`.
  await new Promise<void>((subscribed) =>
    request({ host: '127.0.0.1', port: dev.port, path: '/__events' }, (res) => {
      res.setEncoding('utf8').on('data', (c: string) => c.includes('data: reload') && events.push(c));
      subscribed();
    })
      .on('error', () => undefined)
      .end(),
  );
}, 60_000);

afterAll(async () => {
  await stopDev(dev);
  await innerLoop?.catch(() => undefined);
  await stopDev(await innerDev.catch(() => undefined));
  rmSync(work, { recursive: true, force: true });
});

describe('npm run dev: the preview server', () => {
  it('serves the briefs with a reload hook that is not in the files', async () => {
    const page = await ask(dev, '/zh-Hant/chronology.html');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('new EventSource("/__events")');
    expect(readFileSync(join(out, 'zh-Hant/chronology.html'), 'utf8')).not.toContain('EventSource');
    expect((await ask(dev, '/')).text).toContain(TITLE);
    const missing = await ask(dev, '/zh-Hant/nothing.html');
    expect(missing.status).toBe(404);
    expect(missing.text).toMatch(/^not found: /);
  });

  it('answers a malformed percent-encoding with 400 and keeps serving', async () => {
    expect((await ask(dev, '/%E0%A4%A')).status).toBe(400);
    expect((await ask(dev, '/zh-Hant/%')).status).toBe(400);
    expect((await ask(dev, '/')).status).toBe(200);
  });

  it('answers only to a Host naming this machine (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${dev.port}`, `localhost:${dev.port + 1}`, '127.0.0.1.evil.example']) {
      const a = await ask(dev, '/', { headers: { host } });
      expect([403, 421], host).toContain(a.status);
      expect(a.text).not.toContain(TITLE);
    }
    expect((await ask(dev, '/__events', { headers: { host: 'evil.example' } })).status).toBe(403);
    for (const host of [`localhost:${dev.port}`, `127.0.0.1:${dev.port}`, 'localhost', `[::1]:${dev.port}`]) {
      expect((await ask(dev, '/', { headers: { host } })).status, host).toBe(200);
    }
  });

  it('refuses a link that leads out of the output folder, and follows one that stays inside', async () => {
    symlinkSync('../secret.txt', join(out, 'leak.txt'));
    symlinkSync('zh-Hant/chronology.html', join(out, 'alias.html'));
    mkdirSync(join(work, 'elsewhere'), { recursive: true });
    writeFileSync(join(work, 'elsewhere', 'index.html'), `<body>${SECRET}</body>`);
    symlinkSync('../elsewhere', join(out, 'outside'));
    for (const path of ['/leak.txt', '/outside/', '/outside/index.html']) {
      const a = await ask(dev, path);
      expect(a.status, path).not.toBe(200);
      expect(a.text, path).not.toContain(SECRET);
    }
    const alias = await ask(dev, '/alias.html');
    expect(alias.status).toBe(200);
    expect(alias.text).toContain('new EventSource("/__events")');
    // Dot names are not served, even where the links of the output folder lead.
    expect((await ask(dev, '/.generations/current/index.html')).status).toBe(404);
  });

  it('refuses path traversal to a file that exists beside the output folder', async () => {
    for (const path of ['/..%2fsecret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2Fsecret.txt', '/zh-Hant/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const a = await ask(dev, path);
      expect(a.status, path).not.toBe(200);
      expect(a.text, path).not.toContain(SECRET);
    }
    for (const line of ['GET /../secret.txt HTTP/1.1', 'GET /zh-Hant/../../secret.txt HTTP/1.1', `GET http://127.0.0.1:${dev.port}/../secret.txt HTTP/1.1`]) {
      const answer = await askRaw(dev, line);
      expect(answer, line).toMatch(/^HTTP\/1\.1 (400|403|404) /);
      expect(answer, line).not.toContain(SECRET);
    }
  });

  it('answers other methods with 405 and Allow, OPTIONS at once, HEAD with headers only', async () => {
    for (const method of ['POST', 'DELETE', 'PUT']) {
      const a = await ask(dev, '/index.html', { method });
      expect(a.status, method).toBe(405);
      expect(a.headers.allow, method).toBe('GET, HEAD');
    }
    const started = Date.now();
    const options = await ask(dev, '/__events', { method: 'OPTIONS', timeout: 2000 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect([204, 405]).toContain(options.status);
    expect(options.headers.allow).toBe('GET, HEAD');
    const head = await ask(dev, '/zh-Hant/chronology.md', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.byteLength).toBe(0);
    expect(Number(head.headers['content-length'])).toBe(readFileSync(join(out, 'zh-Hant/chronology.md')).byteLength);
  });

  it('serves byte ranges of a file, whole pages, and 416 past the end', async () => {
    const file = readFileSync(join(out, 'zh-Hant/chronology.md'));
    const full = await ask(dev, '/zh-Hant/chronology.md');
    expect(full.status).toBe(200);
    expect(full.headers['accept-ranges']).toBe('bytes');
    expect(full.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(full.body.equals(file)).toBe(true);

    const first = await ask(dev, '/zh-Hant/chronology.md', { headers: { range: 'bytes=0-9' } });
    expect(first.status).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-9/${file.byteLength}`);
    expect(first.body.equals(file.subarray(0, 10))).toBe(true);
    const rest = await ask(dev, '/zh-Hant/chronology.md', { headers: { range: 'bytes=100-' } });
    expect(rest.status).toBe(206);
    expect(rest.body.equals(file.subarray(100))).toBe(true);
    const suffix = await ask(dev, '/zh-Hant/chronology.md', { headers: { range: 'bytes=-100' } });
    expect(suffix.status).toBe(206);
    expect(suffix.headers['content-range']).toBe(`bytes ${file.byteLength - 100}-${file.byteLength - 1}/${file.byteLength}`);
    expect(suffix.body.equals(file.subarray(-100))).toBe(true);

    const past = await ask(dev, '/zh-Hant/chronology.md', { headers: { range: 'bytes=99999999-' } });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${file.byteLength}`);
    // A page is served whole, with the preview's additions: a range of the file would not match what is sent.
    const page = await ask(dev, '/zh-Hant/chronology.html', { headers: { range: 'bytes=0-9' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('new EventSource("/__events")');
  });
});

describe('npm run dev: the watcher', () => {
  it('rebuilds after a date is edited and tells the page to reload', async () => {
    const file = join(data, 'dialogues.yaml');
    const reloadsBefore = events.length;
    writeFileSync(file, readFileSync(file, 'utf8').replace('start: 2008-12\n', 'start: 2008-12-09\n'));
    await until(async () => (await chronology(dev)).includes('2008年12月9日'), 'the edited date on the page');
    await until(() => events.length > reloadsBefore, 'a reload event');
  }, 40_000);

  it('shows a data error on the page over the last good output', async () => {
    const file = join(data, 'dialogues.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('start: 2008-12-09', 'start: 2008-12-32'));
    await until(async () => (await chronology(dev)).includes('role="alert"'), 'the problems banner');
    const page = await chronology(dev);
    expect(page).toMatch(/<div role="alert"[^>]*>[^<]*dialogues\.yaml:\d+:\d+: error: invalid date &quot;2008-12-32&quot;/);
    expect(page).toContain('2008年12月9日');
  }, 40_000);

  it('follows atomic saves (write aside, rename over), the second one too', async () => {
    const file = join(data, 'dialogues.yaml');
    // As a JetBrains editor saves, then as `sed -i` does.
    atomicSave(file, readFileSync(file, 'utf8').replace('start: 2008-12-32', 'start: 2008-12-10'), `${file}___jb_tmp___`);
    // The banner goes once the rebuild is over, a moment after its pages are in place.
    await until(async () => {
      const page = await chronology(dev);
      return page.includes('2008年12月10日') && !page.includes('role="alert"');
    }, 'the first atomic save on the page, and the banner gone');
    atomicSave(file, readFileSync(file, 'utf8').replace('start: 2008-12-10', 'start: 2008-12-12'), join(data, 'sedAx81Qz'));
    await until(async () => (await chronology(dev)).includes('2008年12月12日'), 'the second atomic save on the page');
  }, 40_000);

  it('keeps answering with a FIFO in the data folder, and shows it as a data error', async () => {
    const fifo = join(data, 'extra.yaml');
    execFileSync('mkfifo', [fifo]);
    // The FIFO itself is not watched; the next edit rebuilds, and the loader refuses it without opening it.
    const places = join(data, 'places.yaml');
    writeFileSync(places, `${readFileSync(places, 'utf8')}\n`);
    await until(async () => (await chronology(dev)).includes('extra.yaml is a named pipe (FIFO)'), 'the FIFO in the banner');
    expect((await ask(dev, '/zh-Hant/chronology.md')).status).toBe(200);
    rmSync(fifo);
    writeFileSync(places, `${readFileSync(places, 'utf8')}\n`);
    await until(async () => !(await chronology(dev)).includes('role="alert"'), 'the banner gone');
  }, 40_000);

  it('does not rebuild in a loop when the output folder is inside the data folder', async () => {
    const { rebuilds, stdout, page } = await innerLoop;
    // One edit, one rebuild: the build's own writes into preview/ are not changes to the data.
    expect(rebuilds, stdout).toBe(1);
    expect(page).toContain('2021年3月17日');
  }, 40_000);
});

describe('npm run dev: stopping', () => {
  it('stops at once on SIGTERM, its event streams open, and exits 0', async () => {
    let streamEnded = false;
    await new Promise<void>((resolve) =>
      request({ host: '127.0.0.1', port: dev.port, path: '/__events' }, (res) => {
        res.on('data', () => undefined).on('close', () => (streamEnded = true));
        resolve();
      }).end(),
    );
    const started = Date.now();
    const exited = new Promise<number | null>((r) => dev.child.once('exit', (code) => r(code)));
    dev.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
    await until(() => streamEnded, 'the event stream closed', 2000);
  });
});
