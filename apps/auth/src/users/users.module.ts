import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { AdminSeeder } from './admin-seeder';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [CredentialsModule],
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, AdminSeeder],
  exports: [UsersRepository],
})
export class UsersModule {}
