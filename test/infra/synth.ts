import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildApp, CONFIG_CONTEXT } from '../../infra/app.js';

const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
).context;

/** A piece of synthesized CloudFormation: untyped JSON, whose shape is what the assertions check. */
// biome-ignore lint/suspicious/noExplicitAny: template JSON has no static type
export type Cfn = any;

export interface Synthesized {
  template: Template;
  json: Record<string, Cfn>;
  assembly: CloudAssembly;
  outdir: string;
  cleanup(): void;
}

/**
 * Synthesizes the app once, exactly as `cdk synth` does (cdk-nag included: a finding fails here), into a
 * temporary cloud assembly. `bundle: false` skips esbuild for tests that look only at the template.
 */
export function synthesize(
  options: { configFile?: string; context?: Record<string, unknown>; bundle?: boolean } = {},
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'edge-reconciler-synth-'));
  const app = new App({
    outdir,
    context: {
      // cdk.json's context (the feature flags above all), as `cdk synth` reads it.
      ...CDK_JSON_CONTEXT,
      ...(options.configFile ? { [CONFIG_CONTEXT]: options.configFile } : {}),
      ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
      ...options.context,
    },
  });
  const stack = buildApp(app);
  const assembly = app.synth();
  const artifact = assembly.getStackByName(stack.stackName);
  const json = artifact.template as Record<string, Cfn>;
  return {
    template: Template.fromJSON(json),
    json,
    assembly,
    outdir,
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Every IAM policy statement in the template, with the logical id of its policy. */
export function policyStatements(json: Record<string, Cfn>): { policy: string; statement: Cfn }[] {
  const out: { policy: string; statement: Cfn }[] = [];
  for (const [id, resource] of Object.entries<Cfn>(json.Resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    for (const statement of resource.Properties.PolicyDocument.Statement) out.push({ policy: id, statement });
  }
  return out;
}

export function asList<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}
