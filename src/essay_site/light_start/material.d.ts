// What Material's inline script in <head> gives every page: its storage, under the site's path.
declare function __md_get(key: string): any;
declare function __md_set(key: string, value: unknown): void;
