'use strict';
// `${file(./delivery/endpoints/role-log-groups.cjs):StatelessFunctionRole}`: the ARNs of the log groups
// of the functions that assume a role, by role. A role's logs statement then follows its functions,
// including the endpoints openapi.yaml adds, which serverless.yml does not name (docs/adding-an-endpoint.md).
const mergePlainObjects = require('osls/lib/utils/merge-plain-objects');
const naming = require('osls/lib/plugins/aws/lib/naming');

module.exports = async ({ resolveConfigurationProperty }) => {
  const listed = await resolveConfigurationProperty(['functions']);
  const functions = Array.isArray(listed) ? mergePlainObjects({}, ...listed) : listed;
  const byRole = {};
  for (const [key, fn] of Object.entries(functions)) {
    if (typeof fn.role !== 'string') continue;
    byRole[fn.role] ??= [];
    byRole[fn.role].push({ 'Fn::GetAtt': [naming.getLogGroupLogicalId(key), 'Arn'] });
  }
  return byRole;
};
