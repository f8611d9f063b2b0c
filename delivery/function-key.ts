/**
 * A deployed function's key in serverless.yml (`hits`), from its name (`canary-api-prod-hits`): osls
 * names every function `<service>-<stage>-<key>`, and FUNCTION_NAME_PREFIX carries that prefix. Keys
 * may hold `-` themselves, so the prefix is cut off rather than the name split.
 */
export function functionKey(deployedName: string, prefix: string): string {
  return prefix && deployedName.startsWith(prefix) ? deployedName.slice(prefix.length) : deployedName;
}
