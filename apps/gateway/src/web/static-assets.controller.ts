import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { Request, Response } from 'express';
import { notFound } from '../errors/api-error';
import { StaticAssets } from './static-assets';

const A_YEAR = 365 * 24 * 3600;

/**
 * `/static/<version>/<name>` is immutable (the version is the digest of every asset); a page from
 * another build (a rolling deploy) still gets the file, but uncached. `/static/<name>` always
 * revalidates. `nosniff` comes with every response (helmet).
 */
@Controller('static')
export class StaticAssetsController {
  constructor(private readonly assets: StaticAssets) {}

  @Get(':name')
  latest(@Param('name') name: string, @Req() req: Request, @Res() res: Response): void {
    this.send(name, 'no-cache', req, res);
  }

  @Get(':version/:name')
  versioned(
    @Param('version') version: string,
    @Param('name') name: string,
    @Req() req: Request,
    @Res() res: Response,
  ): void {
    const current = version === this.assets.version;
    this.send(name, current ? `public, max-age=${A_YEAR}, immutable` : 'no-cache', req, res);
  }

  private send(name: string, cacheControl: string, req: Request, res: Response): void {
    const asset = this.assets.get(name);
    if (!asset) throw notFound();
    res.setHeader('Content-Type', asset.contentType);
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('ETag', asset.etag);
    if (req.headers['if-none-match'] === asset.etag) {
      res.status(304).end();
      return;
    }
    // Node sends no body for HEAD by itself.
    res.status(200).end(asset.body);
  }
}
