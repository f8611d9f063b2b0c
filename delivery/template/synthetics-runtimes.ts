/**
 * CloudWatch Synthetics runtimes AWS no longer lets a canary be created with, so that CI fails on a
 * template that uses one (tests/infra/stage-delivery.test.ts). Checked 2026-11-24 against:
 * - "Runtime versions support policy" (CloudWatch User Guide, CloudWatch_Synthetics_Runtime_Support_Policy):
 *   the table of deprecation dates; "When any component of a runtime version is no longer supported,
 *   that Synthetics runtime version is deprecated. You can't create canaries using deprecated runtime versions."
 * - "Runtime versions using Node.js" (CloudWatch_Synthetics_Library_Nodejs): syn-nodejs-3.0 and 3.1 run
 *   on Lambda's Node.js 20.x; syn-nodejs-5.x on Node.js 22.x (newest: syn-nodejs-5.4).
 * - Lambda Developer Guide, "Building Lambda functions with Node.js": nodejs20.x deprecated 2026-04-30.
 */
export const DEPRECATED_SYNTHETICS_RUNTIMES: Readonly<Record<string, string>> = {
  'syn-nodejs-3.1': '2026-04-30 (its Lambda runtime, Node.js 20.x)',
  'syn-nodejs-3.0': '2026-04-30 (its Lambda runtime, Node.js 20.x)',
  'syn-nodejs-puppeteer-7.0': '2026-01-22',
  'syn-nodejs-puppeteer-6.2': '2026-01-22',
  'syn-nodejs-puppeteer-5.2': '2026-01-22',
  'syn-nodejs-puppeteer-6.1': '2024-03-08',
  'syn-nodejs-puppeteer-6.0': '2024-03-08',
  'syn-nodejs-puppeteer-5.1': '2024-03-08',
  'syn-nodejs-puppeteer-5.0': '2024-03-08',
  'syn-nodejs-puppeteer-4.0': '2024-03-08',
  'syn-nodejs-puppeteer-3.9': '2024-01-08',
  'syn-nodejs-puppeteer-3.8': '2024-01-08',
};
