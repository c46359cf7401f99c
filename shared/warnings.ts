/**
 * What a pass reports instead of failing: a bad annotation, a naming conflict, a held deletion.
 * `object` names the Kubernetes object (`kind/namespace/name`), `field` the annotation or field.
 */
export interface PassWarning {
  code: string;
  message: string;
  cluster?: string;
  object?: string;
  field?: string;
  dnsName?: string;
}
