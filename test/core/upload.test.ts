import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BadRequestException,
  Body,
  Controller,
  FileTypeValidator,
  MaxFileSizeValidator,
  Module,
  ParseFilePipe,
  Post,
  UploadedFile,
  UploadedFiles,
  UseInterceptors,
} from 'streamnest';
import {
  AnyFilesInterceptor,
  FileFieldsInterceptor,
  FileInterceptor,
  FilesInterceptor,
  MulterModule,
  NoFilesInterceptor,
  diskStorage,
  type MulterFile,
} from 'streamnest/upload';
import { startApp } from '../support/app.js';
import { call } from './support.js';
import { filesIn } from '../support/multipart.js';
import { runtimeSkip } from '../runtimes/skips.js';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 7)]);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(40, 1)]);

/** What a handler saw of a file, as JSON. */
const seen = (file?: MulterFile) =>
  file && {
    fieldname: file.fieldname,
    originalname: file.originalname,
    encoding: file.encoding,
    mimetype: file.mimetype,
    size: file.size,
    buffer: file.buffer?.toString('base64'),
    filename: file.filename,
    destination: file.destination,
    path: file.path,
  };

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sn-upload-'));
  dirs.push(dir);
  return dir;
}
process.on('exit', () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const DISK = tempDir();
const pngOnly = new ParseFilePipe({ validators: [new MaxFileSizeValidator({ maxSize: 1000 }), new FileTypeValidator({ fileType: 'image/png' })] });

@Controller('up')
class UploadController {
  @Post('one')
  @UseInterceptors(FileInterceptor('file'))
  one(@UploadedFile() file: MulterFile | undefined, @Body() body: Record<string, unknown>) {
    return { file: seen(file) ?? null, body: body === undefined ? null : { ...body } };
  }

  @Post('many')
  @UseInterceptors(FilesInterceptor('photos', 2))
  many(@UploadedFiles() files: MulterFile[]) {
    return files.map((f) => f.originalname);
  }

  @Post('fields')
  @UseInterceptors(FileFieldsInterceptor([{ name: 'avatar', maxCount: 1 }, { name: 'docs' }]))
  fields(@UploadedFiles() files: Record<string, MulterFile[]>) {
    return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.map((f) => f.originalname)]));
  }

  @Post('any')
  @UseInterceptors(AnyFilesInterceptor())
  any(@UploadedFiles() files: MulterFile[]) {
    return files.map((f) => `${f.fieldname}:${f.originalname}`);
  }

  @Post('none')
  @UseInterceptors(NoFilesInterceptor())
  none(@Body() body: Record<string, unknown>) {
    return { ...body };
  }

  @Post('disk')
  @UseInterceptors(FileInterceptor('file', { dest: DISK }))
  disk(@UploadedFile() file: MulterFile) {
    return { ...seen(file), bytes: readFileSync(file.path!).toString('base64') };
  }

  @Post('png')
  @UseInterceptors(FileInterceptor('file'))
  png(@UploadedFile(pngOnly) file: MulterFile) {
    return { ok: file.originalname };
  }

  @Post('png-disk')
  @UseInterceptors(FileInterceptor('file', { dest: DISK }))
  pngDisk(@UploadedFile(pngOnly) file: MulterFile) {
    return { ok: file.originalname };
  }

  @Post('filtered')
  @UseInterceptors(
    FilesInterceptor('files', 5, {
      dest: DISK,
      fileFilter: (_req, file, callback) => {
        if (file.originalname === 'evil.txt') return callback(new BadRequestException('no evil'), false);
        callback(null, file.mimetype === 'image/png');
      },
    }),
  )
  filtered(@UploadedFiles() files: MulterFile[]) {
    return files.map((f) => f.originalname);
  }

  @Post('json')
  json(@Body() body: unknown) {
    return { body };
  }
}

