import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'login_attempt' })
export class LoginAttempt {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'timestamptz', name: 'window_start' })
  windowStart!: Date;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'timestamptz', name: 'blocked_until', nullable: true })
  blockedUntil!: Date | null;

  @Column({ type: 'boolean' })
  refused!: boolean;

  @Column({ type: 'boolean', name: 'began_block' })
  beganBlock!: boolean;
}
