// SHA256SUMS: the checksums of an edition's PDFs and EPUB, in the format `sha256sum -c` reads (the hash, two spaces,
// the file name), one line a file, sorted by name, so a reader can verify a download with the tool they have.
import { createHash } from 'node:crypto';

export const CHECKSUMS_FILE = 'SHA256SUMS';

/** The files of an edition folder a SHA256SUMS lists: what readers download. */
export const isChecksummed = (name: string): boolean => /\.(pdf|epub)$/.test(name);

/** SHA256SUMS for the files given (name → bytes), names as they stand beside it. */
export function sha256sums(files: readonly { name: string; bytes: Uint8Array }[]): string {
  return [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${createHash('sha256').update(f.bytes).digest('hex')}  ${f.name}\n`)
    .join('');
}
