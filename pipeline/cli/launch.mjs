// Starts the command line from a bundle of pipeline/**/*.ts, rebuilt with esbuild (a fraction of a second) whenever a
// source or the lockfile is newer than it. Node 20 cannot run TypeScript itself, and a TypeScript loader costs a
// third of a second on every run, more than a whole no-op build may take.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// A signal before the command line has installed its own handlers (while the bundle is rebuilt or loaded) finds
// nothing begun: the same one line and exit code as later, not a silent death. main.ts replaces these handlers.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    process.stderr.write('interrupted; the previous outputs are unchanged\n');
    process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
  });
}

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const outDir = join(root, '.cache', 'cli');
const entry = join(outDir, 'cli.js');

function newestSource() {
  const pipeline = join(root, 'pipeline');
  const sources = readdirSync(pipeline, { recursive: true })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(pipeline, f));
  return Math.max(...[...sources, join(root, 'package-lock.json')].map((f) => statSync(f).mtimeMs));
}

if (!existsSync(entry) || statSync(entry).mtimeMs < newestSource()) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    // The PDF-finishing worker is its own entry, beside the command line (pipeline/print/pdf-finish-pool.ts).
    entryPoints: { cli: join(root, 'pipeline', 'cli', 'main.ts'), 'pdf-finish-worker': join(root, 'pipeline', 'print', 'pdf-finish-worker.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The dependencies are bundled too: loading a few large files instead of some 700 modules from node_modules saves
    // a quarter of a second on every build that loads the stages (puppeteer-core alone loads in 110 ms from its own
    // files). Left out: packages that find their own files at run time (puppeteer's configuration and its browser
    // download, pdf.js's worker, the subsetter's WebAssembly, fontkit's data, the fonts themselves) and esbuild.
    external: ['puppeteer', 'pdfjs-dist', 'subset-font', 'fontkit', 'esbuild', 'chokidar', '@expo-google-fonts/*'],
    // Bundled CommonJS packages call require() for Node's built-ins, which an ES module has not got of itself.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    outdir: outDir,
    write: false,
    logLevel: 'error',
  });
  mkdirSync(outDir, { recursive: true });
  // Each file is written aside and renamed, so two builds starting at once never run a half-written bundle, and
  // the entries go last: another process that sees a fresh cli.js finds every chunk it imports already in place.
  const entries = new Set([entry, join(outDir, 'pdf-finish-worker.js')]);
  const ordered = [...result.outputFiles.filter((f) => !entries.has(f.path)), ...result.outputFiles.filter((f) => entries.has(f.path))];
  for (const file of ordered) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}

await import(pathToFileURL(entry).href);
