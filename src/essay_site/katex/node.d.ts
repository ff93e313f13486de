// Types only, for `tsc`: the few Node.js globals typeset.js uses, instead of pinning
// @types/node for three of them.

declare function require(id: string): unknown;

declare var process: {
  argv: string[];
  stdin: {
    setEncoding(encoding: "utf8"): void;
    on(event: "data", listener: (chunk: string) => void): void;
    on(event: "end", listener: () => void): void;
  };
  stdout: { write(text: string): boolean };
};
