import { Module } from 'streamnest';
import { IdGeneratorModule } from '../id-generator/id-generator.module.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [IdGeneratorModule.register({ prefix: 'usr' })],
  controllers: [UsersController],
  providers: [UsersService],
})
export class UsersModule {}
