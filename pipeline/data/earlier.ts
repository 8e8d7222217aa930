// An earlier edition's dataset, for `--since` and the feed: a folder holding it, or a git ref (the previous tag) at
// which the dataset folder held it, read with `git show` without touching the working tree.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { formatDiagnostic, UsageError } from './diagnostics.ts';
import { loadDataset, validateTexts } from './load.ts';
import type { Dataset } from './schema.ts';
import { DATA_FILE_NAMES } from './validate.ts';

const git = (cwd: string, args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });

/** The dataset files at a git ref, name → text, for the dataset folder `dataDir` of the working tree. */
function filesAtRef(ref: string, dataDir: string): Map<string, string> | undefined {
  let top: string;
  try {
    top = git(resolve(dataDir), ['rev-parse', '--show-toplevel']).trim();
    git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    return undefined;
  }
  const folder = relative(top, resolve(dataDir)).split('\\').join('/');
  const files = new Map<string, string>();
  for (const name of DATA_FILE_NAMES) {
    try {
      files.set(name, git(top, ['show', `${ref}:${folder ? `${folder}/` : ''}${name}`]));
    } catch {
      // Absent at that ref: validation says which file is missing.
    }
  }
  return files;
}

/**
 * The earlier dataset `since` names: a folder, else a git ref of the repository holding `dataDir`. A name that is
 * neither, or an earlier dataset that does not validate, is a usage error in one sentence.
 */
export async function loadEarlierDataset(since: string, dataDir: string): Promise<Dataset> {
  const isFolder = (() => {
    try {
      return statSync(since).isDirectory();
    } catch {
      return false;
    }
  })();
  const loaded = isFolder ? await loadDataset(since) : (() => {
    const files = filesAtRef(since, dataDir);
    if (!files) throw new UsageError(`--since takes a folder holding an earlier dataset or a git ref of this repository; "${since}" is neither`);
    return validateTexts(files);
  })();
  if (!loaded.dataset) {
    const first = loaded.diagnostics.filter((d) => d.severity === 'error').slice(0, 3).map((d) => formatDiagnostic(d, since));
    throw new UsageError(`the earlier dataset at ${since} does not validate, so it cannot be compared (${first.join('; ')})`);
  }
  return loaded.dataset;
}

/** The dataset at a git ref, or undefined where the ref or its dataset is not there (an edition's tag, for the feed). */
export function datasetAtRef(ref: string, dataDir: string): Dataset | undefined {
  const files = filesAtRef(ref, dataDir);
  return files ? validateTexts(files).dataset : undefined;
}
