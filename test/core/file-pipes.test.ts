import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import {
  BadRequestException,
  Body,
  Controller,
  createParamDecorator,
  FileTypeValidator,
  FileValidator,
  HttpStatus,
  MaxFileSizeValidator,
  ParseFilePipe,
  ParseFilePipeBuilder,
  Post,
  type IFile,
} from 'streamnest';
import { startApp } from '../support/app.js';
import { call } from './support.js';

/** Sent over HTTP as JSON; the decorator shapes it as multer would (buffer, or only a path for disk storage). */
interface SentFile {
  originalname: string;
  mimetype: string;
  base64: string;
  onDisk?: boolean;
}

const DISK = mkdtempSync(join(tmpdir(), 'sn-file-pipes-'));
process.on('exit', () => rmSync(DISK, { recursive: true, force: true }));
let stored = 0;

function toFile(sent: SentFile, fieldname = 'file'): IFile {
  const bytes = Buffer.from(sent.base64, 'base64');
  const file: IFile = { fieldname, originalname: sent.originalname, mimetype: sent.mimetype, size: bytes.length };
  if (sent.onDisk) {
    // As disk storage leaves it: the bytes in a file, under a name of its own.
    file.path = join(DISK, `${++stored}-${sent.originalname}`);
    writeFileSync(file.path, bytes);
  } else file.buffer = bytes;
  return file;
}

const UploadedFile = createParamDecorator((_data, ctx) => {
  const body = ctx.switchToHttp().getRequest<{ body?: { file?: SentFile } }>().body;
  return body?.file ? toFile(body.file) : undefined;
});
const UploadedFiles = createParamDecorator((_data, ctx) => {
  const body = ctx.switchToHttp().getRequest<{ body?: { files?: SentFile[]; fields?: Record<string, SentFile[]> } }>().body;
  if (body?.fields) return Object.fromEntries(Object.entries(body.fields).map(([name, files]) => [name, files.map((f) => toFile(f, name))]));
  return (body?.files ?? []).map((f) => toFile(f));
});

class PngNameValidator extends FileValidator<{ suffix: string }> {
  async isValid(file?: IFile) {
    await new Promise((r) => setImmediate(r));
    return !!file?.originalname?.endsWith(this.validationOptions.suffix);
  }
  buildErrorMessage(file: IFile) {
    return `${file.originalname} must end with ${this.validationOptions.suffix}`;
  }
}

const imagePipe = new ParseFilePipe({
  validators: [new MaxFileSizeValidator({ maxSize: 1000 }), new FileTypeValidator({ fileType: /^image\/(png|jpeg)$/ })],
});

@Controller('f')
class UploadController {
  @Post('image') image(@UploadedFile(undefined, imagePipe) file: IFile) {
    return { name: file.originalname, size: file.size };
  }
  @Post('optional') optional(
    @UploadedFile(
      undefined,
      new ParseFilePipeBuilder()
        .addFileTypeValidator({ fileType: 'application/pdf' })
        .addMaxSizeValidator({ maxSize: 500 })
        .build({ fileIsRequired: false, errorHttpStatusCode: HttpStatus.UNPROCESSABLE_ENTITY }),
    )
    file?: IFile,
  ) {
    return { got: file?.originalname ?? 'nothing' };
  }
  @Post('many') many(@UploadedFiles(undefined, imagePipe) files: IFile[]) {
    return { names: files.map((f) => f.originalname) };
  }
  @Post('fields') fields(@UploadedFiles(undefined, imagePipe) files: Record<string, IFile[]>) {
    return { fields: Object.keys(files) };
  }
  @Post('messages') messages(
    @UploadedFile(undefined, new ParseFilePipe({ validators: [new MaxFileSizeValidator({ maxSize: 10, message: (max) => `at most ${max} bytes, please` })] }))
    file: IFile,
  ) {
    return file.size;
  }
  @Post('error-message') errorMessage(
    @UploadedFile(
      undefined,
      new ParseFilePipe({
        validators: [new FileTypeValidator({ fileType: 'image/gif', errorMessage: ({ file, config }) => `${file?.originalname} is not ${config.fileType}` })],
      }),
    )
    file: IFile,
  ) {
    return file.size;
  }
  @Post('factory') factory(
    @UploadedFile(
      undefined,
      new ParseFilePipe({
        validators: [new MaxFileSizeValidator({ maxSize: 10 })],
        exceptionFactory: (error) => new BadRequestException({ upload: error }),
      }),
    )
    file: IFile,
  ) {
    return file.size;
  }
  @Post('csv') csv(@UploadedFile(undefined, new ParseFilePipe({ validators: [new FileTypeValidator({ fileType: 'text/csv' })] })) file: IFile) {
    return file.size;
  }
  @Post('csv-fallback') csvFallback(
    @UploadedFile(undefined, new ParseFilePipe({ validators: [new FileTypeValidator({ fileType: 'text/csv', fallbackToMimetype: true })] })) file: IFile,
  ) {
    return file.size;
  }
  @Post('skip-magic') skipMagic(
    @UploadedFile(undefined, new ParseFilePipe({ validators: [new FileTypeValidator({ fileType: 'image/png', skipMagicNumbersValidation: true })] }))
    file: IFile,
  ) {
    return file.size;
  }
  @Post('docx') docx(
    @UploadedFile(
      undefined,
      new ParseFilePipe({ validators: [new FileTypeValidator({ fileType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' })] }),
    )
    file: IFile,
  ) {
    return file.size;
  }
  @Post('custom') custom(@UploadedFile(undefined, new ParseFilePipe({ validators: [new PngNameValidator({ suffix: '.png' })] })) file: IFile) {
    return file.size;
  }
  @Post('raw') raw(@Body() body: unknown) {
    return body;
  }
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(24, 1)]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(24, 2)]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(16)]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x20, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(16)]);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62, 0x90)]);
const CSV = Buffer.from('id,name\n1,Ada\n');

