// @ts-check
// Painting a frame's layers into its canvases.
//
// Layers are what Python draws into a canvas: RGBA pixels, or polygons and lines, in the
// canvas's own coordinates. The page as built shows the same layers as SVG, which the
// browser draws at the screen's resolution; so a canvas with shapes gets as many pixels as
// it has on screen, or its lines would blur the moment the figure goes live. Images are
// scaled smoothly, as SVG scales them. One rule for both: essay_site/figures/api.py, Shapes.

/**
 * @param {HTMLElement} output
 * @param {Protocol.Layer[]} layers
 * @param {Map<string, number>} shown On-screen width of each canvas (the last picture's).
 */
export function paintLayers(output, layers, shown) {
  /** @type {Map<string, Protocol.Layer[]>} */
  const byCanvas = new Map();
  for (const layer of layers) {
    byCanvas.set(layer.canvas, [...(byCanvas.get(layer.canvas) || []), layer]);
  }
  for (const [name, own] of byCanvas) {
    const canvas = /** @type {HTMLCanvasElement} */ (
      output.querySelector(`canvas[data-canvas="${name}"]`)
    );
    const { width, height } = canvas;
    // A size of 0 means the browser has not laid the figure out (off screen): assume the
    // common case, a picture shown larger than its canvas, rather than a blurred one.
    const onScreen = shown.get(name) || canvas.clientWidth;
    const sharp = onScreen ? Math.ceil((onScreen * devicePixelRatio) / width) : 2;
    const scale = own.some((layer) => layer.kind === "shapes") ? Math.max(1, sharp) : 1;
    [canvas.width, canvas.height] = [width * scale, height * scale];
    const context = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
    context.scale(scale, scale);
    for (const layer of own) {
      if (layer.kind === "raster") paintRaster(context, layer, scale);
      else paintShapes(context, layer);
    }
  }
}

/**
 * @param {CanvasRenderingContext2D} context
 * @param {Protocol.Raster} layer
 * @param {number} scale
 */
function paintRaster(context, layer, scale) {
  const pixels = new Uint8ClampedArray(layer.data.buffer, layer.data.byteOffset, layer.data.length);
  const image = new ImageData(pixels, layer.width, layer.height);
  if (scale === 1) {
    context.putImageData(image, 0, 0);
    return;
  }
  const source = document.createElement("canvas");
  [source.width, source.height] = [layer.width, layer.height];
  /** @type {CanvasRenderingContext2D} */ (source.getContext("2d")).putImageData(image, 0, 0);
  context.drawImage(source, 0, 0, layer.width, layer.height);
}

/**
 * @param {CanvasRenderingContext2D} context
 * @param {Protocol.Shapes} layer
 */
function paintShapes(context, layer) {
  const points = new Float32Array(layer.points.buffer, layer.points.byteOffset, layer.points.length / 4);
  const step = layer.vertices * 2;
  context.lineWidth = layer.width;
  context.lineJoin = "round";
  for (let shape = 0; shape * step < points.length; shape++) {
    const base = shape * step;
    context.beginPath();
    context.moveTo(points[base], points[base + 1]);
    for (let i = 2; i < step; i += 2) context.lineTo(points[base + i], points[base + i + 1]);
    if (layer.closed) context.closePath();
    // Each shape is filled in its colour, if it has one, and outlined in the stroke colour,
    // or else in its fill (which hides seams between neighbouring polygons).
    const f = layer.fill && layer.fill.subarray(shape * 4, shape * 4 + 4);
    const fill = f && `rgba(${f[0]},${f[1]},${f[2]},${f[3] / 255})`;
    if (fill) {
      context.fillStyle = fill;
      context.fill();
    }
    context.strokeStyle = /** @type {string} */ (layer.stroke || fill);
    context.stroke();
  }
}
