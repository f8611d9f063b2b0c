'use strict';
// The osls variable source of serverless.yml's API functions: `${file(./delivery/endpoints/serverless.cjs):functions}`
// and `…:fallbackEvents`, derived from openapi.yaml by serverless.ts. osls loads it as CommonJS, so
// the TypeScript is loaded through tsx, as delivery/template/plugin.cjs does.
const { join } = require('node:path');
const { require: requireTs } = require('tsx/cjs/api');

const { serverlessFunctions } = requireTs('./serverless.ts', __filename);

module.exports = () => serverlessFunctions(join(__dirname, '..', '..'));
