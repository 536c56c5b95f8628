import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'login_attempt' })
export class LoginAttempt {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'timestamptz', name: 'window_start' })
  windowStart!: Date;

  @Column({ type: 'integer' })
  attempts!: number;
}
