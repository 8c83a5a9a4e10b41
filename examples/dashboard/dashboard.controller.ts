import {
  BadRequestException,
  Controller,
  FileTypeValidator,
  Get,
  MaxFileSizeValidator,
  NotFoundException,
  Param,
  ParseFilePipe,
  Post,
  Query,
  Redirect,
  Render,
  Res,
  SseHub,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
  type ExpressResponse,
} from 'streamnest';
import { CacheInterceptor, CacheTTL } from 'streamnest/cache';
import { SignedCookies } from 'streamnest/cookies';
import { FileInterceptor, type MulterFile } from 'streamnest/upload';
import { Avatars } from './avatars.js';
import { USER_NAME, userOf } from './session.js';

@Controller()
export class DashboardController {
  constructor(
    private readonly hub: SseHub,
    private readonly avatars: Avatars,
  ) {}

  /** The page, rendered on the server: who is logged in, and their avatar. */
  @Get()
  @Render('index')
  page(@SignedCookies('user') user?: string) {
    return { user: typeof user === 'string' ? user : undefined, hasAvatar: typeof user === 'string' && this.avatars.get(user) !== undefined };
  }

  /** A login without a password, for the example: the name goes into a signed, HttpOnly cookie. */
  @Get('login')
  @Redirect('/')
  login(@Query('name') name: string | undefined, @Res({ passthrough: true }) res: ExpressResponse) {
    if (typeof name !== 'string' || !USER_NAME.test(name)) throw new BadRequestException('A name is letters, digits, - and _, at most 32');
    res.cookie('user', name, { signed: true, maxAge: 60 * 60 * 1000 });
  }

  @Get('logout')
  @Redirect('/')
  logout(@Res({ passthrough: true }) res: ExpressResponse) {
    res.clearCookie('user');
  }

  /** An avatar: one PNG, JPEG or GIF of at most 512 KiB, its type read from its bytes. */
  @Post('avatar')
  @Redirect('/')
  @UseInterceptors(FileInterceptor('avatar'))
  async upload(
    @SignedCookies('user') cookie: unknown,
    @UploadedFile(
      new ParseFilePipe({ validators: [new MaxFileSizeValidator({ maxSize: 512 * 1024 }), new FileTypeValidator({ fileType: /^image\/(png|jpeg|gif)$/ })] }),
    )
    file: MulterFile,
  ) {
    const user = userOf(cookie);
    this.avatars.set(user, file.buffer!, file.mimetype);
    await this.hub.publish(`user:${user}`, { event: 'avatar', data: { size: file.size } });
  }

  @Get('avatar/:user')
  avatar(@Param('user') user: string) {
    const image = this.avatars.get(user);
    if (!image) throw new NotFoundException();
    return new StreamableFile(image.bytes, { type: image.type });
  }

  /** Cached JSON: computed at most every 2 s, whoever asks. */
  @Get('api/stats')
  @UseInterceptors(CacheInterceptor)
  @CacheTTL(2_000)
  stats() {
    const { subscribers, published, delivered } = this.hub.stats();
    return { subscribers, published, delivered, computedAt: new Date().toISOString() };
  }
}
