'use strict';
// A local osls plugin with two guards for everyday commands:
// - `sls invoke local -f hits` without the embedded DynamoDB would print a connection-refused stack
//   trace; it fails first with one sentence saying what to do. It runs before serverless-esbuild
//   bundles, whose esbuild process would otherwise keep a failed invoke alive.
// - serverless-esbuild reuses its build folder, so a renamed handler or an earlier output format left
//   files there that went into every artifact; packaging starts from an empty folder.
const { rm } = require('node:fs/promises');
const net = require('node:net');
const path = require('node:path');

// Same default as LOCAL_DYNAMODB_ENDPOINT in lib/config.ts, which the handler uses when invoked locally.
const DEFAULT_ENDPOINT = 'http://127.0.0.1:8000';
const BUILD_FOLDER = '.esbuild';

function reachable({ hostname, port }) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port), timeout: 1000 });
    const finish = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => finish(true));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });
}

class ServerlessLocalGuards {
  constructor(serverless, options) {
    this.hooks = {
      'before:invoke:local:loadEnvVars': async () => {
        const requiredBy = serverless.service.custom?.embeddedDynamoDB?.requiredBy ?? [];
        if (!requiredBy.includes(options.function)) return;
        const endpoint = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB || DEFAULT_ENDPOINT);
        if (await reachable(endpoint)) return;
        throw new serverless.classes.Error(
          `The ${options.function} function needs the embedded DynamoDB at ${endpoint.origin}, which is not running: start it with \`npm start\` in another terminal.`,
        );
      },
      'before:package:initialize': () =>
        rm(path.join(serverless.serviceDir, BUILD_FOLDER), { recursive: true, force: true }),
    };
  }
}

module.exports = ServerlessLocalGuards;
