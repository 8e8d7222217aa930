// Finding a browser without loading Puppeteer: the command line asks this on every run, so it must be cheap.
import { existsSync } from 'node:fs';

const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export interface BrowserChoice {
  path: string;
  source: 'PUPPETEER_EXECUTABLE_PATH' | 'system' | 'puppeteer';
}

/** PUPPETEER_EXECUTABLE_PATH, else a system Chromium or Chrome; Puppeteer's own download is browser.ts's to find. */
export function findSystemBrowser(env: NodeJS.ProcessEnv = process.env): BrowserChoice | undefined {
  const fromEnv = env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv && existsSync(fromEnv)) return { path: fromEnv, source: 'PUPPETEER_EXECUTABLE_PATH' };
  const system = SYSTEM_BROWSERS.find((p) => existsSync(p));
  if (system) return { path: system, source: 'system' };
  return undefined;
}

