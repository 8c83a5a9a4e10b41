import { Module } from 'streamnest';
import { UsersController } from './users.controller';

@Module({ controllers: [UsersController] })
export class UsersModule {}