function form(entries: Array<[string, string] | [string, Buffer, string, string?]>): FormData {
  const data = new FormData();
  for (const [name, value, filename, type] of entries) {
    if (typeof value === 'string') data.append(name, value);
    else data.append(name, new Blob([new Uint8Array(value)], { type: type ?? 'application/octet-stream' }), filename);
  }
  return data;
}

const post = (url: string, path: string, body: FormData | string, headers?: Record<string, string>) =>
  call(`${url}/up/${path}`, { method: 'POST', body, headers });

test('FileInterceptor: the file on @UploadedFile() as multer shapes it (memory storage), the text fields in @Body(), repeated names as arrays', async (t) => {
  const { url, close } = await startApp({ controllers: [UploadController] });
  t.after(close);
  const res = await post(
    url,
    'one',
    form([
      ['title', 'Holiday'],
      ['tag', 'a'],
      ['tag', 'b'],
      ['file', PNG, 'cat.png', 'image/png'],
      ['__proto__', 'x'],
    ]),
  );
  assert.equal(res.status, 201);
  assert.deepEqual(res.body.file, {
    fieldname: 'file',
    originalname: 'cat.png',
    encoding: '7bit',
    mimetype: 'image/png',
    size: PNG.length,
    buffer: PNG.toString('base64'),
  });
  assert.deepEqual(res.body.body, { title: 'Holiday', tag: ['a', 'b'], ['__proto__']: 'x' });
  assert.equal(({} as Record<string, unknown>).x, undefined);
  // A name in UTF-8, as browsers send it, arrives as written.
  const utf8 = await post(url, 'one', form([['file', PNG, 'café.png', 'image/png']]));
  assert.equal(utf8.body.file.originalname, 'café.png');
});

test(
  'FileInterceptor: no body runs the handler with no file; a body that is not multipart gets 415 saying what to send',
  runtimeSkip('core: FileInterceptor: no body, or a body that is not multipart'),
  async (t) => {
    const { url, close } = await startApp({ controllers: [UploadController] });
    t.after(close);
    assert.deepEqual((await post(url, 'one', '')).body, { file: null, body: null });
    const json = await post(url, 'one', '{"a":1}', { 'content-type': 'application/json' });
    assert.equal(json.status, 415);
    assert.match(json.body.message, /"application\/json".*this route takes a file upload, send multipart\/form-data/);
    assert.equal(json.headers.get('connection'), 'close');
    // A route without an upload interceptor still parses its body: the marker is per route.
    assert.deepEqual((await post(url, 'json', '{"a":1}', { 'content-type': 'application/json' })).body, { body: { a: 1 } });
    // ParseFilePipe asks for the missing file.
    const missing = await post(url, 'png', '');
    assert.equal(missing.status, 400);
    assert.equal(missing.body.message, 'File is required');
  },
);

test('FilesInterceptor, FileFieldsInterceptor, AnyFilesInterceptor, NoFilesInterceptor: where files go, and a file past maxCount or in another field is a 400', async (t) => {
  const { url, close } = await startApp({ controllers: [UploadController] });
  t.after(close);
  const two = form([
    ['photos', PNG, 'a.png'],
    ['photos', PNG, 'b.png'],
  ]);
  assert.deepEqual((await post(url, 'many', two)).body, ['a.png', 'b.png']);
  const three = await post(
    url,
    'many',
    form([
      ['photos', PNG, 'a.png'],
      ['photos', PNG, 'b.png'],
      ['photos', PNG, 'c.png'],
    ]),
  );
  assert.equal(three.status, 400);
  assert.equal(three.body.message, 'Unexpected field: "photos"');
  assert.equal((await post(url, 'one', form([['other', PNG, 'a.png']]))).body.message, 'Unexpected field: "other"');
  assert.equal(
    (
      await post(
        url,
        'one',
        form([
          ['file', PNG, 'a.png'],
          ['file', PNG, 'b.png'],
        ]),
      )
    ).status,
    400,
  );

  const fields = form([
    ['avatar', PNG, 'me.png'],
    ['docs', PNG, 'd1.pdf'],
    ['docs', PNG, 'd2.pdf'],
  ]);
  assert.deepEqual((await post(url, 'fields', fields)).body, { avatar: ['me.png'], docs: ['d1.pdf', 'd2.pdf'] });
  assert.equal(
    (
      await post(
        url,
        'fields',
        form([
          ['avatar', PNG, 'a'],
          ['avatar', PNG, 'b'],
        ]),
      )
    ).status,
    400,
  );

  assert.deepEqual(
    (
      await post(
        url,
        'any',
        form([
          ['x', PNG, '1.png'],
          ['y', PNG, '2.png'],
        ]),
      )
    ).body,
    ['x:1.png', 'y:2.png'],
  );

  assert.deepEqual(
    (
      await post(
        url,
        'none',
        form([
          ['a', '1'],
          ['b', '2'],
        ]),
      )
    ).body,
    { a: '1', b: '2' },
  );
  assert.equal(
    (
      await post(
        url,
        'none',
        form([
          ['a', '1'],
          ['f', PNG, 'x.png'],
        ]),
      )
    ).status,
    400,
  );
});

