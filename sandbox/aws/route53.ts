import { SANDBOX_ACCOUNT } from '../credentials.js';
import { xmlError } from './errors.js';
import type { AwsRequest, ServiceHandler, ServiceResponse } from './protocol.js';
import type { Route53Accounts } from './route53-accounts.js';
import { compareAscii, escapeName, normalizeName, reversedLabels } from './route53-names.js';
import { invalidInput, Route53Error } from './route53-records.js';
import type { Route53ChangeRefusals } from './route53-refusals.js';
import { bareZoneId, compareRecordSets, Route53State } from './route53-state.js';
import {
  changeInfoXml,
  children,
  delegationSetXml,
  document,
  el,
  healthCheckXml,
  hostedZoneXml,
  messagesXml,
  readChangeBatch,
  readChangeTags,
  readCreateHealthCheck,
  readCreateHostedZone,
  readResourceIds,
  recordSetXml,
  tagSetXml,
  vpcXml,
} from './route53-xml.js';
import type { CallerIdentities } from './sts.js';

export { Route53Accounts } from './route53-accounts.js';
export type { RecordSet, RecordSetInput } from './route53-records.js';
export { Route53Error } from './route53-records.js';
export type { CreateZoneInput, HostedZone, RecordExport, ZoneExport } from './route53-state.js';
export { Route53State } from './route53-state.js';

/** Route 53's REST-XML API (2013-04-01) over a Route53State. */

/** ListResourceRecordSets returns at most 300 record sets per page; larger maxitems are capped. */
export const MAX_RECORD_SETS_PER_PAGE = 300;
const DEFAULT_ZONES_PER_PAGE = 100;

interface Route {
  operation: string;
  params: string[];
}

const ROUTES: [method: string, pattern: RegExp, operation: string][] = [
  ['POST', /^\/2013-04-01\/hostedzone\/?$/, 'CreateHostedZone'],
  ['GET', /^\/2013-04-01\/hostedzone\/?$/, 'ListHostedZones'],
  ['GET', /^\/2013-04-01\/hostedzonesbyname\/?$/, 'ListHostedZonesByName'],
  ['GET', /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/, 'ListResourceRecordSets'],
  ['POST', /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/, 'ChangeResourceRecordSets'],
  ['GET', /^\/2013-04-01\/hostedzone\/([^/]+)\/?$/, 'GetHostedZone'],
  ['DELETE', /^\/2013-04-01\/hostedzone\/([^/]+)\/?$/, 'DeleteHostedZone'],
  ['GET', /^\/2013-04-01\/change\/([^/]+)\/?$/, 'GetChange'],
  ['GET', /^\/2013-04-01\/tags\/([^/]+)\/([^/]+)\/?$/, 'ListTagsForResource'],
  ['POST', /^\/2013-04-01\/tags\/([^/]+)\/([^/]+)\/?$/, 'ChangeTagsForResource'],
  ['POST', /^\/2013-04-01\/tags\/([^/]+)\/?$/, 'ListTagsForResources'],
  ['POST', /^\/2013-04-01\/healthcheck\/?$/, 'CreateHealthCheck'],
  ['GET', /^\/2013-04-01\/healthcheck\/?$/, 'ListHealthChecks'],
  ['GET', /^\/2013-04-01\/healthcheck\/([^/]+)\/?$/, 'GetHealthCheck'],
  ['DELETE', /^\/2013-04-01\/healthcheck\/([^/]+)\/?$/, 'DeleteHealthCheck'],
];

export function route53Route(req: Pick<AwsRequest, 'method' | 'path'>): Route | undefined {
  for (const [method, pattern, operation] of ROUTES) {
    if (req.method !== method) continue;
    const m = pattern.exec(req.path);
    if (m) return { operation, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}

function ok(
  operation: string,
  root: string,
  content: Parameters<typeof document>[1],
  status = 200,
): ServiceResponse {
  return { operation, status, headers: { 'content-type': 'text/xml' }, body: document(root, content) };
}

/** The `limit` items from `start`, and the one after them (undefined on the last page). */
function pageAt<T>(items: readonly T[], start: number, limit: number): { page: T[]; next: T | undefined } {
  return { page: items.slice(start, start + limit), next: items[start + limit] };
}

/**
 * Where a sorted listing resumes from a start key: the first item at or after it, else past the end (an
 * empty page). A binary search: `atOrAfter` is false, then true, along the sorted items.
 */
function firstIndexOrEnd<T>(items: readonly T[], atOrAfter: (item: T) => boolean): number {
  let [low, high] = [0, items.length];
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (atOrAfter(items[mid]!)) high = mid;
    else low = mid + 1;
  }
  return low;
}

function maxItems(query: URLSearchParams, fallback: number, cap: number): number {
  const raw = query.get('maxitems');
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw invalidInput(`Invalid request: maxitems must be a positive integer, got '${raw}'`);
  }
  return Math.min(Number(raw), cap);
}

