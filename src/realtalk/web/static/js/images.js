// Images for the conversation: an uploaded file or one frame of a shared screen, as a JPEG data
// URL small enough that the whole data channel message stays under the server's limit.

/** The largest JSON message the page sends (the server's data channel limit is 256 KB). */
export const MAX_MESSAGE_BYTES = 200 * 1024;

const MAX_SIDE = 1600;

/**
 * Encode a drawable (ImageBitmap, video, canvas) as a JPEG data URL of at most `budget` characters,
 * lowering the quality first and then the size until it fits.
 */
export function toJpegDataUrl(source, width, height, budget) {
  let scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d");
  for (;;) {
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    ctx.fillStyle = "#fff"; // JPEG has no alpha: transparent areas become white, not black.
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    for (const quality of [0.85, 0.7, 0.55, 0.4]) {
      const url = canvas.toDataURL("image/jpeg", quality);
      if (url.length <= budget) return url;
    }
    if (canvas.width <= 64 || canvas.height <= 64) {
      throw new Error("This image cannot be made small enough to send.");
    }
    scale *= 0.7;
  }
}

/** Bytes of the message text around the image, so the image gets what is left of the limit. */
export function imageBudget(text) {
  const overhead = new TextEncoder().encode(JSON.stringify(imageMessage("", text))).length;
  return MAX_MESSAGE_BYTES - overhead - 64; // Slack for event ids the caller may add.
}

/** The `conversation.item.create` event for a user turn with an optional image and text. */
export function imageMessage(imageUrl, text) {
  const content = [];
  if (imageUrl !== null) content.push({ type: "input_image", image_url: imageUrl });
  if (text) content.push({ type: "input_text", text });
  return { type: "conversation.item.create", item: { type: "message", role: "user", content } };
}

/** Read an uploaded image file into a JPEG data URL that fits `budget`. */
export async function fileToDataUrl(file, budget) {
  if (!file.type.startsWith("image/")) throw new Error(`"${file.name}" is not an image.`);
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new Error(`"${file.name}" could not be read as an image.`);
  }
  try {
    return toJpegDataUrl(bitmap, bitmap.width, bitmap.height, budget);
  } finally {
    bitmap.close();
  }
}

/** Ask to share a screen or window, grab one frame, and stop sharing at once. */
export async function captureScreen(budget) {
  if (!navigator.mediaDevices?.getDisplayMedia) {
    throw new Error("This browser cannot share the screen.");
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
  } catch (error) {
    if (error.name === "NotAllowedError") return null; // The user cancelled the picker.
    throw new Error(`Screen capture failed (${error.name}).`);
  }
  const video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  try {
    await video.play();
    if (video.requestVideoFrameCallback) {
      await new Promise((resolve) => video.requestVideoFrameCallback(resolve));
    }
    return toJpegDataUrl(video, video.videoWidth, video.videoHeight, budget);
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
}
