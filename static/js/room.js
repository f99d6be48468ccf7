// The live room page: one WebSocket speaking docs/protocol.md, rebuilt on every reconnect.
// ES modules, no build step. Each part of the page is a module that registers what it listens
// to in one event table (lib/events.js): the server's message types, the socket's life
// ("socket.*") and the participant list's changes ("people.changed"). Handlers run in the order
// the modules are set up below.
import { byId } from "./lib/dom.js";
import { createBus } from "./lib/events.js";
import { strings } from "./lib/i18n.js";
import { setUpAlerts } from "./room/alerts.js";
import { setUpAudience } from "./room/audience.js";
import { setUpChat } from "./room/chat.js";
import { setUpLobby } from "./room/lobby.js";
import { setUpMedia } from "./room/media/call.js";
import { setUpRecording } from "./room/media/recording.js";
import { setUpPeople } from "./room/people.js";
import { newPresence } from "./room/presence.js";
import { createRoomSocket } from "./room/socket.js";
import { setUpStatus } from "./room/status.js";

const root = byId("room");
if (root) {
  const T = strings("room-strings");
  const bus = createBus();
  const socket = createRoomSocket("/ws/rooms/" + root.dataset.occurrence + "/", bus);
  const send = socket.send;
  // Who this page is, the room, and its participants (presence.js): read by the modules, set here.
  // `sendFrom(place, message)` (status.js) sends and shows a refusal next to the control used.
  const session = { me: null, room: null, presence: newPresence(), sendFrom: null };
  bus.on("hello", (m) => {
    session.me = m.you;
    session.room = m.room;
    session.presence = newPresence();
  });

  setUpStatus({ bus, session, send, T });
  setUpLobby({ bus, socket, session, T });
  setUpPeople({ bus, session, send, T });
  setUpAudience({ bus, session, send, T });
  const alerts = setUpAlerts({ bus, session, T });
  setUpChat({ bus, session });
  const media = setUpMedia({ bus, send });
  const recording = setUpRecording({ bus, session, send });

  // For tests and diagnostics only (no module reads these): the socket, who this page is, what
  // the media connections receive, the lobby's announcements.
  window.hadirRoom = { send, me: () => session.me, people: () => session.presence.people, alerts };
  if (media) { window.hadirMedia = media; }
  if (recording) { window.hadirRecording = recording; }

  socket.connect();
}
