# The two commands of the README: `make build` and `make test`. Each installs what it needs first.
SHELL := /bin/bash
.DEFAULT_GOAL := build
ARGS ?=

# npm packages: reinstalled whenever the lockfile is newer than the last install. Ace by DAISY (a test tool) brings
# Electron, whose binary is never used (Ace runs on Puppeteer and the system Chromium): it is not downloaded.
STAMP := node_modules/.install-stamp
$(STAMP): package.json package-lock.json
	ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: deps tools test-tools build dev bench validate test typecheck schema golden clean
deps: $(STAMP)

# A browser for printing (PUPPETEER_EXECUTABLE_PATH, a system Chromium, Puppeteer's download, or as root the
# chromium package), and for the tests EPUBCheck too.
tools: deps
	@npx tsx pipeline/cli/setup.ts browser
test-tools: deps
	@npx tsx pipeline/cli/setup.ts browser epubcheck

build: tools
	npm run --silent build -- $(ARGS)

dev: tools
	npm run --silent dev -- $(ARGS)

bench: tools
	npm run --silent bench

validate: deps
	npm run --silent validate -- $(ARGS)

typecheck: deps
	node_modules/.bin/tsc --noEmit --incremental --tsBuildInfoFile .cache/tsbuildinfo

schema: deps
	npm run --silent schema

# Type-check, then every test; the last line is the plain 'N passed, N failed' summary CI reads.
golden: deps
	npm run --silent golden

# The type-check keeps its incremental state in .cache/ (about half the time on a second run).
test: test-tools
	@mkdir -p .cache
	node_modules/.bin/tsc --noEmit --incremental --tsBuildInfoFile .cache/tsbuildinfo
	@status=0; npx vitest run --reporter=default --reporter=json --outputFile.json=.cache/test-results.json || status=$$?; \
	node -e 'const r=require("./.cache/test-results.json"); console.log(`tests: $${r.numPassedTests} passed, $${r.numFailedTests} failed`)' || true; \
	exit $$status

clean:
	rm -rf output .cache
