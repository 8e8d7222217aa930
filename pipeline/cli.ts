// The command line: `validate`, `schema` and `build`. The only place that prints and sets exit codes.
import { parseArgs } from 'node:util';
import { relative, resolve } from 'node:path';
import { DiagnosticError, formatDiagnostic, hasErrors, type Diagnostic } from './diagnostics.ts';
import { briefOutputs, readTemplates, renderBriefs, type Format } from './briefs.ts';
import { writeJsonSchemas } from './json-schema.ts';
import { loadDataset } from './load.ts';
import { BRIEF_NAMES, loadLocale, type BriefName } from './locale.ts';
import { writeOutputs } from './output.ts';
import { TemplateError } from './render-markdown.ts';

const HELP = `Usage: npm run <command> -- [options]

Commands
  validate            check the dataset and report every problem at once
  build               validate, then write the briefs
  schema              regenerate data/schema/*.schema.json from pipeline/schema.ts

Options
  --data DIR          dataset folder (default: data)
  --out DIR           output folder (default: output)
  --only BRIEF[,…]    build only these briefs: chronology, roster, checklist
  --format text|json  how validate prints messages (default: text)
  -h, --help          show this help
`;

/** The folder as the user should see it in messages: relative to where they stand when it is inside it. */
function displayDir(dir: string): string {
  const rel = relative(process.cwd(), resolve(dir));
  return rel === '' ? '.' : rel.startsWith('..') ? resolve(dir) : rel;
}

function printDiagnostics(diagnostics: Diagnostic[], dir: string, format: string): void {
  if (format === 'json') {
    const shown = diagnostics.map((d) => ({ ...d, file: `${dir}/${d.file}` }));
    process.stdout.write(`${JSON.stringify({ errors: shown.filter((d) => d.severity === 'error'), warnings: shown.filter((d) => d.severity === 'warning') }, null, 2)}\n`);
    return;
  }
  // Errors first, warnings kept apart after them.
  for (const severity of ['error', 'warning'] as const) {
    for (const d of diagnostics.filter((x) => x.severity === severity)) process.stderr.write(`${formatDiagnostic(d, dir)}\n`);
  }
}

function summary(diagnostics: Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      data: { type: 'string', default: 'data' },
      out: { type: 'string', default: 'output' },
      only: { type: 'string' },
      format: { type: 'string', default: 'text' },
      check: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0] ?? 'build';
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const dir = displayDir(values.data);

  if (command === 'schema') {
    const changed = await writeJsonSchemas(resolve('data/schema'));
    process.stdout.write(changed.length ? `schema: wrote ${changed.join(', ')}\n` : 'schema: up to date\n');
    return 0;
  }

  if (command === 'validate' || command === 'build') {
    if (values.format !== 'text' && values.format !== 'json') {
      process.stderr.write(`error: --format must be text or json, found "${values.format}"\n`);
      return 2;
    }
    const loaded = await loadDataset(values.data);
    printDiagnostics(loaded.diagnostics, dir, values.format);
    if (!loaded.dataset || hasErrors(loaded.diagnostics)) {
      if (values.format === 'text') process.stderr.write(`${dir}: invalid: ${summary(loaded.diagnostics)}\n`);
      return 1;
    }
    const d = loaded.dataset;
    const counts = `${d.dialogues.length} rounds, ${d.events.length} events, ${d.people.length} people, ${d.people.reduce((n, p) => n + p.roles.length, 0)} roles, ${d.outcomes.length} outcomes, ${d.sources.length} sources`;
    if (values.format === 'text') process.stdout.write(`${dir}: valid (${counts}; ${summary(loaded.diagnostics)})\n`);
    if (command === 'validate') return 0;

    const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...BRIEF_NAMES];
    const unknown = only.filter((b) => !(BRIEF_NAMES as readonly string[]).includes(b));
    if (unknown.length) {
      process.stderr.write(`error: unknown brief "${unknown[0]}" (expected one of: ${BRIEF_NAMES.join(', ')})\n`);
      return 2;
    }
    const formats: Format[] = ['md', 'html'];
    const templatesDir = resolve('templates');
    const [locale, templates] = await Promise.all([loadLocale(templatesDir, 'zh-Hant'), readTemplates(templatesDir)]);
    const briefs = renderBriefs(d, locale, templates, only as BriefName[]);
    const files = briefOutputs(briefs, locale, templates, formats);
    await writeOutputs(values.out, files);
    process.stdout.write(`${displayDir(values.out)}: wrote ${files.length} files (${briefs.map((b) => b.name).join(', ')}; ${formats.join(', ')})\n`);
    return 0;
  }

  process.stderr.write(`error: unknown command "${command}" (expected validate, build or schema)\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof DiagnosticError || err instanceof TemplateError) {
      process.stderr.write(`${err.message}\n`);
    } else if (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${err.message}\n${HELP}`);
      process.exitCode = 2;
      return;
    } else {
      process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exitCode = 1;
  },
);
