// Photos as they are sent: drawn again in the browser before they leave it, which drops everything but the pixels (the
// camera's EXIF, its GPS position included) and caps their size, plus the tiny thumbnail the message carries so the
// chat shows a blurred picture before anyone downloads the photo.

import { fitWithin } from "./store.js";

const LONGEST_SIDE = 1600;
const QUALITY = 0.85;
const THUMBNAIL_SIDE = 32;
const THUMBNAIL_QUALITY = 0.5;
const MAX_THUMBNAIL_LENGTH = 16_384; // what the gateway takes

/**
 * A picture file as the photo to send: { blob (JPEG), width, height, thumbnail (a data: URL) }. Rejects when the
 * browser cannot read the file as a picture.
 */
export async function preparePhoto(file) {
  // createImageBitmap turns the picture the way its EXIF orientation says before that is dropped.
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  try {
    const size = fitWithin(bitmap.width, bitmap.height, LONGEST_SIDE);
    const blob = await new Promise((resolve, reject) =>
      draw(bitmap, size).toBlob(result => (result ? resolve(result) : reject(new Error("This picture could not be encoded."))), "image/jpeg", QUALITY));
    const small = fitWithin(bitmap.width, bitmap.height, THUMBNAIL_SIDE);
    let thumbnail = draw(bitmap, small).toDataURL("image/jpeg", THUMBNAIL_QUALITY);
    if (thumbnail.length > MAX_THUMBNAIL_LENGTH) thumbnail = undefined; // never at 32 pixels; the photo then shows on download
    return { blob, ...size, thumbnail };
  } finally {
    bitmap.close();
  }
}

function draw(bitmap, { width, height }) {
  const canvas = document.createElement("canvas");
  Object.assign(canvas, { width, height });
  const context = canvas.getContext("2d");
  // JPEG has no transparency: what was transparent (a PNG's background) turns white, not black.
  context.fillStyle = "#fff";
  context.fillRect(0, 0, width, height);
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, width, height);
  return canvas;
}
