import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  AvatarFiles,
  AvatarLimitsDto,
  AvatarLocationDto,
  AvatarUploads,
  ErrorCode,
  ProfileDto,
} from '@app/contracts';
import { BusClient, fail, UploadStore } from '@app/bus';
import { OutboxRelay } from '@app/database';
import { AvatarLimits } from '../config';
import { toProfileDto } from '../profiles/profile.mapper';
import { ProfileRepository } from '../profiles/profile.repository';
import { AvatarRejected, contentTypeOfKey, processAvatar } from './avatar-image';
import { AvatarRepository } from './avatar.repository';
import { AvatarStorage } from './avatar-storage';

export const AVATAR_LIMITS = Symbol('AVATAR_LIMITS');

const NO_ACCOUNT = 'Not found.';

/**
 * Avatars of profiles: set (decode, check, re-encode, store under a fresh key, point the profile at
 * it, remove the previous object), clear, and locate for serving.
 */
@Injectable()
export class AvatarsUseCases {
  private readonly logger = new Logger(AvatarsUseCases.name);
  private readonly uploads: UploadStore;

  constructor(
    bus: BusClient,
    private readonly storage: AvatarStorage,
    private readonly avatars: AvatarRepository,
    private readonly profiles: ProfileRepository,
    @Inject(AVATAR_LIMITS) private readonly limits: AvatarLimits,
    private readonly relay: OutboxRelay,
  ) {
    this.uploads = new UploadStore(() => bus.nats(), AvatarUploads);
  }

  limitsOf(): AvatarLimitsDto {
    return { ...this.limits, maxBytes: AvatarFiles.maxBytes };
  }

  async set(userId: number, upload: string, actor?: number): Promise<ProfileDto> {
    const bytes = await this.uploads.take(upload);
    if (!bytes) return fail(ErrorCode.ValidationFailed, 'The upload expired, try again');
    let image;
    try {
      image = await processAvatar(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), this.limits);
    } catch (error) {
      if (error instanceof AvatarRejected) return fail(ErrorCode.ValidationFailed, error.message);
      throw error;
    }
    const file = `${randomBytes(16).toString('hex')}.${image.extension}`;
    // Recorded first: if anything below fails or the process dies, the sweeper removes the object.
    await this.avatars.recordOrphan(file);
    await this.storage.put(file, image.data, image.contentType);
    const swapped = await this.avatars.swap(userId, file, {
      action: 'avatar.set',
      actor,
      subjectUserId: userId,
    });
    this.relay.kick();
    if (!swapped) {
      await this.discard(file);
      return fail(ErrorCode.NotFound, NO_ACCOUNT);
    }
    if (swapped.previous) await this.discard(swapped.previous);
    return this.profileOf(userId);
  }

  async clear(userId: number, actor?: number): Promise<ProfileDto> {
    // Fails with UNAVAILABLE (and changes nothing) while the store is down.
    await this.storage.check();
    const swapped = await this.avatars.swap(userId, null, {
      action: 'avatar.clear',
      actor,
      subjectUserId: userId,
    });
    this.relay.kick();
    if (!swapped) return fail(ErrorCode.NotFound, NO_ACCOUNT);
    if (swapped.previous) await this.discard(swapped.previous);
    return this.profileOf(userId);
  }

  async locate(file: string): Promise<AvatarLocationDto> {
    const contentType = contentTypeOfKey(file);
    if (!AvatarFiles.namePattern.test(file) || !contentType || !(await this.avatars.isInUse(file))) {
      return fail(ErrorCode.NotFound, NO_ACCOUNT);
    }
    const size = await this.storage.size(file);
    if (size === null) return fail(ErrorCode.NotFound, NO_ACCOUNT);
    return { url: await this.storage.readUrl(file), contentType, size };
  }

  /** Removes an object no profile points at; on failure the orphan record stays for the sweeper. */
  private async discard(file: string): Promise<void> {
    try {
      await this.storage.remove(file);
      await this.avatars.forgetOrphan(file);
    } catch {
      this.logger.warn(`Avatar object ${file} could not be removed now; the sweeper will retry`);
    }
  }

  private async profileOf(userId: number): Promise<ProfileDto> {
    const profile = await this.profiles.findById(userId);
    if (!profile) return fail(ErrorCode.NotFound, NO_ACCOUNT);
    return toProfileDto(profile);
  }
}
