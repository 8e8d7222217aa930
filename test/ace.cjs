// Ace by DAISY on several EPUBs in one process, where its command line checks one book a run:
// `node test/ace.cjs <browser> <reports> <temp> <book>...` writes each book's report to <reports>/<n>/report.json, n
// from 0. Ace's Puppeteer runner launches and closes a browser of its own around every book; here it connects once to
// <browser>, the DevTools address of the Chromium the calling test already runs, and leaves it open.
'use strict';
const path = require('node:path');
const puppeteer = require('puppeteer');
const ace = require('@daisy/ace-core');
const logger = require('@daisy/ace-logger');
const runner = require('@daisy/ace-axe-runner-puppeteer');

async function main([browserWSEndpoint, reports, temp, ...books]) {
  logger.initLogger({ silent: true, fileName: 'ace-cli.log' });
  // The runner launches through this same module (it is its `require('puppeteer')`): connected instead, with the
  // runner's own protocol time-out.
  let connected;
  puppeteer.launch = async ({ protocolTimeout }) => (connected = await puppeteer.connect({ browserWSEndpoint, protocolTimeout }));
  let launched;
  const once = { ...runner, launch: () => (launched ??= runner.launch()), close: async () => undefined };
  try {
    for (const [i, book] of books.entries()) {
      await ace(book, { cwd: process.cwd(), outdir: path.join(reports, String(i)), tmpdir: path.join(temp, String(i)), silent: true, jobId: '' }, once);
    }
  } finally {
    // The browser is the caller's: only this connection to it is closed.
    await connected?.disconnect();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
