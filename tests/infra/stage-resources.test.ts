import { describe, expect, it } from 'vitest';
import { checkTemplate, WILDCARD_GRANTS } from '../support/iam/check';
import { referenceOrSkip } from '../support/iam/reference-or-skip';
import {
  type Json,
  ofType,
  packageEveryStage,
  resourceIn,
  STAGES,
  type Stage,
  type StageExpectation,
  stageTemplates,
} from '../support/stage-templates';
import { cfnLintVerdict, checkovVerdict, validator } from '../support/validators';

// Each stage's template exactly as `sls deploy --stage <stage>` would send it, asserted on its
// resources: least privilege, the table, the API stage's limits, gateway responses, logs and outputs;
// then handed to independent validators. How it delivers a release: stage-delivery.test.ts.

packageEveryStage();

describe.each(Object.keys(STAGES) as Stage[])('the %s template', (stage) => {
  const expected = STAGES[stage];
  const resource = resourceIn(stage);
  it('grants least privilege: no wildcard actions, no FullAccess policies, DynamoDB only on the table', () => {
    for (const [id, role] of ofType(stage, 'AWS::IAM::Role')) {
      for (const arn of role.Properties.ManagedPolicyArns ?? [])
        expect(JSON.stringify(arn), id).not.toMatch(/FullAccess/);
      const statements = (role.Properties.Policies ?? []).flatMap(
        (policy: Json) => policy.PolicyDocument.Statement,
      );
      for (const statement of statements) {
        for (const action of [statement.Action].flat()) expect(action, id).not.toMatch(/\*/);
        if ([statement.Action].flat().some((action: string) => action.startsWith('dynamodb:'))) {
          expect(statement.Resource, id).toEqual({ 'Fn::GetAtt': ['CountersTable', 'Arn'] });
        }
      }
    }
    const health = JSON.stringify(resource('HealthFunctionRole').Properties.Policies);
    expect(health).toContain('dynamodb:GetItem');
    expect(health).not.toMatch(/dynamodb:(Put|Update|Delete)Item/);
    expect(JSON.stringify(resource('StatelessFunctionRole'))).not.toContain('dynamodb');
  });

  it('keeps the table on demand, recoverable and encrypted; retained and protected in prod only', () => {
    const table = resource('CountersTable');
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(true);
    expect(table.Properties.SSESpecification.SSEEnabled).toBe(true);
    expect(table.Properties.DeletionProtectionEnabled).toBe(expected.tableRetained);
    expect([table.DeletionPolicy, table.UpdateReplacePolicy]).toEqual(
      expected.tableRetained ? ['Retain', 'Retain'] : ['Delete', 'Delete'],
    );
  });

  it('throttles, traces and logs the API stage explicitly', () => {
    const stageResource = resource('ApiGatewayStage').Properties;
    expect(stageResource.StageName).toBe(stage);
    expect(stageResource.TracingEnabled).toBe(true);
    expect(stageResource.MethodSettings[0]).toMatchObject({
      ThrottlingRateLimit: expected.rateLimit,
      MetricsEnabled: false,
    });
    expect(stageResource.AccessLogSetting.DestinationArn).toEqual({
      'Fn::GetAtt': ['ApiAccessLogGroup', 'Arn'],
    });
    for (const [, deployment] of ofType(stage, 'AWS::ApiGateway::Deployment')) {
      expect(deployment.Properties.StageName).toBeUndefined();
    }
  });

  it('touches the account-wide API Gateway logging role only when asked to create it, and then keeps it', () => {
    const creates = (STAGES[stage] as StageExpectation).params?.apiGatewayCloudWatchRole === 'create';
    expect(ofType(stage, 'AWS::ApiGateway::Account')).toHaveLength(creates ? 1 : 0);
    for (const [id, found] of ofType(stage, 'AWS::ApiGateway::Account')) {
      expect(found.DeletionPolicy, id).toBe('Retain');
      expect(resource(found.Properties.CloudWatchRoleArn['Fn::GetAtt'][0]).DeletionPolicy).toBe('Retain');
    }
  });

  it('answers gateway errors in problem+json too', () => {
    const types = ofType(stage, 'AWS::ApiGateway::GatewayResponse').map(
      ([, response]) => response.Properties,
    );
    const responseTypes = types.map((response) => response.ResponseType);
    expect(responseTypes).toEqual(expect.arrayContaining(['DEFAULT_4XX', 'DEFAULT_5XX']));
    // Two resources for one response type would overwrite each other, and deleting one resets both.
    expect(new Set(responseTypes).size).toBe(responseTypes.length);
    for (const response of types) {
      expect(response.ResponseParameters['gatewayresponse.header.Content-Type']).toBe(
        "'application/problem+json'",
      );
      expect(() =>
        JSON.parse(
          response.ResponseTemplates['application/json'].replaceAll('$context.error.messageString', '"x"'),
        ),
      ).not.toThrow();
    }
  });

  it(`keeps logs ${expected.logRetentionDays} days and traces every function`, () => {
    for (const [id, group] of ofType(stage, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays, id).toBe(expected.logRetentionDays);
    }
    for (const [id, fn] of ofType(stage, 'AWS::Lambda::Function')) {
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      expect(fn.Properties.Runtime, id).toMatch(/^nodejs(22|24)\.x$/);
      expect(fn.Properties.LoggingConfig?.LogFormat, id).toBe('JSON');
    }
  });

  it('holds no secrets and outputs the URL, the canary name and the dashboard URL', () => {
    for (const [id, fn] of ofType(stage, 'AWS::Lambda::Function')) {
      for (const name of Object.keys(fn.Properties.Environment?.Variables ?? {})) {
        expect(name, id).not.toMatch(/SECRET|PASSWORD|ACCESS_KEY|PRIVATE/);
      }
    }
    expect(JSON.stringify(stageTemplates[stage].resources)).not.toMatch(/AKIA[0-9A-Z]{16}/);
    expect(Object.keys(stageTemplates[stage].outputs)).toEqual(
      expect.arrayContaining(['ApiUrl', 'SyntheticsCanaryName']),
    );
  });
});

