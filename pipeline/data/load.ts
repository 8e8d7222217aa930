// The I/O edge of validation: reads a dataset folder and hands its bytes to the pure validator. Anything that is
// not an ordinary YAML file — a folder, a FIFO, a device, a socket, a file too large, bytes that are not UTF-8 — is
// a positioned message, found without reading it or before parsing it, never a hang or a crash.
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFolderError, type Diagnostic } from './diagnostics.ts';

export { DataFolderError };
import type { DataFileName, Dataset } from './schema.ts';
import { dataCoverage } from './coverage.ts';
import type { RuleId } from './rules.ts';
import { DATA_FILE_NAMES, validateSources, type ValidationResult } from './validate.ts';
import { parseYamlSource, type YamlSource } from './yaml-source.ts';

import { MAX_FILE_BYTES } from './names.ts';

export { MAX_FILE_BYTES };

export interface LoadedDataset extends ValidationResult {
  /** The text of every data file that was read, by file name (for hashing, for placing font problems, for tests). */
  texts: Map<string, string>;
}

/** What a dataset holds, in one line: the figure the validate and build commands print. */
export function datasetCounts(d: Dataset): string {
  const roles = d.people.reduce((n, p) => n + p.roles.length, 0);
  return `${d.dialogues.length} rounds, ${d.events.length} events, ${d.people.length} people, ${roles} roles, ${d.outcomes.length} outcomes, ${d.sources.length} sources`;
}

const at1 = (file: string, message: string, rule: RuleId): Diagnostic => ({ file, line: 1, column: 1, severity: 'error', message, rule });

/** The offset of the first byte that does not start or continue a well-formed UTF-8 sequence, or -1. */
export function invalidUtf8At(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    // Lead byte → sequence length and the range its second byte must fall in (no overlongs, no surrogates).
    const [n, lo, hi] = b < 0x80 ? [1, 0, 0] : b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf] : b === 0xe0 ? [3, 0xa0, 0xbf] : b === 0xed ? [3, 0x80, 0x9f] : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf] : b === 0xf0 ? [4, 0x90, 0xbf] : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf] : b === 0xf4 ? [4, 0x80, 0x8f] : [0, 0, 0];
    if (n === 0) return i;
    for (let k = 1; k < n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf)) return i;
    }
    i += n;
  }
  return -1;
}

/**
 * UTF-8 bytes as text, or where they stop being UTF-8. A byte-order mark is dropped: YAML 1.2 allows one and Windows
 * editors write one.
 */
export function decodeUtf8(file: string, bytes: Uint8Array): { text: string } | { problem: Diagnostic } {
  const bad = invalidUtf8At(bytes);
  if (bad < 0) return { text: new TextDecoder('utf-8').decode(bytes) };
  const lines = new TextDecoder('utf-8').decode(bytes.subarray(0, bad)).split('\n');
  const found = [...bytes.subarray(bad, bad + 2)].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
  return {
    problem: {
      file,
      line: lines.length,
      column: [...lines.at(-1)!].length + 1,
      severity: 'error',
      message: `invalid UTF-8 at byte ${bad} (expected UTF-8 text; found bytes ${found}: save the file as UTF-8)`,
      rule: 'invalid-utf8',
    },
  };
}

/**
 * Validates a dataset given as file name → bytes (or text). Pure; `problems` are the messages of files that could
 * not be read at all (they count as present, so nothing else reports them missing).
 */
export function validateTexts(files: ReadonlyMap<string, string | Uint8Array>, problems: readonly Diagnostic[] = []): LoadedDataset {
  const extra: Diagnostic[] = [...problems];
  const unreadable = new Set(problems.map((d) => d.file));
  const sources = new Map<DataFileName, YamlSource>();
  const texts = new Map<string, string>();
  for (const [name, content] of files) {
    if (typeof content === 'string') {
      texts.set(name, content.replace(/^\uFEFF/, ''));
      continue;
    }
    const decoded = decodeUtf8(name, content);
    if ('problem' in decoded) {
      extra.push(decoded.problem);
      unreadable.add(name);
    } else texts.set(name, decoded.text);
  }
  for (const name of DATA_FILE_NAMES) {
    const text = texts.get(name);
    if (text !== undefined) sources.set(name, parseYamlSource(name, text));
    else if (!unreadable.has(name)) extra.push(at1(name, `missing data file (expected ${name} in the data folder)`, 'missing-file'));
  }
  for (const name of [...new Set([...files.keys(), ...unreadable])].sort()) {
    if (!(DATA_FILE_NAMES as string[]).includes(name)) {
      extra.push(at1(name, `unknown data file (expected only ${DATA_FILE_NAMES.join(', ')})`, 'unknown-file'));
    }
  }
  // Characters no bundled font can draw are refused here, at their place in the data, as the build would refuse them.
  const result = validateSources(sources, [...extra, ...dataCoverage(sources.values())]);
  return { ...result, texts };
}