function taggedResource(type: string): 'hostedzone' | 'healthcheck' {
  if (type !== 'hostedzone' && type !== 'healthcheck') {
    throw invalidInput(
      `Invalid request: the sandbox keeps tags for hostedzone and healthcheck resources only, not '${type}'`,
    );
  }
  return type;
}

/** A resource's tags, a hosted zone's or a health check's. */
function tagsOf(state: Route53State, type: string, id: string): Record<string, string> {
  return type === 'healthcheck' ? state.healthChecks.tags(id) : state.tags(id);
}

const DEFAULT_HEALTH_CHECKS_PER_PAGE = 100;

export interface Route53HandlerOptions {
  /** Changes to refuse, as an IAM record-name condition would (a fault hook for tests and scenarios). */
  refusals?: Route53ChangeRefusals;
  /**
   * Who signed a request: the ARN an AccessDenied message names and, with Route53Accounts, the account
   * the request acts in. A session token it does not honour is refused as Route 53 refuses it.
   */
  identities?: CallerIdentities;
}

function sessionToken(req: AwsRequest): string | undefined {
  const token = req.headers['x-amz-security-token'];
  return Array.isArray(token) ? token[0] : token;
}

function callerArn(req: AwsRequest, identities: CallerIdentities | undefined): string {
  const found = identities?.identityOf(req.accessKeyId, sessionToken(req));
  return found?.ok ? found.identity.arn : `arn:aws:iam::${SANDBOX_ACCOUNT}:user/unknown`;
}

/**
 * The account a request acts in. Like the sandbox's other services (only STS checks keys), any key pair
 * is the sandbox's own account; a session token makes the caller its role, in the role's account, and
 * one STS does not honour (expired, unknown) gets Route 53's 403.
 */
function callerAccount(req: AwsRequest, identities: CallerIdentities | undefined): string | undefined {
  const token = sessionToken(req);
  if (!identities || !token) return undefined;
  const found = identities.identityOf(req.accessKeyId, token);
  if (found.ok) return found.identity.account;
  if (found.reason === 'expired') {
    throw new Route53Error('ExpiredToken', 403, ['The security token included in the request is expired']);
  }
  throw new Route53Error('InvalidClientTokenId', 403, [
    'The security token included in the request is invalid.',
  ]);
}

/**
 * Route 53 over one account's state, or over every account's (Route53Accounts: each request acts in its
 * caller's account).
 */
