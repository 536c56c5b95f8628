/** ISO-8601 UTC timestamp with `Z`. */
export type IsoDate = string;

/** What identity owns about an account. Never carries a password hash or token digest. */
export interface AccountDto {
  id: number;
  email: string;
  username: string;
  isActive: boolean;
  isSuperuser: boolean;
  dateJoined: IsoDate;
  lastLogin: IsoDate | null;
}

/** What profiles owns about an account. */
export interface ProfileDto {
  userId: number;
  firstName: string;
  lastName: string;
  phone: string;
  allowNewsletters: boolean | null;
  customHotkeys: Record<string, unknown>;
  /** Path of the avatar image (`/data/avatars/...`) or null. */
  avatar: string | null;
  lastActivity: IsoDate | null;
}

/** Organization as seen from a user's representation (`active_organization_meta`). */
export interface OrganizationRefDto {
  id: number;
  title: string;
  ownerEmail: string;
}
