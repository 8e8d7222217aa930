// The command line: `build`, `validate`, `assemble`, `schema` and `dev`. The only place that reads arguments and sets exit codes.
// Strict: an unknown command, option or extra word is an error with a "did you mean", exit 2, and no help dump.
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ALL_FORMATS, BRIEF_NAMES, LANGS, PAPERS, type BriefName, type Format, type Lang, type Paper } from '../data/names.ts';
import { buildCommand, displayDir, EXIT, listOption, reportFailure, shardOption, urlOption, UsageError, validateCommand, VALIDATE_FORMATS, type CliBuildOptions } from './commands.ts';
import { closest } from '../data/closest.ts';
import { installInterruptHandlers } from '../build/interrupt.ts';
import { defaultBuildOptions } from '../build/options.ts';
import { projectRoot } from '../build/cache.ts';
import { keepCompiledSchemas } from '../data/schema-validators.ts';

const COMMANDS = ['build', 'validate', 'assemble', 'dev', 'schema'] as const;

interface BuildFlags {
  data: string;
  out: string;
  only?: string;
  format?: string;
  lang?: string;
  since?: string;
  baseUrl?: string;
  releasesUrl?: string;
  paper: string;
  force: boolean;
  shard?: string;
  watch: boolean;
  port: string;
  quiet: boolean;
  report?: string;
}

// The build's defaults, written once (options.ts): the flags' defaults and what an absent flag leaves.
const DEFAULTS = defaultBuildOptions();

function buildOptions(flags: BuildFlags): CliBuildOptions {
  return {
    ...DEFAULTS,
    dataDir: flags.data,
    outDir: flags.out,
    only: listOption<BriefName>(flags.only, BRIEF_NAMES, '--only'),
    formats: listOption<Format>(flags.format, ALL_FORMATS, '--format'),
    ...(flags.lang !== undefined ? { langs: listOption<Lang>(flags.lang, LANGS, '--lang') } : {}),
    ...(flags.since !== undefined ? { since: flags.since } : {}),
    ...(flags.baseUrl !== undefined ? { baseUrl: urlOption(flags.baseUrl) } : {}),
    ...(flags.releasesUrl !== undefined ? { releasesUrl: urlOption(flags.releasesUrl, '--releases-url') } : {}),
    paper: listOption<Paper>(flags.paper, PAPERS, '--paper')[0]!,
    force: flags.force,
    shard: shardOption(flags.shard),
    quiet: flags.quiet,
    ...(flags.report ? { report: flags.report } : {}),
  };
}

/** A word where only options may stand: said with the option or command it most likely meant. */
function unexpectedWords(command: Command, words: readonly string[]): void {
  if (words.length === 0) return;
  const options = command.options.map((o) => o.long!.replace(/^--/, ''));
  const word = words[0]!;
  const option = closest(word.replace(/^-+/, ''), options);
  const hint = option ? ` (did you mean --${option}?)` : (COMMANDS as readonly string[]).includes(word) || closest(word, [...COMMANDS]) ? ` ("${command.name()}" is already the command)` : '';
  throw new UsageError(`unexpected word "${word}" after ${command.name()}${hint} (expected options only: npm run ${command.name()} -- --help lists them)`);
}

