// Installs what a build or the tests need beyond npm packages, on a fresh machine: a browser, and EPUBCheck for the
// tests. Run by `make build` and `make test`; does nothing when the tools are already there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findBrowser, NO_BROWSER_HELP } from '../print/browser.ts';

const isRoot = process.getuid?.() === 0;
const hasApt = existsSync('/usr/bin/apt-get');
let aptUpdated = false;

function aptInstall(pkg: string): boolean {
  if (!isRoot || !hasApt) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    aptUpdated = true;
  }
  return spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { stdio: 'inherit', env }).status === 0;
}

function ensureBrowser(): void {
  const found = findBrowser();
  if (found) return;
  // Puppeteer's own browser first (an ordinary machine can download it), then the distribution's Chromium.
  console.log('setup: no browser found; downloading Chrome for Puppeteer (about 170 MB)');
  // Its messages are kept back: when the download fails, Puppeteer's command prints its whole usage text before the
  // one line that says why.
  const download = spawnSync('npx', ['--no-install', 'puppeteer', 'browsers', 'install', 'chrome'], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (download.status === 0 && findBrowser()) return;
  const why = (download.stderr ?? '').split('\n').filter((line) => /^Error\b|^\s+- /.test(line)).join('\n');
  console.log(`setup: the download failed${why ? `:\n${why}\n` : '; '}installing the chromium package`);
  if (aptInstall('chromium') && findBrowser()) return;
  console.error(`setup: ${NO_BROWSER_HELP}`);
  process.exit(1);
}

export const EPUBCHECK_JARS = ['/usr/share/java/epubcheck.jar'];

function ensureEpubcheck(): void {
  if (process.env.EPUBCHECK_JAR && existsSync(process.env.EPUBCHECK_JAR)) return;
  if (EPUBCHECK_JARS.some((j) => existsSync(j))) return;
  console.log('setup: installing epubcheck');
  if (aptInstall('epubcheck') && EPUBCHECK_JARS.some((j) => existsSync(j))) return;
  console.error('setup: EPUBCheck not found: install it (apt-get install epubcheck) or set EPUBCHECK_JAR to its jar');
  process.exit(1);
}

function ensureJava(): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    if (!aptInstall('default-jre-headless')) {
      console.error('setup: java not found: EPUBCheck needs a Java runtime (apt-get install default-jre-headless)');
      process.exit(1);
    }
  }
}

for (const tool of process.argv.slice(2)) {
  if (tool === 'browser') ensureBrowser();
  else if (tool === 'epubcheck') {
    ensureJava();
    ensureEpubcheck();
  } else {
    console.error(`setup: unknown tool "${tool}" (expected browser or epubcheck)`);
    process.exit(2);
  }
}
