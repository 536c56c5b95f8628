import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Request } from 'express';
import { PrincipalDto } from '@app/contracts';

export type AuthenticatedRequest = Request & { principal?: PrincipalDto; sessionKey?: string };

/** The caller authenticated by AuthGuard. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): PrincipalDto => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without AuthGuard');
  return principal;
});
