// Photos, documents and voice notes as the chat shows them: the medium inside a bubble, its transfer's progress, the
// photo viewer, the files waiting in the composer and the recording bar.
//
// A medium's element outlives the chat's re-renders (which rebuild every bubble on each message or tick): kept by the
// medium's key, it is moved into the new bubble, so a voice note keeps playing and a photo does not load again.

import { durationText, fileTypeText, sizeText } from "./format.js";
import { mediaKey } from "./store.js";
import { $, el } from "./views.js";

const shown = new Map(); // mediaKey -> the element showing that medium
let playing = null;      // the <audio> playing now: starting another stops it

/**
 * A message's medium as its bubble shows it (the same element as last render when there was one). handlers:
 * load(message) resolves to { url } of its bytes (downloading them once, as the page shows progress here), and
 * save(message) downloads a document and hands it to the browser to keep.
 */
export function medium(message, handlers) {
  const key = mediaKey(message);
  let node = shown.get(key);
  if (!node) {
    const [tag, className, fill] = KINDS[message.kind];
    node = el(tag, `medium ${className}`);
    node.dataset.media = key;
    node.append(Object.assign(el("progress", "transfer"), { max: 1, hidden: true }));
    // Known before it is filled: a photo starts its download at once, and shows its progress here.
    shown.set(key, node);
    fill(node, message, handlers);
  }
  return node;
}

/** After a render: media no bubble shows any more (a deleted message, another chat) are let go, and stop playing. */
export function keepOnly(keys) {
  for (const [key, node] of shown) {
    if (keys.has(key)) continue;
    node.querySelector("audio")?.pause();
    shown.delete(key);
  }
}

/** How far a medium's upload or download is (received of total bytes; total 0 when unknown), or null once it is over. */
export function showProgress(key, received, total) {
  const bar = shown.get(key)?.querySelector(".transfer");
  if (!bar) return;
  bar.hidden = received === null;
  if (total > 0) bar.value = received / total;
  else bar.removeAttribute("value"); // an unknown total: the bar says "under way" without a figure
}

function photo(node, message, { load }) {
  const { thumbnail, width, height } = message.media;
  if (width && height) node.style.aspectRatio = `${width} / ${height}`;
  if (thumbnail) node.append(Object.assign(el("img", "thumb"), { src: thumbnail, alt: "" }));
  const full = Object.assign(el("img", "full"), { alt: message.content || "Photo" });
  full.hidden = true;
  full.onload = () => {
    full.hidden = false;
    node.classList.add("loaded");
  };
  node.append(full);
  const fetchPhoto = () => {
    node.classList.remove("unavailable");
    load(message).then(({ url }) => { full.src = url; }, error => unavailable(node, error));
  };
  node.onclick = event => {
    if (node.classList.contains("unavailable")) {
      event.stopPropagation();
      fetchPhoto();
    } else if (node.classList.contains("loaded") && message.sequence !== undefined) {
      event.stopPropagation();
      openViewer(full.src, message.content);
    }
  };
  fetchPhoto(); // photos download by themselves, as on a phone on Wi-Fi
}

function documentChip(node, message, { save }) {
  const { fileName, contentType, length } = message.media;
  node.type = "button";
  node.title = message.sequence === undefined ? fileName : `Download ${fileName}`;
  const text = el("span", "about");
  text.append(el("span", "file-name", fileName), el("span", "muted", `${fileTypeText(fileName, contentType)} · ${sizeText(length)}`));
  node.append(el("span", "file-icon", "📄"), text, el("span", "save", "⬇"));
  node.onclick = event => {
    if (message.sequence === undefined) return; // still being sent: a tap on a failed one retries the send
    event.stopPropagation();
    node.classList.remove("unavailable");
    save(message).catch(error => unavailable(node, error));
  };
}

