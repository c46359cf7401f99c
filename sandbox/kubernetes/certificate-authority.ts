// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * A cluster's own CA and the API server's certificate, made fresh in memory for every sandbox cluster (an
 * EKS cluster has its own CA too, so a client that trusts one cluster must not trust another).
 */
export interface ClusterCertificates {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

// Certificates are checked by the client's real clock, not the sandbox clock, so they are dated from the
// real time; a year covers any sandbox session.
const VALIDITY_MS = 365 * 24 * 3600_000;
const BACKDATE_MS = 3600_000;

export async function createClusterCertificates(clusterName: string): Promise<ClusterCertificates> {
  // @peculiar/x509 is typed against the DOM's Crypto; Node's webcrypto is the same API.
  const crypto = webcrypto as unknown as NonNullable<
    Parameters<typeof x509.X509CertificateGenerator.create>[1]
  >;
  const notBefore = new Date(Date.now() - BACKDATE_MS);
  const notAfter = new Date(Date.now() + VALIDITY_MS);
  const caKeys = await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: [{ CN: [`${clusterName}-ca`] }, { O: ['edge-reconciler sandbox'] }],
      notBefore,
      notAfter,
      keys: caKeys,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const serverKeys = await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const server = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: [{ CN: ['kube-apiserver'] }],
      issuer: ca.subject,
      notBefore,
      notAfter,
      publicKey: serverKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: 'localhost' },
          { type: 'ip', value: '127.0.0.1' },
        ]),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
        await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const pkcs8 = await crypto.subtle.exportKey('pkcs8', serverKeys.privateKey);
  return {
    caPem: ca.toString('pem'),
    certPem: server.toString('pem'),
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
  };
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // a positive INTEGER, as RFC 5280 requires
  return Buffer.from(bytes).toString('hex');
}
