import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The legacy API key of one user: a keyed digest for lookup, an encryption to show it again. */
@Entity({ name: 'api_token' })
export class ApiToken {
  @PrimaryColumn({ type: 'integer', name: 'user_id' })
  userId!: number;

  @Column({ type: 'bytea' })
  digest!: Buffer;

  @Column({ type: 'bytea' })
  ciphertext!: Buffer;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
