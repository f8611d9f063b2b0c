import { describe, expect, it } from 'vitest';
import {
  resourcePath,
  scopeInvokePermissions,
  sourceArnPath,
} from '../../../../delivery/template/invoke-permissions';
import type { Template } from '../../../../delivery/template/types';

const root = { 'Fn::GetAtt': ['ApiGatewayRestApi', 'RootResourceId'] };
const uri = (aliasId: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':apigateway:',
      { Ref: 'AWS::Region' },
      ':lambda:path/2015-03-31/functions/',
      { Ref: aliasId },
      '/invocations',
    ],
  ],
});
const method = (verb: string, resourceId: object, aliasId: string, permissionId: string) => ({
  Type: 'AWS::ApiGateway::Method',
  DependsOn: [permissionId],
  Properties: {
    HttpMethod: verb,
    ResourceId: resourceId,
    Integration: { Type: 'AWS_PROXY', Uri: uri(aliasId) },
  },
});
const permission = (aliasId: string) => ({
  Type: 'AWS::Lambda::Permission',
  Properties: {
    FunctionName: { Ref: aliasId },
    Action: 'lambda:InvokeFunction',
    Principal: 'apigateway.amazonaws.com',
    SourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':execute-api:', '/*/*']] },
  },
});

/** What osls and the canary plugin leave: one permission per function for the whole API. */
function compiled(): Template {
  return {
    Resources: {
      ApiGatewayResourceHits: {
        Type: 'AWS::ApiGateway::Resource',
        Properties: { ParentId: root, PathPart: 'hits' },
      },
      ApiGatewayResourceHitsCounterVar: {
        Type: 'AWS::ApiGateway::Resource',
        Properties: { ParentId: { Ref: 'ApiGatewayResourceHits' }, PathPart: '{counter}' },
      },
      ApiGatewayMethodHitsGet: method(
        'GET',
        { Ref: 'ApiGatewayResourceHits' },
        'HitsAlias',
        'HitsPermission',
      ),
      ApiGatewayMethodHitsCounterVarPost: method(
        'POST',
        { Ref: 'ApiGatewayResourceHitsCounterVar' },
        'HitsAlias',
        'HitsPermission',
      ),
      ApiGatewayMethodAny: method('ANY', root, 'FallbackAlias', 'FallbackPermission'),
      HitsPermission: permission('HitsAlias'),
      FallbackPermission: permission('FallbackAlias'),
    },
  };
}

describe('resourcePath', () => {
  it('walks a method’s resources up to the root', () => {
    const template = compiled();
    expect(resourcePath(template, { Ref: 'ApiGatewayResourceHitsCounterVar' })).toBe('/hits/{counter}');
    expect(resourcePath(template, root)).toBe('/');
  });
});

describe('sourceArnPath', () => {
  it.each([
    ['/hits/{counter}', '/hits/*'],
    ['/{proxy+}', '/*'],
    ['/a/{x.y-z_1}/b/{rest+}', '/a/*/b/*'],
    ['/', '/'],
    ['/hello', '/hello'],
  ])('writes %s as %s, a pattern the real request path matches', (path, expected) => {
    expect(sourceArnPath(path)).toBe(expected);
  });
});

describe('scopeInvokePermissions', () => {
  it('lets API Gateway invoke each alias only through the methods and paths that call it, as SAM does', () => {
    const template = compiled();
    scopeInvokePermissions(template);
    const sourceArns = Object.fromEntries(
      Object.entries(template.Resources)
        .filter(([, resource]) => resource.Type === 'AWS::Lambda::Permission')
        .map(([id, resource]) => [id, resource.Properties?.SourceArn['Fn::Sub']]),
    );
    const prefix =
      'arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${ApiGatewayRestApi}/*';
    expect(sourceArns).toEqual({
      HitsPermissionHitsGet: `${prefix}/GET/hits`,
      HitsPermissionHitsCounterVarPost: `${prefix}/POST/hits/*`,
      FallbackPermissionAny: `${prefix}/*/`,
    });
    expect(template.Resources.HitsPermissionHitsGet?.Properties?.FunctionName).toEqual({ Ref: 'HitsAlias' });
  });

  it('makes each method wait for its own permission instead of the one it replaced', () => {
    const template = compiled();
    scopeInvokePermissions(template);
    expect(template.Resources.ApiGatewayMethodHitsCounterVarPost?.DependsOn).toEqual([
      'HitsPermissionHitsCounterVarPost',
    ]);
  });

  it('leaves permissions no API method uses alone', () => {
    const template = compiled();
    template.Resources.Other = permission('OtherAlias');
    scopeInvokePermissions(template);
    expect(template.Resources.Other).toEqual(permission('OtherAlias'));
  });
});
