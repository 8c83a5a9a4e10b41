import { Module } from 'streamnest';
import { AppController } from './app.controller.js';
import { PageController } from './page.controller.js';

@Module({ controllers: [AppController, PageController] })
export class AppModule {}
