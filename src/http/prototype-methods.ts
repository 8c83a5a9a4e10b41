/**
 * Copies the methods and getters written in `source` (a class used only as a
 * place to write them) onto each target class's prototype, once, at start-up.
 * The HTTP/1 and HTTP/2 request (or response) classes thereby share one set of
 * method bodies, and a request pays nothing per instance for them.
 *
 * A getter without a setter gets one that stores an own property, so code that
 * assigns, say, `req.ip = …` (some middleware does) shadows the getter instead
 * of throwing in strict mode.
 */
export function installPrototypeMethods(source: abstract new (...args: never[]) => unknown, targets: ReadonlyArray<{ prototype: object }>): void {
  const descriptors: PropertyDescriptorMap = {};
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(source.prototype))) {
    if (name === 'constructor') continue;
    descriptor.enumerable = false;
    if (descriptor.get && !descriptor.set) descriptor.set = shadowingSetter(name);
    descriptors[name] = descriptor;
  }
  for (const target of targets) Object.defineProperties(target.prototype, descriptors);
}

function shadowingSetter(name: string): (this: object, value: unknown) => void {
  return function (value) {
    setOwn(this, name, value);
  };
}

/**
 * Stores `value` as the object's own, plain property `name`, shadowing a
 * getter on its prototype, and returns it: how a value made on first read
 * (or assigned) becomes the request's or response's own.
 */
export function setOwn<T>(target: object, name: string, value: T): T {
  Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
  return value;
}
