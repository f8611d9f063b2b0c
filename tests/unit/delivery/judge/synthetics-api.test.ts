import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { canaryPorts, SyntheticsError, syntheticsApi } from '../../../../delivery/judge/synthetics-api';
import { type FakeSyntheticsOptions, fakeSynthetics } from '../../../support/aws/synthetics';

const credentials = async () => ({
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token',
});
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

/** The fake Synthetics API on a loopback port, as the judge's client would reach the real one. */
async function serve(options: FakeSyntheticsOptions, stall = false) {
  const fake = fakeSynthetics(options);
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (stall) return;
      const { status, headers, body } = fake.answer(
        request.method ?? '',
        request.url ?? '',
        request.headers as Record<string, string>,
      );
      response.writeHead(status, headers).end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  const api = syntheticsApi({
    region: 'eu-west-1',
    credentials,
    endpoint: `http://127.0.0.1:${port}`,
    timeoutMs: 300,
  });
  return { api, calls: fake.calls };
}

describe('the judge’s Synthetics client', () => {
  it('reads the latest run’s start from GetCanary, signed with SigV4 for synthetics in the region', async () => {
    const lastStarted = Date.parse('2026-12-05T10:04:00.250Z');
    const { api, calls } = await serve({ canaryName: 'canary-api-prod', lastStarted });
    expect(await api.lastStarted('canary-api-prod')).toBe(lastStarted);
    const [call] = calls;
    expect(call).toMatchObject({ method: 'GET', path: '/canary/canary-api-prod' });
    expect(call?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/synthetics\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(call?.headers['x-amz-security-token']).toBe('session-token');
  });

  it('knows a canary that never ran', async () => {
    const { api } = await serve({ canaryName: 'canary-api-dev' });
    expect(await api.lastStarted('canary-api-dev')).toBeUndefined();
  });

  it('starts a run with POST /canary/{Name}/start', async () => {
    const { api, calls } = await serve({ canaryName: 'canary-api-prod' });
    expect(await canaryPorts(api, 'canary-api-prod').start()).toBe('started');
    expect(calls.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'POST /canary/canary-api-prod/start',
    ]);
  });

  it.each(['header', 'body'] as const)(
    'reads ConflictException named in the %s as a run under way',
    async (errorIn) => {
      const { api } = await serve({ canaryName: 'canary-api-prod', busy: true, errorIn });
      expect(await canaryPorts(api, 'canary-api-prod').start()).toBe('busy');
    },
  );

  it('passes on any other error with its name and status', async () => {
    const { api } = await serve({ canaryName: 'canary-api-prod' });
    const failure = canaryPorts(api, 'canary-api-staging').start();
    await expect(failure).rejects.toBeInstanceOf(SyntheticsError);
    await expect(failure).rejects.toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });

  it('gives up on an API that does not answer', async () => {
    const { api } = await serve({ canaryName: 'canary-api-prod' }, true);
    await expect(api.lastStarted('canary-api-prod')).rejects.toThrow(/abort|timeout/i);
  });
});
