import { isIPv4, isIPv6 } from 'node:net';
import { longLabel } from './route53-names.js';

/**
 * What Route 53 refuses inside a record set itself — its name's labels and its values — answered, as
 * Route 53 answers them, inside one InvalidChangeBatch whose message lists every problem in brackets.
 *
 * Where each rule and text comes from:
 * - `Invalid Resource Record: 'FATAL problem: <Code> (<reason>) encountered with '<value>''` is the shape
 *   Route 53 uses for a bad value, seen in real answers (boto/boto3#1462 for CharacterStringTooLong,
 *   ministryofjustice/cloud-platform-environments#7302 and aws/aws-cdk#14800 for
 *   ARRDATAIllegalIPv4Address). AAAARRDATAIllegalIPv6Address follows the same naming for AAAA.
 * - `FATAL problem: DomainLabelTooLong (Domain label is too long) encountered with '<label>'` and
 *   `FATAL problem: DomainNameEmpty (Domain name is empty) encountered with ''` come without the
 *   `Invalid Resource Record` prefix when the name is the record's own or the alias target's
 *   (aws-amplify/amplify-cli#9604, harmony-one/harmony-ops#491).
 * - A character-string holds at most 255 characters (RFC 1035 3.3; Route 53 Developer Guide, "TXT record
 *   type"): a longer TXT/SPF value must be split into several quoted strings in one value.
 * - A TXT/SPF value must be quoted strings: a bare one, even a single word, is refused with
 *   `InvalidCharacterString (Value should be enclosed in quotation marks)` (kubernetes-sigs/external-dns#4792,
 *   redhat-cop/infra-ansible#376, localstack/localstack#11711 quoting the real answer). A string left open
 *   is taken as the same fault.
 * - A CNAME holds exactly one value (Developer Guide, "Supported DNS record types": "You can specify more
 *   than one value for all record types except CNAME and SOA"). The code is InvalidChangeBatch like every
 *   content error; the message text is ours, as no real answer could be found to copy.
 * - A Value longer than 4,000 characters breaks the API's length constraint (API reference,
 *   ResourceRecord): InvalidInput, before any change is looked at.
 */

export const MAX_CHARACTER_STRING = 255;
export const MAX_VALUE_LENGTH = 4000;

/** One or more `"..."` strings (a backslash escapes the next character), blanks between and around them. */
const QUOTED_STRINGS = /^\s*(?:"(?:[^"\\]|\\.)*"\s*)+$/;

function invalidResourceRecord(code: string, reason: string, value: string): string {
  return `Invalid Resource Record: 'FATAL problem: ${code} (${reason}) encountered with '${value}''`;
}

/** The problem with a DNS name's labels, as Route 53 words it, or undefined. */
export function nameLabelProblem(name: string): string | undefined {
  const bare = name.replace(/\.$/, '');
  if (bare === '') return `FATAL problem: DomainNameEmpty (Domain name is empty) encountered with '${bare}'`;
  const long = longLabel(bare);
  if (long !== undefined) {
    return `FATAL problem: DomainLabelTooLong (Domain label is too long) encountered with '${long}'`;
  }
  return undefined;
}

/**
 * The character-strings of a TXT/SPF value: each `"..."` (backslash escapes the next character) or, outside
 * quotes, each run of non-space characters. Lengths count the characters as they go on the wire.
 */
export function characterStrings(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < value.length) {
    if (value[i] === ' ' || value[i] === '\t') {
      i++;
      continue;
    }
    let text = '';
    if (value[i] === '"') {
      i++;
      while (i < value.length && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < value.length) i++;
        text += value[i];
        i++;
      }
      i++; // the closing quote
    } else {
      while (i < value.length && value[i] !== ' ' && value[i] !== '\t') {
        text += value[i];
        i++;
      }
    }
    out.push(text);
  }
  return out;
}

/** InvalidChangeBatch messages for a non-alias record set's values (empty when they are all valid). */
export function valueProblems(type: string, values: readonly string[]): string[] {
  const problems: string[] = [];
  if (type === 'CNAME' && values.length > 1) {
    problems.push(
      `RRSet of type CNAME may hold only one value: ${values.length} given (${values.join(', ')})`,
    );
  }
  for (const value of values) {
    const problem = valueProblem(type, value);
    if (problem) problems.push(problem);
  }
  return problems;
}

function valueProblem(type: string, value: string): string | undefined {
  switch (type) {
    case 'A':
      return isIPv4(value)
        ? undefined
        : invalidResourceRecord('ARRDATAIllegalIPv4Address', 'Value is not a valid IPv4 address', value);
    case 'AAAA':
      return isIPv6(value)
        ? undefined
        : invalidResourceRecord('AAAARRDATAIllegalIPv6Address', 'Value is not a valid IPv6 address', value);
    case 'TXT':
    case 'SPF':
      if (!QUOTED_STRINGS.test(value)) {
        return invalidResourceRecord(
          'InvalidCharacterString',
          'Value should be enclosed in quotation marks',
          value,
        );
      }
      return characterStrings(value).some((s) => s.length > MAX_CHARACTER_STRING)
        ? invalidResourceRecord('CharacterStringTooLong', 'Value is too long', value)
        : undefined;
    case 'MX':
      return fieldsProblem('MX', value, 2);
    case 'SRV':
      return fieldsProblem('SRV', value, 4);
    case 'CNAME':
    case 'NS':
    case 'PTR': {
      const problem = nameLabelProblem(value);
      return problem ? `Invalid Resource Record: '${problem}'` : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * MX (`priority host`) and SRV (`priority weight port host`): numbers from 0 to 65535, then a domain name.
 * Route 53 names the type in its code: `MXRRDATATooFewFields`, `SRVRRDATAIllegalNumber`.
 */
function fieldsProblem(type: 'MX' | 'SRV', value: string, count: number): string | undefined {
  const fields = value
    .trim()
    .split(/\s+/)
    .filter((f) => f !== '');
  if (fields.length < count) {
    return invalidResourceRecord(`${type}RRDATATooFewFields`, 'Value contains too few fields', value);
  }
  if (fields.length > count) {
    return invalidResourceRecord(`${type}RRDATATooManyFields`, 'Value contains too many fields', value);
  }
  const numbers = fields.slice(0, -1);
  if (numbers.some((n) => !/^\d{1,5}$/.test(n) || Number(n) > 65535)) {
    return invalidResourceRecord(`${type}RRDATAIllegalNumber`, 'Value contains an illegal number', value);
  }
  const problem = nameLabelProblem(fields[count - 1] as string);
  return problem ? `Invalid Resource Record: '${problem}'` : undefined;
}
