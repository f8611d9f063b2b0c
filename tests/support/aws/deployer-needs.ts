import { readFileSync } from 'node:fs';
import type { Template } from '../../../delivery/template/types';

/**
 * Every AWS action a stage's deployer role needs, derived rather than remembered: what CloudFormation
 * calls, with the caller's credentials, to create, read, update and delete each resource type of the
 * packaged stage templates (their registry schemas' handler permissions), plus the calls `sls deploy`
 * and `sls remove` make themselves and those of this project's own tools run by the pipeline.
 */

interface HandlerFile {
  source: string;
  types: Record<string, Partial<Record<'create' | 'read' | 'update' | 'delete', string[]>>>;
}

const handlers: HandlerFile = JSON.parse(
  readFileSync(new URL('./cloudformation-handlers.json', import.meta.url), 'utf8'),
);

/**
 * AWS::CodeDeploy::DeploymentGroup predates the registry and has no handler schema: the CodeDeploy API
 * operations for its lifecycle (CodeDeploy API reference), and the pass of its service role.
 */
const LEGACY_TYPES: Record<string, string[]> = {
  'AWS::CodeDeploy::DeploymentGroup': [
    'codedeploy:CreateDeploymentGroup',
    'codedeploy:GetDeploymentGroup',
    'codedeploy:UpdateDeploymentGroup',
    'codedeploy:DeleteDeploymentGroup',
    'iam:PassRole',
  ],
};

/** Calls outside CloudFormation, by who makes them (osls 4.3 sources under lib/plugins/aws/). */
export const DIRECT_CALLS: Record<string, string[]> = {
  'sls deploy (change sets, osls deploy/lib/create-stack.js, lib/update-stack.js)': [
    'cloudformation:DescribeStacks',
    'cloudformation:CreateChangeSet',
    'cloudformation:DescribeChangeSet',
    'cloudformation:ExecuteChangeSet',
    'cloudformation:DeleteChangeSet',
    'cloudformation:DescribeStackEvents',
  ],
  'sls deploy (deploy/lib/validate-template.js, ensure-valid-bucket-exists.js, check-for-changes.js)': [
    'cloudformation:ValidateTemplate',
    'cloudformation:GetTemplate',
    'cloudformation:DescribeStackResource',
    'lambda:GetFunction',
  ],
  'sls deploy (the deployment bucket: HeadBucket, ListObjectsV2, HeadObject, PutObject, DeleteObjects)': [
    's3:ListBucket',
    's3:GetObject',
    's3:PutObject',
    's3:DeleteObject',
  ],
  'sls deploy (info/get-resource-count.js)': ['cloudformation:ListStackResources'],
  'sls remove (remove/lib/stack.js, remove/lib/bucket.js: versioned deployment bucket emptied first)': [
    'cloudformation:DeleteStack',
    's3:ListBucketVersions',
    's3:DeleteObjectVersion',
  ],
  'delivery/stage-lifecycle (after deploy: canary log retention; on remove: canary bucket and logs)': [
    'cloudformation:DescribeStackResource',
    'logs:DescribeLogGroups',
    'logs:PutRetentionPolicy',
    'logs:DeleteLogGroup',
    's3:ListBucketVersions',
    's3:DeleteObject',
    's3:DeleteObjectVersion',
    's3:DeleteBucket',
  ],
  'npm run watch (ops/watch/poller.ts, delivery/deployment-target.ts)': [
    'cloudformation:DescribeStackResources',
    'cloudformation:DescribeStackEvents',
    'codedeploy:ListDeployments',
    'codedeploy:GetDeployment',
    'codedeploy:GetDeploymentConfig',
    'codedeploy:GetDeploymentGroup',
    'codedeploy:GetApplicationRevision',
    'lambda:GetAlias',
    'cloudwatch:DescribeAlarms',
  ],
};

interface Unneeded {
  why: string;
  /** For an API name that is not an IAM action: the action that authorizes it, which must be needed. */
  authorizedBy?: string;
  /** The resource type and property whose absence from every stage template makes the action unneeded. */
  unless?: { type: string; property: string }[];
  /** The resource type and property every resource of that type must set for the action to stay unneeded. */
  whileEvery?: { type: string; property: string }[];
}

/**
 * Handler permissions that no template of this service can reach (deployer-unneeded.json, each with
 * why). A write tied to a property the templates never set is left out, with that property checked
 * absent; reads stay, since a handler may read every setting whatever the template says.
 */
export const UNNEEDED: Record<string, Unneeded> = JSON.parse(
  readFileSync(new URL('./deployer-unneeded.json', import.meta.url), 'utf8'),
);

/** IAM actions are case-insensitive; the schemas are not always consistent (`S3:GetBucketWebsite`). */
export const normalAction = (action: string) => action.toLowerCase();

/** The resource types a template declares. */
export function resourceTypes(template: Template): Set<string> {
  return new Set(Object.values(template.Resources).map((resource) => resource.Type));
}

/** Every action the stage's deployer needs, each with why. Unknown resource types are an error. */
export function deployerNeeds(templates: readonly Template[]): Map<string, string[]> {
  const needs = new Map<string, string[]>();
  const need = (action: string, why: string) => {
    const key = normalAction(action);
    if (Object.keys(UNNEEDED).some((unneeded) => normalAction(unneeded) === key)) return;
    needs.set(key, [...(needs.get(key) ?? []), why]);
  };
  for (const type of new Set(templates.flatMap((template) => [...resourceTypes(template)]))) {
    const legacy = LEGACY_TYPES[type];
    const schema = handlers.types[type];
    if (!legacy && !schema) throw new Error(`no handler permissions recorded for ${type}`);
    for (const action of legacy ?? []) need(action, `CloudFormation: ${type} (CodeDeploy API)`);
    for (const [handler, actions] of Object.entries(schema ?? {}))
      for (const action of actions) need(action, `CloudFormation: ${type} ${handler}`);
  }
  for (const [who, actions] of Object.entries(DIRECT_CALLS)) for (const action of actions) need(action, who);
  return needs;
}

/** Where an UNNEEDED premise fails: a template that does set the property. */
export function unneededPremisesBroken(templates: readonly Template[]): string[] {
  const broken: string[] = [];
  for (const [action, { unless = [], whileEvery = [] }] of Object.entries(UNNEEDED)) {
    for (const template of templates) {
      for (const [id, resource] of Object.entries(template.Resources)) {
        for (const { type, property } of unless) {
          if (resource.Type === type && resource.Properties?.[property] !== undefined)
            broken.push(`${action}: ${id} sets ${property}`);
        }
        for (const { type, property } of whileEvery) {
          if (resource.Type === type && resource.Properties?.[property] === undefined)
            broken.push(`${action}: ${id} does not set ${property}`);
        }
      }
    }
  }
  return broken;
}

export const HANDLER_SOURCE = handlers.source;
