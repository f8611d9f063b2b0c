/** A yes/no setting, as serverless.yml's params give it (a YAML boolean) or `--param name=true` does. */
export function flag(value: unknown, name: string): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`custom.delivery.${name} must be true or false, not ${JSON.stringify(value)}`);
}
