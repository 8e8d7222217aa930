// The folders of pipeline/ are the pipeline's stages, and imports flow one way: cli → build → the stages → data.
// Each folder may import itself and the folders listed here, nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

const ALLOWED: Record<string, string[]> = {
  data: [],
  views: ['data'],
  render: ['views', 'data'],
  print: ['render', 'data'],
  build: ['render', 'print', 'views', 'data'],
  cli: ['build', 'data'],
};
// The installer finds or installs the printer's browser before anything is built.
const EXCEPTIONS = new Set(['cli/setup.ts -> print/browser.ts']);

describe('the pipeline folders', () => {
  const pipeline = join(ROOT, 'pipeline');
  const folders = readdirSync(pipeline, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

  it('are the stages and nothing else, with no file left at the top', () => {
    expect(folders).toEqual(Object.keys(ALLOWED).sort());
    expect(readdirSync(pipeline).filter((n) => /\.(m?ts|m?js)$/.test(n))).toEqual([]);
  });

  it('import only downstream: cli → build → views, render, print → data', () => {
    const wrong: string[] = [];
    for (const folder of folders) {
      for (const file of readdirSync(join(pipeline, folder)).filter((n) => /\.(ts|mjs)$/.test(n))) {
        const text = readFileSync(join(pipeline, folder, file), 'utf8');
        for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'\.\.\/([a-z-]+)\/([^']+)'/g)) {
          const edge = `${folder}/${file} -> ${m[1]}/${m[2]}`;
          if (!ALLOWED[folder]!.includes(m[1]!) && !EXCEPTIONS.has(edge)) wrong.push(edge);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
