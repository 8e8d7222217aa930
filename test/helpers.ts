// Shared by the tests: the fixture datasets and how an invalid case is laid over the minimal one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

export const invalidCaseNames = (): string[] =>
  readdirSync(join(FIXTURES, 'invalid'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
