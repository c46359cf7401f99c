import { createHash, randomInt, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { KubernetesObject } from '../shared/sources/objects.js';
import { SANDBOX_ACCOUNT } from './credentials.js';
import type { KubernetesApiServer } from './kubernetes/api-server.js';
import { groupVersion, resourceByKind, type ServedResource } from './kubernetes/discovery.js';
import type { Sandbox } from './sandbox.js';

/**
 * The sandbox's EKS audit log: writes objects to a cluster's API server and returns the audit events
 * EKS would put in the cluster's `/aws/eks/<cluster>/cluster` log group, as the CloudWatch Logs
 * subscription hands them to a Lambda (`{awslogs: {data}}`, gzip + base64).
 *
 * What EKS writes, and so what this writes: one audit.k8s.io/v1 `Event` per log event, ResponseComplete
 * stage (EKS omits RequestReceived), RequestResponse level for writes to these resources. A create ignores
 * `status`, so an object applied with one gets a second write — the controller's status patch, which is
 * when a load balancer's hostname really appears. A delete answers with a `Status` unless the object has
 * finalizers, in which case it answers with the object (now carrying a deletionTimestamp) and the
 * controller's finalizer-removing patch follows. Deleting what is not there is a failed (404) delete.
 */

export interface AuditTrigger {
  cluster: string;
  apply?: KubernetesObject[];
  delete?: { kind: string; namespace?: string; name: string }[];
}

export interface SubscriptionPayload {
  awslogs: { data: string };
}

/** The decoded `awslogs.data` document. */
export interface CloudWatchLogsData {
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: { id: string; timestamp: number; message: string }[];
}

export const SUBSCRIPTION_FILTER_NAME = 'edge-reconciler-audit';

const KUBECTL_USER = {
  username: `arn:aws:sts::${SANDBOX_ACCOUNT}:assumed-role/platform-admin/sandbox`,
  uid: `aws-iam-authenticator:${SANDBOX_ACCOUNT}:AROASANDBOXPLATFORMADMIN`,
  groups: ['system:authenticated'],
  extra: {
    accessKeyId: ['ASIASANDBOXKUBECTL00'],
    arn: [`arn:aws:sts::${SANDBOX_ACCOUNT}:assumed-role/platform-admin/sandbox`],
    canonicalArn: [`arn:aws:iam::${SANDBOX_ACCOUNT}:role/platform-admin`],
    principalId: ['AROASANDBOXPLATFORMADMIN'],
    sessionName: ['sandbox'],
  },
};
const CONTROLLER_USER = {
  username: 'system:serviceaccount:kube-system:aws-load-balancer-controller',
  uid: '5d0c2c8e-7a53-4c1b-9a3e-2f1d6b9e0c41',
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
};
const KUBECTL_AGENT = 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46';
const CONTROLLER_AGENT = 'aws-load-balancer-controller/v2.9.2';

type User = typeof KUBECTL_USER | typeof CONTROLLER_USER;

interface Write {
  verb: 'create' | 'update' | 'patch' | 'delete';
  resource: ServedResource;
  namespace: string | undefined;
  name: string;
  subresource?: 'status';
  query?: string;
  code: number;
  user: User;
  requestObject?: unknown;
  responseObject?: unknown;
  responseStatus?: Record<string, unknown>;
}

/** Applies and deletes the objects in the cluster's API server; returns the subscription delivery. */
export async function auditTrigger(sandbox: Sandbox, trigger: AuditTrigger): Promise<SubscriptionPayload> {
  const server = sandbox.cluster(trigger.cluster);
  const writes: Write[] = [];
  for (const [i, object] of (trigger.apply ?? []).entries()) {
    try {
      writes.push(...applyObject(server, object));
    } catch (err) {
      throw new Error(`audit trigger for ${trigger.cluster}: apply[${i}]: ${(err as Error).message}`);
    }
  }
  for (const [i, ref] of (trigger.delete ?? []).entries()) {
    const resource = resourceByKind(ref.kind);
    if (!resource) {
      throw new Error(`audit trigger for ${trigger.cluster}: delete[${i}]: kind ${ref.kind} is not served`);
    }
    writes.push(...deleteObject(server, resource, ref.namespace, ref.name, sandbox.clock.now()));
  }

  const account = sandbox.eks.clusters().find((c) => c.name === trigger.cluster)?.account ?? SANDBOX_ACCOUNT;
  const start = sandbox.clock.now().getTime();
  const logEvents = writes.map((w, i) => {
    const received = new Date(start + i * 7);
    const event = auditEvent(w, received, new Date(received.getTime() + 4));
    return {
      id: logEventId(received.getTime()),
      timestamp: received.getTime(),
      message: JSON.stringify(event),
    };
  });
  return subscriptionPayload({
    messageType: 'DATA_MESSAGE',
    owner: account,
    logGroup: `/aws/eks/${trigger.cluster}/cluster`,
    logStream: auditLogStream(trigger.cluster),
    subscriptionFilters: [SUBSCRIPTION_FILTER_NAME],
    logEvents,
  });
}

/** gzip + base64, as CloudWatch Logs delivers a subscription batch to Lambda. */
export function subscriptionPayload(data: CloudWatchLogsData): SubscriptionPayload {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(data), 'utf8')).toString('base64') } };
}

