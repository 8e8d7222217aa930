// Watch mode and the preview server: rebuild on every change to data/ or templates/, serve output/ on localhost,
// and reload the open page after each rebuild. A data error shows in the terminal and on the page, over the last
// good output, which stays served.
import { watch as watchFolder, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { openPrinter, type Printer } from './browser.ts';
import { build } from './build.ts';
import { DiagnosticError, formatDiagnostic } from './diagnostics.ts';
import { stagingDir } from './output.ts';
import { displayDir, reportFailure, type CliBuildOptions } from './report.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
  '.epub': 'application/epub+zip',
};

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** What the preview adds to a served page (never to the files): the reload hook, and the last build's problems. */
export function previewPage(html: string, problems: readonly string[]): string {
  const reload = '<script>new EventSource("/__events").onmessage = () => location.reload();</script>';
  const banner = problems.length
    ? `<div role="alert" style="position:fixed;inset:auto 0 0 0;max-height:45vh;overflow:auto;margin:0;padding:1em 1.5em;background:#fff4f4;border-top:3px solid #8a1c1c;font:13px/1.5 monospace;white-space:pre-wrap;z-index:9">${problems.map(escapeHtml).join('\n')}</div>`
    : '';
  return html.replace(/<\/body>/i, `${banner}${reload}</body>`);
}

interface WatchOptions {
  serve: boolean;
  port: number;
}

/** Builds now and after every change, until Ctrl-C. */
export async function watch(o: CliBuildOptions, w: WatchOptions): Promise<number> {
  const outDir = resolve(o.outDir);
  const clients = new Set<ServerResponse>();
  let problems: string[] = [];
  let printer: Printer | undefined;

  const pages = o.formats.filter((f) => f === 'md' || f === 'html');
  const prints = o.formats.filter((f) => f === 'pdf' || f === 'epub');
  // The pages first, so the open page reloads within a second of an edit; then the PDFs and the EPUB, whose
  // pages are already up to date and are kept.
  const rebuild = async () => {
    const started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(2);
    try {
      if (pages.length > 0) {
        const first = await build({ ...o, formats: pages, log: () => undefined });
        problems = [];
        process.stdout.write(`rebuilt ${first.built.length} pages in ${seconds()} s\n`);
        for (const c of clients) c.write('data: reload\n\n');
      }
      if (prints.length > 0) {
        if (!printer && prints.includes('pdf')) printer = await openPrinter(stagingDir(o.outDir));
        const result = await build({ ...o, printer, log: () => undefined });
        problems = [];
        process.stdout.write(`rebuilt ${result.built.length}, kept ${result.skipped.length} in ${seconds()} s\n`);
        if (pages.length === 0) for (const c of clients) c.write('data: reload\n\n');
      }
    } catch (err) {
      reportFailure(err);
      problems =
        err instanceof DiagnosticError
          ? err.diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d, displayDir(err.dir)))
          : [err instanceof Error ? err.message : String(err)];
      for (const c of clients) c.write('data: reload\n\n');
    }
  };

  // One rebuild at a time; changes during a rebuild make one more afterwards.
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (running) {
        again = true;
        return;
      }
      do {
        again = false;
        running = rebuild();
        await running;
        running = undefined;
      } while (again);
    }, 150);
  };

  await rebuild();
  const watchers: FSWatcher[] = [o.dataDir, o.templatesDir].map((dir) => watchFolder(dir, { recursive: true }, schedule));

  let server: ReturnType<typeof createServer> | undefined;
  if (w.serve) {
    server = createServer(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/__events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(': connected\n\n');
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return;
      }
      const path = resolve(outDir, `.${decodeURIComponent(url.pathname.endsWith('/') ? `${url.pathname}index.html` : url.pathname)}`);
      if (!path.startsWith(outDir + sep)) {
        res.writeHead(403).end();
        return;
      }
      try {
        const body = await readFile(path);
        const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
        res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
        res.end(type.startsWith('text/html') ? previewPage(body.toString('utf8'), problems) : body);
      } catch {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${url.pathname}\n`);
      }
    });
    const listening = server;
    await new Promise<void>((ok, fail) => {
      listening.once('error', fail);
      listening.listen(w.port, '127.0.0.1', ok);
    });
    const address = listening.address();
    const port = typeof address === 'object' && address ? address.port : w.port;
    process.stdout.write(`serving ${displayDir(o.outDir)} at http://127.0.0.1:${port}/ — watching ${join(displayDir(o.dataDir), '')} and templates/; Ctrl-C stops\n`);
  } else {
    process.stdout.write(`watching ${displayDir(o.dataDir)} and templates/; Ctrl-C stops\n`);
  }

  await new Promise<void>((done) => {
    const stop = () => {
      clearTimeout(timer);
      for (const wt of watchers) wt.close();
      for (const c of clients) c.end();
      server?.close();
      server?.closeAllConnections();
      if (printer) void printer.close().finally(done);
      else done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
