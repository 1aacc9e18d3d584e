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