/** EKS names the audit stream `kube-apiserver-audit-` and a 32-hex-digit id; stable per cluster here. */
export function auditLogStream(cluster: string): string {
  return `kube-apiserver-audit-${createHash('sha256').update(cluster).digest('hex').slice(0, 32)}`;
}

function applyObject(server: KubernetesApiServer, input: KubernetesObject): Write[] {
  const resource = resourceByKind(input?.kind);
  if (!resource) {
    // The API server's own error names the object and what it serves.
    server.apply(input);
    return [];
  }
  const name = input.metadata.name;
  const namespace = resource.namespaced ? input.metadata.namespace || 'default' : undefined;
  const existing = find(server, resource, namespace, name);
  const { status: wantedStatus, ...spec } = structuredClone(input);
  const hasStatus = wantedStatus !== undefined && JSON.stringify(wantedStatus) !== '{}';

  if (!existing) {
    const stored = server.apply(input);
    const writes: Write[] = [
      {
        verb: 'create',
        resource,
        namespace,
        name,
        query: 'fieldManager=kubectl-client-side-apply&fieldValidation=Strict',
        code: 201,
        user: KUBECTL_USER,
        requestObject: spec,
        responseObject: withStatus(stored, emptyStatus(resource)),
      },
    ];
    if (hasStatus) writes.push(statusPatch(resource, namespace, name, wantedStatus, stored));
    return writes;
  }

  // Same object, new spec: keep its identity, as an update does.
  const replacement = structuredClone(input);
  type Created = KubernetesObject['metadata'] & { creationTimestamp?: string };
  replacement.metadata.uid = existing.metadata.uid;
  (replacement.metadata as Created).creationTimestamp = (existing.metadata as Created).creationTimestamp;
  if (!hasStatus && existing.status !== undefined) replacement.status = existing.status;
  const stored = server.apply(replacement);
  const writes: Write[] = [
    {
      verb: 'update',
      resource,
      namespace,
      name,
      query: 'fieldManager=kubectl-edit&fieldValidation=Strict',
      code: 200,
      user: KUBECTL_USER,
      requestObject: {
        ...spec,
        metadata: { ...spec.metadata, resourceVersion: existing.metadata.resourceVersion },
      },
      responseObject: withStatus(stored, existing.status),
    },
  ];
  if (hasStatus && JSON.stringify(wantedStatus) !== JSON.stringify(existing.status)) {
    writes.push(statusPatch(resource, namespace, name, wantedStatus, stored));
  }
  return writes;
}

