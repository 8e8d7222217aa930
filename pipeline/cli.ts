// The command line: `validate`, `build` and `schema`. The only place that prints and sets exit codes.
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Format } from './briefs.ts';
import { PrintError } from './browser.ts';
import { ALL_FORMATS, build, defaultBuildOptions, PAPERS } from './build.ts';
import type { Paper } from './pdf.ts';
import { DiagnosticError, formatDiagnostic, hasErrors, type Diagnostic } from './diagnostics.ts';
import { writeJsonSchemas } from './json-schema.ts';
import { loadDataset } from './load.ts';
import { BRIEF_NAMES, type BriefName } from './locale.ts';
import { TemplateError } from './render-markdown.ts';

const HELP = `Usage: npm run <command> -- [options]

Commands
  build               validate data/, then write the briefs to output/
  validate            check the dataset and report every problem at once
  schema              regenerate data/schema/*.schema.json from pipeline/schema.ts

Options
  --data DIR          dataset folder (default: data)
  --out DIR           output folder, for build (default: output)
  --only BRIEF[,…]    build only these briefs: ${BRIEF_NAMES.join(', ')}
  --format F[,…]      build: output formats among ${ALL_FORMATS.join(', ')} (default: all)
                      validate: how to print messages, text or json (default: text)
  --paper a4|letter   paper size of the PDFs (default: a4)
  -h, --help          show this help
`;

class UsageError extends Error {}

/** The folder as the user should see it in messages: relative to where they stand when it is inside it. */
function displayDir(dir: string): string {
  const rel = relative(process.cwd(), resolve(dir));
  return rel === '' ? '.' : rel.startsWith('..') ? resolve(dir) : rel;
}

function printDiagnostics(diagnostics: readonly Diagnostic[], dir: string): void {
  // Errors first, warnings kept apart after them.
  for (const severity of ['error', 'warning'] as const) {
    for (const d of diagnostics.filter((x) => x.severity === severity)) process.stderr.write(`${formatDiagnostic(d, dir)}\n`);
  }
}

function summary(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** A comma-separated option whose items must come from `allowed`. */
function listOption<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T[] {
  if (value === undefined) return [...allowed];
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.find((i) => !(allowed as readonly string[]).includes(i));
  if (bad !== undefined || items.length === 0) throw new UsageError(`${name} takes ${allowed.join(', ')}; found "${bad ?? value}"`);
  return allowed.filter((a) => items.includes(a));
}

async function validateCommand(dataDir: string, format: string): Promise<number> {
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format for validate takes text or json; found "${format}"`);
  const dir = displayDir(dataDir);
  const loaded = await loadDataset(dataDir);
  if (format === 'json') {
    const shown = loaded.diagnostics.map((d) => ({ ...d, file: `${dir}/${d.file}` }));
    const report = { errors: shown.filter((d) => d.severity === 'error'), warnings: shown.filter((d) => d.severity === 'warning') };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return hasErrors(loaded.diagnostics) ? 1 : 0;
  }
  printDiagnostics(loaded.diagnostics, dir);
  if (!loaded.dataset) {
    process.stderr.write(`${dir}: invalid: ${summary(loaded.diagnostics)}\n`);
    return 1;
  }
  const d = loaded.dataset;
  const counts = `${d.dialogues.length} rounds, ${d.events.length} events, ${d.people.length} people, ${d.people.reduce((n, p) => n + p.roles.length, 0)} roles, ${d.outcomes.length} outcomes, ${d.sources.length} sources`;
  process.stdout.write(`${dir}: valid (${counts}; ${summary(loaded.diagnostics)})\n`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string', default: 'data' },
      out: { type: 'string', default: 'output' },
      only: { type: 'string' },
      format: { type: 'string' },
      paper: { type: 'string', default: 'a4' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0] ?? 'build';
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  switch (command) {
    case 'schema': {
      const changed = await writeJsonSchemas(resolve('data/schema'));
      process.stdout.write(changed.length ? `schema: wrote ${changed.join(', ')}\n` : 'schema: up to date\n');
      return 0;
    }
    case 'validate':
      return validateCommand(values.data, values.format ?? 'text');
    case 'build': {
      const options = {
        ...defaultBuildOptions(),
        dataDir: values.data,
        outDir: values.out,
        only: listOption<BriefName>(values.only, BRIEF_NAMES, '--only'),
        formats: listOption<Format>(values.format, ALL_FORMATS, '--format'),
        paper: listOption<Paper>(values.paper, PAPERS, '--paper')[0]!,
        log: (line: string) => process.stdout.write(`  ${line}\n`),
      };
      const started = performance.now();
      const result = await build(options);
      process.stdout.write(`${displayDir(options.dataDir)}: valid (${result.counts})\n`);
      for (const f of result.files.filter((x) => !x.path.startsWith('assets/'))) {
        const size = f.bytes >= 1024 ? `${(f.bytes / 1024).toFixed(0)} KiB` : `${f.bytes} B`;
        process.stdout.write(`  ${f.path}  ${size}${f.pages ? `, ${f.pages} pages` : ''}\n`);
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(`${displayDir(options.outDir)}: wrote ${result.files.length} files in ${seconds} s\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}" (expected build, validate or schema)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof DiagnosticError) {
      printDiagnostics(err.diagnostics, displayDir(err.dir));
      process.stderr.write(`${displayDir(err.dir)}: invalid: ${summary(err.diagnostics)}\n`);
      process.exitCode = 1;
    } else if (err instanceof TemplateError || err instanceof PrintError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 1;
    } else if (err instanceof UsageError || (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`error: ${(err as Error).message}\n\n${HELP}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    }
  },
);
