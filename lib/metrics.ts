import type { Context } from 'aws-lambda';
import { config } from './config';

/**
 * One CloudWatch Embedded Metric Format line per invocation: request and 5xx counts per function
 * version, stored at 1-second resolution so an alarm with a 10-second period can judge a canary
 * version within seconds. The dimensions are the ones Lambda's own metrics use, so the alarm can
 * name the version being deployed behind the alias exactly as the ExecutedVersion alarms do. Written by hand rather than with Powertools Metrics because that package
 * alone adds ~16 KB to every bundle, more than the whole 15 KB budget of the hello function.
 */
const metricDefinitions = [
  { Name: 'Requests', Unit: 'Count', StorageResolution: 1 },
  { Name: 'ServerErrors', Unit: 'Count', StorageResolution: 1 },
];

/** `name:alias` (or `name:version`) as invoked; just `name` for an unqualified call, as Lambda reports it. */
function invokedResource(context: Context): string {
  const qualifier = context.invokedFunctionArn.split(':')[7];
  return qualifier ? `${context.functionName}:${qualifier}` : context.functionName;
}

/** Records one answered request; CloudWatch extracts the metrics from the log line. */
export function recordResponse(context: Context, statusCode: number): void {
  if (!config.metricsEnabled) return;
  const line = JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: config.metricsNamespace,
          Dimensions: [['FunctionName', 'Resource', 'ExecutedVersion']],
          Metrics: metricDefinitions,
        },
      ],
    },
    FunctionName: context.functionName,
    Resource: invokedResource(context),
    ExecutedVersion: context.functionVersion,
    Requests: 1,
    ServerErrors: statusCode >= 500 ? 1 : 0,
  });
  // Straight to stdout: Lambda's JSON log format wraps console.* output, which would hide EMF from CloudWatch.
  process.stdout.write(`${line}\n`);
}
