import { deflateSync } from 'node:zlib';
import { Client as MinioClient } from 'minio';
import sharp from 'sharp';
import { readJson, TestBrowser, tokenHeaders, UserBody } from '../support/http-client';
import { eventually, startTestStack, TestStack } from '../support/stack';

const PASSWORD = 'correct horse 42';
const AVATAR_URL = /^\/data\/avatars\/[0-9a-f]{32}\.(png|jpg|webp)$/;

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .png()
    .toBuffer();

/** A PNG whose header claims 100000 x 100000 pixels, with a tiny compressed body: a pixel bomb. */
function pixelBombPng(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crcInput = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(crcInput));
    return Buffer.concat([length, crcInput, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(100_000, 0);
  ihdr.writeUInt32BE(100_000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const row = Buffer.alloc(100_001); // a filter byte and one row of zeros
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(row)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function form(
  data: Buffer | string,
  filename = 'avatar.png',
  type = 'image/png',
  field = 'avatar',
): FormData {
  const body = new FormData();
  body.append(field, new Blob([data], { type }), filename);
  return body;
}

describe('avatars: upload, checks, serving, replacement, storage faults; last activity', () => {
  let sut: TestStack;
  let ann: TestBrowser;
  let annId: number;
  let annToken: string;
  let storage: MinioClient;

  beforeAll(async () => {
    sut = await startTestStack({ AVATAR_SWEEP_SECONDS: '1', AVATAR_ORPHAN_GRACE_SECONDS: '10' });
    ann = new TestBrowser(sut.baseUrl);
    expect((await ann.signup('ann@example.com', PASSWORD)).status).toBe(302);
    annId = (await readJson<UserBody>(await ann.get('/api/current-user/whoami'))).id;
    annToken = (await readJson<{ token: string }>(await ann.get('/api/current-user/token'))).token;
    const s3 = sut.storage.env();
    storage = new MinioClient({
      endPoint: s3.MINIO_ENDPOINT,
      port: Number(s3.MINIO_PORT),
      useSSL: false,
      accessKey: s3.MINIO_ACCESS_KEY,
      secretKey: s3.MINIO_SECRET_KEY,
      region: s3.MINIO_REGION,
    });
  });
  afterAll(async () => {
    await sut?.dispose();
  });

  const upload = (body: FormData, userId = annId) =>
    fetch(`${sut.baseUrl}/api/users/${userId}/avatar/`, {
      method: 'POST',
      headers: tokenHeaders(annToken),
      body,
    });
  const me = async () =>
    readJson<UserBody>(
      await fetch(`${sut.baseUrl}/api/current-user/whoami`, { headers: tokenHeaders(annToken) }),
    );
  const storedObjects = async (): Promise<string[]> => {
    if (!(await storage.bucketExists('avatars'))) return [];
    const names: string[] = [];
    for await (const item of storage.listObjectsV2('avatars', 'avatars/', true)) {
      if (item.name) names.push(item.name.replace(/^avatars\//, ''));
    }
    return names.sort();
  };

  it('stores a re-encoded image under a server key and serves it with a fixed type, nosniff and CSP', async () => {
    const res = await upload(form(await png(300, 200), '../../etc/passwd.png', 'text/html'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ detail: 'avatar saved' });

    const user = await me();
    expect(user.avatar).toMatch(AVATAR_URL);
    expect(String(user.avatar)).not.toContain('passwd');

    const image = await fetch(sut.baseUrl + String(user.avatar));
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(image.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(image.headers.get('content-security-policy')).toContain('sandbox');
    const meta = await sharp(Buffer.from(await image.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 300, height: 200 });
    // Revalidation as a browser does it: the same file answers 304 without a body.
    const etag = image.headers.get('etag');
    expect(etag).toBe(`"${String(user.avatar).split('/').pop()}"`);
    const again = await fetch(sut.baseUrl + String(user.avatar), { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    expect(await storedObjects()).toEqual([String(user.avatar).split('/').pop()]);
  });

  it('strips metadata and trailing bytes of polyglots', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366aa' } })
      .jpeg()
      .withExif({ IFD0: { Copyright: 'secret-location-data', Artist: 'Ann' } })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const polyglot = Buffer.concat([jpeg, Buffer.from('<html><script>alert(1)</script></html>')]);
    expect((await upload(form(polyglot, 'photo.jpg', 'image/jpeg'))).status).toBe(200);

    const served = Buffer.from(await (await fetch(sut.baseUrl + String((await me()).avatar))).arrayBuffer());
    const meta = await sharp(served).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    expect(meta.exif).toBeUndefined();
    expect(served.toString('latin1')).not.toContain('secret-location-data');
    expect(served.toString('latin1')).not.toContain('<script>');
  });

  it.each([
    [
      'wider than the limit',
      async () => form(await png(513, 10)),
      'Please use an image that is 512 x 512 pixels or smaller.',
    ],
    [
      'a pixel bomb (dimensions from the header)',
      async () => form(pixelBombPng()),
      'Please use an image that is 512 x 512 pixels or smaller.',
    ],
    [
      'SVG',
      async () => form('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'a.png', 'image/png'),
      'Please use a JPEG, GIF, PNG or WebP image.',
    ],
    [
      'a TIFF',
      async () =>
        form(
          await sharp(await png(8, 8))
            .toFormat('tiff')
            .toBuffer(),
          'a.png',
        ),
      'Please use a JPEG, GIF, PNG or WebP image.',
    ],
    [
      'HTML named .png',
      async () => form('<html><script>alert(1)</script></html>', 'x.png'),
      "Can't read image, try another one",
    ],
    [
      'a GIF header followed by script',
      async () => form('GIF89a/*<script>alert(1)</script>*/', 'x.gif', 'image/gif'),
      "Can't read image, try another one",
    ],
    ['an empty file', async () => form(Buffer.alloc(0)), "Can't read image, try another one"],
    [
      'a truncated PNG',
      async () => form((await png(100, 100)).subarray(0, 60)),
      "Can't read image, try another one",
    ],
    [
      'over 1 MiB',
      async () => form(Buffer.concat([await png(10, 10), Buffer.alloc(1024 * 1024)])),
      'Avatar file size may not exceed 1024.0 kb',
    ],
  ])('refuses %s with a 400 and changes nothing', async (_name, body, message) => {
    const before = (await me()).avatar;
    const objects = await storedObjects();
    const res = await upload(await body());
    expect(res.status).toBe(400);
    const error = await readJson<{ detail: string; status_code: number }>(res);
    expect(error.detail).toBe(message);
    expect(error.status_code).toBe(400);
    expect((await me()).avatar).toBe(before);
    expect(await storedObjects()).toEqual(objects);
  });

  it('refuses a body that is not a form with 415 and changes nothing', async () => {
    expect((await upload(form(await png(12, 12)))).status).toBe(200);
    const before = (await me()).avatar;
    const raw = await fetch(`${sut.baseUrl}/api/users/${annId}/avatar/`, {
      method: 'POST',
      headers: { ...tokenHeaders(annToken), 'content-type': 'image/png' },
      body: await png(12, 12),
    });
    expect(raw.status).toBe(415);
    expect((await readJson<{ detail: string }>(raw)).detail).toBe(
      'Unsupported media type "image/png" in request.',
    );
    expect((await me()).avatar).toBe(before);
  });

  it('keeps the first frame of an animated GIF and serves it as PNG', async () => {
    const frames = await sharp({ create: { width: 20, height: 60, channels: 4, background: '#ff0000' } })
      .gif()
      .toBuffer();
    const animated = await sharp(frames, { animated: true }).gif({ loop: 0 }).toBuffer();
    expect((await upload(form(animated, 'a.gif', 'image/gif'))).status).toBe(200);
    const avatar = String((await me()).avatar);
    expect(avatar).toMatch(/\.png$/);
    const image = await fetch(sut.baseUrl + avatar);
    expect(image.headers.get('content-type')).toBe('image/png');
  });

  it('replaces: the old object is removed and its URL stops working; delete clears both', async () => {
    expect((await upload(form(await png(40, 40)))).status).toBe(200);
    const first = String((await me()).avatar);
    expect((await upload(form(await png(50, 50)))).status).toBe(200);
    const second = String((await me()).avatar);
    expect(second).not.toBe(first);
    expect((await fetch(sut.baseUrl + first)).status).toBe(404);
    expect(await storedObjects()).toEqual([second.split('/').pop()]);

    const del = await fetch(`${sut.baseUrl}/api/users/${annId}/avatar/`, {
      method: 'DELETE',
      headers: tokenHeaders(annToken),
    });
    expect(del.status).toBe(204);
    expect((await me()).avatar).toBeNull();
    expect((await fetch(sut.baseUrl + second)).status).toBe(404);
    expect(await storedObjects()).toEqual([]);
  });

  it('a request without a file clears the avatar, as in Label Studio', async () => {
    expect((await upload(form(await png(30, 30)))).status).toBe(200);
    const res = await upload(new FormData());
    expect(res.status).toBe(200);
    expect((await me()).avatar).toBeNull();
    expect(await storedObjects()).toEqual([]);
  });

  it('acts only on the caller: 403 for another member, 404 for anyone else, 401 anonymous', async () => {
    const invite = await readJson<{ token: string }>(await ann.get('/api/invite'));
    const bob = new TestBrowser(sut.baseUrl);
    expect((await bob.signup('bob@example.com', PASSWORD, `?token=${invite.token}`)).status).toBe(302);
    const bobId = (await readJson<UserBody>(await bob.get('/api/current-user/whoami'))).id;
    expect((await upload(form(await png(10, 10)), bobId)).status).toBe(403);
    expect((await upload(form(await png(10, 10)), 999_999)).status).toBe(404);
    expect((await upload(form(await png(10, 10)), 'abc' as unknown as number)).status).toBe(404);
    const anonymous = await fetch(`${sut.baseUrl}/api/users/${annId}/avatar/`, {
      method: 'POST',
      body: form(await png(10, 10)),
    });
    expect(anonymous.status).toBe(401);
    // A cookie session without the CSRF token is refused.
    const noCsrf = await bob.request('POST', `/api/users/${bobId}/avatar/`, {
      body: form(await png(10, 10)),
    });
    expect(noCsrf.status).toBe(403);
    expect((await readJson<UserBody>(await bob.get('/api/current-user/whoami'))).avatar).toBeNull();
    expect((await me()).avatar).toBeNull();
  });

  it('storage down: avatar calls get 503 quickly, nothing changes, logins keep working; then it recovers', async () => {
    expect((await upload(form(await png(20, 20)))).status).toBe(200);
    const kept = String((await me()).avatar);
    await sut.storage.stop();
    try {
      const started = Date.now();
      const res = await upload(form(await png(21, 21)));
      expect(res.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await readJson<{ detail: string }>(res)).detail).toMatch(/storage is unavailable/i);
      const del = await fetch(`${sut.baseUrl}/api/users/${annId}/avatar/`, {
        method: 'DELETE',
        headers: tokenHeaders(annToken),
      });
      expect(del.status).toBe(503);
      expect((await fetch(sut.baseUrl + kept)).status).toBe(503);
      expect((await me()).avatar).toBe(kept);

      const carol = new TestBrowser(sut.baseUrl);
      expect((await carol.signup('carol@example.com', PASSWORD)).status).toBe(302);
      expect((await carol.get('/api/current-user/whoami')).status).toBe(200);
      expect((await ann.login('ann@example.com', PASSWORD)).status).toBe(302);
    } finally {
      await sut.storage.resume();
    }
    expect((await upload(form(await png(22, 22)))).status).toBe(200);
    const fresh = String((await me()).avatar);
    expect((await fetch(sut.baseUrl + fresh)).status).toBe(200);
    expect(await storedObjects()).toEqual([fresh.split('/').pop()]);
  });

  it("removes a deleted account's avatar object", async () => {
    const invite = await readJson<{ token: string }>(await ann.get('/api/invite'));
    const dan = new TestBrowser(sut.baseUrl);
    expect((await dan.signup('dan@example.com', PASSWORD, `?token=${invite.token}`)).status).toBe(302);
    const danId = (await readJson<UserBody>(await dan.get('/api/current-user/whoami'))).id;
    expect((await dan.api('GET', '/api/current-user/whoami')).status).toBe(200);
    const body = form(await png(16, 16));
    const token = dan.cookies.get('csrftoken')!;
    const res = await dan.request('POST', `/api/users/${danId}/avatar/`, {
      headers: { 'x-csrftoken': token },
      body,
    });
    expect(res.status).toBe(200);
    const danAvatar = String((await readJson<UserBody>(await dan.get('/api/current-user/whoami'))).avatar)
      .split('/')
      .pop()!;
    expect(await storedObjects()).toContain(danAvatar);

    const del = await fetch(`${sut.baseUrl}/api/users/${danId}/`, {
      method: 'DELETE',
      headers: tokenHeaders(annToken),
    });
    expect(del.status).toBe(204);
    await eventually(async () => ((await storedObjects()).includes(danAvatar) ? undefined : true), 30_000);
  });

  it('last activity: a new account is active from its sign-up (which logs it in)', async () => {
    const erin = new TestBrowser(sut.baseUrl);
    expect((await erin.signup('erin@example.com', PASSWORD)).status).toBe(302);
    const stamped = await eventually(async () => {
      const user = await readJson<UserBody>(await erin.get('/api/current-user/whoami'));
      return user.last_activity ? user : undefined;
    });
    expect(Date.parse(String(stamped.last_activity))).toBeGreaterThan(Date.now() - 60_000);
  });

  it('last activity: set at login, moved by unsafe requests, not by reads', async () => {
    const before = await me();
    expect(before.last_activity).toEqual(expect.any(String));
    const stamp = Date.parse(String(before.last_activity));

    await fetch(`${sut.baseUrl}/api/current-user/whoami`, { headers: tokenHeaders(annToken) });
    await new Promise((r) => setTimeout(r, 600));
    expect((await me()).last_activity).toBe(before.last_activity);

    const patch = await fetch(`${sut.baseUrl}/api/users/${annId}/`, {
      method: 'PATCH',
      headers: { ...tokenHeaders(annToken), 'content-type': 'application/json' },
      body: JSON.stringify({ first_name: 'Ann' }),
    });
    expect(patch.status).toBe(200);
    const moved = await eventually(async () => {
      const now = await me();
      return Date.parse(String(now.last_activity)) > stamp ? now : undefined;
    });
    expect(Date.parse(String(moved.last_activity))).toBeLessThanOrEqual(Date.now() + 1000);
  });
});
