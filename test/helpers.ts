// Shared by the tests: the fixture datasets and how an invalid case is laid over the minimal one.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FIXTURES = join(ROOT, 'test/fixtures');

/** The YAML files of a folder, name → text. */
export function readYamlFiles(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort()
      .map((n) => [n, readFileSync(join(dir, n), 'utf8')] as const),
  );
}

/**
 * An invalid case laid out as a real dataset folder in `dir`: the minimal dataset, the case's own files (as bytes:
 * a case may hold bytes that are not UTF-8), minus those in `remove.txt`, plus what `make.txt` asks for, one per line:
 * `fifo NAME`, `folder NAME`, `link NAME TARGET` (a symbolic link) or `large NAME BYTES`.
 */
export function layOutInvalidCase(name: string, dir: string): void {
  const caseDir = join(FIXTURES, 'invalid', name);
  mkdirSync(dir, { recursive: true });
  for (const n of readdirSync(join(FIXTURES, 'minimal'))) copyFileSync(join(FIXTURES, 'minimal', n), join(dir, n));
  for (const n of readdirSync(caseDir).filter((f) => /\.ya?ml$/.test(f))) copyFileSync(join(caseDir, n), join(dir, n));
  const lines = (file: string) => (existsSync(join(caseDir, file)) ? readFileSync(join(caseDir, file), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean) : []);
  for (const n of lines('remove.txt')) rmSync(join(dir, n), { force: true });
  for (const line of lines('make.txt')) {
    const [what, file, arg] = line.split(/\s+/) as [string, string, string | undefined];
    const path = join(dir, file);
    if (what === 'fifo') execFileSync('mkfifo', [path]);
    else if (what === 'folder') mkdirSync(path);
    else if (what === 'link') symlinkSync(arg!, path);
    else if (what === 'large') writeFileSync(path, Buffer.alloc(Number(arg), 0x20));
    else throw new Error(`${name}/make.txt: unknown line "${line}"`);
  }
}

/**
 * An invalid case: the minimal dataset, with the case's own YAML files in place of the minimal ones, and the files
 * named in its `remove.txt` left out. Its `expected.txt` holds every message, one per line, paths relative to the
 * dataset folder.
 */
export function invalidCase(name: string): { texts: Map<string, string>; expected: string[] } {
  const dir = join(FIXTURES, 'invalid', name);
  const texts = readYamlFiles(join(FIXTURES, 'minimal'));
  for (const [n, t] of readYamlFiles(dir)) texts.set(n, t);
  const removeFile = join(dir, 'remove.txt');
  if (existsSync(removeFile)) {
    for (const n of readFileSync(removeFile, 'utf8').split('\n').filter(Boolean)) texts.delete(n.trim());
  }
  const expected = readFileSync(join(dir, 'expected.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  return { texts, expected };
}

/** An invalid case's expected messages, one per line, paths relative to the dataset folder. */
export const readExpected = (name: string): string[] =>
  readFileSync(join(FIXTURES, 'invalid', name, 'expected.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '');

export const invalidCaseNames = (): string[] =>
  readdirSync(join(FIXTURES, 'invalid'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

/** Every file under `dir` but dot files (the manifest, the generations), path → SHA-256 of its bytes. */
export function snapshotFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return files;
}

/**
 * The minimal fixture copied to `dir` with another end date and an outcome in other words of the same characters:
 * every brief prints otherwise, yet the font subsets (cut for the characters) are the same.
 */
export function minimalReworded(dir: string): string {
  cpSync(join(FIXTURES, 'minimal'), dir, { recursive: true });
  const edit = (file: string, from: string, to: string) => {
    const text = readFileSync(join(dir, file), 'utf8');
    if (!text.includes(from)) throw new Error(`${file} of the minimal fixture no longer holds "${from}"`);
    writeFileSync(join(dir, file), text.replace(from, to));
  };
  edit('dialogues.yaml', 'end: 2021-03-19', 'end: 2021-03-20');
  edit('outcomes.yaml', 'text: 加強合作', 'text: 合作加強');
  return dir;
}
