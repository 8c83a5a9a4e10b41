import { Injectable } from 'streamnest';

/** Each user's avatar, in memory (an app would use a store). Bounded: one per user, a few hundred KiB each, at most 1,000 users. */
@Injectable()
export class Avatars {
  private readonly images = new Map<string, { bytes: Buffer; type: string }>();

  set(user: string, bytes: Buffer, type: string): void {
    this.images.delete(user);
    this.images.set(user, { bytes, type });
    if (this.images.size > 1_000) this.images.delete(this.images.keys().next().value!);
  }

  get(user: string): { bytes: Buffer; type: string } | undefined {
    return this.images.get(user);
  }
}
