import { ClassSerializerInterceptor, Controller, Get, SerializeOptions, UseInterceptors } from 'streamnest';
import { Public } from '../common/public.decorator';
import { RoleEntity, UserEntity } from './user.entity';

@Controller('users')
@UseInterceptors(ClassSerializerInterceptor)
export class UsersController {
  @Public()
  @Get()
  findOne(): UserEntity {
    return new UserEntity({ id: 1, firstName: 'Kamil', lastName: 'Mysliwiec', password: 'password', role: new RoleEntity({ id: 1, name: 'admin' }) });
  }

  @Public()
  @Get('plain')
  @SerializeOptions({ excludePrefixes: ['_'] })
  plain() {
    return { id: 2, _secret: 'hidden' };
  }
}