export function route53Handler(
  target: Route53State | Route53Accounts,
  options: Route53HandlerOptions = {},
): ServiceHandler {
  const stateFor = (req: AwsRequest): Route53State => {
    const account = callerAccount(req, options.identities);
    if (target instanceof Route53State) return target;
    return account === undefined ? target.home : target.account(account);
  };
  type Operation = (state: Route53State, req: AwsRequest, params: string[]) => ServiceResponse;
  const operations: Record<string, Operation> = {
    CreateHostedZone(state, req) {
      const input = readCreateHostedZone(req.body);
      if (input.privateZone && !input.vpc) {
        throw invalidInput('Invalid request: a private hosted zone needs a VPC');
      }
      const { zone, change } = state.createHostedZone({
        name: input.name,
        private: input.privateZone ?? input.vpc !== undefined,
        vpcs: input.vpc ? [input.vpc] : [],
        callerReference: input.callerReference,
        ...(input.comment !== undefined ? { comment: input.comment } : {}),
      });
      const response = ok(
        'CreateHostedZone',
        'CreateHostedZoneResponse',
        children([
          ['HostedZone', hostedZoneXml(zone)],
          ['ChangeInfo', changeInfoXml(change)],
          ['DelegationSet', zone.private ? undefined : delegationSetXml(zone)],
          ['VPC', input.vpc ? vpcXml(input.vpc) : undefined],
        ]),
        201,
      );
      response.headers.location = `https://route53.amazonaws.com/2013-04-01/hostedzone/${zone.id}`;
      return response;
    },

    GetHostedZone(state, _req, [id]) {
      const zone = state.zone(id!);
      return ok(
        'GetHostedZone',
        'GetHostedZoneResponse',
        children([
          ['HostedZone', hostedZoneXml(zone)],
          ['DelegationSet', zone.private ? undefined : delegationSetXml(zone)],
          ['VPCs', zone.private ? el('VPCs', zone.vpcs.map(vpcXml)) : undefined],
        ]),
      );
    },

    ListHostedZones(state, req) {
      const limit = maxItems(req.query, DEFAULT_ZONES_PER_PAGE, DEFAULT_ZONES_PER_PAGE);
      const zones = state.zones();
      const marker = req.query.get('marker');
      let start = 0;
      if (marker) {
        start = zones.findIndex((z) => z.id === bareZoneId(marker));
        if (start < 0) throw invalidInput(`Invalid request: marker ${marker} is not a hosted zone id`);
      }
      const { page, next } = pageAt(zones, start, limit);
      return ok(
        'ListHostedZones',
        'ListHostedZonesResponse',
        children([
          ['HostedZones', el('HostedZones', page.map(hostedZoneXml))],
          ['Marker', marker ?? ''],
          ['IsTruncated', next !== undefined],
          ['NextMarker', next?.id],
          ['MaxItems', limit],
        ]),
      );
    },

    ListHostedZonesByName(state, req) {
      const limit = maxItems(req.query, DEFAULT_ZONES_PER_PAGE, DEFAULT_ZONES_PER_PAGE);
      const dnsName = req.query.get('dnsname');
      const zoneId = req.query.get('hostedzoneid');
      if (zoneId && !dnsName) throw invalidInput('Invalid request: hostedzoneid requires dnsname');
      const zones = state
        .zones()
        .sort(
          (a, b) => compareAscii(reversedLabels(a.name), reversedLabels(b.name)) || compareAscii(a.id, b.id),
        );
      let start = 0;
      if (dnsName) {
        const key = reversedLabels(normalizeName(dnsName));
        const id = zoneId ? bareZoneId(zoneId) : '';
        start = firstIndexOrEnd(zones, (z) => {
          const c = compareAscii(reversedLabels(z.name), key);
          return c > 0 || (c === 0 && compareAscii(z.id, id) >= 0);
        });
      }
      const { page, next } = pageAt(zones, start, limit);
      return ok(
        'ListHostedZonesByName',
        'ListHostedZonesByNameResponse',
        children([
          ['HostedZones', el('HostedZones', page.map(hostedZoneXml))],
          ['DNSName', dnsName ?? undefined],
          ['HostedZoneId', zoneId ?? undefined],
          ['IsTruncated', next !== undefined],
          ['NextDNSName', next?.name],
          ['NextHostedZoneId', next?.id],
          ['MaxItems', limit],
        ]),
      );
    },

    DeleteHostedZone(state, _req, [id]) {
      const change = state.deleteZone(id!);
      return ok('DeleteHostedZone', 'DeleteHostedZoneResponse', [changeInfoXml(change)]);
    },

    ListResourceRecordSets(state, req, [id]) {
      const limit = maxItems(req.query, MAX_RECORD_SETS_PER_PAGE, MAX_RECORD_SETS_PER_PAGE);
      const records = state.records(id!);
      const startName = req.query.get('name');
      const startType = req.query.get('type');
      const startIdentifier = req.query.get('identifier');
      if (startType && !startName) {
        throw invalidInput('Invalid request: StartRecordType requires StartRecordName');
      }
      if (startIdentifier && !startType) {
        throw invalidInput(
          'Invalid request: StartRecordIdentifier requires StartRecordName and StartRecordType',
        );
      }
      let start = 0;
      if (startName) {
        const from = {
          name: normalizeName(startName),
          type: startType?.toUpperCase() ?? '',
          setIdentifier: startIdentifier ?? '',
        };
        start = firstIndexOrEnd(records, (r) => compareRecordSets(r, from) >= 0);
      }
      const { page, next } = pageAt(records, start, limit);
      return ok(
        'ListResourceRecordSets',
        'ListResourceRecordSetsResponse',
        children([
          ['ResourceRecordSets', el('ResourceRecordSets', page.map(recordSetXml))],
          ['IsTruncated', next !== undefined],
          ['NextRecordName', next ? escapeName(next.name) : undefined],
          ['NextRecordType', next?.type],
          ['NextRecordIdentifier', next?.setIdentifier],
          ['MaxItems', limit],
        ]),
      );
    },

    ChangeResourceRecordSets(state, req, [id]) {
      state.zone(id!); // NoSuchHostedZone before any batch validation, as Route 53 answers
      const batch = readChangeBatch(req.body);
      const refused = options.refusals?.check(batch.changes, {
        zoneId: bareZoneId(id!),
        callerArn: callerArn(req, options.identities),
      });
      if (refused) throw refused;
      const change = state.changeRecords(id!, batch.changes, batch.comment);
      return ok('ChangeResourceRecordSets', 'ChangeResourceRecordSetsResponse', [changeInfoXml(change)]);
    },

    GetChange(state, _req, [id]) {
      return ok('GetChange', 'GetChangeResponse', [changeInfoXml(state.getChange(id!))]);
    },

    ListTagsForResource(state, _req, [type, id]) {
      const kind = taggedResource(type!);
      const resourceId = bareZoneId(id!);
      return ok('ListTagsForResource', 'ListTagsForResourceResponse', [
        tagSetXml(resourceId, tagsOf(state, kind, resourceId), kind),
      ]);
    },

    CreateHealthCheck(state, req) {
      const input = readCreateHealthCheck(req.body);
      const { healthCheck, created } = state.healthChecks.create(input.callerReference, input.config);
      const response = ok(
        'CreateHealthCheck',
        'CreateHealthCheckResponse',
        [healthCheckXml(healthCheck)],
        created ? 201 : 200,
      );
      response.headers.location = `https://route53.amazonaws.com/2013-04-01/healthcheck/${healthCheck.id}`;
      return response;
    },

    GetHealthCheck(state, _req, [id]) {
      return ok('GetHealthCheck', 'GetHealthCheckResponse', [healthCheckXml(state.healthChecks.get(id!))]);
    },

    DeleteHealthCheck(state, _req, [id]) {
      state.healthChecks.delete(id!);
      return ok('DeleteHealthCheck', 'DeleteHealthCheckResponse', []);
    },

    ListHealthChecks(state, req) {
      const limit = maxItems(req.query, DEFAULT_HEALTH_CHECKS_PER_PAGE, 1000);
      const checks = state.healthChecks.list();
      const marker = req.query.get('marker');
      const start = marker ? firstIndexOrEnd(checks, (c) => c.id >= marker) : 0;
      const { page, next } = pageAt(checks, start, limit);
      return ok(
        'ListHealthChecks',
        'ListHealthChecksResponse',
        children([
          ['HealthChecks', el('HealthChecks', page.map(healthCheckXml))],
          ['Marker', marker ?? ''],
          ['IsTruncated', next !== undefined],
          ['NextMarker', next?.id],
          ['MaxItems', limit],
        ]),
      );
    },

    ListTagsForResources(state, req, [type]) {
      const kind = taggedResource(type!);
      const ids = readResourceIds(req.body).map(bareZoneId);
      if (ids.length === 0 || ids.length > 10) {
        throw invalidInput('Invalid request: ResourceIds must list 1 to 10 resource ids');
      }
      return ok('ListTagsForResources', 'ListTagsForResourcesResponse', [
        el(
          'ResourceTagSets',
          ids.map((resourceId) => tagSetXml(resourceId, tagsOf(state, kind, resourceId), kind)),
        ),
      ]);
    },

    ChangeTagsForResource(state, req, [type, id]) {
      const kind = taggedResource(type!);
      const { add, remove } = readChangeTags(req.body);
      if (kind === 'healthcheck') state.healthChecks.changeTags(id!, add, remove);
      else state.changeTags(bareZoneId(id!), add, remove);
      return ok('ChangeTagsForResource', 'ChangeTagsForResourceResponse', []);
    },
  };

  const handler: ServiceHandler = (req) => {
    const route = route53Route(req);
    if (!route) {
      return {
        operation: 'Unknown',
        ...xmlError(404, 'UnknownOperationException', `No Route 53 operation for ${req.method} ${req.path}`),
      };
    }
    try {
      return operations[route.operation]!(stateFor(req), req, route.params);
    } catch (err) {
      if (!(err instanceof Route53Error)) throw err;
      const extra = err.code === 'InvalidChangeBatch' ? [messagesXml(err.messages)] : [];
      return { operation: route.operation, ...xmlError(err.status, err.code, err.message, { extra }) };
    }
  };
  handler.operationOf = (req) => route53Route(req)?.operation ?? 'Unknown';
  return handler;
}