function voiceNote(node, message, { load }) {
  const { durationMs, waveform } = message.media;
  const play = el("button", "play", "▶");
  play.type = "button";
  play.title = "Play";
  const bars = el("div", "waveform");
  for (const level of waveform?.length ? waveform : new Array(32).fill(30)) {
    const bar = el("span", "bar");
    bar.style.height = `${Math.max(8, level)}%`;
    bars.append(bar);
  }
  const time = el("span", "voice-time", durationText(durationMs ?? 0));
  const audio = el("audio");
  audio.preload = "none";
  // The recording's own duration is often unknown to the browser (MediaRecorder writes none): the message says it.
  const played = () => (durationMs ? Math.min(1, (audio.currentTime * 1000) / durationMs) : 0);
  const showPlace = () => {
    const upTo = Math.round(played() * bars.children.length);
    [...bars.children].forEach((bar, index) => bar.classList.toggle("played", index < upTo));
    time.textContent = durationText(audio.currentTime * 1000);
  };
  audio.ontimeupdate = showPlace;
  audio.onplay = () => {
    if (playing && playing !== audio) playing.pause();
    playing = audio;
    Object.assign(play, { textContent: "⏸", title: "Pause" });
    node.classList.add("playing");
  };
  audio.onpause = () => {
    Object.assign(play, { textContent: "▶", title: "Play" });
    node.classList.remove("playing");
  };
  audio.onended = () => {
    [...bars.children].forEach(bar => bar.classList.remove("played"));
    time.textContent = durationText(durationMs ?? 0);
  };
  play.onclick = async event => {
    event.stopPropagation();
    if (!audio.paused) {
      audio.pause();
      return;
    }
    try {
      node.classList.remove("unavailable");
      if (!audio.src) audio.src = (await load(message)).url;
      await audio.play();
    } catch (error) {
      unavailable(node, error);
    }
  };
  node.append(play, bars, time, audio);
}

const KINDS = { photo: ["div", "photo", photo], document: ["button", "document", documentChip], voiceNote: ["div", "voice-note", voiceNote] };

function unavailable(node, error) {
  node.classList.add("unavailable");
  node.title = `${error.message} Tap to try again.`;
  node.querySelector(".transfer").hidden = true;
}

// ---- the photo viewer ---------------------------------------------------------------------------------------------

export function openViewer(url, caption) {
  $("viewer-image").src = url;
  $("viewer-caption").textContent = caption ?? "";
  $("viewer").showModal();
}

// Esc closes a modal dialog by itself; a click anywhere closes this one too.
$("viewer").onclick = () => $("viewer").close();
$("viewer").onclose = () => $("viewer-image").removeAttribute("src");

// ---- writing one --------------------------------------------------------------------------------------------------

/**
 * The files waiting to go with the next send (each { file, kind, photo? once prepared }); onRemove(item) for its ✕.
 * The caption is the composer's text.
 */
export function renderTray(staged, onRemove) {
  const tray = $("attachments");
  tray.replaceChildren();
  tray.hidden = staged.length === 0;
  for (const item of staged) {
    const chip = el("div", "attachment");
    if (item.kind === "photo") {
      chip.append(item.photo?.thumbnail ? Object.assign(el("img", "thumb"), { src: item.photo.thumbnail, alt: "" }) : el("span", "file-icon", "📷"));
    } else {
      chip.append(el("span", "file-icon", "📄"));
    }
    const text = el("span", "about");
    text.append(el("span", "file-name", item.file.name || "Pasted picture"),
      el("span", "muted", item.error ?? (item.kind === "photo" && !item.photo ? "Preparing…" : sizeText(item.photo?.blob.size ?? item.file.size))));
    const remove = el("button", "icon", "✕");
    remove.type = "button";
    remove.title = "Remove";
    remove.onclick = () => onRemove(item);
    chip.append(text, remove);
    tray.append(chip);
  }
  $("input").placeholder = staged.length ? "Add a caption (Enter sends)" : "Type a message (Enter sends, Shift+Enter adds a line)";
}

/** The recording bar in place of the composer while a voice note records, and the time it has run. */
export function showRecorder(recording) {
  $("recorder").hidden = !recording;
  $("composer").hidden = recording;
  renderRecordTime(0);
}

export const renderRecordTime = ms => { $("record-time").textContent = durationText(ms); };

/** The chat's hint that files dropped on it will be attached. */
export const showDropTarget = shown => $("chat").classList.toggle("dropping", shown);
