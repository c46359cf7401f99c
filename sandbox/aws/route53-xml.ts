import { ROUTE53_XMLNS } from './errors.js';
import type { HealthCheck, HealthCheckConfig } from './route53-health-checks.js';
import { escapeName } from './route53-names.js';
import {
  CHANGE_ACTIONS,
  type ChangeAction,
  invalidInput,
  normalizeRecord,
  type RecordChange,
  type RecordSet,
  type RecordSetInput,
  Route53Error,
} from './route53-records.js';
import type { ChangeInfo, HostedZone, Vpc } from './route53-state.js';
import { parseXml, XmlNode } from './xml.js';

/** Route 53's REST-XML bodies: reading the requests the SDK and CLI send, writing the responses. */

type XmlValue = string | XmlObject | XmlValue[];
interface XmlObject {
  [key: string]: XmlValue | undefined;
}

function malformed(message: string): Route53Error {
  return new Route53Error('MalformedInput', 400, [message]);
}

/** Parses a request body and returns the content of its expected root element. */
export function parseRequestBody(body: string, root: string): XmlObject {
  let doc: Record<string, unknown>;
  try {
    doc = parseXml(body) as Record<string, unknown>;
  } catch (err) {
    throw malformed(`Invalid XML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const content = doc[root];
  if (content === undefined)
    throw malformed(`Expected a ${root} element, found ${Object.keys(doc).join(', ')}`);
  return typeof content === 'object' && content !== null ? (content as XmlObject) : {};
}

/** The parser yields one object for a single element and an array for repeated ones. */
function list(value: XmlValue | undefined): XmlValue[] {
  if (value === undefined || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

function text(value: XmlValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) && typeof value['#text'] === 'string') return value['#text'];
  return '';
}

function obj(value: XmlValue | undefined): XmlObject | undefined {
  return value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function integer(value: XmlValue | undefined, field: string): number | undefined {
  const t = text(value);
  if (t === undefined) return undefined;
  if (!/^-?\d+$/.test(t.trim()))
    throw invalidInput(`Invalid request: ${field} must be an integer, got '${t}'`);
  return Number(t.trim());
}

function bool(value: XmlValue | undefined, field: string): boolean | undefined {
  const t = text(value)?.trim();
  if (t === undefined) return undefined;
  if (t !== 'true' && t !== 'false')
    throw invalidInput(`Invalid request: ${field} must be true or false, got '${t}'`);
  return t === 'true';
}

export interface CreateHostedZoneRequest {
  name: string;
  callerReference: string;
  comment?: string;
  privateZone?: boolean;
  vpc?: Vpc;
}

export function readCreateHostedZone(body: string): CreateHostedZoneRequest {
  const req = parseRequestBody(body, 'CreateHostedZoneRequest');
  const name = text(req.Name);
  const callerReference = text(req.CallerReference);
  if (!name) throw invalidInput('Invalid request: CreateHostedZoneRequest is missing Name');
  if (!callerReference)
    throw invalidInput('Invalid request: CreateHostedZoneRequest is missing CallerReference');
  const out: CreateHostedZoneRequest = { name, callerReference };
  const config = obj(req.HostedZoneConfig);
  const comment = text(config?.Comment);
  if (comment !== undefined) out.comment = comment;
  const privateZone = bool(config?.PrivateZone, 'HostedZoneConfig.PrivateZone');
  if (privateZone !== undefined) out.privateZone = privateZone;
  const vpc = obj(req.VPC);
  if (vpc) {
    const id = text(vpc.VPCId);
    const region = text(vpc.VPCRegion);
    if (!id || !region) throw invalidInput('Invalid request: VPC needs VPCId and VPCRegion');
    out.vpc = { id, region };
  }
  return out;
}

function readRecordSet(rrs: XmlObject, action: string): RecordSet {
  const input: Partial<RecordSetInput> = {
    name: text(rrs.Name) ?? '',
    type: text(rrs.Type) ?? '',
  };
  const setIdentifier = text(rrs.SetIdentifier);
  if (setIdentifier !== undefined) input.setIdentifier = setIdentifier;
  const weight = integer(rrs.Weight, 'Weight');
  if (weight !== undefined) input.weight = weight;
  const region = text(rrs.Region);
  if (region !== undefined) input.region = region;
  const failover = text(rrs.Failover);
  if (failover !== undefined) input.failover = failover;
  const multiValueAnswer = bool(rrs.MultiValueAnswer, 'MultiValueAnswer');
  if (multiValueAnswer !== undefined) input.multiValueAnswer = multiValueAnswer;
  const healthCheckId = text(rrs.HealthCheckId);
  if (healthCheckId !== undefined) input.healthCheckId = healthCheckId;
  const geo = obj(rrs.GeoLocation);
  if (geo) {
    input.geoLocation = {};
    for (const [xml, field] of [
      ['ContinentCode', 'continentCode'],
      ['CountryCode', 'countryCode'],
      ['SubdivisionCode', 'subdivisionCode'],
    ] as const) {
      const v = text(geo[xml]);
      if (v !== undefined) input.geoLocation[field] = v;
    }
  }
  const ttl = integer(rrs.TTL, 'TTL');
  if (ttl !== undefined) input.ttl = ttl;
  const records = obj(rrs.ResourceRecords);
  if (rrs.ResourceRecords !== undefined) {
    input.values = list(records?.ResourceRecord).map((r) => text(obj(r)?.Value) ?? '');
  }
  const alias = obj(rrs.AliasTarget);
  if (alias) {
    input.alias = {
      dnsName: text(alias.DNSName) ?? '',
      hostedZoneId: text(alias.HostedZoneId) ?? '',
      evaluateTargetHealth: bool(alias.EvaluateTargetHealth, 'AliasTarget.EvaluateTargetHealth') ?? false,
    };
  }
  if (rrs.TrafficPolicyInstanceId !== undefined) {
    throw invalidInput('Invalid request: TrafficPolicyInstanceId is not supported by the sandbox');
  }
  return normalizeRecord(input as RecordSetInput, action);
}

export function readChangeBatch(body: string): { changes: RecordChange[]; comment?: string } {
  const req = parseRequestBody(body, 'ChangeResourceRecordSetsRequest');
  const batch = obj(req.ChangeBatch);
  if (!batch) throw invalidInput('Invalid request: ChangeResourceRecordSetsRequest is missing ChangeBatch');
  const changes = list(obj(batch.Changes)?.Change).map((c, i) => {
    const change = obj(c) ?? {};
    const action = text(change.Action) as ChangeAction;
    if (!CHANGE_ACTIONS.includes(action)) {
      throw invalidInput(
        `Invalid request: Changes[${i}].Action must be CREATE, DELETE or UPSERT, got '${action}'`,
      );
    }
    const rrs = obj(change.ResourceRecordSet);
    if (!rrs) throw invalidInput(`Invalid request: Changes[${i}] is missing ResourceRecordSet`);
    return { action, record: readRecordSet(rrs, action) };
  });
  const comment = text(batch.Comment);
  return comment === undefined ? { changes } : { changes, comment };
}

export function readChangeTags(body: string): { add: Record<string, string>; remove: string[] } {
  const req = parseRequestBody(body, 'ChangeTagsForResourceRequest');
  const tags = list(obj(req.AddTags)?.Tag).map((t) => ({
    key: text(obj(t)?.Key),
    value: text(obj(t)?.Value) ?? '',
  }));
  const remove = list(obj(req.RemoveTagKeys)?.Key).map((k) => text(k) ?? '');
  if (tags.length > 10) throw invalidInput('Invalid request: AddTags accepts at most 10 tags');
  if (remove.length > 10) throw invalidInput('Invalid request: RemoveTagKeys accepts at most 10 keys');
  const add: Record<string, string> = {};
  for (const [i, t] of tags.entries()) {
    if (!t.key) throw invalidInput(`Invalid request: AddTags[${i}] is missing Key`);
    add[t.key] = t.value;
  }
  return { add, remove };
}

export function readCreateHealthCheck(body: string): { callerReference: string; config: HealthCheckConfig } {
  const req = parseRequestBody(body, 'CreateHealthCheckRequest');
  const c = obj(req.HealthCheckConfig);
  if (!c) throw invalidInput('Invalid request: HealthCheckConfig is required');
  const config: HealthCheckConfig = {
    type: text(c.Type) ?? '',
    requestInterval: integer(c.RequestInterval, 'RequestInterval') ?? 30,
    failureThreshold: integer(c.FailureThreshold, 'FailureThreshold') ?? 3,
  };
  const ip = text(c.IPAddress);
  if (ip) config.ipAddress = ip;
  const port = integer(c.Port, 'Port');
  if (port !== undefined) config.port = port;
  const path = text(c.ResourcePath);
  if (path) config.resourcePath = path;
  const fqdn = text(c.FullyQualifiedDomainName);
  if (fqdn) config.fullyQualifiedDomainName = fqdn;
  return { callerReference: text(req.CallerReference) ?? '', config };
}

export function healthCheckXml(h: HealthCheck): XmlNode {
  const c = h.config;
  return el(
    'HealthCheck',
    children([
      ['Id', h.id],
      ['CallerReference', h.callerReference],
      [
        'HealthCheckConfig',
        el(
          'HealthCheckConfig',
          children([
            ['IPAddress', c.ipAddress],
            ['Port', c.port],
            ['Type', c.type],
            ['ResourcePath', c.resourcePath],
            ['FullyQualifiedDomainName', c.fullyQualifiedDomainName],
            ['RequestInterval', c.requestInterval],
            ['FailureThreshold', c.failureThreshold],
          ]),
        ),
      ],
      ['HealthCheckVersion', h.version],
    ]),
  );
}

export function readResourceIds(body: string): string[] {
  const req = parseRequestBody(body, 'ListTagsForResourcesRequest');
  return list(obj(req.ResourceIds)?.ResourceId).map((r) => text(r) ?? '');
}

// ---- writing ----

type Content = string | number | boolean | XmlNode[] | undefined;

/** An element with text or child elements; undefined content leaves the element out (see `children`). */
export function el(name: string, content?: Content): XmlNode {
  if (Array.isArray(content)) return new XmlNode(name, content);
  return content === undefined ? new XmlNode(name) : XmlNode.of(name, String(content));
}

/** Child elements, skipping fields that are absent. */
export function children(fields: [string, Content | XmlNode][]): XmlNode[] {
  return fields
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => (v instanceof XmlNode ? v.withName(name) : el(name, v as Content)));
}

export function document(root: string, content: XmlNode[]): string {
  const node = new XmlNode(root, content).a('xmlns', ROUTE53_XMLNS);
  return `<?xml version="1.0"?>\n${node.toString()}`;
}

export function hostedZoneXml(zone: HostedZone): XmlNode {
  return el(
    'HostedZone',
    children([
      ['Id', `/hostedzone/${zone.id}`],
      ['Name', escapeName(zone.name)],
      ['CallerReference', zone.callerReference],
      [
        'Config',
        el(
          'Config',
          children([
            ['Comment', zone.comment],
            ['PrivateZone', zone.private],
          ]),
        ),
      ],
      ['ResourceRecordSetCount', zone.recordSetCount],
    ]),
  );
}

export function changeInfoXml(info: ChangeInfo): XmlNode {
  return el(
    'ChangeInfo',
    children([
      ['Id', `/change/${info.id}`],
      ['Status', info.status],
      ['SubmittedAt', info.submittedAt.toISOString()],
      ['Comment', info.comment],
    ]),
  );
}

export function delegationSetXml(zone: HostedZone): XmlNode {
  return el('DelegationSet', [
    el(
      'NameServers',
      zone.nameServers.map((ns) => el('NameServer', ns)),
    ),
  ]);
}

export function vpcXml(vpc: Vpc): XmlNode {
  return el('VPC', [el('VPCRegion', vpc.region), el('VPCId', vpc.id)]);
}

export function recordSetXml(r: RecordSet): XmlNode {
  const geo = r.geoLocation
    ? el(
        'GeoLocation',
        children([
          ['ContinentCode', r.geoLocation.continentCode],
          ['CountryCode', r.geoLocation.countryCode],
          ['SubdivisionCode', r.geoLocation.subdivisionCode],
        ]),
      )
    : undefined;
  const values = r.values
    ? el(
        'ResourceRecords',
        r.values.map((v) => el('ResourceRecord', [el('Value', v)])),
      )
    : undefined;
  const alias = r.alias
    ? el('AliasTarget', [
        el('HostedZoneId', r.alias.hostedZoneId),
        el('DNSName', escapeName(r.alias.dnsName)),
        el('EvaluateTargetHealth', r.alias.evaluateTargetHealth),
      ])
    : undefined;
  return el(
    'ResourceRecordSet',
    children([
      ['Name', escapeName(r.name)],
      ['Type', r.type],
      ['SetIdentifier', r.setIdentifier],
      ['Weight', r.weight],
      ['Region', r.region],
      ['GeoLocation', geo],
      ['Failover', r.failover],
      ['MultiValueAnswer', r.multiValueAnswer],
      ['TTL', r.ttl],
      ['ResourceRecords', values],
      ['AliasTarget', alias],
      ['HealthCheckId', r.healthCheckId],
    ]),
  );
}

export function tagSetXml(zoneId: string, tags: Record<string, string>, type = 'hostedzone'): XmlNode {
  return el('ResourceTagSet', [
    el('ResourceType', type),
    el('ResourceId', zoneId),
    el(
      'Tags',
      Object.entries(tags).map(([k, v]) => el('Tag', [el('Key', k), el('Value', v)])),
    ),
  ]);
}

/** Route 53's InvalidChangeBatch also lists each message, which the SDK exposes as `messages`. */
export function messagesXml(messages: readonly string[]): XmlNode {
  return el(
    'Messages',
    messages.map((m) => el('Message', m)),
  );
}
