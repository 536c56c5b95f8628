import { AuditRecord } from '@app/database';

export type ProfileAuditAction = 'profile.update' | 'hotkeys.update' | 'avatar.set' | 'avatar.clear';

/**
 * An entry for a change to a profile, written in the change's own transaction: who acted (the
 * signed-in user the gateway named, or the operator) and which fields changed; never their values.
 */
export type ProfileAudit = AuditRecord<ProfileAuditAction>;

/** `profile.update` for names, phone and the newsletter flag; `hotkeys.update` when only hotkeys changed. */
export function profileChangeAudit(
  userId: number,
  actor: number | undefined,
  fields: string[],
): ProfileAudit {
  const onlyHotkeys = fields.length === 1 && fields[0] === 'customHotkeys';
  return {
    action: onlyHotkeys ? 'hotkeys.update' : 'profile.update',
    actor,
    subjectUserId: userId,
    details: { fields: fields.join(',') },
  };
}
