import type { AwsClients } from '../aws-clients.js';
import type { Clock } from '../clock.js';
import type { ClusterConfig } from '../config.js';
import { errorMessage } from '../errors.js';
import { clusterStatus } from './discover.js';

/**
 * Proof that a cluster is gone, from EKS itself: the only thing that lets a pass release a cluster's
 * records (ReconcileRequest.release). An event saying so is a hint to look, never the proof: a forged
 * invoke, a same-named cluster elsewhere, or a DeleteCluster that has not taken effect all arrive as
 * the same event.
 */
export interface ConfirmedRelease {
  cluster: string;
  account: string;
  region: string;
  /** What EKS answered in that account and region. */
  evidence: 'ResourceNotFoundException' | 'DELETING';
}

export type DeletionCheck =
  | { confirmed: true; release: ConfirmedRelease }
  | { confirmed: false; reason: string };

const ROLE_ACCOUNT = /^arn:aws[a-z-]*:iam::(\d{12}):role\//;

/**
 * Asks EKS, in the cluster's own account and region, whether `member` is gone: DescribeCluster answers
 * ResourceNotFoundException, or status DELETING. Anything else — ACTIVE, any other status, an error,
 * or no way to ask in that account — is not proof, and releases nothing.
 */
export async function confirmClusterDeleted(
  member: ClusterConfig,
  where: { account: string; homeAccount: string },
  aws: AwsClients,
  options: { clock?: Clock } = {},
): Promise<DeletionCheck> {
  const label = `cluster ${member.name} in ${member.region} (account ${where.account})`;
  // Asking with credentials of another account would answer "not found" for a cluster that is alive.
  const askingAccount = member.roleArn ? ROLE_ACCOUNT.exec(member.roleArn)?.[1] : where.homeAccount;
  if (askingAccount !== where.account) {
    return {
      confirmed: false,
      reason: `${label}: no role in that account to ask EKS whether it is gone; nothing released`,
    };
  }
  let status: string | undefined;
  try {
    status = await clusterStatus(member, aws, options);
  } catch (err) {
    return {
      confirmed: false,
      reason: `${label}: DescribeCluster failed (${errorMessage(err)}), so its deletion is not confirmed; nothing released`,
    };
  }
  if (status === undefined || status === 'DELETING') {
    return {
      confirmed: true,
      release: {
        cluster: member.name,
        account: where.account,
        region: member.region,
        evidence: status === 'DELETING' ? 'DELETING' : 'ResourceNotFoundException',
      },
    };
  }
  return {
    confirmed: false,
    reason: `${label} is ${status} in EKS: the DeleteCluster event is not confirmed; nothing released`,
  };
}
