import type { Json, Template } from '../../delivery/template/types';

/**
 * What CloudFormation's AWS::LanguageExtensions transform makes of ops/deployer-roles.yml, for the
 * validators that do not run the transform (checkov) and for the IAM checks: each `Fn::ForEach::<name>`
 * of Resources and Outputs becomes one copy per item, with `${Identifier}` replaced in keys and strings
 * (the Fn::ForEach reference: "all instances of ${Identifier} or &{Identifier}"), and the parameters
 * are given values so every ARN resolves. Only the constructs that template uses are supported.
 */

type Values = Record<string, string>;

function substitute(node: unknown, variables: Values): unknown {
  if (typeof node === 'string') {
    return node.replace(/\$\{([A-Za-z0-9]+)\}/g, (whole, name: string) => variables[name] ?? whole);
  }
  if (Array.isArray(node)) return node.map((item) => substitute(item, variables));
  if (node === null || typeof node !== 'object') return node;
  const object = node as Json;
  if (typeof object.Ref === 'string' && object.Ref in variables) return variables[object.Ref];
  return Object.fromEntries(
    Object.entries(object).map(([key, value]) => [substitute(key, variables), substitute(value, variables)]),
  );
}

/** `Ref`/`Fn::GetAtt` through an `Fn::Sub` that no longer has a variable in it, as the transform leaves them. */
function simplify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplify);
  if (node === null || typeof node !== 'object') return node;
  const object = Object.fromEntries(
    Object.entries(node as Json).map(([key, value]) => [key, simplify(value)]),
  );
  const literal = (value: unknown) =>
    typeof value === 'object' && value !== null && typeof (value as Json)['Fn::Sub'] === 'string'
      ? (value as Json)['Fn::Sub']
      : value;
  if ('Ref' in object) object.Ref = literal(object.Ref);
  if (Array.isArray(object['Fn::GetAtt'])) object['Fn::GetAtt'] = object['Fn::GetAtt'].map(literal);
  return object;
}

function expandSection(section: Json | undefined, parameters: Values): Json {
  const expanded: Json = {};
  for (const [key, value] of Object.entries(section ?? {})) {
    if (!key.startsWith('Fn::ForEach::')) {
      expanded[key] = value;
      continue;
    }
    const [identifier, collection, fragment] = value as [string, unknown, Json];
    const items =
      typeof collection === 'object' && collection !== null && 'Ref' in collection
        ? String(parameters[(collection as Json).Ref]).split(',')
        : (collection as string[]);
    for (const item of items) Object.assign(expanded, substitute(fragment, { [identifier]: item }));
  }
  return expanded;
}

/** A condition of Fn::Equals and Fn::Not over parameters, as the template's Conditions write them. */
function holds(condition: unknown, parameters: Values): boolean {
  const node = condition as Json;
  if (Array.isArray(node['Fn::Not'])) return !holds(node['Fn::Not'][0], parameters);
  if (Array.isArray(node['Fn::Equals'])) {
    const [left, right] = node['Fn::Equals'].map((side: unknown) =>
      typeof side === 'object' && side !== null && 'Ref' in side ? parameters[(side as Json).Ref] : side,
    );
    return left === right;
  }
  throw new Error(`unsupported condition ${JSON.stringify(condition)}`);
}

/** Each `Fn::If` replaced by the branch its condition picks. */
function chooseBranches(node: unknown, conditions: Record<string, boolean>): unknown {
  if (Array.isArray(node)) return node.map((item) => chooseBranches(item, conditions));
  if (node === null || typeof node !== 'object') return node;
  const object = node as Json;
  if (Array.isArray(object['Fn::If'])) {
    const [name, whenTrue, whenFalse] = object['Fn::If'];
    if (!(name in conditions)) throw new Error(`no condition ${name}`);
    return chooseBranches(conditions[name] ? whenTrue : whenFalse, conditions);
  }
  return Object.fromEntries(
    Object.entries(object).map(([key, value]) => [key, chooseBranches(value, conditions)]),
  );
}

/** Why a parameter value would be refused by its AllowedPattern (each item of a list), or undefined. */
export function refusedParameter(source: Json, name: string, value: string): string | undefined {
  const definition = (source.Parameters as Json | undefined)?.[name];
  if (!definition?.AllowedPattern) return undefined;
  const pattern = new RegExp(definition.AllowedPattern);
  const items = definition.Type === 'CommaDelimitedList' ? value.split(',') : [value];
  const refused = items.filter((item) => !pattern.test(item));
  return refused.length > 0 ? `${name}: ${refused.join(', ')} ∉ ${definition.AllowedPattern}` : undefined;
}

/** The template as CloudFormation would deploy it with these parameter values (defaults otherwise). */
export function expandTemplate(source: Json, values: Values = {}): Template {
  const parameters: Values = Object.fromEntries(
    Object.entries((source.Parameters ?? {}) as Json).map(([name, definition]) => [
      name,
      values[name] ?? String(definition.Default ?? ''),
    ]),
  );
  for (const [name, value] of Object.entries(parameters)) {
    const refused = refusedParameter(source, name, value);
    if (refused) throw new Error(`CloudFormation refuses the parameter ${refused}`);
  }
  const conditions = Object.fromEntries(
    Object.entries((source.Conditions ?? {}) as Json).map(([name, condition]) => [
      name,
      holds(condition, parameters),
    ]),
  );
  const { Transform: _transform, Parameters: _parameters, ...rest } = source;
  const expanded = {
    ...rest,
    Resources: expandSection(source.Resources, parameters),
    Outputs: expandSection(source.Outputs, parameters),
  };
  const chosen = chooseBranches(substitute(expanded, parameters), conditions) as Template;
  for (const [id, resource] of Object.entries(chosen.Resources)) {
    if (resource.Condition && !conditions[resource.Condition]) delete chosen.Resources[id];
  }
  return simplify(chosen) as Template;
}
