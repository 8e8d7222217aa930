// The names a build is configured with. Light on purpose: the command line reads it before loading any stage.

export type BriefName = 'chronology' | 'roster' | 'checklist';
export const BRIEF_NAMES: readonly BriefName[] = ['chronology', 'roster', 'checklist'];

export type Format = 'md' | 'html' | 'pdf' | 'epub';
export const ALL_FORMATS: readonly Format[] = ['md', 'html', 'pdf', 'epub'];

export type Paper = 'a4' | 'letter';
export const PAPERS: readonly Paper[] = ['a4', 'letter'];

/** The editions a build can make: the data's own script, and the other one by conversion (convert.ts). */
export type Lang = 'zh-Hant' | 'zh-Hans';
export const LANGS: readonly Lang[] = ['zh-Hant', 'zh-Hans'];

/** The largest data file read (documented in the README): ten times the 100× benchmark dataset's largest file. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