/** The program: each command with only the options it takes. Commander prints its own errors; we set the codes. */
function program(run: (code: Promise<number>) => void): Command {
  const p = new Command('npm run')
    .usage('<command> -- [options]')
    .description('Brief-publishing pipeline: a dialogue dataset to chronology, roster and checklist briefs.')
    .exitOverride()
    .showSuggestionAfterError(true)
    .allowExcessArguments(false)
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  const data = () => new Option('--data <dir>', 'dataset folder').default(DEFAULTS.dataDir);
  const buildLike = (c: Command) =>
    c
      .addOption(data())
      .option('--out <dir>', 'output folder', DEFAULTS.outDir)
      .option('--only <briefs>', `only these briefs: ${BRIEF_NAMES.join(', ')}`)
      .option('--format <formats>', `output formats among ${ALL_FORMATS.join(', ')} (default: all)`)
      .option('--lang <editions>', `editions among ${LANGS.join(', ')} (default: every edition the data can make)`)
      .option('--since <ref>', 'write what changed since an earlier edition: a git ref (the previous tag) or a folder holding the earlier dataset')
      .option('--base-url <url>', 'the published site\'s address, for the feed\'s links (default: links relative to the feed)')
      .option('--releases-url <url>', 'where earlier editions\' files are kept, as <url><tag>/<lang>-<file> (a GitHub release download address)')
      .option('--paper <size>', `paper size of the PDFs: ${PAPERS.join(' or ')}`, DEFAULTS.paper)
      .option('--force', 'rebuild every output, whatever the cache says', false)
      .option('--shard <K/N>', 'print only the K-th of N parts of the PDFs and EPUB (for CI runners)')
      .option('--quiet', 'print nothing but problems', false)
      .option('--report <file>', 'write a JSON summary of the build (stages, files, peak memory)')
      .exitOverride()
      .showSuggestionAfterError(true)
      .allowExcessArguments(false);
  buildLike(p.command('build').description('validate the data, then make the briefs (only what changed)'))
    .option('--watch', 'rebuild whenever the data or the templates change', false)
    .argument('[words...]')
    .action((words: string[], flags: BuildFlags, command: Command) => {
      unexpectedWords(command, words);
      const o = buildOptions(flags);
      run(flags.watch ? import('./dev.ts').then(({ watch }) => watch(o, { serve: false, port: 0 })) : buildCommand(o));
    });
  p.command('validate')
    .description('check the dataset and report every problem at once')
    .addOption(data())
    .addOption(new Option('--format <format>', 'how to print messages: text, json, or github (workflow annotations on each line)').choices(VALIDATE_FORMATS).default('text'))
    .exitOverride()
    .showSuggestionAfterError(true)
    .argument('[words...]')
    .action((words: string[], flags: { data: string; format: string }, command: Command) => {
      unexpectedWords(command, words);
      run(validateCommand(flags.data, flags.format));
    });
  p.command('assemble')
    .description('merge the output folders of --shard K/N builds into one site, with each edition\'s SHA256SUMS over all its prints')
    .requiredOption('--out <dir>', 'the folder to write the assembled site to (new or empty)')
    .argument('<shards...>', 'the shard output folders (plain copies: cp -rL, no dot files)')
    .exitOverride()
    .showSuggestionAfterError(true)
    .action((shards: string[], flags: { out: string }, command: Command) => {
      // A missing folder that reads like an option or a command is a slip on the command line, not a shard.
      unexpectedWords(command, shards.filter((w) => !existsSync(w) && (w.startsWith('-') || closest(w.replace(/^-+/, ''), ['out']) !== undefined || (COMMANDS as readonly string[]).includes(w))));
      run(
        import('../build/assemble.ts').then(({ assembleShards, AssembleError }) =>
          assembleShards(flags.out, shards).then(
            (r) => {
              process.stdout.write(`${displayDir(flags.out)}: assembled ${r.files.length} files from ${shards.length} shards (${r.checksums.join(', ') || 'no prints'})\n`);
              return EXIT.ok;
            },
            (err: unknown) => {
              if (!(err instanceof AssembleError)) throw err;
              process.stderr.write(`error: ${err.message}\n`);
              // Shards that disagree were built from different inputs (1); a shard folder that is not there is no input (66).
              return err.reason === 'conflict' ? EXIT.invalid : EXIT.noInput;
            },
          ),
        ),
      );
    });
  buildLike(p.command('dev').description('build, serve the output on localhost, rebuild and reload on every change'))
    .option('--port <n>', 'the port to serve on', '5173')
    .argument('[words...]')
    .action((words: string[], flags: BuildFlags, command: Command) => {
      unexpectedWords(command, words);
      const port = Number(flags.port);
      if (!/^\d+$/.test(flags.port) || port > 65535) throw new UsageError(`--port takes a port number 0–65535; found "${flags.port}"`);
      const o = buildOptions(flags);
      run(import('./dev.ts').then(({ watch }) => watch(o, { serve: true, port })));
    });
  p.command('schema')
    .description('regenerate data/schema/*.schema.json from pipeline/data/schema.ts')
    .exitOverride()
    .allowExcessArguments(false)
    .action(() =>
      run(
        import('../data/json-schema.ts').then(async ({ writeJsonSchemas }) => {
          const changed = await writeJsonSchemas(resolve('data/schema'));
          process.stdout.write(changed.length ? `schema: wrote ${changed.join(', ')}\n` : 'schema: up to date\n');
          return EXIT.ok;
        }),
      ),
    );
  return p;
}

export async function main(argv: string[]): Promise<number> {
  // No command means build; a first word that is no command is a mistake, not an argument to build.
  const first = argv[0];
  if (first !== undefined && !first.startsWith('-') && !(COMMANDS as readonly string[]).includes(first)) {
    const hint = closest(first, [...COMMANDS]);
    throw new UsageError(`unknown command "${first}"${hint ? ` (did you mean "${hint}"?)` : ''} (expected ${COMMANDS.join(', ')})`);
  }
  const args = first === undefined || (first.startsWith('-') && !['-h', '--help'].includes(first)) ? ['build', ...argv] : argv;
  let result: Promise<number> = Promise.resolve(EXIT.ok);
  try {
    await program((code) => (result = code)).parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not mistakes; everything else commander already explained in one line.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage;
    }
    throw err;
  }
  return result;
}

/**
 * The command line on `argv`, to its exit code, a failure reported as users see it. Writes to process.stdout and
 * process.stderr; sets no handler and no exit code, so a test can run a command in its own process.
 */
export function runCommandLine(argv: string[]): Promise<number> {
  return main(argv).catch(reportFailure);
}

// Run when started as the program (the bundle launch.mjs loads, or this file under a TypeScript loader), not when a
// test imports runCommandLine.
if (['launch.mjs', 'main.ts'].includes(basename(process.argv[1] ?? ''))) {
  // A second Ctrl-C leaves at once, after the synchronous clean-up the build registered.
  installInterruptHandlers((code) => process.exit(code));
  // The data's validators, compiled once and kept with the other caches.
  keepCompiledSchemas(join(projectRoot(), '.cache', 'schemas'));
  void runCommandLine(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
