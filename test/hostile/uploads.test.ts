import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Body, Controller, Post, UploadedFile, UploadedFiles, UseInterceptors } from 'streamnest';
import { AnyFilesInterceptor, FileInterceptor, diskStorage, type MulterFile } from 'streamnest/upload';
import { startApp } from '../support/app.js';
import { eventually, rawRequest } from '../core/support.js';
import { assertCoded, notingFilter } from '../support/coded-error.js';
import { filesIn, jsonOf, multipartBody, openDescriptors, openRaw, rawPost, statusOf, type Part } from '../support/multipart.js';

/**
 * Uploads under attack, over real sockets: every limit answers 413 and leaves
 * no file behind; a client that vanishes halfway leaves no file and no open
 * descriptor; a malformed form is a 400; a hostile file name never leaves `dest`.
 */
const root = mkdtempSync(join(tmpdir(), 'sn-upload-hostile-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => {
  const dir = join(root, `d${++dirCount}`, 'uploads');
  mkdirSync(dir, { recursive: true });
  return dir;
};

const DEST = freshDir();
const TRAVERSAL_DEST = freshDir();
const LIMITS = { fileSize: 1024, files: 2, fields: 3, parts: 4, fieldSize: 64, fieldNameSize: 16 };

@Controller('h')
class HostileController {
  @Post('disk')
  @UseInterceptors(AnyFilesInterceptor({ dest: DEST, limits: LIMITS }))
  disk(@UploadedFiles() files: MulterFile[], @Body() body: Record<string, unknown>) {
    return { files: files.map((f) => ({ originalname: f.originalname, filename: f.filename, path: f.path, size: f.size })), body: { ...body } };
  }

  @Post('memory')
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: 64 * 1024 } }))
  memory(@UploadedFile() file: MulterFile) {
    return { size: file.size };
  }

  @Post('traversal')
  @UseInterceptors(FileInterceptor('file', { dest: TRAVERSAL_DEST, preservePath: true }))
  traversal(@UploadedFile() file: MulterFile) {
    return { originalname: file.originalname, path: file.path };
  }

  @Post('named-by-client')
  @UseInterceptors(
    FileInterceptor('file', {
      preservePath: true,
      storage: diskStorage({ destination: TRAVERSAL_DEST, filename: (_req, file, callback) => callback(null, file.originalname) }),
    }),
  )
  namedByClient(@UploadedFile() file: MulterFile) {
    return { path: file.path };
  }
}

const file = (name: string, size: number, field = 'file'): Part => ({
  name: field,
  filename: name,
  type: 'application/octet-stream',
  value: Buffer.alloc(size, 0x61),
});
const field = (name: string, value: string): Part => ({ name, value });

async function send(url: string, path: string, body: Buffer, options?: Parameters<typeof rawPost>[2]) {
  const response = await rawRequest(url, rawPost(path, body, options));
  return { status: statusOf(response), response };
}

test('hostile uploads: a file past fileSize is 413 and leaves nothing in dest; one of exactly fileSize is stored', async (t) => {
  const { url, close } = await startApp({ controllers: [HostileController] });
  t.after(close);
  const exact = await send(url, '/h/disk', multipartBody([file('ok.bin', 1024)]));
  assert.equal(exact.status, 201);
  assert.equal(jsonOf(exact.response).files[0].size, 1024);
  const stored = filesIn(DEST);
  assert.equal(stored.length, 1);
  // A first file that fits, then one too large: both gone by the time the 413 arrives.
  const over = await send(url, '/h/disk', multipartBody([file('small.bin', 10), file('big.bin', 1025)]));
  assert.equal(over.status, 413);
  assert.equal(jsonOf(over.response).message, 'File too large');
  assert.match(over.response, /\r\nConnection: close\r\n/i);
  assert.deepEqual(filesIn(DEST), stored);
});

test('hostile uploads: too many files, fields or parts, a field value or name too long: each a 413 with multer’s message, nothing left behind', async (t) => {
  const { url, close } = await startApp({ controllers: [HostileController] });
  t.after(close);
  const before = filesIn(DEST);
  const cases: Array<[string, Part[]]> = [
    ['Too many files', [file('a', 5), file('b', 5), file('c', 5)]],
    ['Too many fields', [field('a', '1'), field('b', '2'), field('c', '3'), field('d', '4')]],
    ['Too many parts', [file('a', 5), field('b', '2'), field('c', '3'), file('d', 5), field('e', '5')]],
    ['Field value too long', [field('a', 'x'.repeat(65))]],
    ['Field name too long', [field('n'.repeat(17), '1')]],
    ['Field name too long', [file('a', 5, 'f'.repeat(17))]],
  ];
  for (const [message, parts] of cases) {
    const res = await send(url, '/h/disk', multipartBody(parts));
    assert.equal(res.status, 413, message);
    assert.equal(jsonOf(res.response).message, message);
  }
  // At the limits exactly, all is well: 2 files and 2 fields (4 parts), a 64-byte value, a 16-byte name.
  const full = await send(url, '/h/disk', multipartBody([file('a', 5), field('n'.repeat(16), 'x'.repeat(64)), file('b', 5), field('c', '3')]));
  assert.equal(full.status, 201);
  assert.deepEqual(jsonOf(full.response).body, { ['n'.repeat(16)]: 'x'.repeat(64), c: '3' });
  const kept = filesIn(DEST).filter((name) => !before.includes(name));
  assert.equal(kept.length, 2);
});

