/** `--name=value` flags (a bare `--name` is `'true'`) as an object. */
export function parseArgs(argv) {
  return Object.fromEntries(
    argv.map((a) => {
      const [k, v = 'true'] = a.replace(/^--/, '').split('=');
      return [k, v];
    }),
  );
}

/** The npm script that started this run (e.g. bench:scale-100k for bench:moonshot), for its recorded command. */
export function scriptName(fallback) {
  const name = process.env.npm_lifecycle_event;
  return name?.startsWith('bench:') ? name : fallback;
}
