import type { Template } from '../../../delivery/template/types';
import { canMatch } from './arn-match';
import { acceptedArns, type loadReference } from './reference';
import { type Grant, grantsOf } from './template-policies';

/** One way a grant cannot mean what it says. */
export interface Finding {
  where: string;
  action: string;
  resource: string;
  problem: string;
}

type Reference = NonNullable<ReturnType<typeof loadReference>>;

/**
 * Checks each action of each grant against the resource types and ARN formats AWS says it accepts:
 * an unknown action, a resource no accepted ARN can match (the grant authorizes nothing), and a
 * specific ARN on an action that takes only `*` are findings. `*` on an action that could be scoped is
 * one too, unless `wildcardAllowed` lists it with a reason.
 */
export function checkGrants(
  reference: Reference,
  grants: readonly Grant[],
  wildcardAllowed: Readonly<Record<string, string>> = {},
): Finding[] {
  const findings: Finding[] = [];
  for (const grant of grants) {
    for (const action of grant.actions) {
      const accepted = acceptedArns(reference, action);
      for (const resource of grant.resources) {
        const finding = (problem: string) => findings.push({ where: grant.where, action, resource, problem });
        if (!accepted) finding('no such action in the Service Authorization Reference');
        else if (accepted[0] === '*') {
          if (resource !== '*')
            finding('the action takes no resource-level permission: only "*" authorizes it');
        } else if (resource === '*') {
          if (!(action in wildcardAllowed))
            finding(`"*" where the action can be scoped to ${accepted.join(' or ')}`);
        } else if (!accepted.some((format) => canMatch(resource, format))) {
          finding(`matches no ARN the action accepts (${accepted.join(' or ')}): it authorizes nothing`);
        }
      }
    }
  }
  return findings;
}

/** The findings for every identity policy of a packaged template. */
export function checkTemplate(
  reference: Reference,
  template: Template,
  stackName: string,
  wildcardAllowed?: Readonly<Record<string, string>>,
): Finding[] {
  return checkGrants(reference, grantsOf(template, stackName), wildcardAllowed);
}
