import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { Account } from './account.entity';

export interface NewAccount {
  email: string;
  username: string;
  passwordHash: string | null;
  /** Operator accounts (Label Studio's CLI users) are superuser and staff. */
  isSuperuser?: boolean;
  signupTicket?: string;
}

/** Name of the unique index on the normalised email (see the initial migration). */
export const ACCOUNT_EMAIL_UNIQUE = 'account_email_key';

@Injectable()
export class AccountRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findById(id: number): Promise<Account | null> {
    return this.dataSource.manager.findOneBy(Account, { id });
  }

  /** `email` must already be normalised. */
  async findByEmail(email: string): Promise<Account | null> {
    return this.dataSource.manager.findOneBy(Account, { email });
  }

  async emailExists(email: string): Promise<boolean> {
    return this.dataSource.manager.existsBy(Account, { email });
  }

  async findByIds(ids: number[]): Promise<Account[]> {
    if (ids.length === 0) return [];
    return this.dataSource.manager.find(Account, { where: { id: In(ids) }, order: { id: 'ASC' } });
  }

  /** Throws a unique violation on ACCOUNT_EMAIL_UNIQUE when the email is taken (also by a racing insert). */
  async insert(manager: EntityManager, account: NewAccount): Promise<Account> {
    const created = manager.create(Account, {
      email: account.email,
      username: account.username,
      passwordHash: account.passwordHash,
      isActive: true,
      isSuperuser: account.isSuperuser ?? false,
      isStaff: account.isSuperuser ?? false,
      dateJoined: new Date(),
      lastLogin: null,
      signupTicket: account.signupTicket ?? null,
    });
    const result = await manager.insert(Account, created);
    created.id = (result.identifiers[0] as { id: number }).id;
    return created;
  }

  /** A page of every account, ordered by id (the operator's `list_users`). */
  async findPage(offset: number, limit: number): Promise<Account[]> {
    return this.dataSource.manager.find(Account, { order: { id: 'ASC' }, skip: offset, take: limit });
  }

  /** The row, locked until the transaction ends (a concurrent change waits for this one). */
  async findForUpdate(manager: EntityManager, id: number): Promise<Account | null> {
    return manager.findOne(Account, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async updatePasswordHash(manager: EntityManager, id: number, passwordHash: string): Promise<boolean> {
    const result = await manager.update(Account, { id }, { passwordHash });
    return (result.affected ?? 0) > 0;
  }

  async updateActive(manager: EntityManager, id: number, isActive: boolean): Promise<void> {
    await manager.update(Account, { id }, { isActive });
  }

  async updateUsername(manager: EntityManager, id: number, username: string): Promise<Account | null> {
    const result = await manager.update(Account, { id }, { username });
    if (!result.affected) return null;
    return manager.findOneBy(Account, { id });
  }

  /**
   * Stamps a login, by the database's clock, only while the password hash is still `verifiedHash`
   * (the row stays locked until the transaction ends); swaps in `rehashed` when given. Returns the
   * login time, or null when the password changed since it was verified.
   */
  async recordLogin(manager: EntityManager, id: number, at: Date): Promise<void> {
    await manager.update(Account, { id }, { lastLogin: at });
  }

  async recordVerifiedLogin(
    manager: EntityManager,
    id: number,
    verifiedHash: string,
    rehashed: string | null,
  ): Promise<Date | null> {
    const [rows]: [{ last_login: Date }[], number] = await manager.query(
      `UPDATE account SET last_login = now(), password_hash = COALESCE($3, password_hash)
        WHERE id = $1 AND password_hash = $2 RETURNING last_login`,
      [id, verifiedHash, rehashed],
    );
    return rows[0] ? new Date(rows[0].last_login) : null;
  }

  /** Hard delete; the token and the sessions go with it (ON DELETE CASCADE). */
  async delete(manager: EntityManager, id: number, signupTicket?: string): Promise<boolean> {
    const result = await manager.delete(Account, signupTicket === undefined ? { id } : { id, signupTicket });
    return (result.affected ?? 0) > 0;
  }
}
