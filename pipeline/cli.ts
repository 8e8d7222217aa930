// The command line: `build`, `validate`, `schema` and `dev`. The only place that reads arguments and sets exit codes.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_FORMATS, BRIEF_NAMES, PAPERS, type BriefName, type Format, type Paper } from './options.ts';
import { buildCommand, HELP, listOption, reportFailure, shardOption, UsageError, validateCommand, type CliBuildOptions } from './report.ts';

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
      force: { type: 'boolean', default: false },
      shard: { type: 'string' },
      watch: { type: 'boolean', default: false },
      port: { type: 'string', default: '5173' },
      quiet: { type: 'boolean', default: false },
      report: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0] ?? 'build';
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const buildOptions = (): CliBuildOptions => ({
    dataDir: values.data,
    outDir: values.out,
    templatesDir: resolve('templates'),
    only: listOption<BriefName>(values.only, BRIEF_NAMES, '--only'),
    formats: listOption<Format>(values.format, ALL_FORMATS, '--format'),
    paper: listOption<Paper>(values.paper, PAPERS, '--paper')[0]!,
    force: values.force,
    shard: shardOption(values.shard),
    quiet: values.quiet,
    ...(values.report ? { report: values.report } : {}),
  });
  switch (command) {
    case 'schema': {
      const { writeJsonSchemas } = await import('./json-schema.ts');
      const changed = await writeJsonSchemas(resolve('data/schema'));
      process.stdout.write(changed.length ? `schema: wrote ${changed.join(', ')}\n` : 'schema: up to date\n');
      return 0;
    }
    case 'validate':
      return validateCommand(values.data, values.format ?? 'text');
    case 'build':
      if (values.watch) {
        const { watch } = await import('./dev.ts');
        return watch(buildOptions(), { serve: false, port: 0 });
      }
      return buildCommand(buildOptions());
    case 'dev': {
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number; found "${values.port}"`);
      const { watch } = await import('./dev.ts');
      return watch(buildOptions(), { serve: true, port });
    }
    default:
      throw new UsageError(`unknown command "${command}" (expected build, validate, dev or schema)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = reportFailure(err);
  },
);
