// Runs EPUBCheck (the W3C's EPUB validator, a Java program) on a file and reads its JSON report.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

export interface EpubCheckReport {
  version: string;
  fatal: number;
  errors: number;
  warnings: number;
  /** One line per message: `SEVERITY ID path:line:column message`. */
  messages: string[];
}

interface RawReport {
  checker: { checkerVersion: string; nFatal: number; nError: number; nWarning: number };
  messages: { ID: string; severity: string; message: string; locations: { path: string; line: number; column: number }[] }[];
}

const DEBIAN_JAR = '/usr/share/java/epubcheck.jar';

/** EPUBCHECK_JAR, else Debian's jar. Debian's /usr/bin/epubcheck wrapper does not start, so the jar is run directly. */
export function epubcheckJar(): string {
  const jar = process.env.EPUBCHECK_JAR || DEBIAN_JAR;
  if (!existsSync(jar)) {
    throw new Error(
      `EPUBCheck not found at ${jar}. Install it with \`apt-get install epubcheck\` (it puts the jar at ${DEBIAN_JAR}), ` +
        'or download it from https://github.com/w3c/epubcheck/releases and set EPUBCHECK_JAR to its epubcheck.jar.',
    );
  }
  return jar;
}

export async function epubcheck(file: string): Promise<EpubCheckReport> {
  const args = ['-jar', epubcheckJar(), file, '--json', '-'];
  // EPUBCheck exits non-zero when it finds errors; the report is still on stdout.
  const stdout = await promisify(execFile)('java', args, { maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => r.stdout,
    (err: NodeJS.ErrnoException & { stdout?: string; stderr?: string }) => {
      if (err.code === 'ENOENT') throw new Error('EPUBCheck needs Java: `apt-get install default-jre-headless` (or epubcheck, which pulls it in).');
      return err.stdout ?? '';
    },
  );
  // The JSON follows a line or two of plain-text summary.
  const start = stdout.search(/^\{/m);
  if (start < 0) throw new Error(`EPUBCheck wrote no JSON report for ${file}:\n${stdout}`);
  const report = JSON.parse(stdout.slice(start)) as RawReport;
  return {
    version: report.checker.checkerVersion,
    fatal: report.checker.nFatal,
    errors: report.checker.nError,
    warnings: report.checker.nWarning,
    messages: report.messages.map((m) => {
      const at = m.locations.map((l) => `${l.path}:${l.line}:${l.column}`).join(', ');
      return `${m.severity} ${m.ID} ${at} ${m.message}`;
    }),
  };
}
