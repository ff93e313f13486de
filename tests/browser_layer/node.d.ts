// Types only, for `tsc`: what the browser layer's tests use of Node.js (its test runner, its
// assertions, setImmediate, vm, v8), instead of pinning @types/node. Node's own fetch, Blob, streams
// and URL are typed as the page's (lib dom). Each is a subset of the real declaration.

declare function setImmediate(callback: (_: void) => void): unknown;

declare module "node:assert/strict" {
  type Expected = RegExp | ((error: any) => boolean) | (new (...args: any[]) => unknown) | object;

  function assert(value: unknown, message?: string | Error): asserts value;
  namespace assert {
    function ok(value: unknown, message?: string | Error): asserts value;
    function equal(actual: unknown, expected: unknown, message?: string | Error): void;
    function notEqual(actual: unknown, expected: unknown, message?: string | Error): void;
    function deepEqual(actual: unknown, expected: unknown, message?: string | Error): void;
    function notDeepEqual(actual: unknown, expected: unknown, message?: string | Error): void;
    function match(value: string, pattern: RegExp, message?: string | Error): void;
    function doesNotMatch(value: string, pattern: RegExp, message?: string | Error): void;
    function throws(block: () => unknown, error?: Expected, message?: string | Error): void;
    function doesNotThrow(block: () => unknown, message?: string | Error): void;
    function rejects(
      block: Promise<unknown> | (() => Promise<unknown>),
      error?: Expected,
      message?: string | Error,
    ): Promise<void>;
    function doesNotReject(
      block: Promise<unknown> | (() => Promise<unknown>),
      message?: string | Error,
    ): Promise<void>;
    function fail(message?: string | Error): never;
  }
  export default assert;
}

declare module "node:test" {
  type Body = () => unknown;

  export function test(name: string, body: Body): Promise<void>;
  export function test(name: string, options: { skip?: boolean | string }, body: Body): Promise<void>;
  export function describe(name: string, body: Body): Promise<void>;
  export function it(name: string, body: Body): Promise<void>;
  export function before(body: Body): void;
  export function after(body: Body): void;
  export function beforeEach(body: Body): void;
  export function afterEach(body: Body): void;

  /** A function whose calls are recorded. */
  export interface Mock<F extends (...args: any[]) => any = (...args: any[]) => any> {
    (...args: Parameters<F>): ReturnType<F>;
    mock: {
      calls: { arguments: Parameters<F>; result?: ReturnType<F> }[];
      callCount(): number;
      resetCalls(): void;
      mockImplementation(implementation: F): void;
    };
  }

  export const mock: {
    fn<F extends (...args: any[]) => any>(implementation?: F): Mock<F>;
    method<T extends object, K extends keyof T>(
      object: T,
      name: K,
      implementation?: (...args: any[]) => any,
    ): Mock<T[K] extends (...args: any[]) => any ? T[K] : never>;
    restoreAll(): void;
    reset(): void;
    timers: {
      enable(options?: {
        apis?: ("setInterval" | "setTimeout" | "setImmediate" | "Date")[];
        now?: number;
      }): void;
      tick(milliseconds?: number): void;
      setTime(milliseconds: number): void;
      runAll(): void;
      reset(): void;
    };
  };
}

declare module "node:crypto" {
  interface Hash {
    update(data: string | Uint8Array): Hash;
    digest(encoding: "hex" | "base64"): string;
  }

  export function createHash(algorithm: string): Hash;
  /** The Web Crypto API, as a page has it (lib dom). */
  export const webcrypto: Crypto;
}

declare module "node:fs" {
  export function readFileSync(path: string | URL, encoding: "utf-8" | "utf8"): string;
}

declare module "node:vm" {
  /** Runs a script with `context` as its global object (a realm of its own). */
  export function runInNewContext(code: string, context?: object): unknown;
  const vm: { runInNewContext: typeof runInNewContext };
  export default vm;
}

declare module "node:v8" {
  export function setFlagsFromString(flags: string): void;
}
