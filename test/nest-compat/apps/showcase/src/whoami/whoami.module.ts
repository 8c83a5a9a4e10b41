import { Module } from 'streamnest';
import { RequestContext } from './request-context.service';
import { WhoamiController } from './whoami.controller';

@Module({ controllers: [WhoamiController], providers: [RequestContext] })
export class WhoamiModule {}
