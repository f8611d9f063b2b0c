'use strict';
// A local osls plugin with guards for everyday commands:
// - `sls invoke local -f hits` without the embedded DynamoDB fails with one sentence saying what to do
//   instead of a stack trace, before serverless-esbuild bundles (its esbuild would keep it alive).
// - `sls invoke local` runs the handler in osls's process: the AWS SDK's 8-line reminder that its 2027
//   releases need Node 22 would follow every invoke on Node 20.
// - Under a debugger (`node --inspect-brk node_modules/.bin/sls invoke local …`) the bundle keeps its
//   names and carries inline source maps, so breakpoints bind in the TypeScript.
// - serverless-esbuild reuses its build folder, and stale files there went into every artifact:
//   packaging starts from an empty folder.
const { rm } = require('node:fs/promises');
const inspector = require('node:inspector');
const net = require('node:net');
const path = require('node:path');

// Same default as LOCAL_DYNAMODB_ENDPOINT in lib/config.ts, which the handler uses when invoked locally.
const DEFAULT_ENDPOINT = 'http://127.0.0.1:8000';

const reachable = ({ hostname, port }) =>
  new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port), timeout: 1000 });
    const finish = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => finish(true));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });

class ServerlessLocalGuards {
  constructor(serverless, options) {
    // serverless-esbuild reads custom.esbuild on `initialize`, after every plugin is constructed. Only
    // this invoke's bundle changes: `sls package` and `sls deploy` never get here.
    if (serverless.processedInput?.commands?.join(' ') === 'invoke local' && inspector.url()) {
      const { custom } = serverless.service; // serverless.yml's, which sets custom.esbuild
      custom.esbuild = { ...custom.esbuild, minify: false, sourcemap: 'inline' };
    }
    this.hooks = {
      'before:invoke:local:loadEnvVars': async () => {
        // Safe to hide: on Lambda the functions run on nodejs24.x, and the SDK installed here runs on
        // Node 20 (its engines: >=20). The day an SDK release needs Node 22, `npm install` says so
        // (EBADENGINE) whatever this variable is. Set it to false to see the reminder.
        process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
        const requiredBy = serverless.service.custom?.embeddedDynamoDB?.requiredBy ?? [];
        if (!requiredBy.includes(options.function)) return;
        const endpoint = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB || DEFAULT_ENDPOINT);
        if (await reachable(endpoint)) return;
        throw new serverless.classes.Error(
          `The ${options.function} function needs the embedded DynamoDB at ${endpoint.origin}, which is not running: start it with \`npm start\` in another terminal.`,
        );
      },
      'before:package:initialize': () =>
        rm(path.join(serverless.serviceDir, '.esbuild'), { recursive: true, force: true }),
    };
  }
}

module.exports = ServerlessLocalGuards;
