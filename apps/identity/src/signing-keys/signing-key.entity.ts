import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A key that signs access tokens. Only identity ever reads the private half. */
@Entity({ name: 'signing_key' })
export class SigningKey {
  @PrimaryColumn({ type: 'text' })
  kid!: string;

  /** Ed25519, as a JWK's `x` (base64url). */
  @Column({ type: 'text', name: 'public_key' })
  publicKey!: string;

  @Column({ type: 'bytea', name: 'private_key_ciphertext' })
  privateKeyCiphertext!: Buffer;

  @Column({ type: 'timestamptz', name: 'active_from' })
  activeFrom!: Date;

  @Column({ type: 'timestamptz', name: 'retired_at', nullable: true })
  retiredAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;
}
