/** `--name=value` flags (a bare `--name` is `'true'`) as an object. */
export function parseArgs(argv) {
  return Object.fromEntries(
    argv.map((a) => {
      const [k, v = 'true'] = a.replace(/^--/, '').split('=');
      return [k, v];
    }),
  );
}
