// Ace by DAISY on several EPUBs in one process and one Chromium, where its command line checks one book a run:
// `node test/ace.cjs <reports> <temp> <book>...` writes each book's report to <reports>/<n>/report.json, n from 0.
// Ace's Puppeteer runner launches and closes its browser around every book; here it is launched once.
'use strict';
const path = require('node:path');
const ace = require('@daisy/ace-core');
const logger = require('@daisy/ace-logger');
const runner = require('@daisy/ace-axe-runner-puppeteer');

async function main([reports, temp, ...books]) {
  logger.initLogger({ silent: true, fileName: 'ace-cli.log' });
  let launched;
  const once = { ...runner, launch: () => (launched ??= runner.launch()), close: async () => undefined };
  try {
    for (const [i, book] of books.entries()) {
      await ace(book, { cwd: process.cwd(), outdir: path.join(reports, String(i)), tmpdir: path.join(temp, String(i)), silent: true, jobId: '' }, once);
    }
  } finally {
    if (launched) await launched.then(() => runner.close());
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
