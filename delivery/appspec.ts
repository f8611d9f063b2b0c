/** What the deployment moves: read from its AppSpec, since the hook event does not say. */
export interface DeploymentTarget {
  functionName: string;
  alias: string;
  currentVersion: string;
  targetVersion: string;
}

/** The function, alias and versions of a Lambda AppSpec (JSON, as CloudFormation writes it, or YAML). */
export function parseAppSpec(content: string): DeploymentTarget {
  let properties: Record<string, unknown> | undefined;
  try {
    const resources: Record<string, { Properties?: Record<string, unknown> }>[] =
      JSON.parse(content).Resources ?? [];
    properties = Object.values(resources[0] ?? {})[0]?.Properties;
  } catch {
    const scalars = content.matchAll(
      /^\s*(Name|Alias|CurrentVersion|TargetVersion)\s*:\s*["']?([^"'\s#]+)/gm,
    );
    properties = Object.fromEntries(Array.from(scalars, ([, key, value]) => [key, value]));
  }
  const { Name, Alias, CurrentVersion, TargetVersion } = properties ?? {};
  if (typeof Name !== 'string' || TargetVersion === undefined) {
    throw new Error('the AppSpec names no function and target version');
  }
  return {
    functionName: Name,
    alias: String(Alias),
    currentVersion: String(CurrentVersion),
    targetVersion: String(TargetVersion),
  };
}