function deleteObject(
  server: KubernetesApiServer,
  resource: ServedResource,
  namespace: string | undefined,
  name: string,
  now: Date,
): Write[] {
  const ns = resource.namespaced ? namespace || 'default' : undefined;
  const existing = find(server, resource, ns, name);
  const deleteOptions = { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' };
  const details = { name, ...(resource.group ? { group: resource.group } : {}), kind: resource.name };
  const kubectlDelete = (code: number, responseObject: unknown): Write => ({
    verb: 'delete',
    resource,
    namespace: ns,
    name,
    code,
    user: KUBECTL_USER,
    requestObject: deleteOptions,
    responseObject,
  });
  if (!existing) {
    const qualified = resource.group ? `${resource.name}.${resource.group}` : resource.name;
    const notFound = {
      metadata: {},
      status: 'Failure',
      message: `${qualified} "${name}" not found`,
      reason: 'NotFound',
      details,
      code: 404,
    };
    return [
      { ...kubectlDelete(404, { kind: 'Status', apiVersion: 'v1', ...notFound }), responseStatus: notFound },
    ];
  }
  server.remove(resource.kind, ns, name);

  const finalizers = existing.metadata as { finalizers?: string[] };
  if (!finalizers.finalizers?.length) {
    const success = { metadata: {}, status: 'Success', details: { ...details, uid: existing.metadata.uid } };
    return [kubectlDelete(200, { kind: 'Status', apiVersion: 'v1', ...success })];
  }
  // The object lingers with a deletionTimestamp until its controller lets go of it.
  const marked = structuredClone(existing);
  Object.assign(marked.metadata, {
    deletionTimestamp: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    deletionGracePeriodSeconds: 0,
  });
  const released = structuredClone(marked);
  delete (released.metadata as { finalizers?: string[] }).finalizers;
  return [
    kubectlDelete(200, marked),
    {
      verb: 'patch',
      resource,
      namespace: ns,
      name,
      code: 200,
      user: CONTROLLER_USER,
      requestObject: { metadata: { finalizers: null, resourceVersion: existing.metadata.resourceVersion } },
      responseObject: released,
    },
  ];
}

function statusPatch(
  resource: ServedResource,
  namespace: string | undefined,
  name: string,
  status: unknown,
  stored: KubernetesObject,
): Write {
  return {
    verb: 'patch',
    resource,
    namespace,
    name,
    subresource: 'status',
    code: 200,
    user: CONTROLLER_USER,
    requestObject: { status },
    responseObject: stored,
  };
}

function find(
  server: KubernetesApiServer,
  resource: ServedResource,
  namespace: string | undefined,
  name: string,
): KubernetesObject | undefined {
  return server
    .list(resource.kind)
    .find((o) => o.metadata.name === name && (o.metadata.namespace ?? undefined) === namespace);
}

function withStatus(object: KubernetesObject, status: unknown): KubernetesObject {
  const { status: _ignored, ...rest } = object;
  return status === undefined ? rest : { ...rest, status };
}

/** What a freshly created object's status reads back as. */
function emptyStatus(resource: ServedResource): unknown {
  return resource.kind === 'Service' || resource.kind === 'Ingress' ? { loadBalancer: {} } : undefined;
}

function auditEvent(w: Write, received: Date, completed: Date): Record<string, unknown> {
  const base = resourceBase(w.resource);
  const path = [base, ...(w.namespace ? ['namespaces', w.namespace] : []), w.resource.name];
  const named = w.verb !== 'create';
  if (named) path.push(w.name);
  if (w.subresource) path.push(w.subresource);
  const requestURI = `${path.join('/')}${w.query ? `?${w.query}` : ''}`;
  const decision = {
    'authorization.k8s.io/decision': 'allow',
    'authorization.k8s.io/reason':
      w.user === KUBECTL_USER
        ? 'EKS Access Policy: allowed by ClusterRoleBinding "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"'
        : `RBAC: allowed by ClusterRoleBinding "aws-load-balancer-controller-rolebinding" of ClusterRole "aws-load-balancer-controller-role" to ServiceAccount "aws-load-balancer-controller/kube-system"`,
  };
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'RequestResponse',
    auditID: randomUUID(),
    stage: 'ResponseComplete',
    requestURI,
    verb: w.verb,
    user: w.user,
    sourceIPs: [w.user === KUBECTL_USER ? '203.0.113.24' : '10.0.141.17'],
    userAgent: w.user === KUBECTL_USER ? KUBECTL_AGENT : CONTROLLER_AGENT,
    objectRef: {
      resource: w.resource.name,
      ...(w.namespace ? { namespace: w.namespace } : {}),
      name: w.name,
      ...(w.resource.group ? { apiGroup: w.resource.group } : {}),
      apiVersion: w.resource.version,
      ...(w.subresource ? { subresource: w.subresource } : {}),
    },
    responseStatus: w.responseStatus ?? { metadata: {}, code: w.code },
    ...(w.requestObject !== undefined ? { requestObject: w.requestObject } : {}),
    ...(w.responseObject !== undefined ? { responseObject: w.responseObject } : {}),
    requestReceivedTimestamp: kubernetesTime(received),
    stageTimestamp: kubernetesTime(completed),
    annotations: decision,
  };
}

function resourceBase(r: ServedResource): string {
  return r.group ? `/apis/${groupVersion(r)}` : `/api/${r.version}`;
}

/** Audit timestamps are metav1.MicroTime: RFC 3339 with microseconds. */
function kubernetesTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** CloudWatch Logs event ids are 56 decimal digits. */
function logEventId(timestamp: number): string {
  let id = String(timestamp);
  while (id.length < 56) id += String(randomInt(10));
  return id;
}