test('dest: files are written to disk under random names, with destination, filename and path; the client name is metadata only', async (t) => {
  const { url, close } = await startApp({ controllers: [UploadController] });
  t.after(close);
  const res = await post(url, 'disk', form([['file', PNG, 'cat.png', 'image/png']]));
  assert.equal(res.status, 201);
  assert.equal(res.body.destination, DISK);
  assert.match(res.body.filename, /^[0-9a-f]{32}$/);
  assert.equal(res.body.path, join(DISK, res.body.filename));
  assert.equal(res.body.originalname, 'cat.png');
  assert.equal(res.body.buffer, undefined);
  assert.equal(res.body.size, PNG.length);
  assert.equal(res.body.bytes, PNG.toString('base64'));
});

test('ParseFilePipe with FileTypeValidator checks the bytes, not the name or the declared type, in memory and on disk', async (t) => {
  const { url, close } = await startApp({ controllers: [UploadController] });
  t.after(close);
  for (const route of ['png', 'png-disk']) {
    assert.deepEqual((await post(url, route, form([['file', PNG, 'cat.png', 'image/png']]))).body, { ok: 'cat.png' }, route);
    const fake = await post(url, route, form([['file', EXE, 'cat.png', 'image/png']]));
    assert.equal(fake.status, 400, route);
    assert.equal(fake.body.message, 'Validation failed (current file type is image/png, expected type is image/png)');
    // The real type wins over a wrong name and declared type.
    assert.equal((await post(url, route, form([['file', PNG, 'notes.txt', 'text/plain']]))).status, 201, route);
  }
});

test('fileFilter: a file it declines is skipped (and never stored); an error it gives fails the request, and nothing stays on disk', async (t) => {
  const { url, close } = await startApp({ controllers: [UploadController] });
  t.after(close);
  const before = filesIn(DISK).length;
  const res = await post(
    url,
    'filtered',
    form([
      ['files', PNG, 'a.png', 'image/png'],
      ['files', EXE, 'b.exe', 'application/x-msdownload'],
    ]),
  );
  assert.deepEqual(res.body, ['a.png']);
  assert.equal(filesIn(DISK).length, before + 1);
  const evil = await post(
    url,
    'filtered',
    form([
      ['files', PNG, 'first.png', 'image/png'],
      ['files', EXE, 'evil.txt', 'text/plain'],
    ]),
  );
  assert.equal(evil.status, 400);
  assert.equal(evil.body.message, 'no evil');
  // first.png had been stored: it was removed before the answer.
  assert.equal(filesIn(DISK).length, before + 1);
});

