// build/ — one build: prepare → plan → make → publish (build.ts), the language editions it makes (editions.ts), its
// options (options.ts), cache keys and manifest (cache.ts), the lock (lock.ts), output generations (output.ts),
// signals (interrupt.ts) and the assembly of shards (assemble.ts). Imports the stages: views/, render/, print/, data/.
export { build } from './build.ts';
export { assembleShards } from './assemble.ts';
export { defaultBuildOptions, type BuildOptions, type BuildResult } from './options.ts';
