import { AvatarFiles } from '@app/contracts';
import type { Sharp, SharpOptions } from 'sharp';

/** The image formats accepted as avatars, recognised by their first bytes (never by name or header). */
export type AvatarFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export const AVATAR_MESSAGES = {
  unreadable: AvatarFiles.unreadableMessage,
  tooLarge: (w: number, h: number) => `Please use an image that is ${w} x ${h} pixels or smaller.`,
  wrongType: 'Please use a JPEG, GIF, PNG or WebP image.',
  fileSize: AvatarFiles.fileSizeMessage,
} as const;

export class AvatarRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AvatarRejected';
  }
}

export interface ProcessedAvatar {
  data: Buffer;
  extension: 'png' | 'jpg' | 'webp';
  contentType: 'image/png' | 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
}

export interface AvatarLimits {
  maxWidth: number;
  maxHeight: number;
}

let sharpModule: Promise<(input: Buffer, options: SharpOptions) => Sharp> | undefined;

/**
 * sharp (libvips) is loaded on the first avatar, not at start-up: a profiles replica that never
 * sees an image keeps neither the library nor its threads in memory. One image at a time and no
 * operation cache: avatars are small and never processed twice.
 */
function loadSharp(): Promise<(input: Buffer, options: SharpOptions) => Sharp> {
  sharpModule ??= import('sharp').then(({ default: sharp }) => {
    sharp.concurrency(1);
    sharp.cache(false);
    return sharp;
  });
  return sharpModule;
}

const startsWith = (data: Buffer, bytes: number[], offset = 0) =>
  data.length >= offset + bytes.length && bytes.every((b, i) => data[offset + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The format the content really has, from its signature; null when it is not one we accept. */
export function sniffFormat(data: Buffer): AvatarFormat | null {
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(data, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(data, ascii('GIF87a')) || startsWith(data, ascii('GIF89a'))) return 'gif';
  if (startsWith(data, ascii('RIFF')) && startsWith(data, ascii('WEBP'), 8)) return 'webp';
  return null;
}

/** Other image formats people try (SVG, BMP, TIFF, ICO, HEIC/AVIF): refused by type, not as unreadable. */
function looksLikeOtherImage(data: Buffer): boolean {
  const head = data.subarray(0, 512).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return true;
  if (startsWith(data, ascii('BM'))) return true;
  if (startsWith(data, [0x49, 0x49, 0x2a, 0x00]) || startsWith(data, [0x4d, 0x4d, 0x00, 0x2a])) return true;
  if (startsWith(data, [0x00, 0x00, 0x01, 0x00])) return true;
  return startsWith(data, ascii('ftyp'), 4);
}

/**
 * Checks an uploaded avatar and re-encodes it: the type from the content's signature (SVG and
 * everything else refused), the dimensions from the header before anything is decoded, then a
 * full decode bounded to the allowed pixel count, and a fresh encoding without metadata (EXIF,
 * GPS, ICC comments, trailing data of polyglots all dropped). GIF and animated WebP keep their
 * first frame; EXIF orientation is applied before it is dropped.
 */
export async function processAvatar(data: Buffer, limits: AvatarLimits): Promise<ProcessedAvatar> {
  const format = sniffFormat(data);
  if (!format) {
    throw new AvatarRejected(
      looksLikeOtherImage(data) ? AVATAR_MESSAGES.wrongType : AVATAR_MESSAGES.unreadable,
    );
  }
  if (data.length > AvatarFiles.maxBytes) throw new AvatarRejected(AVATAR_MESSAGES.fileSize);
  const maxPixels = limits.maxWidth * limits.maxHeight;
  const sharp = await loadSharp();
  let width: number;
  let height: number;
  try {
    // metadata() reads the header only; no pixel is decoded yet.
    const meta = await sharp(data, { limitInputPixels: false, pages: 1 }).metadata();
    if (meta.format !== format) throw new AvatarRejected(AVATAR_MESSAGES.unreadable);
    const oriented = meta.autoOrient ?? { width: meta.width, height: meta.height };
    width = oriented.width ?? 0;
    height =
      meta.pages && meta.pages > 1 && meta.pageHeight
        ? Math.min(oriented.height ?? 0, meta.pageHeight)
        : (oriented.height ?? 0);
  } catch (error) {
    if (error instanceof AvatarRejected) throw error;
    throw new AvatarRejected(AVATAR_MESSAGES.unreadable);
  }
  if (!width || !height) throw new AvatarRejected(AVATAR_MESSAGES.unreadable);
  if (width > limits.maxWidth || height > limits.maxHeight) {
    throw new AvatarRejected(AVATAR_MESSAGES.tooLarge(limits.maxWidth, limits.maxHeight));
  }
  try {
    const image = sharp(data, { limitInputPixels: maxPixels, pages: 1, failOn: 'error' }).rotate();
    if (format === 'jpeg') {
      const { data: out, info } = await image
        .jpeg({ quality: 90, mozjpeg: true })
        .toBuffer({ resolveWithObject: true });
      return {
        data: out,
        extension: 'jpg',
        contentType: 'image/jpeg',
        width: info.width,
        height: info.height,
      };
    }
    if (format === 'webp') {
      const { data: out, info } = await image.webp({ quality: 90 }).toBuffer({ resolveWithObject: true });
      return {
        data: out,
        extension: 'webp',
        contentType: 'image/webp',
        width: info.width,
        height: info.height,
      };
    }
    const { data: out, info } = await image
      .png({ compressionLevel: 9 })
      .toBuffer({ resolveWithObject: true });
    return { data: out, extension: 'png', contentType: 'image/png', width: info.width, height: info.height };
  } catch {
    throw new AvatarRejected(AVATAR_MESSAGES.unreadable);
  }
}

/** Content type of a stored avatar, from the extension the service gave its key. */
export function contentTypeOfKey(key: string): string | null {
  if (key.endsWith('.png')) return 'image/png';
  if (key.endsWith('.jpg')) return 'image/jpeg';
  if (key.endsWith('.webp')) return 'image/webp';
  return null;
}
