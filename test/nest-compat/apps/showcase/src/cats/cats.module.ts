import { forwardRef, Module } from 'streamnest';
import { OwnersModule } from '../owners/owners.module';
import { CatsController, CatsV2Controller } from './cats.controller';
import { CatsService } from './cats.service';

@Module({
  imports: [forwardRef(() => OwnersModule)],
  controllers: [CatsController, CatsV2Controller],
  providers: [CatsService],
  exports: [CatsService],
})
export class CatsModule {}
