/**
 * Field names an expression cannot read. n8n's expression sandbox refuses the first group outright ("Cannot access
 * 'constructor' due to security concerns", n8n-workflow `isSafeObjectProperty`), and the second are built-ins that
 * every JavaScript object inherits, so in n8n `order.toString` would read a function, never the data. The checker
 * reports a literal use (IFX317); the reference evaluator reads own fields only.
 */
export const RESERVED_FIELD_NAMES: ReadonlySet<string> = new Set([
  // n8n-workflow 2.41 unsafeObjectProperties
  '__proto__',
  'prototype',
  'constructor',
  'getPrototypeOf',
  'setPrototypeOf',
  'getOwnPropertyDescriptor',
  'getOwnPropertyDescriptors',
  'defineProperty',
  'defineProperties',
  'mainModule',
  'binding',
  '_linkedBinding',
  '_load',
  'prepareStackTrace',
  '__lookupGetter__',
  '__lookupSetter__',
  '__defineGetter__',
  '__defineSetter__',
  'caller',
  'callee',
  'arguments',
  'getBuiltinModule',
  'dlopen',
  'execve',
  'loadEnvFile',
  // Object.prototype
  'toString',
  'toLocaleString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
]);
