// The builds that test/global-setup.ts made once for the whole run: read them, never write into them.
import { inject } from 'vitest';

export const realBuild = inject('realBuild');
export const singleRoundBuild = inject('singleRoundBuild');