test('hostile uploads: a client that disconnects halfway through a file leaves no temporary file and no open descriptor', async (t) => {
  const dest = freshDir();
  @Controller('cut')
  class CutController {
    @Post()
    @UseInterceptors(FileInterceptor('file', { dest, limits: { fileSize: 10 * 1024 * 1024 } }))
    up(@UploadedFile() f: MulterFile) {
      return { size: f.size };
    }
  }
  const { url, close } = await startApp({ controllers: [CutController] });
  t.after(close);
  const body = multipartBody([file('big.bin', 4 * 1024 * 1024)]);
  const baseline = openDescriptors();
  for (let round = 0; round < 3; round++) {
    const half = rawPost('/cut', body).subarray(0, 2 * 1024 * 1024);
    const client = await openRaw(url, half);
    // The file is on its way to disk before the client goes.
    await eventually(() => filesIn(dest).length === 1, 'the upload to start writing');
    client.socket.destroy();
    await client.closed;
    await eventually(() => filesIn(dest).length === 0, 'the partial file to be removed');
  }
  if (baseline !== undefined) await eventually(() => openDescriptors()! <= baseline, `descriptors back to ${baseline} (now ${openDescriptors()})`);
  // The server is still well: a whole upload goes through.
  const whole = await rawRequest(url, rawPost('/cut', multipartBody([file('ok.bin', 100)])));
  assert.equal(statusOf(whole), 201);
});

test('hostile uploads: memory storage stops at fileSize: the 413 comes before the client has sent the rest, and the connection closes', async (t) => {
  const { url, close } = await startApp({ controllers: [HostileController] });
  t.after(close);
  const body = multipartBody([file('huge.bin', 8 * 1024 * 1024)]);
  // Send the head and 256 KiB of an 8 MiB file, and nothing more: the server must answer anyway.
  const client = await openRaw(url, rawPost('/h/memory', body).subarray(0, 256 * 1024));
  await client.closed;
  assert.equal(statusOf(client.received()), 413);
  assert.equal(jsonOf(client.received()).message, 'File too large');
});

test('hostile uploads: a malformed form is a 400 (no boundary, a bad part header, a body cut short), and leaves nothing behind', async (t) => {
  const { url, close } = await startApp({ controllers: [HostileController] });
  t.after(close);
  const before = filesIn(DEST);
  const noBoundary = await send(url, '/h/disk', multipartBody([field('a', '1')]), { type: 'multipart/form-data' });
  assert.equal(noBoundary.status, 400);
  assert.match(jsonOf(noBoundary.response).message, /^Multipart: /);
  const badHeader = Buffer.from('--streamnest-test-boundary\r\nContent-Disposition form-data\r\n\r\nx\r\n--streamnest-test-boundary--\r\n');
  assert.equal((await send(url, '/h/disk', badHeader)).status, 400);
  // A file whose body ends without the closing boundary (the Content-Length says that is all).
  const cut = multipartBody([file('a.bin', 100)], { end: false }).subarray(0, 150);
  const unfinished = await send(url, '/h/disk', cut);
  assert.equal(unfinished.status, 400);
  assert.equal(jsonOf(unfinished.response).message, 'Multipart: Unexpected end of form');
  const noName = await send(url, '/h/disk', multipartBody([{ value: 'x' }]));
  assert.equal(noName.status, 400);
  assert.equal(jsonOf(noName.response).message, 'Field name missing');
  assert.deepEqual(filesIn(DEST), before);
});

test('hostile uploads: a file named ../../etc/passwd is stored inside dest under a random name; a filename function that uses it is refused (SN_ERR_UPLOAD_FILE_NAME)', async (t) => {
  const { filter, caught } = notingFilter();
  const { url, close } = await startApp({ controllers: [HostileController] }, (app) => {
    app.useGlobalFilters(filter);
  });
  t.after(close);
  const evil = multipartBody([{ name: 'file', filename: '../../etc/passwd', type: 'text/plain', value: 'root:x:0:0' }]);
  const stored = await send(url, '/h/traversal', evil);
  assert.equal(stored.status, 201);
  const { originalname, path } = jsonOf(stored.response);
  assert.equal(originalname, '../../etc/passwd');
  assert.match(path, new RegExp(`^${TRAVERSAL_DEST}/[0-9a-f]{32}$`));
  // Without preservePath, the client's directories are dropped from originalname too (as multer does).
  const plain = await send(url, '/h/disk', multipartBody([{ name: 'file', filename: '../../etc/passwd', value: 'x' }]));
  assert.equal(jsonOf(plain.response).files[0].originalname, 'passwd');

  const refused = await send(url, '/h/named-by-client', evil);
  assert.equal(refused.status, 400);
  assert.equal(jsonOf(refused.response).message, 'The uploaded file cannot be stored under that name.');
  assert.equal(caught.length, 1, 'only the refused upload failed');
  assertCoded(caught[0], 'SN_ERR_UPLOAD_FILE_NAME', 'Error', /"\.\.\/\.\.\/etc\/passwd", which is not a plain file name/);
  for (const name of ['passwd', 'etc']) assert.equal(existsSync(join(TRAVERSAL_DEST, '..', name)) || existsSync(join(TRAVERSAL_DEST, '..', '..', name)), false);
  assert.equal(filesIn(TRAVERSAL_DEST).length, 1);
});

test('hostile uploads: a body that is not multipart gets 415 and is not read', async (t) => {
  const { url, close } = await startApp({ controllers: [HostileController] });
  t.after(close);
  const res = await send(url, '/h/disk', Buffer.from('a=1'), { type: 'application/x-www-form-urlencoded' });
  assert.equal(res.status, 415);
  assert.match(jsonOf(res.response).message, /send multipart\/form-data/);
  const invalid = await send(url, '/h/disk', Buffer.from('x'), { type: 'multipart/mixed; boundary=x' });
  assert.equal(invalid.status, 415);
});
