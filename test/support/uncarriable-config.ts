/**
 * Config the TXT registry or IAM cannot carry (issue 10, item 4): each input with the start of the message
 * that must refuse it at load (where = `c`). Shared by the loader's tests and the CDK app's.
 */

const cluster = { name: 'prod-eu', region: 'eu-central-1' };

export const UNCARRIABLE: [string, Record<string, unknown>, string][] = [
  ['an owner id with a comma', { clusters: [{ ...cluster, ownerId: 'prod,eu' }] }, 'c.clusters[0].ownerId:'],
  ['an owner id with a quote', { clusters: [{ ...cluster, ownerId: 'prod"eu' }] }, 'c.clusters[0].ownerId:'],
  ['an owner id with =', { clusters: [{ ...cluster, ownerId: 'owner=prod' }] }, 'c.clusters[0].ownerId:'],
  ['an owner id with a space', { clusters: [{ ...cluster, ownerId: 'prod eu' }] }, 'c.clusters[0].ownerId:'],
  ['an owner id with a tab', { clusters: [{ ...cluster, ownerId: 'prod\teu' }] }, 'c.clusters[0].ownerId:'],
  [
    'a cluster name that is the owner id and has a comma',
    { clusters: [{ ...cluster, name: 'prod,eu' }] },
    'c.clusters[0].name: is the owner id (no ownerId set)',
  ],
  ['a domain filter *', { domainFilters: ['*'] }, 'c.domainFilters[0]: "*" is a wildcard'],
  ['an empty domain filter', { domainFilters: ['example.com', ''] }, 'c.domainFilters[1]: "" is empty'],
  [
    'a domain filter with spaces',
    { domainFilters: ['example .com'] },
    'c.domainFilters[0]: "example .com" contains whitespace',
  ],
  ['an exclude that is not a domain', { excludeDomains: ['*.example.com'] }, 'c.excludeDomains[0]:'],
  [
    "a cluster's domain filter that is not a domain",
    { clusters: [{ ...cluster, domainFilters: [' '] }] },
    'c.clusters[0].domainFilters[0]:',
  ],
  [
    'a regexDomainFilter that does not compile',
    { regexDomainFilter: '(a' },
    'c.regexDomainFilter: not a valid regular expression',
  ],
  [
    'a regexDomainExclusion that does not compile',
    { regexDomainExclusion: '[' },
    'c.regexDomainExclusion: not a valid',
  ],
  [
    "a cluster's regexDomainFilter that does not compile",
    { clusters: [{ ...cluster, regexDomainFilter: '*dev' }] },
    'c.clusters[0].regexDomainFilter: not a valid regular expression',
  ],
  ['an empty zoneIdFilters entry', { zoneIdFilters: ['Z1', ''] }, 'c.zoneIdFilters[1]:'],
  [
    'a cluster endpoint without its CA',
    { clusters: [{ ...cluster, endpoint: 'https://api.prod-eu.example.net' }] },
    'c.clusters[0].certificateAuthorityData: required with endpoint',
  ],
  [
    'a CA without the endpoint',
    { clusters: [{ ...cluster, certificateAuthorityData: 'AAAA' }] },
    'c.clusters[0].endpoint: required with certificateAuthorityData',
  ],
  ['a zero maxNamesPerObject', { maxNamesPerObject: 0 }, 'c.maxNamesPerObject:'],
];
