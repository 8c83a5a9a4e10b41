import { Body, Controller, Post } from 'streamnest';
import { UsersService } from './users.service.js';

@Controller('users')
export class UsersController {
  constructor(private readonly service: UsersService) {}

  @Post()
  create(@Body('name') name: string) {
    return this.service.create(name);
  }
}
