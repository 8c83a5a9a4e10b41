import { Body, Controller, Get, Param, ParseIntPipe, Post, ValidationPipe } from 'streamnest';
import { CreateGreetingDto } from './greeting.dto.js';
import { GreetingsService } from './greetings.service.js';

@Controller('greetings')
export class GreetingsController {
  constructor(private readonly greetings: GreetingsService) {}

  @Get(':times')
  many(@Param('times', ParseIntPipe) times: number) {
    return this.greetings.greet('world', times);
  }

  @Post()
  create(@Body(new ValidationPipe()) dto: CreateGreetingDto) {
    return this.greetings.greet(dto.name);
  }
}
