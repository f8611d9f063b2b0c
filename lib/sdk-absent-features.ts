/**
 * Stands in, in the Lambda bundles only (serverless.yml esbuild `alias`), for two SDK modules that our
 * clients link but that no call of ours can reach, as lib/lambda-credentials.ts does for the credential
 * chain. Together they were 27 KB of the hits bundle, parsed and initialised on every cold start
 * (docs/performance.md).
 *
 * - `@smithy/core/event-streams`: HttpProtocol imports it only for operations with an event stream.
 *   DynamoDB has none. The deployment hooks' Lambda client has one (InvokeWithResponseStream) that they
 *   never call, but it builds an event-stream marshaller when constructed.
 * - `@aws-sdk/endpoint-cache`: DynamoDBClient builds an endpoint-discovery cache (an LRU from mnemonist)
 *   in its constructor, but only commands that declare endpoint discovery read it, and UpdateItem and
 *   GetItem do not.
 *
 * Constructing a client still works; using either feature throws, naming this file, so that an SDK
 * update that starts to reach them fails loudly instead of doing something else quietly.
 */
function absent(feature: string): never {
  throw new Error(`${feature} is not bundled into this function (lib/sdk-absent-features.ts).`);
}

const EVENT_STREAMS = 'AWS SDK event-stream support';
const ENDPOINT_DISCOVERY = 'DynamoDB endpoint discovery';

export class EventStreamSerde {
  constructor() {
    absent(EVENT_STREAMS);
  }
}

/** Called when a client with an event-stream operation is constructed; only using its result fails. */
export function eventStreamSerdeProvider() {
  return { serialize: () => absent(EVENT_STREAMS), deserialize: () => absent(EVENT_STREAMS) };
}

/** As @smithy/core's own: the client keeps the marshaller for its event-stream operations. */
export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(
  input: T,
) => Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

/** Constructed by every DynamoDBClient, so construction succeeds; any use is a change to look at. */
export class EndpointCache {
  getEndpoint(): never {
    return absent(ENDPOINT_DISCOVERY);
  }
  get(): never {
    return absent(ENDPOINT_DISCOVERY);
  }
  set(): never {
    return absent(ENDPOINT_DISCOVERY);
  }
  delete(): never {
    return absent(ENDPOINT_DISCOVERY);
  }
  has(): never {
    return absent(ENDPOINT_DISCOVERY);
  }
  clear(): never {
    return absent(ENDPOINT_DISCOVERY);
  }
}
