/**
 * Stands in for @aws-sdk/credential-provider-node in the Lambda bundles (serverless.yml esbuild alias).
 * Lambda always hands a function its role's credentials in environment variables, so the SDK's full
 * provider chain (SSO, INI files, IMDS, web identity and the STS/SSO clients behind them) is ~90 KB of
 * bundle and cold-start parse time that could never be used there.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = fromEnv;
