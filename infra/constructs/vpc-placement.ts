import { Fn } from 'aws-cdk-lib';
import {
  type ISecurityGroup,
  type ISubnet,
  type IVpc,
  SecurityGroup,
  Subnet,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { DeploySettings } from '../deploy-config.js';

export interface VpcPlacement {
  vpc: IVpc;
  subnets: ISubnet[];
  securityGroups: ISecurityGroup[];
}

/**
 * Where the functions run when some clusters have only a private API endpoint. Built from ids alone (no
 * `Vpc.fromLookup`), so synth stays offline; the subnets need a route to the AWS APIs (NAT or endpoints)
 * and the security groups must be allowed into each private cluster's control-plane security group on 443.
 */
export function vpcPlacement(scope: Construct, settings: NonNullable<DeploySettings['vpc']>): VpcPlacement {
  const vpc = Vpc.fromVpcAttributes(scope, 'Vpc', { vpcId: settings.vpcId, availabilityZones: Fn.getAzs() });
  return {
    vpc,
    subnets: settings.subnetIds.map((id) => Subnet.fromSubnetId(scope, `Subnet-${id}`, id)),
    securityGroups: settings.securityGroupIds.map((id) =>
      SecurityGroup.fromSecurityGroupId(scope, `SecurityGroup-${id}`, id, { mutable: false }),
    ),
  };
}
