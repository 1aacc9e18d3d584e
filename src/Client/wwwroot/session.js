// Signing in and out, and the signed-in user's own settings. The session (the gateway's answer to a sign-in: id, name
// and token) lives in this tab's sessionStorage, so a reload stays signed in and two tabs may be two users.

import { mediaClient, restClient } from "./gateway.js";
import { gatewayUrl, SESSION_KEY, state } from "./state.js";
import * as view from "./views.js";

const { $ } = view;

const asSignedInUser = {
  token: () => state.session?.token,
  onExpired: () => logout("Your session has expired. Please log in again."),
};

/** The gateway's REST API, as the signed-in user; a 401 to a signed-in call ends the session. */
export const request = restClient(gatewayUrl, asSignedInUser);

/** Uploads and downloads of photos, documents and voice notes, as the signed-in user. */
export const transfers = mediaClient(gatewayUrl, asSignedInUser);

let registering = false;
let whenSignedIn = async () => {};

function showAuthMode(register) {
  registering = register;
  view.showAuthMode(register);
}

/** Shows the chat for the tab's session, or the sign-in form; signedIn runs whenever a session starts. */
export function startSession(signedIn) {
  whenSignedIn = signedIn;
  if (state.session) {
    signedIn();
  } else {
    view.showSignedOut();
    showAuthMode(false);
  }
}

export function logout(message) {
  state.hub?.stop();
  state.hub = null;
  state.session = null;
  state.blocked = new Set();
  sessionStorage.removeItem(SESSION_KEY);
  location.hash = "";
  view.showSignedOut(message);
}

$("show-login").onclick = () => showAuthMode(false);
$("show-register").onclick = () => showAuthMode(true);
$("logout").onclick = () => logout();

$("auth-form").onsubmit = async event => {
  event.preventDefault();
  $("auth-error").textContent = "";
  const userId = Number($("auth-user").value.trim().replace(/^\+/, ""));
  if (!Number.isSafeInteger(userId) || userId <= 0) {
    $("auth-error").textContent = "Your user id is your phone number: digits only, up to 15 of them.";
    return;
  }
  const body = { userId, password: $("auth-password").value };
  if (registering) body.displayName = $("auth-name").value;
  try {
    const auth = await request("POST", registering ? "/api/auth/register" : "/api/auth/login", body);
    state.session = auth;
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(auth));
    await whenSignedIn();
  } catch (error) {
    $("auth-error").textContent = error.message;
  }
};

// Who sees this user's presence, and who may put them into groups: the gateway keeps the settings; the page shows and
// changes them, each select one setting.
const privacySelects = { presence: $("presence-visibility"), groupAdds: $("group-adds") };
for (const [setting, select] of Object.entries(privacySelects)) {
  select.onchange = async () => {
    try {
      await request("PUT", "/api/users/me/privacy", { [setting]: select.value });
    } catch (error) {
      view.showChatError(error.message);
      await refreshPrivacy();
    }
  };
}

export async function refreshPrivacy() {
  try {
    const settings = await request("GET", "/api/users/me/privacy");
    for (const [setting, select] of Object.entries(privacySelects)) select.value = settings[setting];
  } catch {
    // Shown as the default until the next sign-in reads it; changing it still works.
  }
}
