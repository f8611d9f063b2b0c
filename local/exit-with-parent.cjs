'use strict';
// Preloaded into serverless-offline, which `npm start` runs as a child with an IPC channel: when npm
// start ends in any way, SIGKILL included, the channel closes and the child ends too instead of
// serving on alone.
process.once('disconnect', () => process.exit(0));
