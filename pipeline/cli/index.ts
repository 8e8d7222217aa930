// cli/ — the command layer: reads arguments (main.ts), runs the commands and sets exit codes (commands.ts), serves the
// preview (dev.ts), installs a browser and EPUBCheck (setup.ts); launch.mjs starts it from a bundle. The only layer that
// exits the process. Imports build/ and below.
// (main.ts runs the command line when it is the program started, and exports runCommandLine for in-process tests;
// nothing is re-exported from here.)
export {};
