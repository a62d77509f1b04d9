import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '@lib/platform';
import type { AppConfig } from '../config';
import { passwordProblems } from '../credentials/password-policy';
import { normaliseEmail } from './users.dto';
import { UsersService } from './users.service';

/** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD on start, once. */
@Injectable()
export class AdminSeeder implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { ADMIN_EMAIL, ADMIN_PASSWORD } = this.config;
    if (!ADMIN_EMAIL || !ADMIN_PASSWORD) return;
    const email = normaliseEmail(ADMIN_EMAIL) as string;
    // The most powerful account gets no exemption from the policy; fail the start instead.
    const problems = passwordProblems(ADMIN_PASSWORD, email);
    if (problems.length > 0) throw new Error(`ADMIN_PASSWORD: ${problems.join('; ')}`);
    await this.users.seedAdmin(email, ADMIN_PASSWORD);
  }
}
