import {
  Body, Controller, DefaultValuePipe, Delete, Get, Header, HttpCode, HttpStatus, Param, ParseIntPipe, Post, Query, Res,
  StreamableFile, UseInterceptors, Version,
} from 'streamnest';
import type { Response } from 'express';
import { Roles } from '../common/roles.decorator';
import { Public } from '../common/public.decorator';
import { CurrentUser } from '../common/user.decorator';
import { TimeoutInterceptor } from '../common/timeout.interceptor';
import { CatsService } from './cats.service';
import { CreateCatDto } from './dto/create-cat.dto';

@Controller({ path: 'cats', version: '1' })
export class CatsController {
  constructor(private readonly catsService: CatsService) {}

  @Public()
  @Get()
  findAll(@Query('limit', new DefaultValuePipe(10), ParseIntPipe) limit: number) {
    return this.catsService.findAll(limit);
  }

  @Public()
  @Get('slow')
  @UseInterceptors(TimeoutInterceptor)
  slow() {
    return new Promise((resolve) => setTimeout(() => resolve('too late'), 1_000));
  }

  @Public()
  @Get('export')
  @Header('Content-Disposition', 'attachment; filename="cats.csv"')
  export() {
    return new StreamableFile(Buffer.from('id,name\n1,Tom\n'), { type: 'text/csv' });
  }

  @Public()
  @Get(':id')
  findOne(@Param('id', ParseIntPipe) id: number) {
    return this.catsService.findOne(id);
  }

  @Public()
  @Get(':id/owner')
  owner(@Param('id', ParseIntPipe) id: number, @Res({ passthrough: true }) res: Response) {
    res.setHeader('x-owner-lookup', 'yes');
    return { owner: this.catsService.ownerOf(id) };
  }

  @Post()
  @Roles(['admin'])
  create(@Body() dto: CreateCatDto, @CurrentUser('name') by: string) {
    return { ...this.catsService.create(dto), by };
  }

  @Delete(':id')
  @Roles(['admin'])
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param('id', ParseIntPipe) id: number) {
    this.catsService.findOne(id);
  }

  @Public()
  @Post('express')
  express(@Body() body: { name?: string }, @Res() res: Response) {
    res.status(HttpStatus.ACCEPTED).json({ accepted: body.name ?? null });
  }

  @Public()
  @Get(':id/boom')
  boom() {
    throw new Error('a bug');
  }
}

@Controller('cats')
export class CatsV2Controller {
  constructor(private readonly catsService: CatsService) {}

  @Public()
  @Version('2')
  @Get()
  findAll() {
    return { version: 2, cats: this.catsService.findAll() };
  }
}
