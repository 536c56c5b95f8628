import sharp from 'sharp';
import { AVATAR_MESSAGES, AvatarRejected, processAvatar, sniffFormat } from './avatar-image';

const LIMITS = { maxWidth: 512, maxHeight: 512 };
const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#226699' } });

async function rejection(data: Buffer, limits = LIMITS): Promise<string> {
  try {
    await processAvatar(data, limits);
  } catch (error) {
    if (error instanceof AvatarRejected) return error.message;
    throw error;
  }
  throw new Error('accepted');
}

describe('sniffFormat', () => {
  it('recognises the four accepted formats by their signature only', async () => {
    expect(sniffFormat(await solid(4, 4).png().toBuffer())).toBe('png');
    expect(sniffFormat(await solid(4, 4).jpeg().toBuffer())).toBe('jpeg');
    expect(sniffFormat(await solid(4, 4).gif().toBuffer())).toBe('gif');
    expect(sniffFormat(await solid(4, 4).webp().toBuffer())).toBe('webp');
    expect(sniffFormat(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffFormat(Buffer.from('RIFF0000WAVE'))).toBeNull();
    expect(sniffFormat(Buffer.alloc(0))).toBeNull();
  });
});

describe('processAvatar', () => {
  it('re-encodes each format, GIF as PNG, keeping the size', async () => {
    const cases: Array<[Buffer, string, string]> = [
      [await solid(30, 20).png().toBuffer(), 'png', 'image/png'],
      [await solid(30, 20).jpeg().toBuffer(), 'jpg', 'image/jpeg'],
      [await solid(30, 20).webp().toBuffer(), 'webp', 'image/webp'],
      [await solid(30, 20).gif().toBuffer(), 'png', 'image/png'],
    ];
    for (const [input, extension, contentType] of cases) {
      const out = await processAvatar(input, LIMITS);
      expect(out).toMatchObject({ extension, contentType, width: 30, height: 20 });
      expect((await sharp(out.data).metadata()).format).toBe(extension === 'jpg' ? 'jpeg' : extension);
    }
  });

  it('applies EXIF orientation, then drops every piece of metadata', async () => {
    // 40 x 10 stored, orientation 6 (rotate 90°): shown as 10 x 40.
    const input = await solid(40, 10)
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({ IFD0: { Artist: 'someone', Copyright: 'gps-and-more' } })
      .toBuffer();
    const out = await processAvatar(input, LIMITS);
    expect(out).toMatchObject({ width: 10, height: 40 });
    const meta = await sharp(out.data).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(out.data.toString('latin1')).not.toContain('gps-and-more');
  });

  it('honours a configured limit, checking width and height separately', async () => {
    const limits = { maxWidth: 100, maxHeight: 50 };
    expect(await rejection(await solid(101, 10).png().toBuffer(), limits)).toBe(
      AVATAR_MESSAGES.tooLarge(100, 50),
    );
    expect(await rejection(await solid(10, 51).png().toBuffer(), limits)).toBe(
      'Please use an image that is 100 x 50 pixels or smaller.',
    );
    await expect(processAvatar(await solid(100, 50).png().toBuffer(), limits)).resolves.toMatchObject({
      width: 100,
      height: 50,
    });
  });

  it('refuses other image types by type and anything else as unreadable', async () => {
    expect(await rejection(await solid(8, 8).tiff().toBuffer())).toBe(AVATAR_MESSAGES.wrongType);
    expect(
      await rejection(Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>')),
    ).toBe(AVATAR_MESSAGES.wrongType);
    expect(await rejection(Buffer.from('just some text'))).toBe(AVATAR_MESSAGES.unreadable);
    expect(await rejection(Buffer.alloc(0))).toBe(AVATAR_MESSAGES.unreadable);
  });

  it('refuses a file whose signature and content disagree, and a truncated one', async () => {
    const jpeg = await solid(20, 20).jpeg().toBuffer();
    const fakePng = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), jpeg]);
    expect(await rejection(fakePng)).toBe(AVATAR_MESSAGES.unreadable);
    const png = await solid(200, 200).png().toBuffer();
    expect(await rejection(png.subarray(0, png.length - 40))).toBe(AVATAR_MESSAGES.unreadable);
  });

  it('refuses more than 1 MiB', async () => {
    const big = Buffer.concat([await solid(8, 8).png().toBuffer(), Buffer.alloc(1024 * 1024)]);
    expect(await rejection(big)).toBe(AVATAR_MESSAGES.fileSize);
  });
});
