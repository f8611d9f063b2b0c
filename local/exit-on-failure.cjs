'use strict';
// Preloaded into serverless-offline under `npm start`. When osls fails (a build error in a handler,
// a bad serverless.yml), it prints the error and sets process.exitCode, then waits for its event loop
// to drain, which never happens: serverless-esbuild's esbuild keeps it open, so it neither serves nor
// ends. npm start then answers 502 at once and retries on the next change, instead of waiting forever.
setInterval(() => {
  if (process.exitCode) process.exit();
}, 250).unref();