/** A ZIP archive with stored (uncompressed) entries, enough for the sniffer. */
function zip(entries: Array<[string, string]>): Buffer {
  const parts = entries.map(([name, content]) => {
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt32LE(Buffer.byteLength(content), 18);
    header.writeUInt32LE(Buffer.byteLength(content), 22);
    header.writeUInt16LE(Buffer.byteLength(name), 26);
    return Buffer.concat([header, Buffer.from(name), Buffer.from(content)]);
  });
  return Buffer.concat(parts);
}
const DOCX = zip([
  ['[Content_Types].xml', '<Types/>'],
  ['word/document.xml', '<w:document/>'],
]);
const PLAIN_ZIP = zip([['notes.txt', 'hello']]);

const sent = (originalname: string, mimetype: string, bytes: Buffer, onDisk = false): SentFile => ({
  originalname,
  mimetype,
  base64: bytes.toString('base64'),
  onDisk,
});

async function upload(url: string, path: string, body: unknown) {
  return call(`${url}/f/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

test('ParseFilePipe: a valid file passes; a missing one is "File is required"', async (t) => {
  const { url, close } = await startApp({ controllers: [UploadController] });
  t.after(close);
  assert.deepEqual((await upload(url, 'image', { file: sent('cat.png', 'image/png', PNG) })).body, { name: 'cat.png', size: PNG.length });
  assert.deepEqual((await upload(url, 'image', { file: sent('cat.jpg', 'image/jpeg', JPEG) })).body, { name: 'cat.jpg', size: JPEG.length });
  const missing = await upload(url, 'image', {});
  assert.equal(missing.status, 400);
  assert.equal(missing.text, JSON.stringify({ message: 'File is required', error: 'Bad Request', statusCode: 400 }));
});

test("MaxFileSizeValidator fails a file of maxSize bytes or more, with NestJS's message or your own", async (t) => {
  const { url, close } = await startApp({ controllers: [UploadController] });
  t.after(close);
  const big = Buffer.concat([PNG, Buffer.alloc(1000 - PNG.length)]);
  const res = await upload(url, 'image', { file: sent('big.png', 'image/png', big) });
  assert.equal(res.status, 400);
  assert.equal(res.body.message, 'Validation failed (current file size is 1000, expected size is less than 1000)');
  assert.equal((await upload(url, 'messages', { file: sent('a.png', 'image/png', PNG) })).body.message, 'at most 10 bytes, please');
  assert.deepEqual((await upload(url, 'factory', { file: sent('a.png', 'image/png', PNG) })).body, {
    upload: 'Validation failed (current file size is 32, expected size is less than 10)',
  });
  const validator = new MaxFileSizeValidator({ maxSize: 5 });
  assert.equal(validator.isValid(undefined), true);
  assert.equal(validator.buildErrorMessage(), 'Validation failed (expected size is less than 5)');
  assert.equal(new MaxFileSizeValidator({ maxSize: 5, errorMessage: ({ config }) => `max ${config.maxSize}` }).buildErrorMessage(), 'max 5');
});

test('FileTypeValidator reads the type from the bytes: a renamed executable fails whatever it claims', async (t) => {
  const { url, close } = await startApp({ controllers: [UploadController] });
  t.after(close);
  const liar = await upload(url, 'image', { file: sent('cat.png', 'image/png', EXE) });
  assert.equal(liar.status, 400);
  assert.equal(liar.body.message, 'Validation failed (current file type is image/png, expected type is /^image\\/(png|jpeg)$/)');
  // A real PNG sent with a wrong declared type still passes: the bytes decide.
  assert.equal((await upload(url, 'image', { file: sent('cat.bin', 'application/octet-stream', PNG) })).status, 201);
  // A GIF is an image, but not one of the allowed ones.
  assert.equal((await upload(url, 'image', { file: sent('cat.png', 'image/png', GIF) })).status, 400);
  assert.equal((await upload(url, 'error-message', { file: sent('cat.gif', 'image/gif', GIF) })).status, 201);
  assert.equal((await upload(url, 'error-message', { file: sent('cat.gif', 'image/gif', WEBP) })).body.message, 'cat.gif is not image/gif');
  assert.equal((await upload(url, 'docx', { file: sent('cv.docx', 'application/octet-stream', DOCX) })).status, 201);
  assert.equal(
    (await upload(url, 'docx', { file: sent('cv.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', PLAIN_ZIP) })).status,
    400,
  );
});

test('FileTypeValidator: unknown bytes fail unless fallbackToMimetype; skipMagicNumbersValidation trusts the declared type; no buffer falls back to it', async (t) => {
  const { url, close } = await startApp({ controllers: [UploadController] });
  t.after(close);
  const csv = await upload(url, 'csv', { file: sent('a.csv', 'text/csv', CSV) });
  assert.equal(csv.status, 400);
  assert.equal(csv.body.message, 'Validation failed (current file type is text/csv, expected type is text/csv)');
  assert.equal((await upload(url, 'csv-fallback', { file: sent('a.csv', 'text/csv', CSV) })).status, 201);
  const fallbackFails = await upload(url, 'csv-fallback', { file: sent('a.csv', 'text/plain', CSV) });
  assert.equal(
    fallbackFails.body.message,
    'Validation failed (current file type is text/plain, expected type is text/csv) - magic number detection failed, used mimetype fallback',
  );
  // Known bytes are never overridden by the fallback.
  assert.equal((await upload(url, 'csv-fallback', { file: sent('a.csv', 'text/csv', PDF) })).status, 400);
  assert.equal((await upload(url, 'skip-magic', { file: sent('a.png', 'image/png', EXE) })).status, 201);
  // Disk storage: no buffer, so the first bytes of the stored file are read.
  assert.equal((await upload(url, 'image', { file: sent('cat.png', 'image/png', EXE, true) })).status, 400);
  assert.equal((await upload(url, 'image', { file: sent('cat.png', 'image/png', PNG, true) })).status, 201);
  assert.equal((await upload(url, 'image', { file: sent('doc.pdf', 'application/pdf', PDF, true) })).status, 400);
  // A path that cannot be read has no bytes to check: it fails, unless fallbackToMimetype.
  const gone = new FileTypeValidator({ fileType: 'image/png' });
  assert.equal(await gone.isValid({ mimetype: 'image/png', size: 1, path: join(DISK, 'missing.png') }), false);
  const fallback = new FileTypeValidator({ fileType: 'image/png', fallbackToMimetype: true });
  assert.equal(await fallback.isValid({ mimetype: 'image/png', size: 1, path: join(DISK, 'missing.png') }), true);
  const validator = new FileTypeValidator({ fileType: 'image/png' });
  assert.equal(validator.isValid(undefined), false);
  assert.equal(validator.buildErrorMessage(), 'Validation failed (expected type is image/png)');
  assert.equal(new FileTypeValidator({ fileType: 'image/svg+xml', skipMagicNumbersValidation: true }).isValid({ mimetype: 'image/svg+xml', size: 1 }), true);
});

test('ParseFilePipeBuilder: fileIsRequired false lets a missing file through; errorHttpStatusCode sets the status', async (t) => {
  const { url, close } = await startApp({ controllers: [UploadController] });
  t.after(close);
  assert.deepEqual((await upload(url, 'optional', {})).body, { got: 'nothing' });
  assert.deepEqual((await upload(url, 'optional', { file: sent('a.pdf', 'application/pdf', PDF) })).body, { got: 'a.pdf' });
  const wrong = await upload(url, 'optional', { file: sent('a.pdf', 'application/pdf', PNG) });
  assert.equal(wrong.status, 422);
  assert.equal(
    wrong.text,
    JSON.stringify({
      message: 'Validation failed (current file type is application/pdf, expected type is application/pdf)',
      error: 'Unprocessable Entity',
      statusCode: 422,
    }),
  );
  const builder = new ParseFilePipeBuilder().addMaxSizeValidator({ maxSize: 1 });
  assert.equal(builder.build().getValidators().length, 1);
  assert.equal(builder.build().getValidators().length, 0);
});

test('ParseFilePipe checks every file of an array or of a { field: files } record; custom async validators run', async (t) => {
  const { url, close } = await startApp({ controllers: [UploadController] });
  t.after(close);
  assert.deepEqual((await upload(url, 'many', { files: [sent('a.png', 'image/png', PNG), sent('b.jpg', 'image/jpeg', JPEG)] })).body, {
    names: ['a.png', 'b.jpg'],
  });
  const oneBad = await upload(url, 'many', { files: [sent('a.png', 'image/png', PNG), sent('b.pdf', 'image/png', PDF)] });
  assert.equal(oneBad.status, 400);
  assert.equal((await upload(url, 'many', { files: [] })).body.message, 'File is required');
  assert.deepEqual((await upload(url, 'fields', { fields: { avatar: [sent('a.png', 'image/png', PNG)], photos: [sent('b.jpg', 'image/jpeg', JPEG)] } })).body, {
    fields: ['avatar', 'photos'],
  });
  assert.equal((await upload(url, 'fields', { fields: { avatar: [sent('a.png', 'image/png', PNG)], photos: [sent('x.exe', 'image/png', EXE)] } })).status, 400);
  assert.equal((await upload(url, 'custom', { file: sent('a.png', 'image/png', PNG) })).status, 201);
  assert.equal((await upload(url, 'custom', { file: sent('a.gif', 'image/gif', GIF) })).body.message, 'a.gif must end with .png');
});

test("the built-in sniffer knows the common types by their magic numbers, with file-type's MIME names", () => {
  const ftyp = (brand: string) => Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from(`ftyp${brand}`), Buffer.alloc(12)]);
  const samples: Array<[string, Buffer]> = [
    ['image/png', PNG],
    ['image/jpeg', JPEG],
    ['image/gif', GIF],
    ['image/gif', Buffer.from('GIF87a......')],
    ['image/webp', WEBP],
    ['application/pdf', PDF],
    ['application/zip', PLAIN_ZIP],
    ['application/zip', Buffer.from([0x50, 0x4b, 0x05, 0x06, ...Buffer.alloc(18)])],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', DOCX],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', zip([['xl/workbook.xml', '<x/>']])],
    [
      'application/vnd.oasis.opendocument.text',
      zip([
        ['mimetype', 'application/vnd.oasis.opendocument.text'],
        ['content.xml', '<x/>'],
      ]),
    ],
    ['application/gzip', Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0])],
    ['image/tiff', Buffer.from('II*\0....')],
    ['image/bmp', Buffer.concat([Buffer.from('BM'), Buffer.alloc(20)])],
    ['audio/mpeg', Buffer.from('ID3\x04\0\0\0\0\0\0')],
    ['audio/wav', Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVEfmt '), Buffer.alloc(8)])],
    ['video/mp4', ftyp('isom')],
    ['video/quicktime', ftyp('qt  ')],
    ['image/avif', ftyp('avif')],
    ['image/heic', ftyp('heic')],
  ];
  for (const [mime, bytes] of samples) {
    const file = { mimetype: 'application/octet-stream', size: bytes.length, buffer: bytes };
    assert.equal(new FileTypeValidator({ fileType: mime }).isValid(file), true, mime);
    assert.equal(new FileTypeValidator({ fileType: 'text/html' }).isValid(file), false, mime);
  }
  const anything = new FileTypeValidator({ fileType: /.*/ });
  for (const unknown of [EXE, CSV, Buffer.alloc(0), Buffer.from('RIFF\0\0\0\0AVI ')]) {
    assert.equal(anything.isValid({ mimetype: 'text/plain', size: unknown.length, buffer: unknown }), false, unknown.toString('hex').slice(0, 16));
  }
  // A ZIP cut short inside its first header is still a ZIP.
  const truncated = zip([['word/document.xml', 'x']]).subarray(0, 20);
  assert.equal(new FileTypeValidator({ fileType: 'application/zip' }).isValid({ mimetype: 'text/plain', size: 20, buffer: truncated }), true);
});
