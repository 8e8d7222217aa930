// The build of the real data that test/global-setup.ts made once for the whole run: read it, never write into it.
import { inject } from 'vitest';

export const realBuild = inject('realBuild');
