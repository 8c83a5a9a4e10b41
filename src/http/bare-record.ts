/**
 * An object with no inherited keys, made as quickly as a plain one: the shape
 * find-my-way gives route parameters, and so the one `req.params` always has
 * (a parameter named `constructor` or `__proto__` is then just a key).
 */
export const BareRecord = function BareRecord() {} as unknown as new () => Record<string, string | undefined>;
BareRecord.prototype = Object.create(null);