test('MulterModule.register: its dest and limits apply to the interceptors of the modules that import it; an interceptor’s own options win', async (t) => {
  const dest = tempDir();
  const own = tempDir();
  @Controller('m')
  class ModuleController {
    @Post('default')
    @UseInterceptors(FileInterceptor('file'))
    byModule(@UploadedFile() file: MulterFile) {
      return { path: file.path };
    }

    @Post('own')
    @UseInterceptors(FileInterceptor('file', { dest: own, limits: { fileSize: 100 } }))
    byOwn(@UploadedFile() file: MulterFile) {
      return { path: file.path };
    }
  }
  @Module({ imports: [MulterModule.register({ dest, limits: { fileSize: 10 } })], controllers: [ModuleController] })
  class UploadModule {}
  const { url, close } = await startApp({ imports: [UploadModule] });
  t.after(close);
  const small = Buffer.alloc(10, 1);
  const res = await call(`${url}/m/default`, { method: 'POST', body: form([['file', small, 'a.bin']]) });
  assert.equal(res.body.path.startsWith(dest), true);
  const large = await call(`${url}/m/default`, { method: 'POST', body: form([['file', Buffer.alloc(11, 1), 'a.bin']]) });
  assert.equal(large.status, 413);
  const mine = await call(`${url}/m/own`, { method: 'POST', body: form([['file', Buffer.alloc(50, 1), 'a.bin']]) });
  assert.equal(mine.body.path.startsWith(own), true);
  assert.deepEqual(filesIn(dest).length, 1);
});

test('MulterModule.registerAsync: options from a factory', async (t) => {
  const dest = tempDir();
  @Controller('a')
  class AsyncController {
    @Post()
    @UseInterceptors(FileInterceptor('file'))
    up(@UploadedFile() file: MulterFile) {
      return { path: file.path };
    }
  }
  @Module({
    imports: [MulterModule.registerAsync({ useFactory: async () => ({ storage: diskStorage({ destination: dest }) }) })],
    controllers: [AsyncController],
  })
  class AsyncModule {}
  const { url, close } = await startApp({ imports: [AsyncModule] });
  t.after(close);
  const res = await call(`${url}/a`, { method: 'POST', body: form([['file', PNG, 'a.png']]) });
  assert.equal(res.body.path.startsWith(dest), true);
});

test('wrong options are start-up errors with a code: a limit out of range, an unknown option or limit, an empty field name, a bad maxCount', async () => {
  const startWith = async (interceptor: () => unknown) => {
    @Controller('x')
    class C {
      @Post()
      @UseInterceptors(interceptor() as any)
      up() {}
    }
    return startApp({ controllers: [C] }).then((app) => app.close());
  };
  await assert.rejects(
    startWith(() => FileInterceptor('f', { limits: { fileSize: -1 } })),
    { code: 'SN_ERR_INVALID_OPTION', message: /limits\.fileSize/ },
  );
  await assert.rejects(
    startWith(() => FileInterceptor('f', { limits: { fileSize: Number.POSITIVE_INFINITY } })),
    { code: 'SN_ERR_INVALID_OPTION' },
  );
  await assert.rejects(
    startWith(() => FileInterceptor('f', { limits: { size: 1 } as any })),
    { code: 'SN_ERR_INVALID_OPTION', message: /limits\.size/ },
  );
  await assert.rejects(
    startWith(() => FileInterceptor('f', { limit: {} } as any)),
    { code: 'SN_ERR_INVALID_OPTION', message: /"limit" is not an upload option/ },
  );
  await assert.rejects(
    startWith(() => FileInterceptor('f', { storage: {} as any })),
    { code: 'SN_ERR_INVALID_OPTION', message: /storage/ },
  );
  assert.throws(() => FileInterceptor(''), { code: 'SN_ERR_INVALID_ARGUMENT' });
  assert.throws(() => FilesInterceptor('f', 0), { code: 'SN_ERR_INVALID_ARGUMENT' });
  assert.throws(() => FileFieldsInterceptor([{ name: 'a', maxCount: 1.5 }]), { code: 'SN_ERR_INVALID_ARGUMENT' });
  assert.throws(() => diskStorage({ filename: 'x' as any }), { code: 'SN_ERR_INVALID_OPTION' });
});
