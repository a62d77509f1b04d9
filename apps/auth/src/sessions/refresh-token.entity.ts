import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One refresh token. Only its SHA-256 is stored: the token is 256 random bits, so a plain
 * hash is enough (no salt or slow hash needed) and a database leak yields no usable token.
 */
@Entity('refresh_tokens')
export class RefreshToken {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'user_id' })
  userId!: string;

  /** Every token rotated from one login shares it; reuse of a spent one revokes them all. */
  @Column('uuid', { name: 'family_id' })
  familyId!: string;

  @Column('bytea', { name: 'token_hash' })
  tokenHash!: Buffer;

  /** Sliding: REFRESH_TOKEN_TTL_SECONDS after issue, never past `sessionExpiresAt`. */
  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  /** Absolute: REFRESH_SESSION_MAX_SECONDS after the login; the same for the whole family. */
  @Column('timestamptz', { name: 'session_expires_at' })
  sessionExpiresAt!: Date;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  /** Set when the token was exchanged for a new one: presenting it again is reuse. */
  @Column('timestamptz', { name: 'used_at', nullable: true })
  usedAt!: Date | null;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt!: Date | null;

  /** The token this one was first exchanged for (the grace window checks it is still unused). */
  @Column('uuid', { name: 'replaced_by', nullable: true })
  replacedBy!: string | null;
}
