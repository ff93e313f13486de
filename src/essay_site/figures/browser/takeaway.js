// @ts-check
// "Download": a figure as a folder that runs in the reader's own Python (numpy is all it
// needs), zipped. It holds the module (as the reader has it, edited or as shipped), its helpers
// and data, the figure API, figure.json (the module and the controls' values), show.py and
// figure.ipynb, whose first cell draws the figure in that state (standalone.py says how).

const SHOW = "from essay_site.figures.standalone import main\n\nmain()\n";

/**
 * @typedef {object} TakeAway
 * @property {URL} modules Where the site's Python files are.
 * @property {string[]} kit The figure API's files, relative to ``modules``.
 * @property {string} package The figures' package.
 * @property {Protocol.FigureSpec} spec The figure: its module, helpers and data files.
 * @property {string} source The module's source, as the reader has it.
 * @property {Protocol.ControlState} state The controls' values.
 */

/**
 * The figure as a .zip, every file inside one folder named after it.
 * @param {TakeAway} figure
 * @returns {Promise<Blob>}
 */
export async function takeAway({ modules, kit, package: folder, spec, source, state }) {
  const wanted = [...kit, `${folder}/__init__.py`, ...spec.files.map((path) => `${folder}/${path}`)];
  /** @type {[string, Protocol.Bytes][]} */
  const files = await Promise.all(
    wanted.map(async (path) => {
      const response = await fetch(new URL(path, modules));
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      return /** @type {[string, Protocol.Bytes]} */ ([path, new Uint8Array(await response.arrayBuffer())]);
    }),
  );
  const text = new TextEncoder();
  const about = { package: folder, module: spec.widget, state };
  files.push(
    [`${folder}/${spec.widget}.py`, text.encode(source)],
    ["figure.json", text.encode(`${JSON.stringify(about, null, 2)}\n`)],
    ["show.py", text.encode(SHOW)],
    ["figure.ipynb", text.encode(notebook(spec.widget))],
  );
  return zip(files.map(([path, bytes]) => [`${spec.widget}/${path}`, bytes]));
}

/**
 * A notebook whose first cell shows the figure (nbformat 4.5).
 * @param {string} name
 */
export function notebook(name) {
  /** @param {string} text */
  const lines = (text) => text.split(/(?<=\n)/);
  const cells = [
    {
      cell_type: "code",
      id: "show",
      execution_count: null,
      metadata: {},
      outputs: [],
      source: lines("from essay_site.figures.standalone import show\n\nshow()"),
    },
    {
      cell_type: "markdown",
      id: "about",
      metadata: {},
      source: lines(
        `The figure \`${name}\` in the state it was downloaded with (figure.json). ` +
          "It needs numpy only. Try other values, e.g. `show({...})` with a control's name, " +
          `or change the module in \`${name}\`'s folder and run the cell again. ` +
          "Outside Jupyter, `python show.py` writes figure.html.",
      ),
    },
  ];
  const kernel = { name: "python3", display_name: "Python 3", language: "python" };
  const metadata = { kernelspec: kernel, language_info: { name: "python" } };
  return `${JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells }, null, 1)}\n`;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** @param {Protocol.Bytes} bytes */
export function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A .zip of ``files``, stored as they are: any unzip reads it, and the data files are
 * compressed already. Names are UTF-8; every date is 1980-01-01, so one figure in one state
 * always gives the same bytes.
 * @param {[string, Protocol.Bytes][]} files
 * @returns {Blob}
 */
export function zip(files) {
  const encoder = new TextEncoder();
  /** @type {Protocol.Bytes[]} */
  const local = [];
  /** @type {Protocol.Bytes[]} */
  const central = [];
  let offset = 0;
  for (const [path, bytes] of files) {
    const name = encoder.encode(path);
    const fields = { crc: crc32(bytes), size: bytes.length, name: name.length };
    const head = record(30, (view) => {
      view.setUint32(0, 0x04034b50, true);
      common(view, 4, fields);
    });
    const entry = record(46, (view) => {
      view.setUint32(0, 0x02014b50, true);
      view.setUint16(4, 20, true); // made by: version 2.0
      common(view, 6, fields);
      view.setUint32(42, offset, true);
    });
    local.push(head, name, bytes);
    central.push(entry, name);
    offset += head.length + name.length + bytes.length;
  }
  const size = central.reduce((sum, part) => sum + part.length, 0);
  const end = record(22, (view) => {
    view.setUint32(0, 0x06054b50, true);
    view.setUint16(8, files.length, true);
    view.setUint16(10, files.length, true);
    view.setUint32(12, size, true);
    view.setUint32(16, offset, true);
  });
  return new Blob([...local, ...central, end], { type: "application/zip" });
}

/**
 * @param {number} length
 * @param {(view: DataView) => void} fill
 */
function record(length, fill) {
  const bytes = new Uint8Array(length);
  fill(new DataView(bytes.buffer));
  return bytes;
}

// The fields a local header and a central entry share, from ``at`` on: version needed,
// flags (UTF-8 names), method (stored), time, date, CRC, sizes and the name's length.
/**
 * @param {DataView} view
 * @param {number} at
 * @param {{ crc: number, size: number, name: number }} fields
 */
function common(view, at, { crc, size, name }) {
  view.setUint16(at, 20, true);
  view.setUint16(at + 2, 0x0800, true);
  view.setUint16(at + 4, 0, true);
  view.setUint16(at + 6, 0, true);
  view.setUint16(at + 8, (0 << 9) | (1 << 5) | 1, true);
  view.setUint32(at + 10, crc, true);
  view.setUint32(at + 14, size, true);
  view.setUint32(at + 18, size, true);
  view.setUint16(at + 22, name, true);
}