const cfnLint = validator('cfn-lint');
const checkov = validator('checkov');

const iamReference = referenceOrSkip();

describe('independent validators', () => {
  it.skipIf(!iamReference)(
    'every IAM grant of every stage matches the resource types its actions accept (Service Authorization Reference)',
    () => {
      for (const [stage, { template }] of Object.entries(stageTemplates)) {
        const findings = checkTemplate(
          iamReference as NonNullable<typeof iamReference>,
          template,
          `canary-api-${stage}`,
          WILDCARD_GRANTS,
        );
        expect({ stage, findings }).toEqual({ stage, findings: [] });
      }
    },
  );

  it.skipIf(!cfnLint)('cfn-lint finds no error and no warning in any stage template', () => {
    const files = Object.values(stageTemplates).map((template) => template.file);
    expect(cfnLintVerdict(cfnLint as string, files)).toEqual({ status: 0, output: '' });
  });

  it.skipIf(!checkov)(
    'checkov fails no check in any stage template; every skip says why',
    { timeout: 180_000 },
    () => {
      for (const [stage, { file, resources }] of Object.entries(stageTemplates)) {
        const verdict = checkovVerdict(checkov as string, file);
        expect({ stage, failed: verdict.failed }).toEqual({ stage, failed: [] });
        expect(verdict.passed).toBeGreaterThan(100);
        for (const [id, resource] of Object.entries(resources)) {
          for (const skip of resource.Metadata?.checkov?.skip ?? []) {
            expect(skip.comment?.length ?? 0, `${stage} ${id} ${skip.id}`).toBeGreaterThan(40);
          }
        }
      }
    },
  );
});
