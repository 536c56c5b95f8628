import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'account' })
export class Account {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 256 })
  email!: string;

  @Column({ type: 'varchar', length: 256 })
  username!: string;

  /** bcrypt of the pre-hashed password (see PasswordHasher); null: cannot log in. */
  @Column({ type: 'text', name: 'password_hash', nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'boolean', name: 'is_active' })
  isActive!: boolean;

  @Column({ type: 'boolean', name: 'is_superuser' })
  isSuperuser!: boolean;

  @Column({ type: 'boolean', name: 'is_staff' })
  isStaff!: boolean;

  @Column({ type: 'timestamptz', name: 'date_joined' })
  dateJoined!: Date;

  @Column({ type: 'timestamptz', name: 'last_login', nullable: true })
  lastLogin!: Date | null;

  /** The web signup's ticket (invitations'), for its refusal; null for every other account. */
  @Column({ type: 'uuid', name: 'signup_ticket', nullable: true })
  signupTicket!: string | null;
}
