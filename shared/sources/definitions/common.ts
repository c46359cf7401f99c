/**
 * The annotations (under the configured prefix) every source's objects take for their records' settings
 * (./../annotations.ts, `readEndpointSettings`), as the README's source table lists them.
 */
export const RECORD_SETTING_ANNOTATIONS = ['ttl', 'set-identifier', 'alias', 'aws-*'] as const;
