import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

type Resolve = (input: {
  resolveConfigurationProperty: (path: string[]) => Promise<unknown>;
}) => Promise<unknown>;
const roleLogGroups: Resolve = createRequire(import.meta.url)(
  '../../../../delivery/endpoints/role-log-groups.cjs',
);

const logGroup = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('role-log-groups.cjs', () => {
  it('lists, by role, the log groups of the functions osls gives it, after merging the functions list', async () => {
    const functions = [
      { hello: { role: 'StatelessFunctionRole' }, hits: { role: 'StatelessFunctionRole' } },
      { hits: { role: 'CounterFunctionRole' }, preTraffic: { role: 'DeployHookRole' }, plain: {} },
    ];
    const resolveConfigurationProperty = async (path: string[]) =>
      path.join('.') === 'functions' ? functions : undefined;
    expect(await roleLogGroups({ resolveConfigurationProperty })).toEqual({
      StatelessFunctionRole: [logGroup('HelloLogGroup')],
      CounterFunctionRole: [logGroup('HitsLogGroup')],
      DeployHookRole: [logGroup('PreTrafficLogGroup')],
    });
  });

  it('reads a functions map as well as a list', async () => {
    const resolveConfigurationProperty = async () => ({ time: { role: 'StatelessFunctionRole' } });
    expect(await roleLogGroups({ resolveConfigurationProperty })).toEqual({
      StatelessFunctionRole: [logGroup('TimeLogGroup')],
    });
  });
});
