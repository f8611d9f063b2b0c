import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { bundleForNode } from '../../local/node-script';
import { tempFolder } from '../../local/temp-folder';

/** What invoking a function of a version gave: its answer, or the error Lambda would report. */
export interface InvokeOutcome {
  result?: APIGatewayProxyResult;
  functionError?: string;
  message?: string;
  durationMs: number;
}

let hostScript: string | undefined;

/** One build of the service running as one Lambda version in its own process (version-host.ts). */
export class VersionRuntime {
  private constructor(
    private readonly child: ChildProcess,
    private readonly port: number,
    readonly version: string,
  ) {}

  static async start(
    codeDir: string,
    version: string,
    environment: NodeJS.ProcessEnv,
    crashOnInit: boolean,
  ): Promise<VersionRuntime> {
    hostScript ??= bundleForNode(
      join(import.meta.dirname, 'version-host.ts'),
      tempFolder('canary-api-host-'),
    );
    const child = fork(hostScript, [codeDir, version, ...(crashOnInit ? ['crash-on-init'] : [])], {
      execArgv: [],
      env: environment,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const [{ port }] = (await once(child, 'message')) as [{ port: number }];
    return new VersionRuntime(child, port, version);
  }

  /** Invokes a function of this version with an API Gateway event, through `qualifier`. */
  async invoke(functionKey: string, qualifier: string, event: unknown): Promise<InvokeOutcome> {
    const response = await fetch(`http://127.0.0.1:${this.port}/invoke/${encodeURIComponent(functionKey)}`, {
      method: 'POST',
      headers: { 'x-qualifier': qualifier },
      body: JSON.stringify(event),
    });
    return (await response.json()) as InvokeOutcome;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill();
    await once(this.child, 'exit');
  }
}
