// Photos, documents and voice notes: files chosen, dropped on the chat or pasted wait in the composer for the next send
// (the composer's text is their caption), a voice note is recorded and sent; a send uploads the bytes (going on from
// where a failed attempt stopped) and then sends the message that refers to them, by REST with the pending message's
// clientMessageId. The media the open chat shows are downloaded once each, their progress on the medium.

import { addPending, deliver } from "./chat.js";
import * as mediaView from "./media-view.js";
import { preparePhoto } from "./photos.js";
import { request, transfers } from "./session.js";
import { state } from "./state.js";
import { mediaKey } from "./store.js";
import { startRecording } from "./voice-recorder.js";
import { $, showChatError } from "./views.js";

const MB = 1024 * 1024;
/** The gateway's limits (Media__* settings, as shipped): checked here so a file too large is refused before it uploads. */
const MAX_DOCUMENT_BYTES = 100 * MB;
export const MAX_VOICE_NOTE_MS = 15 * 60 * 1000;

// ---- the bytes the open chat shows --------------------------------------------------------------------------------

const bytes = new Map(); // mediaKey -> Promise of { blob, url }

/** A medium's bytes as a blob: URL (the gateway wants the token, which an <img src> could not send). */
function load(message) {
  const key = mediaKey(message);
  if (!bytes.has(key)) {
    if (!message.upload) mediaView.showProgress(key, 0, 0);
    const loading = message.upload
      ? Promise.resolve(message.upload.blob)
      : transfers.download(`/api/conversations/${encodeURIComponent(message.conversationId)}/messages/${message.sequence}/media`,
        (received, total) => mediaView.showProgress(key, received, total)).finally(() => mediaView.showProgress(key, null));
    const kept = loading.then(blob => ({ blob, url: URL.createObjectURL(blob) }));
    kept.catch(() => bytes.delete(key)); // the next tap tries again
    bytes.set(key, kept);
  }
  return bytes.get(key);
}

/** A document, downloaded once, handed to the browser to keep under its name. */
async function save(message) {
  const { url } = await load(message);
  Object.assign(document.createElement("a"), { href: url, download: message.media.fileName }).click();
}

export const mediaHandlers = { load, save };

/** When another chat opens: this one's media bytes are let go, its waiting files and any recording dropped. */
export function forgetMedia() {
  for (const kept of bytes.values()) kept.then(({ url }) => URL.revokeObjectURL(url), () => {});
  bytes.clear();
  mediaView.keepOnly(new Set());
  cancelRecording();
  mediaView.renderTray([], unstage);
}

// ---- sending one --------------------------------------------------------------------------------------------------

/**
 * A message's fields for a medium to send: what its bubble shows at once (media, as a stored message has it) and
 * what its upload declares and its send carries (upload; uploadId is set once the gateway names the upload).
 */
function outgoing(kind, blob, contentType, fileName, preview) {
  return {
    kind,
    media: { contentType, length: blob.size, fileName, ...preview },
    upload: { blob, kind, contentType, fileName, preview, uploadId: null },
  };
}

/**
 * Sends a pending medium (and again when its failed bubble is tapped): the rest of its upload, then the message. The
 * same clientMessageId each time, so a send whose answer was lost is not stored twice.
 */
export async function sendMedia(open, pending) {
  const key = mediaKey(pending);
  const { upload } = pending;
  try {
    await transfers.upload(open.conversationId, upload.blob, upload, (sent, total) => mediaView.showProgress(key, sent, total));
  } finally {
    mediaView.showProgress(key, null);
  }
  const body = { content: pending.content, clientMessageId: pending.clientMessageId, replyToSequence: pending.replyTo, media: { uploadId: upload.uploadId, ...upload.preview } };
  const stored = await (open.groupId != null
    ? request("POST", `/api/groups/${open.groupId}/messages`, body)
    : request("POST", "/api/messages", { ...body, toUserId: open.peerId }));
  // The gateway stored exactly these bytes: the chat shows them without downloading them back.
  if (state.open === open && !bytes.has(mediaKey(stored))) bytes.set(mediaKey(stored), load(pending));
  return stored;
}

// ---- files waiting for the next send ------------------------------------------------------------------------------

const isPicture = file => file.type.startsWith("image/") && file.type !== "image/svg+xml";
const canWrite = () => state.open && !$("composer").hidden;

