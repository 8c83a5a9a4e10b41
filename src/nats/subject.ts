/**
 * Channel names ↔ NATS subject tokens. A channel may hold any character but
 * CR, LF and NUL, while a subject token cannot hold '.', '*', '>' or
 * whitespace; base64url of the UTF-8 name uses only [A-Za-z0-9_-], so every
 * channel maps to exactly one valid token and back.
 */
export function channelToken(channel: string): string {
  return Buffer.from(channel, 'utf8').toString('base64url');
}

export function tokenChannel(token: string): string {
  return Buffer.from(token, 'base64url').toString('utf8');
}

/** A subject prefix must end with '.' and hold only valid, literal tokens (no wildcards, no whitespace, no empty token). */
export function isSubjectPrefix(prefix: string): boolean {
  return /^([^.*>\s]+\.)+$/.test(prefix);
}

/** Stream names cannot hold '.', '*', '>', path separators or whitespace. */
export function isStreamName(name: string): boolean {
  return /^[^.*>/\\\s]{1,255}$/.test(name);
}
