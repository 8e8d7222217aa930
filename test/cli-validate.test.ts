// The validate command as a user runs it: exit codes, positioned messages, no stack trace, JSON for tools.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RULES } from '../pipeline/data/rules.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { escapeGithubData, escapeGithubProperty, toGithubAnnotation } from '../pipeline/cli/commands.ts';
import { cli, cliInProcess } from './cli.ts';
import { ROOT } from './helpers.ts';

// The tests are independent (each its own copy of the data, its own run), so they run concurrently. Two run the
// bundled launcher as users do, and prove the process's exit code, its messages and that no stack trace reaches
// them; the rest run the same command line in this process, which is what they test.
const run = (...args: string[]) => cliInProcess(args);

const work = mkdtempSync(join(tmpdir(), 'briefs-validate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of data/ with one edit, as an analyst's slip would make it. */
function brokenCopy(name: string, file: string, from: string, to: string): string {
  const dir = join(work, name);
  cpSync(join(ROOT, 'data'), dir, { recursive: true });
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
  return dir;
}

describe.concurrent('npm run validate', () => {
  it('says the real dataset is valid, in one line, and exits 0', async () => {
    const r = await run('validate');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/^data: valid \(7 rounds, .*0 errors, 0 warnings\)$/m);
  });

  it('names file, line and column of an impossible date, and exits 1 without a stack trace', async () => {
    const dir = brokenCopy('feb30', 'dialogues.yaml', 'start: 2021-03-18', 'start: 2021-02-30');
    const lines = readFileSync(join(dir, 'dialogues.yaml'), 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('2021-02-30')) + 1;
    const column = lines[line - 1]!.indexOf('2021-02-30') + 1;
    const r = await cli(['validate', '--data', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${dir}/dialogues.yaml:${line}:${column}: error: invalid date "2021-02-30"`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr).toMatch(/invalid: \d+ errors?, \d+ warnings?\n$/);
  });

  it('reports every problem at once, errors before warnings', async () => {
    const dir = brokenCopy('many', 'outcomes.yaml', 'status: agreed', 'stauts: agreed');
    writeFileSync(join(dir, 'places.yaml'), readFileSync(join(dir, 'places.yaml'), 'utf8').replace('id: guiyang', 'id: guiyang-city'));
    const r = await run('validate', '--data', dir);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.some((l) => l.includes('outcomes.yaml') && l.includes('[unknown-field]'))).toBe(true);
    expect(lines.some((l) => l.includes('dialogues.yaml') && l.includes('unknown id "guiyang"'))).toBe(true);
    expect(lines.some((l) => l.includes('places.yaml') && l.includes('[unused-place]'))).toBe(true);
    const firstWarning = lines.findIndex((l) => l.includes(': warning: '));
    const lastError = lines.map((l) => l.includes(': error: ')).lastIndexOf(true);
    expect(firstWarning).toBeGreaterThan(lastError);
    // Then how to fix each kind of problem, once, in the rule catalog's words.
    const fixes = lines.filter((l) => l.startsWith('  how to fix '));
    expect(fixes).toContain(`  how to fix [unknown-field]: ${RULES['unknown-field'].fix}`);
    expect(fixes).toContain(`  how to fix [unused-place]: ${RULES['unused-place'].fix}`);
    expect(new Set(fixes).size).toBe(fixes.length);
  });

  it('prints messages as JSON with --format json', async () => {
    const dir = brokenCopy('json', 'people.yaml', 'side: us', 'side: usa');
    const r = await run('validate', '--data', dir, '--format', 'json');
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as { errors: { file: string; line: number; column: number; rule: string; message: string }[]; warnings: unknown[] };
    expect(report.errors[0]).toMatchObject({ file: `${dir}/people.yaml`, rule: 'invalid-enum', fix: RULES['invalid-enum'].fix });
    expect(report.errors[0]!.message).toContain('did you mean "us"?');
    expect(report.warnings).toEqual([]);
  });

  it('prints each problem as a GitHub workflow command on its line with --format github, then the summary', async () => {
    // Run from a folder of its own, as CI runs from the repository: paths are relative to where it stands, and a
    // comma in the folder's name is escaped as a property value must be.
    const dir = brokenCopy('github', 'dialogues.yaml', 'start: 2021-03-18', 'start: 2021-02-30');
    writeFileSync(join(dir, 'places.yaml'), readFileSync(join(dir, 'places.yaml'), 'utf8').replace('id: guiyang', 'id: guiyang-city'));
    const stand = join(work, 'checkout');
    mkdirSync(stand);
    renameSync(dir, join(stand, 'data,v2'));
    const at = (file: string, text: string) => {
      const lines = readFileSync(join(stand, 'data,v2', file), 'utf8').split('\n');
      const line = lines.findIndex((l) => l.includes(text)) + 1;
      expect(line, text).toBeGreaterThan(0);
      return `line=${line},col=${lines[line - 1]!.indexOf(text) + 1}`;
    };
    const r = await cli(['validate', '--data', 'data,v2', '--format', 'github'], { cwd: stand });
    expect(r.status).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      `::error file=data%2Cv2/dialogues.yaml,${at('dialogues.yaml', 'guiyang]')},title=unresolved-reference::unknown id "guiyang" (expected the id of a place); to fix: ${RULES['unresolved-reference'].fix}`,
      `::error file=data%2Cv2/dialogues.yaml,${at('dialogues.yaml', '2021-02-30')},title=invalid-date::invalid date "2021-02-30": day 30 does not exist in 2021-02, which has 28 days (expected an existing date YYYY, YYYY-MM or YYYY-MM-DD, found "2021-02-30"); to fix: ${RULES['invalid-date'].fix}`,
      `::warning file=data%2Cv2/places.yaml,${at('places.yaml', 'guiyang-city')},title=unused-place::place "guiyang-city" is never referred to (expected a round or event held there); to fix: ${RULES['unused-place'].fix}`,
      '',
    ]);
    expect(r.stderr).toBe('data,v2: invalid: 2 errors, 1 warning\n');
  });

  it('says a valid dataset is valid in the same one line with --format github, and exits 0', async () => {
    const r = await run('validate', '--format', 'github');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^data: valid \(7 rounds, .*; 0 errors, 0 warnings\)\n$/);
    expect(r.stderr).toBe('');
  });

  it('escapes workflow commands as GitHub documents: %, CR and LF in the message, and : and , in properties too', () => {
    expect(escapeGithubData('100% a\r\nb: c, d')).toBe('100%25 a%0D%0Ab: c, d');
    expect(escapeGithubProperty('100% a\r\nb: c, d')).toBe('100%25 a%0D%0Ab%3A c%2C d');
    // % first: an escape already in the text is not read as one.
    expect(escapeGithubData('%0A')).toBe('%250A');
    const annotation = toGithubAnnotation({ file: 'a:b,c.yaml', line: 3, column: 7, severity: 'warning', rule: 'unused-source', message: 'two\nlines: 50%' }, 'd,1');
    expect(annotation).toBe(`::warning file=d%2C1/a%3Ab%2Cc.yaml,line=3,col=7,title=unused-source::two%0Alines: 50%25; to fix: ${escapeGithubData(RULES['unused-source'].fix)}`);
  });

  it('is strict: an unknown option, command or extra word is exit 2 with a "did you mean", and no help dump', async () => {
    const cases: [string[], RegExp][] = [
      [['validate', '--nope'], /^error: unknown option '--nope'\n$/],
      [['build', '--forc'], /^error: unknown option '--forc'\n\(Did you mean --force\?\)\n$/],
      [['bulid'], /^error: unknown command "bulid" \(did you mean "build"\?\) \(expected build, validate, assemble, dev, schema\)\n$/],
      [['build', 'extra'], /^error: unexpected word "extra" after build \(expected options only: npm run build -- --help lists them\)\n$/],
      [['build', 'bulid'], /^error: unexpected word "bulid" after build \("build" is already the command\)/],
      [['validate', '--format', 'xml'], /^error: option '--format <format>' argument 'xml' is invalid\. Allowed choices are text, json, github\.\n$/],
    ];
    // Each case its own run, all started at once.
    const runs = await Promise.all(cases.map(([args]) => run(...args)));
    for (const [i, [args, message]] of cases.entries()) {
      const r = runs[i]!;
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr).not.toContain('Usage:');
      expect(r.stdout).toBe('');
    }
  });

  it('says in one line when --data or --out cannot be used', async () => {
    const [notFolder, missing, outFile] = await Promise.all([
      run('validate', '--data', 'README.md'),
      run('validate', '--data', join(work, 'nowhere')),
      run('build', '--out', 'README.md', '--format', 'md'),
    ]);
    expect(notFolder.status).toBe(66);
    expect(notFolder.stderr).toMatch(/^error: README\.md is a file, not a folder \(expected a folder holding publication\.yaml, .*\) \[not-a-folder\]\n$/);
    expect(missing.status).toBe(66);
    expect(missing.stderr).toMatch(/^error: data folder .*nowhere does not exist \(expected a folder holding .*\) \[missing-folder\]\n$/);
    expect(outFile.status).toBe(73);
    expect(outFile.stderr).toMatch(/^error: the output folder README\.md is a file, or lies under one \(.*choose another --out\)\n$/);
  });

  it('refuses in validate a character the fonts lack, as the build does', async () => {
    const dir = brokenCopy('glyph', 'outcomes.yaml', 'text: 同意開展互利合作', 'text: 同意開展互利合作𪚥');
    const r = await run('validate', '--data', dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/outcomes\.yaml:\d+:\d+: error: U\+2A6A5 "𪚥" is not in the bundled fonts .* \[missing-glyph\]/);
  });
});
