// What a build is asked to do: one options type with its defaults, and what a build reports. The command line's own
// options (quiet, a report file) extend it; the cache key reads the fields that change what is made.
import { resolve } from 'node:path';
import { ALL_FORMATS, BRIEF_NAMES, type BriefName, type Format, type Lang, type Paper } from '../data/names.ts';
import type { Printer } from '../print/browser.ts';
import type { PublishStep } from './output.ts';

export { ALL_FORMATS, PAPERS } from '../data/names.ts';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface BuildOptions {
  dataDir: string;
  outDir: string;
  templatesDir: string;
  only: readonly BriefName[];
  formats: readonly Format[];
  /** The editions to write and print; absent, every edition the data can make (each is rendered all the same). */
  langs?: readonly Lang[];
  paper: Paper;
  /** An earlier edition to compare with (a git ref or a dataset folder): the changes page and the dossier's last part. */
  since?: string;
  /** The published site's address, for the feed's links (default: relative to the feed). */
  baseUrl?: string;
  /** Where earlier editions' files are kept, as <url><tag>/<lang>-<file> (a GitHub release's download address). */
  releasesUrl?: string;
  /** Rebuild every output, whatever the cache says. */
  force?: boolean;
  /** Make only this part of the printed outputs (PDF, EPUB); the rest is cheap and every shard makes it. */
  shard?: Shard;
  /** Progress lines; the CLI prints them, tests collect them. */
  log?: (line: string) => void;
  /** A printer that outlives the build (watch mode); otherwise one is opened when a PDF must be printed. */
  printer?: Printer;
  /** Leave the dossier alone even when every brief is printed (watch mode prints the briefs first). */
  dossier?: boolean;
  /** Watch mode: builds in a row that read the same files reuse the rendering (see BuildSession). */
  session?: BuildSession;
  /** Tests only: called before each step of the publish, to make one fail. */
  fault?: (step: PublishStep) => void;
}

/** What one build leaves for the next of a session: its rendering, by what it read. Owned by the build. */
export interface BuildSession {
  rendered: Map<string, unknown>;
}

export interface BuiltFile {
  path: string;
  bytes: number;
  pages?: number;
  /** A PDF: how many times it was printed whole (more than once when its contents were numbered from a first print). */
  passes?: number;
}

export interface BuildResult {
  built: BuiltFile[];
  skipped: string[];
  counts: string;
  refused: string[];
  browserLaunched: boolean;
  /** The editions written, the data's own first. */
  editions: Lang[];
  /** Milliseconds per stage. */
  stages: Record<string, number>;
}

export const defaultBuildOptions = (): BuildOptions => ({
  dataDir: 'data',
  outDir: 'output',
  templatesDir: resolve('templates'),
  only: BRIEF_NAMES,
  formats: ALL_FORMATS,
  paper: 'a4',
});
