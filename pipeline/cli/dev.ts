// Watch mode and the preview server: rebuild on every change to data/ or templates/, serve output/ on localhost,
// and reload the open page after each rebuild. A data error shows in the terminal and on the page, over the last
// good output, which stays served.
//
// The server is our own code rather than a static-file library (sirv, serve-static): every HTML page is rewritten
// on the way out (reload hook, problems banner), and the checks that matter here — Host against DNS rebinding, real
// paths inside the real output folder although that folder is made of symbolic links through `.generations/`, no
// FIFO ever opened — would have to be wrapped around a library anyway. What is left is one byte range and a read.
import { watch as watchPaths, type FSWatcher } from 'chokidar';
import { constants, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { build, openPrinter, type Printer } from '../build/build.ts';
import { DiagnosticError, formatDiagnostic } from '../data/diagnostics.ts';
import { stagingDir } from '../build/output.ts';
import type { Lang } from '../data/names.ts';
import { displayDir, reportFailure, UsageError, type CliBuildOptions } from './commands.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
  '.epub': 'application/epub+zip',
};

const ALLOW = 'GET, HEAD';
/** Edits arrive in bursts (an editor's save is several events): one rebuild for each quiet moment this long. */
const DEBOUNCE_MS = 150;

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** What the preview adds to a served page (never to the files): the reload hook, and the last build's problems. */
export function previewPage(html: string, problems: readonly string[]): string {
  const reload = '<script>new EventSource("/__events").onmessage = () => location.reload();</script>';
  const banner = problems.length
    ? `<div role="alert" style="position:fixed;inset:auto 0 0 0;max-height:45vh;overflow:auto;margin:0;padding:1em 1.5em;background:#fff4f4;border-top:3px solid #8a1c1c;font:13px/1.5 monospace;white-space:pre-wrap;z-index:9">${problems.map(escapeHtml).join('\n')}</div>`
    : '';
  return html.replace(/<\/body>/i, `${banner}${reload}</body>`);
}

/**
 * True for a Host header naming this machine's loopback, with no port or this server's port. Anything else is a page
 * of another site whose name was made to resolve to 127.0.0.1 (DNS rebinding), reading the preview through the
 * browser of whoever runs it.
 */
export function isLocalHost(host: string | undefined, port: number): boolean {
  const m = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?$/i.exec(host ?? '');
  return m !== null && (m[1] === undefined || Number(m[1]) === port);
}

/**
 * The path of a request target as decoded segments, or why it is refused. Each segment is decoded on its own, after
 * the split, so an encoded `/` (`%2f`) cannot make a new segment; a segment that decodes to `..`, or holds a
 * separator or NUL, is a traversal; a name starting with a dot (`.generations`, `.build.lock`) is not served. A target
 * ending in `/` asks for the folder's index.html.
 */
export function requestSegments(target: string): string[] | 'bad-request' | 'forbidden' | 'hidden' {
  // Origin form only (RFC 9112 §3.2.1): an absolute URL would name a host the Host check did not see.
  if (!target.startsWith('/')) return 'bad-request';
  const raw = target.replace(/[?#].*$/s, '').split('/').slice(1);
  const segments: string[] = [];
  for (const part of raw) {
    let name: string;
    try {
      name = decodeURIComponent(part);
    } catch {
      return 'bad-request'; // a malformed escape such as %E0%A4%A
    }
    if (name === '') continue; // `//` and a trailing `/`
    if (name === '..' || /[/\\\0]/.test(name)) return 'forbidden';
    if (name.startsWith('.')) return 'hidden';
    segments.push(name);
  }
  if (raw.length === 0 || raw.at(-1) === '') segments.push('index.html');
  return segments;
}

/**
 * One byte range of a file of `size` bytes (RFC 9110 §14.1.2): `first-last`, `first-`, or the suffix `-length`.
 * `undefined` means the header is to be ignored and the whole file sent, as §14.2 allows for a header that does not
 * parse and as we do for several ranges (rarely asked for, and a multipart answer is not worth its code here).
 */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = /^bytes=\s*(\d*)-(\d*)\s*$/i.exec(header ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const length = Number(m[2]);
    return length === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? Infinity : Number(m[2]);
  if (last < start) return undefined; // an invalid range-spec: the header is ignored (§14.1.1)
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(last, size - 1) };
}

const isInside = (path: string, folder: string) => path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);

/** The real path of `path`, or of its nearest existing ancestor with the rest appended (the output folder may not exist yet). */
async function realPathOf(path: string): Promise<string> {
  const parent = dirname(path);
  return realpath(path).catch(async () => (parent === path ? path : join(await realPathOf(parent), basename(path))));
}

interface PreviewState {
  outDir: string;
  port: () => number;
  problems: () => readonly string[];
  clients: Set<ServerResponse>;
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(`${text}\n`);
}

