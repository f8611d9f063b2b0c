import { describe, expect, it } from 'vitest';
import {
  dropDependenciesImpliedByRoles,
  recordCheckovSkips,
} from '../../../../delivery/template/template-hygiene';
import { compiledTemplate, settings } from './inputs';

describe('recordCheckovSkips', () => {
  it('writes each type’s skips, with their reasons, into every resource of that type only', () => {
    const template = compiledTemplate();
    recordCheckovSkips(template, settings.checkovSkips);
    expect(template.Resources.HelloLambdaFunction?.Metadata).toEqual({
      checkov: { skip: [{ id: 'CKV_AWS_116', comment: 'Every invocation is synchronous.' }] },
    });
    expect(template.Resources.HelloLogGroup?.Metadata?.checkov.skip[0].id).toBe('CKV_AWS_158');
    expect(template.Resources.ApiGatewayRestApi?.Metadata).toBeUndefined();
  });

  it('keeps the skips a builder already wrote for one resource', () => {
    const template = compiledTemplate();
    const group = template.Resources.HelloLogGroup as { Metadata?: object };
    group.Metadata = { checkov: { skip: [{ id: 'CKV_AWS_66', comment: 'own' }] } };
    recordCheckovSkips(template, settings.checkovSkips);
    expect(
      template.Resources.HelloLogGroup?.Metadata?.checkov.skip.map((skip: { id: string }) => skip.id),
    ).toEqual(['CKV_AWS_66', 'CKV_AWS_158']);
  });
});

describe('dropDependenciesImpliedByRoles', () => {
  it('drops a function’s DependsOn on the role its GetAtt already orders, and keeps the rest', () => {
    const template = compiledTemplate();
    dropDependenciesImpliedByRoles(template);
    expect(template.Resources.HelloLambdaFunction?.DependsOn).toEqual(['HelloLogGroup']);
    expect(template.Resources.HitsLambdaFunction?.DependsOn).toEqual(['HitsLogGroup']);
  });

  it('removes DependsOn altogether when the role was its only entry', () => {
    const template = compiledTemplate();
    const hello = template.Resources.HelloLambdaFunction as { DependsOn?: string[] };
    hello.DependsOn = ['StatelessFunctionRole'];
    dropDependenciesImpliedByRoles(template);
    expect(hello.DependsOn).toBeUndefined();
  });
});
