// How times and presence read in the page, in the browser's own language and time zone. Pure functions of a date (and
// of "now", which tests pass in), so Node's test runner checks them too.

export const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
const shortDay = new Intl.DateTimeFormat(undefined, { day: "2-digit", month: "2-digit", year: "2-digit" });

export const startOfDay = date => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();

/** The heading of a day in a chat: "Today", "Yesterday" or the full date. */
export function dayLabel(date, now = new Date()) {
  const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
  return days === 0 ? "Today" : days === 1 ? "Yesterday" : dayFormat.format(date);
}

/** A chat-list line's time: the hour today, the date before. */
export function listTime(iso, now = new Date()) {
  const date = new Date(iso);
  return startOfDay(date) === startOfDay(now) ? timeFormat.format(date) : shortDay.format(date);
}

/** "online", "last seen today at 10:04", or nothing for someone whose presence I may not see. */
export function lastSeenText(user, now = new Date()) {
  if (user?.online) return "online";
  if (user?.online === undefined) return ""; // presence is shown only to people who share a conversation
  if (!user?.lastSeen) return "offline";
  const date = new Date(user.lastSeen);
  return `last seen ${dayLabel(date, now).toLowerCase()} at ${timeFormat.format(date)}`;
}

/** An author may edit a message for this long after sending it (the gateway refuses later edits). */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;

export const canEdit = (message, now = Date.now()) =>
  message.kind === "text" && now - new Date(message.createdAt).getTime() < EDIT_WINDOW_MS;

/** A list of names as a sentence: "Bob", "Bob and Carol", "Bob, Carol and Dan". */
const sentence = names => (names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`);

/** A group change in words, with the names nameOf knows ("You" for me): "Ada added Bob and Carol". */
export function changeText(change, nameOf) {
  const actor = nameOf(change.actorId);
  const users = sentence((change.userIds ?? []).map(nameOf));
  switch (change.kind) {
    case "created": return `${actor} created the group “${change.name}”`;
    case "added": return `${actor} added ${users}`;
    case "joined": return `${actor} joined`;
    case "removed": return `${actor} removed ${users}`;
    case "left": return `${actor} left`;
    case "renamed": return `${actor} renamed the group to “${change.name}”`;
    default: return `${actor} changed the group`;
  }
}

/** A chat-list line's preview of its last message: who wrote it (in a group), or what happened to it. */
export function previewText(message, { me, nameOf, inGroup }) {
  if (message.kind === "groupChange") return changeText(message.change, nameOf);
  if (message.kind === "deleted") return "🚫 This message was deleted";
  const who = message.fromUserId === me ? "You: " : inGroup ? `${nameOf(message.fromUserId)}: ` : "";
  return who + summaryText(message);
}

/** A voice note's length, or a place in it, as a player shows it: "0:07", "12:04". */
export function durationText(ms) {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** A file's size as people read it: "900 B", "12 KB", "1.4 MB". */
export function sizeText(bytes) {
  if (bytes < 1000) return `${bytes} B`;
  const [value, unit] = bytes < 1_000_000 ? [bytes / 1000, "KB"] : bytes < 1_000_000_000 ? [bytes / 1_000_000, "MB"] : [bytes / 1_000_000_000, "GB"];
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** A document's type in a word: its extension ("PDF"), else its content type's subtype, else "File". */
export function fileTypeText(fileName, contentType) {
  const extension = /\.([a-z0-9]{1,8})$/i.exec(fileName ?? "")?.[1];
  if (extension) return extension.toUpperCase();
  const subtype = (contentType ?? "").split(";")[0].split("/")[1];
  return subtype && subtype !== "octet-stream" ? subtype.toUpperCase() : "File";
}

const MEDIA_ICONS = { photo: "📷", document: "📄", voiceNote: "🎤" };

/**
 * What a message says in one line (a chat-list preview, a quote, the reply bar): its text, or a medium's icon and its
 * caption, or without one what it is, as the gateway words a caption-less medium in the chat list ("Photo", the
 * document's name, "Voice note (0:07)"). A line the gateway already worded (the chat list, a quote) has no media.
 */
export function summaryText({ kind, content, media }) {
  const icon = MEDIA_ICONS[kind];
  if (!icon) return content;
  if (content || !media) return `${icon} ${content || ""}`.trimEnd();
  const what = kind === "photo" ? "Photo" : kind === "document" ? media.fileName
    : media.durationMs ? `Voice note (${durationText(media.durationMs)})` : "Voice note";
  return `${icon} ${what}`;
}