/** Answers one request of the preview. Never throws: a failure answers 500 or drops the connection. */
async function answer(req: IncomingMessage, res: ServerResponse, s: PreviewState): Promise<void> {
  if (!isLocalHost(req.headers.host, s.port())) {
    sendText(res, 403, `refused: the preview answers only to http://127.0.0.1:${s.port()}/ or http://localhost:${s.port()}/`);
    return;
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { allow: ALLOW, 'cache-control': 'no-store' }).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, `method ${req.method ?? ''} not allowed: the preview only reads`, { allow: ALLOW, connection: 'close' });
    return;
  }
  const target = req.url ?? '/';
  const segments = requestSegments(target);
  if (segments === 'bad-request') return sendText(res, 400, 'bad request: the path is not a well-formed URL path');
  if (segments === 'forbidden') return sendText(res, 403, 'refused: the path leaves the output folder');
  const shown = target.replace(/[?#].*$/s, '');
  if (segments === 'hidden') return sendText(res, 404, `not found: ${shown}`);

  if (shown === '/__events') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.write(': connected\n\n');
    s.clients.add(res);
    res.on('close', () => s.clients.delete(res));
    return;
  }

  // The real path must lie inside the real output folder: links within it (its entries lead through
  // .generations/current) are followed; a link that leads out of it is refused.
  let file: string;
  let root: string;
  try {
    root = await realpath(s.outDir);
    file = await realpath(join(s.outDir, ...segments));
  } catch {
    return sendText(res, 404, `not found: ${shown}`);
  }
  if (!isInside(file, root)) return sendText(res, 403, 'refused: the path leads out of the output folder');

  // Opened without blocking and checked by the handle, so a FIFO or a device is never read and cannot hang a request.
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const stats = await handle.stat();
    if (stats.isDirectory() && !target.replace(/[?#].*$/s, '').endsWith('/')) {
      const query = /\?[^#]*/.exec(target)?.[0] ?? '';
      res.writeHead(301, { location: `/${segments.map(encodeURIComponent).join('/')}/${query}`, 'cache-control': 'no-store' }).end();
      return;
    }
    if (!stats.isFile()) return sendText(res, 404, `not found: ${shown}`);
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const common = { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

    // A page is served whole with the preview's additions, so a byte range of it would not match the file.
    if (type.startsWith('text/html')) {
      const body = Buffer.from(previewPage(await handle.readFile('utf8'), s.problems()), 'utf8');
      res.writeHead(200, { ...common, 'content-length': String(body.byteLength), 'accept-ranges': 'none' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }

    // Range applies to GET only (RFC 9110 §14.2); with If-Range we have no validator to compare, so the whole file.
    const range = req.method === 'GET' && req.headers['if-range'] === undefined ? byteRange(req.headers.range, stats.size) : undefined;
    if (range === 'unsatisfiable') {
      return sendText(res, 416, `range not satisfiable: the file has ${stats.size} bytes`, { 'content-range': `bytes */${stats.size}` });
    }
    const { start, end } = range ?? { start: 0, end: stats.size - 1 };
    res.writeHead(range ? 206 : 200, {
      ...common,
      'accept-ranges': 'bytes',
      'content-length': String(end - start + 1),
      ...(range ? { 'content-range': `bytes ${start}-${end}/${stats.size}` } : {}),
    });
    if (req.method === 'HEAD' || end < start) {
      res.end();
      return;
    }
    const stream = handle.createReadStream({ start, end }); // closes the handle when done
    handle = undefined;
    await pipeline(stream, res).catch(() => undefined); // the reader went away: nothing to answer
  } catch {
    if (!res.headersSent) sendText(res, 404, `not found: ${shown}`);
    else res.destroy();
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

interface WatchOptions {
  serve: boolean;
  port: number;
}

/**
 * Paths the watcher leaves alone: the output folder wherever it lies (inside the data folder, a build would otherwise
 * trigger the next one, forever), names starting with a dot below a watched folder (editors' swap files, `.git`),
 * and whatever is neither a file, a folder nor a link (a FIFO, a socket, a device: the loader reports them, and
 * nothing should ever wait on them). Chokidar calls this once without stats and again with them.
 */
async function watchFilter(roots: readonly string[], outDir: string): Promise<(path: string, stats?: Stats) => boolean> {
  const outReal = await realPathOf(outDir);
  const outs = [outDir];
  // The output folder as seen through each watched folder, in case one of the two was named through a link.
  for (const root of roots) {
    const rootReal = await realPathOf(root);
    if (isInside(outReal, rootReal)) outs.push(join(root, relative(rootReal, outReal)));
  }
  return (path, stats) => {
    const p = resolve(path);
    if (outs.some((out) => isInside(p, out))) return true;
    for (const root of roots) {
      if (p !== root && isInside(p, root) && relative(root, p).split(sep).some((name) => name.startsWith('.'))) return true;
    }
    return stats !== undefined && !stats.isFile() && !stats.isDirectory() && !stats.isSymbolicLink();
  };
}

/** Builds now and after every change, until Ctrl-C or SIGTERM. */
export async function watch(o: CliBuildOptions, w: WatchOptions): Promise<number> {
  const outDir = resolve(o.outDir);
  const roots = [resolve(o.dataDir), resolve(o.templatesDir)];
  const clients = new Set<ServerResponse>();
  let problems: string[] = [];
  let printer: Printer | undefined;
  let stopping = false;
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((done) => (wake = done));
  const onSignal = () => {
    stopping = true;
    wake();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const reload = () => {
    for (const c of clients) c.write('data: reload\n\n');
  };
  const pages = o.formats.filter((f) => f === 'md' || f === 'html');
  const prints = o.formats.filter((f) => f === 'pdf' || f === 'epub');
  // One session for every build: a build that reads the same files as the one before reuses its rendering.
  const session = { rendered: new Map<string, unknown>() };
  // The pages first, so the open page reloads within a second of an edit; then the first edition's brief PDFs (an
  // author waits for those), then the rest — the dossier, the other edition, the EPUB — whose pages are up to date
  // and kept.
  const rebuild = async () => {
    const started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(2);
    try {
      let first: Lang | undefined = o.langs?.[0];
      if (pages.length > 0) {
        const result = await build({ ...o, formats: pages, session, log: () => undefined });
        first ??= result.editions[0];
        problems = [];
        process.stdout.write(`rebuilt ${result.built.length} pages in ${seconds()} s\n`);
        reload();
      }
      if (prints.length > 0 && !stopping) {
        if (!printer && prints.includes('pdf')) printer = await openPrinter(stagingDir(o.outDir));
        if (prints.includes('pdf') && first) {
          const briefs = await build({ ...o, formats: ['pdf'], langs: [first], dossier: false, printer, session, log: () => undefined });
          if (briefs.built.length) process.stdout.write(`printed ${briefs.built.filter((f) => f.path.endsWith('.pdf')).length} ${first} PDFs in ${seconds()} s\n`);
        }
        if (stopping) return;
        const result = await build({ ...o, printer, session, log: () => undefined });
        problems = [];
        process.stdout.write(`rebuilt ${result.built.length}, kept ${result.skipped.length} in ${seconds()} s\n`);
        if (pages.length === 0) reload();
      }
    } catch (err) {
      if (stopping) return; // a build cut short by Ctrl-C: nothing to report
      reportFailure(err);
      problems =
        err instanceof DiagnosticError
          ? err.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d, displayDir(err.dir)))
          : [err instanceof Error ? err.message : String(err)];
      reload();
    }
  };

  // One rebuild at a time, after a quiet moment; changes during a rebuild make exactly one more afterwards.
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await rebuild();
      } while (again && !stopping);
      running = undefined;
    })();
  };
  const schedule = () => {
    if (stopping) return;
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  };

  let watcher: FSWatcher | undefined;
  let server: Server | undefined;
  const closePrinter = async () => {
    const p = printer;
    printer = undefined;
    await p?.close().catch(() => undefined);
  };
  try {
    // Chokidar rather than fs.watch: it follows a file replaced by a rename (the atomic save of vim, JetBrains
    // editors and `sed -i`) and lets the output folder, dot files and FIFOs be left out before they are watched.
    watcher = watchPaths(roots, { ignoreInitial: true, followSymlinks: true, atomic: true, ignored: await watchFilter(roots, outDir) });
    watcher.on('all', schedule);
    watcher.on('error', (err) => process.stderr.write(`warning: watching stopped for some files: ${err instanceof Error ? err.message : String(err)}\n`));
    const ready = watcher;
    await new Promise<void>((done) => ready.once('ready', done));
    if (!stopping) {
      run();
      await running;
    }

    if (w.serve && !stopping) {
      let port = w.port;
      const state: PreviewState = { outDir, port: () => port, problems: () => problems, clients };
      const listening = createServer((req, res) => {
        answer(req, res, state).catch(() => res.destroy());
      });
      server = listening;
      await new Promise<void>((ok, fail) => {
        listening.once('error', (err: NodeJS.ErrnoException) =>
          fail(err.code === 'EADDRINUSE' ? new UsageError(`port ${w.port} is already in use (pass another with --port, or --port 0 for any free one)`) : err),
        );
        listening.listen(w.port, '127.0.0.1', ok);
      });
      const address = listening.address();
      port = typeof address === 'object' && address ? address.port : w.port;
      process.stdout.write(`serving ${displayDir(o.outDir)} at http://127.0.0.1:${port}/ — watching ${join(displayDir(o.dataDir), '')} and templates/; Ctrl-C stops\n`);
    } else if (!stopping) {
      process.stdout.write(`watching ${displayDir(o.dataDir)} and templates/; Ctrl-C stops\n`);
    }
    await stopped;
  } finally {
    // Promptly: no new rebuild, no new request, every open connection (event streams too) closed; the printer is
    // closed before the rebuild in progress is awaited, so a print in progress fails at once.
    stopping = true;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    clearTimeout(timer);
    for (const c of clients) c.end();
    server?.close();
    server?.closeAllConnections();
    await watcher?.close();
    await closePrinter();
    await running;
    await closePrinter(); // one the rebuild may have opened meanwhile
  }
  // Ctrl-C is how a dev server is meant to end: a success, and no "lifecycle script failed" from npm.
  return 0;
}
