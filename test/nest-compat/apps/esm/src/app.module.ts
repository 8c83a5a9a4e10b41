import { Module } from 'streamnest';
import { GreetingsController } from './greetings/greetings.controller.js';
import { GreetingsService } from './greetings/greetings.service.js';

@Module({ controllers: [GreetingsController], providers: [GreetingsService] })
export class AppModule {}
