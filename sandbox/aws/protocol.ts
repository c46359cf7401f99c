import type { IncomingHttpHeaders } from 'node:http';

/**
 * One AWS API request as the sandbox's HTTP server hands it to a service: the service and region come
 * from the SigV4 credential scope of the Authorization header, the way AWS-compatible endpoints route.
 */
export interface AwsRequest {
  method: string;
  /** The URL path, percent-decoded segments left as sent. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  service: string;
  region: string;
  accessKeyId?: string;
}

export interface AwsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * What a service answers: the response plus the API operation it served, as the API names it
 * (`ListResourceRecordSets`, `DescribeCluster`, ...), so the server can count calls per operation.
 * A request the service cannot map to an operation answers with `operation: 'Unknown'`.
 */
export interface ServiceResponse extends AwsResponse {
  operation: string;
}

export interface ServiceHandler {
  (req: AwsRequest): ServiceResponse | Promise<ServiceResponse>;
  /**
   * Optional: names the operation without serving it. The server uses it to count calls it refuses
   * before they reach the service (throttled ones); without it they count as `Unknown`.
   */
  operationOf?: (req: AwsRequest) => string;
}
