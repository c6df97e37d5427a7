import '../components/cs-active-sessions/cs-active-sessions.js';
import type { Workspace } from '../src/model/workspace.js';

// The dev broker's fleet belongs to three organisations (username suffixes); everything else
// (e-mail-like usernames, no username) falls into the last workspace, which matches all.
const source = { kind: 'emqx', baseUrl: '/api/v5' } as const;
const workspaces: Workspace[] = [
  { id: 'acme', label: 'Acme', source, match: { usernameSuffix: '@org_k7xm4pqr2n5t' } },
  { id: 'globex', label: 'Globex', source, match: { usernameSuffix: '@org_p2m9q4w8z1xc' } },
  { id: 'initech', label: 'Initech', source, match: { usernameSuffix: '@org_h5j3n8v2b6rt' } },
  { id: 'other', label: 'Other users', source },
];

declare const __DEMO_LIVE__: { url: string; username: string; password: string };

const element = document.querySelector('cs-active-sessions');
if (element) {
  element.workspaces = workspaces;
  // Connects and disconnects show as they happen; the 30 s poll stays as the safety net.
  element.liveUrl = __DEMO_LIVE__.url;
  element.liveCredentials = { username: __DEMO_LIVE__.username, password: __DEMO_LIVE__.password };
  element.live = true;
}
