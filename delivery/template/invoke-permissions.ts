import { EXTERNAL_IDS } from './names';
import type { Json, Resource, Template } from './types';

/**
 * API Gateway's permission to invoke each alias, scoped to the methods and paths that really call it,
 * as the SAM translator scopes them (samtranslator's Api event `_get_permission`: source ARN
 * `<api id>/*` + `/<METHOD or * for ANY><resource path>`, any stage so the console's test-invoke works).
 * osls grants every function `<api id>/*\/*`, so any method and path of the API could invoke any of them.
 */

/**
 * The path of a source ARN for a resource path: API Gateway invokes with the request's real path
 * (`/hits/signups`), and ArnLike reads `{counter}` as text, so every `{name}` and `{proxy+}` becomes `*`,
 * as samtranslator's SwaggerEditor.get_path_without_trailing_slash writes them (SAM issue #110).
 */
export const sourceArnPath = (path: string) => path.replace(/\{[A-Za-z0-9._-]+\+?\}/g, '*');

const isRoot = (resourceId: Json) => resourceId['Fn::GetAtt']?.[1] === 'RootResourceId';

/** A method's resource path, e.g. `/hits/{counter}`, from its chain of AWS::ApiGateway::Resource. */
export function resourcePath(template: Template, resourceId: Json): string {
  if (isRoot(resourceId)) return '/';
  const resource = template.Resources[resourceId.Ref];
  if (!resource) throw new Error(`no API resource ${JSON.stringify(resourceId)}`);
  const parent = resourcePath(template, resource.Properties?.ParentId);
  return `${parent === '/' ? '' : parent}/${resource.Properties?.PathPart}`;
}

/** The logical ID of the alias (or function) a method's Lambda integration invokes. */
function integrationTarget(method: Resource): string | undefined {
  return /"Ref":"([A-Za-z0-9]+)"},"\/invocations"/.exec(
    JSON.stringify(method.Properties?.Integration?.Uri),
  )?.[1];
}

/** Replaces each API Gateway invoke permission with one per method that targets its function. */
export function scopeInvokePermissions(template: Template): void {
  const methods = Object.entries(template.Resources).filter(
    ([, resource]) => resource.Type === 'AWS::ApiGateway::Method',
  );
  for (const [permissionId, permission] of Object.entries(template.Resources)) {
    const properties = permission.Properties ?? {};
    if (permission.Type !== 'AWS::Lambda::Permission' || properties.Principal !== 'apigateway.amazonaws.com')
      continue;
    const target = properties.FunctionName?.Ref;
    const callers = methods.filter(([, method]) => integrationTarget(method) === target);
    if (callers.length === 0) continue;
    delete template.Resources[permissionId];
    for (const [methodId, method] of callers) {
      const verb = method.Properties?.HttpMethod === 'ANY' ? '*' : method.Properties?.HttpMethod;
      const path = sourceArnPath(resourcePath(template, method.Properties?.ResourceId));
      const scopedId = `${permissionId}${methodId.replace(/^ApiGatewayMethod/, '')}`;
      // osls makes each method wait for its function's permission; it now waits for its own.
      method.DependsOn = method.DependsOn?.map((id) => (id === permissionId ? scopedId : id));
      template.Resources[scopedId] = {
        ...permission,
        Properties: {
          ...properties,
          SourceArn: {
            'Fn::Sub': `arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${EXTERNAL_IDS.restApi}}/*/${verb}${path}`,
          },
        },
      };
    }
  }
}
