// A faster json-cycle for the template compiler's framework: compile-process.js puts this module's
// `decycle` and `stringify` on the framework's own json-cycle, which then gives the same result in
// linear time. json-cycle 1.5's looks
// each object up in an array of every object seen so far and calls `toJSON` on every value inside a
// try/catch; on a service's saved state that is most of the time it takes to write it. The framework
// writes its state and templates with `stringify`; the packaging test compares both, byte for byte,
// with what `serverless package` writes.
//
// Plain JavaScript, loaded by compile-process.js.

/**
 * A deep copy of `object` in which every object or array met again (a cycle or a shared reference)
 * is replaced by `{ $ref: PATH }` to where it was first met, exactly as json-cycle's decycle: the
 * same traversal order, the same paths, `toJSON` applied the same way.
 *
 * @example
 * const shared = { a: 1 };
 * decycle({ x: shared, y: shared }); // { x: { a: 1 }, y: { $ref: '$["x"]' } }
 */
function decycle(object) {
  const paths = new Map();
  const derez = (value, path) => {
    let own = value;
    try {
      const toJSON = value.toJSON;
      if (typeof toJSON === 'function') own = toJSON.call(value);
    } catch {
      // json-cycle calls value.toJSON() in a try: whatever throws leaves the value as it is.
    }
    if (typeof own !== 'object' || !own) return own;
    const seen = paths.get(own);
    if (seen !== undefined) return { $ref: seen };
    paths.set(own, path);
    if (Object.prototype.toString.apply(own) === '[object Array]') {
      const copy = [];
      for (let index = 0; index < own.length; index += 1)
        copy[index] = derez(own[index], `${path}[${index}]`);
      return copy;
    }
    const copy = {};
    for (const name in own) {
      if (Object.hasOwn(own, name)) {
        copy[name] = derez(own[name], `${path}[${JSON.stringify(name)}]`);
      }
    }
    return copy;
  };
  return derez(object, '$');
}

/** json-cycle's `stringify`, with this `decycle`. */
function stringify(object, replacer, space) {
  return JSON.stringify(decycle(object), replacer, space);
}

module.exports = { decycle, stringify };
