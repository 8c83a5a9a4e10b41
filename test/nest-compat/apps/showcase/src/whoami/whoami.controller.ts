import { Controller, Get, ModuleRef } from 'streamnest';
import { Public } from '../common/public.decorator';
import { ConfigService } from '../config/config.service';
import { RequestContext } from './request-context.service';

@Controller('whoami')
export class WhoamiController {
  constructor(
    private readonly context: RequestContext,
    private readonly moduleRef: ModuleRef,
  ) {}

  @Public()
  @Get()
  whoami() {
    const config = this.moduleRef.get(ConfigService, { strict: false });
    return { agent: this.context.agent, greeting: config.greeting };
  }
}
