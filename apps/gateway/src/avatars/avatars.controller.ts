import { Controller, Delete, Get, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { Readable } from 'node:stream';
import { AvatarFiles, AvatarUploads, PrincipalDto, ProfilesSubjects } from '@app/contracts';
import { BusClient, UploadStore } from '@app/bus';
import { ApiAuthGuard } from '../auth/auth.guard';
import { CurrentPrincipal } from '../auth/principal';
import { ApiError, forbidden, notFound } from '../errors/api-error';
import { parseId } from '../http/input';
import { EdgeThrottle } from '../throttle/edge-throttle';
import { UserDirectory } from '../users/user-directory';

/** What a served avatar may do in a browser: nothing. */
const AVATAR_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";
const SERVED_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp']);

const storageUnavailable = () =>
  new ApiError(503, AvatarFiles.storageUnavailableMessage, undefined, { 'Retry-After': '5' });

/**
 * Parses `multipart/form-data` in memory with hard limits: the file stops being read past 1 MiB,
 * and only a handful of parts are accepted. Label Studio takes the first file whatever its field.
 */
const parseUpload = multer({
  storage: multer.memoryStorage(),
  limits: {
    fileSize: AvatarFiles.maxBytes,
    files: 4,
    fields: 16,
    parts: 20,
    fieldSize: 4096,
    headerPairs: 50,
  },
}).any();

function readUpload(req: Request, res: Response): Promise<Express.Multer.File | undefined> {
  return new Promise((resolve, reject) => {
    parseUpload(req, res, (error: unknown) => {
      if (!error) {
        const files = (req.files as Express.Multer.File[] | undefined) ?? [];
        resolve(files[0]);
      } else if (error instanceof MulterError && error.code === 'LIMIT_FILE_SIZE') {
        reject(new ApiError(400, AvatarFiles.fileSizeMessage));
      } else if (error instanceof MulterError) {
        reject(new ApiError(400, 'Send one image file as multipart/form-data.'));
      } else {
        reject(new ApiError(400, 'Malformed multipart request.'));
      }
    });
  });
}

/**
 * `POST`/`DELETE /api/users/{id}/avatar/` (only for oneself: Label Studio silently changed the
 * caller whatever the id) and the public `/data/avatars/<file>` they produce. The profiles service
 * owns the images; the gateway hands it the upload through the bus's object store and serves
 * stored images with a fixed type, `nosniff` and a CSP that forbids everything.
 */
@Controller()
export class AvatarsController {
  private readonly uploads: UploadStore;

  constructor(
    private readonly bus: BusClient,
    private readonly directory: UserDirectory,
    private readonly throttle: EdgeThrottle,
  ) {
    this.uploads = new UploadStore(() => bus.nats(), AvatarUploads);
  }

  @Post(['api/users/:id/avatar', 'api/users/:id/avatar/'])
  @UseGuards(ApiAuthGuard)
  @HttpCode(200)
  async upload(
    @CurrentPrincipal() caller: PrincipalDto,
    @Param('id') rawId: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.mustBeSelf(caller, parseId(rawId));
    // Every upload costs storage and an image decode: limited per user, across replicas.
    await this.throttle.hit('avatarUpload', `user:${caller.userId}`);
    // Other body types were refused with a 415 before this (http/strict-input.ts).
    const file = await readUpload(req, res);
    // An empty file is no image: refused like any unreadable one, and nothing changes.
    if (file && file.size === 0) throw new ApiError(400, AvatarFiles.unreadableMessage);
    if (!file) {
      // Label Studio's quirk: a request without a file clears the avatar.
      await this.bus.request(
        ProfilesSubjects.clearAvatar,
        { userId: caller.userId },
        { caller: caller.userId },
      );
      return { detail: 'avatar saved' };
    }
    let upload: string;
    try {
      upload = await this.uploads.put(file.buffer);
    } catch {
      throw storageUnavailable();
    }
    try {
      await this.bus.request(
        ProfilesSubjects.setAvatar,
        { userId: caller.userId, upload },
        { caller: caller.userId },
      );
    } catch (error) {
      // Profiles takes the upload as soon as it gets the request; if it never did, do not keep it.
      void this.uploads.discard(upload);
      throw error;
    }
    return { detail: 'avatar saved' };
  }

  @Delete(['api/users/:id/avatar', 'api/users/:id/avatar/'])
  @UseGuards(ApiAuthGuard)
  @HttpCode(204)
  async remove(@CurrentPrincipal() caller: PrincipalDto, @Param('id') rawId: string): Promise<void> {
    await this.mustBeSelf(caller, parseId(rawId));
    await this.bus.request(
      ProfilesSubjects.clearAvatar,
      { userId: caller.userId },
      { caller: caller.userId },
    );
  }

  /** Public, like Label Studio's; file names are unguessable and change with every upload. */
  @Get('data/avatars/:file')
  async serve(@Param('file') file: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (!AvatarFiles.namePattern.test(file)) throw notFound();
    const location = await this.bus.request(ProfilesSubjects.locateAvatar, { file });
    if (!SERVED_TYPES.has(location.contentType)) throw notFound();
    // A file's content never changes (a new upload gets a new name): its name is its validator.
    const etag = `"${file}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'public, max-age=86400');
    if (
      (req.headers['if-none-match'] ?? '')
        .split(',')
        .map((tag) => tag.trim().replace(/^W\//, ''))
        .includes(etag)
    ) {
      res.status(304).end();
      return;
    }
    let upstream: globalThis.Response;
    try {
      upstream = await fetch(location.url, { signal: AbortSignal.timeout(5_000) });
    } catch {
      throw storageUnavailable();
    }
    if (upstream.status === 404) throw notFound();
    if (!upstream.ok || !upstream.body) throw storageUnavailable();
    res.status(200);
    res.setHeader('Content-Type', location.contentType);
    res.setHeader('Content-Length', String(location.size));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', AVATAR_CSP);
    res.setHeader('Content-Disposition', 'inline');
    // Public images (as in Label Studio): pages on another origin may show them; the CSP keeps them inert.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream).pipe(res);
  }

  /** Someone else's id: 404 outside the caller's organization (as if absent), 403 inside it. */
  private async mustBeSelf(caller: PrincipalDto, userId: number): Promise<void> {
    if (userId === caller.userId) return;
    const organizationId = await this.directory.activeOrganizationId(caller.userId);
    await this.directory.member(organizationId, userId, caller.userId);
    throw forbidden();
  }
}
