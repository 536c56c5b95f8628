import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'web_session' })
export class WebSession {
  /** SHA-256 of the cookie value; the value itself is never stored. */
  @PrimaryColumn({ type: 'bytea' })
  digest!: Buffer;

  @Column({ type: 'integer', name: 'user_id' })
  userId!: number;

  @Column({ type: 'boolean' })
  persistent!: boolean;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt!: Date;
}