/** Files to go with the next send: pictures as photos (re-encoded now), anything else (or `asKind` document) as documents. */
function stage(files, asKind) {
  const open = state.open;
  for (const file of files) {
    const item = { file, kind: asKind ?? (isPicture(file) ? "photo" : "document") };
    if (item.kind === "photo") {
      item.ready = preparePhoto(file).then(photo => { item.photo = photo; }, () => {
        // Not a picture this browser can draw (HEIC, a broken file): it can still go as it is.
        item.kind = "document";
      }).then(() => {
        if (state.open === open) mediaView.renderTray(open.staged, unstage);
      });
    }
    open.staged.push(item);
  }
  const tooLarge = open.staged.filter(item => item.file.size > MAX_DOCUMENT_BYTES);
  if (tooLarge.length) showChatError(`${tooLarge.map(item => item.file.name).join(", ")}: a document may be up to 100 MB.`);
  open.staged = open.staged.filter(item => !tooLarge.includes(item));
  mediaView.renderTray(open.staged, unstage);
  $("input").focus();
}

function unstage(item) {
  if (!state.open) return;
  state.open.staged = state.open.staged.filter(staged => staged !== item);
  mediaView.renderTray(state.open.staged, unstage);
}

/** The waiting files as messages' fields (photos once prepared), and the tray emptied: the composer is sending them. */
export async function takeStaged(open) {
  const staged = open.staged;
  open.staged = [];
  mediaView.renderTray([], unstage);
  await Promise.all(staged.map(item => item.ready));
  return staged.map(({ file, kind, photo }) => (kind === "photo"
    ? outgoing("photo", photo.blob, "image/jpeg", `${file.name.replace(/\.[^.]*$/, "") || "photo"}.jpg`,
      { thumbnail: photo.thumbnail, width: photo.width, height: photo.height })
    : outgoing("document", file, file.type || "application/octet-stream", file.name || "file", {})));
}

$("attach").onclick = event => {
  event.stopPropagation();
  $("attach-menu").hidden = !$("attach-menu").hidden;
};
document.addEventListener("click", () => { $("attach-menu").hidden = true; });
$("attach-photo-button").onclick = () => $("attach-photo").click();
$("attach-document-button").onclick = () => $("attach-document").click();
for (const [input, kind] of [[$("attach-photo"), undefined], [$("attach-document"), "document"]]) {
  input.onchange = () => {
    if (canWrite()) stage([...input.files], kind);
    input.value = ""; // the same file chosen again is a change again
  };
}

// Files dropped on the open chat wait in the composer. Dropped anywhere else they are refused: the browser would
// otherwise leave the chat to show the file.
const carriesFiles = event => event.dataTransfer?.types.includes("Files");
const onChat = event => canWrite() && $("chat").contains(event.target);
document.addEventListener("dragover", event => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = onChat(event) ? "copy" : "none";
  mediaView.showDropTarget(onChat(event));
});
document.addEventListener("dragleave", event => {
  if (!event.relatedTarget) mediaView.showDropTarget(false); // the pointer left the window
});
document.addEventListener("drop", event => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  mediaView.showDropTarget(false);
  if (onChat(event)) stage([...event.dataTransfer.files]);
});

// A picture pasted into the composer (a screenshot, an image copied from a page) waits there as a photo.
$("input").addEventListener("paste", event => {
  const pictures = [...(event.clipboardData?.files ?? [])].filter(isPicture);
  if (!pictures.length || !canWrite()) return;
  event.preventDefault();
  stage(pictures, "photo");
});

// ---- recording a voice note ---------------------------------------------------------------------------------------

let recording = null; // { open, recorder: Promise of the recorder } while the recording bar shows

$("record").onclick = () => {
  if (recording || !canWrite()) return;
  const recorder = startRecording({ onTick: mediaView.renderRecordTime, onLimit: finishRecording, maxMs: MAX_VOICE_NOTE_MS });
  recording = { open: state.open, recorder };
  mediaView.showRecorder(true);
  recorder.catch(error => {
    if (recording?.recorder !== recorder) return;
    recording = null;
    mediaView.showRecorder(false);
    showChatError(`The microphone cannot be used: ${error.message}`);
  });
};

/** Stops the recording and sends it (also when it reaches the 15 minutes a voice note may last). */
async function finishRecording() {
  if (!recording) return;
  const { open, recorder } = recording;
  recording = null;
  mediaView.showRecorder(false);
  try {
    const note = await (await recorder).finish();
    if (note.blob.size === 0) throw new Error("Nothing was recorded: the microphone gave no sound.");
    const pending = addPending(open, outgoing("voiceNote", note.blob, note.contentType, undefined, { durationMs: note.durationMs, waveform: note.waveform }));
    await deliver(open, pending);
  } catch (error) {
    showChatError(error.message);
  }
}

function cancelRecording() {
  if (!recording) return;
  const { recorder } = recording;
  recording = null;
  mediaView.showRecorder(false);
  recorder.then(started => started.cancel(), () => {});
}

$("record-send").onclick = finishRecording;
$("record-cancel").onclick = cancelRecording;
