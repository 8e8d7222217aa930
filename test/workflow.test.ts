// The GitHub workflow parses, tests every supported Node, and calls only make targets the Makefile has.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.ts';

interface Step { run?: string; uses?: string }
interface Workflow {
  on: { push: { paths: string[] }; pull_request: { paths: string[] } };
  jobs: Record<string, { steps?: Step[]; strategy?: { matrix: { node: number[] } }; needs?: string | string[] }>;
}

const workflow = parse(readFileSync(join(ROOT, '.github/workflows/briefs.yml'), 'utf8')) as Workflow;
const makefile = readFileSync(join(ROOT, 'Makefile'), 'utf8');
const targets = new Set([...makefile.matchAll(/^([a-z][\w-]*):/gm)].map((m) => m[1]));

describe('the GitHub workflow', () => {
  it('runs only make targets that exist', () => {
    const runs = Object.values(workflow.jobs).flatMap((j) => (j.steps ?? []).map((s) => s.run ?? ''));
    const called = runs.flatMap((r) => [...r.matchAll(/\bmake\s+([a-z][\w-]*)/g)].map((m) => m[1]!));
    expect(called).toEqual(expect.arrayContaining(['test', 'build']));
    for (const t of called) expect(targets, `make ${t}`).toContain(t);
  });

  it('tests Node 20, 22 and 24', () => {
    expect(workflow.jobs.test?.strategy?.matrix.node).toEqual([20, 22, 24]);
  });

  it('runs when data, templates, the pipeline or the lockfile change', () => {
    for (const trigger of [workflow.on.push, workflow.on.pull_request]) {
      expect(trigger.paths).toEqual(expect.arrayContaining(['data/**', 'templates/**', 'pipeline/**', 'package-lock.json']));
    }
  });

  it('needs only jobs that exist', () => {
    for (const [name, job] of Object.entries(workflow.jobs)) {
      for (const need of [job.needs ?? []].flat()) expect(Object.keys(workflow.jobs), `${name} needs ${need}`).toContain(need);
    }
  });
});