const KIND_OF = (s: import('node:fs').Stats): string =>
  s.isDirectory() ? 'a folder' : s.isFIFO() ? 'a named pipe (FIFO)' : s.isSocket() ? 'a socket' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : 'not a regular file';

/** Throws a DataFolderError when `dir` is not a folder that can be read. */
export async function assertDataFolder(dir: string): Promise<void> {
  const expected = `expected a folder holding ${DATA_FILE_NAMES.join(', ')}`;
  const s = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') throw new DataFolderError(dir, 'missing', `data folder ${dir} does not exist (${expected})`);
    throw new DataFolderError(dir, 'unreadable', `cannot read the data folder ${dir}: ${err.code ?? err.message} (${expected})`);
  });
  if (!s.isDirectory()) throw new DataFolderError(dir, 'not-a-folder', `${dir} is ${KIND_OF(s) === 'not a regular file' ? 'a file' : KIND_OF(s)}, not a folder (${expected})`);
}

/**
 * Reads every YAML file of a dataset folder as bytes. Symbolic links are followed, and their problems reported under
 * the name the folder gives them. Nothing that is not a regular file is opened; nothing larger than MAX_FILE_BYTES
 * is read.
 */
export async function readDataFolder(dir: string): Promise<{ files: Map<string, Uint8Array>; problems: Diagnostic[] }> {
  await assertDataFolder(dir);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (err) {
    throw new DataFolderError(dir, 'unreadable', `cannot list the data folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const files = new Map<string, Uint8Array>();
  const problems: Diagnostic[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const s = await stat(path).catch((err: NodeJS.ErrnoException) => err);
    if (s instanceof Error) {
      problems.push(at1(name, `cannot read ${name}: ${s.code === 'ENOENT' ? 'it is a link to nothing' : (s.code ?? s.message)} (expected a readable YAML file)`, 'unreadable-file'));
      continue;
    }
    if (!s.isFile()) {
      problems.push(at1(name, `${name} is ${KIND_OF(s)} (expected a regular YAML file; it was not opened)`, 'not-a-file'));
      continue;
    }
    if (s.size > MAX_FILE_BYTES) {
      const bytes = (n: number) => n.toLocaleString('en-US');
      problems.push(at1(name, `${name} is ${bytes(s.size)} bytes (expected at most ${bytes(MAX_FILE_BYTES)} bytes, 16 MiB: check what the file holds, or split the data)`, 'file-too-large'));
      continue;
    }
    // Opened without blocking and checked again, so a file swapped for a FIFO after the check cannot hang the read.
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
      const again = await handle.stat();
      if (!again.isFile() || again.size > MAX_FILE_BYTES) {
        problems.push(at1(name, `${name} changed while it was read (expected a regular YAML file of at most ${MAX_FILE_BYTES / 1024 / 1024} MiB)`, 'not-a-file'));
        continue;
      }
      files.set(name, new Uint8Array(await handle.readFile()));
    } catch (err) {
      problems.push(at1(name, `cannot read ${name}: ${(err as NodeJS.ErrnoException).code ?? String(err)} (expected a readable YAML file)`, 'unreadable-file'));
    } finally {
      await handle?.close();
    }
  }
  return { files, problems };
}

/** Reads and validates the dataset in `dir`. Data problems are diagnostics; only an unusable folder throws. */
export async function loadDataset(dir: string): Promise<LoadedDataset> {
  const { files, problems } = await readDataFolder(dir);
  return validateTexts(files, problems);
}
