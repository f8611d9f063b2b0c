import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';

const run = promisify(execFile);

interface FunctionResource {
  Type: string;
  Properties: {
    FunctionName: string;
    Handler: string;
    Runtime: string;
    Architectures: string[];
    Environment: { Variables: Record<string, string> };
    Code: { S3Key: string };
  };
}

export interface PackagedFunction {
  functionName: string;
  /** As Lambda reads it: `<file without extension>.<export>`. */
  handler: string;
  runtime: string;
  architectures: string[];
  environment: Record<string, string>;
  /** The artifact's files by path inside the zip (folders left out). */
  files: Record<string, Uint8Array>;
}

/** Runs `sls package` for a stage into `outDir`, as `sls deploy` would before uploading. */
export async function packageService(
  outDir: string,
  stage = 'dev',
  serviceDir = process.cwd(),
  params: Record<string, string> = {},
): Promise<void> {
  const paramArgs = Object.entries(params).map(([name, value]) => `--param=${name}=${value}`);
  await run(
    join(serviceDir, 'node_modules/.bin/sls'),
    ['package', '--stage', stage, '--package', outDir, ...paramArgs],
    {
      cwd: serviceDir,
      timeout: 180_000,
    },
  );
}

/** Every Lambda function of the packaged template, by the name of its artifact, with the artifact's files. */
export function packagedFunctions(outDir: string): Record<string, PackagedFunction> {
  const template = JSON.parse(
    readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'),
  );
  const functions: Record<string, PackagedFunction> = {};
  for (const { Type, Properties } of Object.values(template.Resources) as FunctionResource[]) {
    if (Type !== 'AWS::Lambda::Function') continue;
    const zip = basename(Properties.Code.S3Key);
    const entries = Object.entries(unzipSync(readFileSync(join(outDir, zip))));
    functions[basename(zip, '.zip')] = {
      functionName: Properties.FunctionName,
      handler: Properties.Handler,
      runtime: Properties.Runtime,
      architectures: Properties.Architectures,
      environment: Properties.Environment.Variables,
      files: Object.fromEntries(entries.filter(([path]) => !path.endsWith('/'))),
    };
  }
  return functions;
}
