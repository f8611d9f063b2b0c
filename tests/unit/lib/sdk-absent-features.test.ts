import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as realCache from '@aws-sdk/endpoint-cache';
import * as realEventStreams from '@smithy/core/event-streams';
import { describe, expect, it } from 'vitest';
import * as standIn from '../../../lib/sdk-absent-features';

const methods = (type: { prototype: object }) => Object.getOwnPropertyNames(type.prototype).sort();

// The ES-module sources esbuild bundles (serverless.yml: mainFields [module, main]).
const require = createRequire(import.meta.url);
const clientDir = dirname(dirname(require.resolve('@aws-sdk/client-dynamodb')));
const commandSource = (name: string) =>
  readFileSync(join(clientDir, 'dist-es', 'commands', `${name}.js`), 'utf8');

describe('the SDK stand-ins of the Lambda bundles', () => {
  it('export what the modules they replace export, so the bundles link', () => {
    // Every name our clients import from them (grep of @aws-sdk/client-* dist-es, SDK 3.11xx).
    for (const name of ['EventStreamSerde', 'eventStreamSerdeProvider', 'resolveEventStreamSerdeConfig']) {
      expect(standIn).toHaveProperty(name);
      expect(realEventStreams).toHaveProperty(name);
    }
    expect(methods(standIn.EndpointCache)).toEqual(methods(realCache.EndpointCache));
  });

  it('stand only where no call of ours goes: UpdateItem and GetItem declare no endpoint discovery', () => {
    for (const command of ['UpdateItemCommand', 'GetItemCommand']) {
      expect(commandSource(command)).toContain('class');
      expect(commandSource(command)).not.toMatch(/EndpointDiscovery/);
    }
    // The check itself can fail: DescribeEndpoints-driven commands in other clients do carry it.
    expect(readFileSync(require.resolve('@aws-sdk/middleware-endpoint-discovery'), 'utf8')).toMatch(
      /EndpointDiscovery/,
    );
  });

  it('fail loudly, naming the file, if an SDK update ever reaches them', () => {
    expect(() => new standIn.EventStreamSerde()).toThrow(
      /event-stream support is not bundled.*sdk-absent-features/,
    );
    const marshaller = standIn.eventStreamSerdeProvider();
    const provider = () => marshaller;
    expect(standIn.resolveEventStreamSerdeConfig({ eventStreamSerdeProvider: provider })).toEqual({
      eventStreamSerdeProvider: provider,
      eventStreamMarshaller: marshaller,
    });
    expect(() => marshaller.serialize()).toThrow(/event-stream support is not bundled/);
    expect(() => marshaller.deserialize()).toThrow(/event-stream support is not bundled/);
    const cache = new standIn.EndpointCache();
    for (const use of [() => cache.get(), () => cache.set(), () => cache.has(), () => cache.getEndpoint()])
      expect(use).toThrow(/endpoint discovery is not bundled/);
  });
});
