// Types only, for `tsc`: what firefox.mjs uses of Node.js and of puppeteer-core, instead of
// pinning @types/node and installing puppeteer-core to check one small file. Each is a subset
// of the real declaration.

declare var process: {
  env: Record<string, string | undefined>;
  /** Read only through node:readline. */
  stdin: unknown;
  stdout: { write(text: string): boolean };
};

declare class URL {
  constructor(url: string, base?: string);
  readonly hostname: string;
  readonly href: string;
  readonly protocol: string;
}

declare module "node:readline" {
  /** The input's lines, in order, until it ends. */
  export interface Interface extends AsyncIterable<string> {
    close(): void;
  }

  export function createInterface(options: { input: unknown }): Interface;
}

declare module "puppeteer-core" {
  export interface ConsoleMessage {
    type(): string;
    text(): string;
  }

  export interface HTTPRequest {
    url(): string;
  }

  export interface Page {
    on(event: "console", handler: (message: ConsoleMessage) => void): this;
    on(event: "pageerror", handler: (error: Error) => void): this;
    on(event: "request", handler: (request: HTTPRequest) => void): this;
    goto(url: string): Promise<unknown>;
    evaluate(expression: string): Promise<unknown>;
    evaluateOnNewDocument(source: string): Promise<unknown>;
    close(): Promise<void>;
  }

  export interface Browser {
    newPage(): Promise<Page>;
    close(): Promise<void>;
  }

  export interface LaunchOptions {
    browser?: "chrome" | "firefox";
    executablePath?: string;
    headless?: boolean;
    extraPrefsFirefox?: Record<string, unknown>;
  }

  const puppeteer: { launch(options?: LaunchOptions): Promise<Browser> };
  export default puppeteer;
}
