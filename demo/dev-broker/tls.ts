/** A self-signed certificate for the MQTT-over-TLS listener, generated at start, never stored. */
import selfsigned from 'selfsigned';

let pending: Promise<{ key: string; cert: string }> | undefined;

export function devCertificate(): Promise<{ key: string; cert: string }> {
  pending ??= selfsigned
    .generate([{ name: 'commonName', value: '127.0.0.1' }], {
      notAfterDate: new Date(Date.now() + 30 * 86_400_000),
      keyType: 'ec',
      curve: 'P-256',
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'localhost' },
          ],
        },
      ],
    })
    .then((pems) => ({ key: pems.private, cert: pems.cert }));
  return pending;
}
