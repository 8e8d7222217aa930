// Installing packages never downloads a browser, so `npm ci` works offline. `make build` finds or fetches one
// (pipeline/setup.ts): PUPPETEER_EXECUTABLE_PATH, a system Chromium or Chrome, else Puppeteer's own download.
module.exports = {
  skipDownload: true,
};
