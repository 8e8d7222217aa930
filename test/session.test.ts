// Watch mode's builds in a row: a build that reads the same files as the one before takes its rendering from the
// session, and one that reads an edited file renders again; the key the build records is the one the command line's
// no-op check computes from disk.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build, defaultBuildOptions, type BuildOptions } from '../pipeline/build/build.ts';
import { buildInputsKey, readInputFilesSync, readManifest } from '../pipeline/build/cache.ts';
import type { BuildSession } from '../pipeline/build/options.ts';
import { FIXTURES, ROOT } from './helpers.ts';

const work = mkdtempSync(join(tmpdir(), 'briefs-session-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a build session', () => {
  const data = join(work, 'data');
  cpSync(join(FIXTURES, 'minimal'), data, { recursive: true });
  const session: BuildSession = { rendered: new Map() };
  const options = (more: Partial<BuildOptions> = {}): BuildOptions => ({ ...defaultBuildOptions(), dataDir: data, templatesDir: join(ROOT, 'templates'), outDir: join(work, 'out'), formats: ['md', 'html'], langs: ['zh-Hant'], session, ...more });

  it('renders once for the same files, whatever each build writes, and again once a file is edited', async () => {
    const first = await build(options());
    expect(first.stages.render).toBeGreaterThanOrEqual(0);
    const second = await build(options({ formats: ['md'], force: true }));
    expect(second.stages.render, 'the second build rendered again').toBeUndefined();
    expect(second.built.map((f) => f.path)).toContain('zh-Hant/chronology.md');

    const file = join(data, 'dialogues.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('summary: 交換意見。', 'summary: 深入交換意見。'));
    const third = await build(options());
    expect(third.stages.render).toBeGreaterThanOrEqual(0);
    expect(readFileSync(join(work, 'out', 'zh-Hant', 'chronology.md'), 'utf8')).toContain('深入交換意見');
  });

  it('records the key of the files it read, which the no-op check computes the same from disk', async () => {
    const o = options({ session: undefined });
    await build(o);
    const recorded = (await readManifest(o.outDir))!.inputs;
    expect(recorded).toBe(buildInputsKey(o, readInputFilesSync(o)));
    writeFileSync(join(data, 'extra.yaml'), 'x: 1\n');
    expect(buildInputsKey(o, readInputFilesSync(o)), 'a new YAML file in the data folder').not.toBe(recorded);
    rmSync(join(data, 'extra.yaml'));
    expect(buildInputsKey(o, readInputFilesSync(o))).toBe(recorded);
    mkdirSync(join(data, 'templates'));
    writeFileSync(join(data, 'templates', 'style.css'), 'body { color: black; }\n');
    expect(buildInputsKey(o, readInputFilesSync(o)), "the dataset's own stylesheet").not.toBe(recorded);
    rmSync(join(data, 'templates'), { recursive: true });
  });
});
