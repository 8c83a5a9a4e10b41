import { forwardRef, Module } from 'streamnest';
import { CatsModule } from '../cats/cats.module';
import { OwnersService } from './owners.service';

@Module({
  imports: [forwardRef(() => CatsModule)],
  providers: [OwnersService],
  exports: [OwnersService],
})
export class OwnersModule {}
